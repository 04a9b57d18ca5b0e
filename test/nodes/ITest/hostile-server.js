// @ts-check
'use strict';

// A loopback HTTP server that responds like a broken or hostile iTest: any bytes, endless
// bodies and bodies that trickle in, recording how much it sent before the client hung up.

const http = require('node:http');

/**
 * @typedef {{ kind: 'bytes', status?: number, headers?: Record<string, string>, body: Buffer }
 *   | { kind: 'stream', status?: number, headers?: Record<string, string>, totalBytes: number }
 *   | { kind: 'trickle', status?: number, headers?: Record<string, string>, intervalMs: number }} HostileReply
 */

/**
 * @typedef {object} ReplyRecord
 * @property {number} bytesWritten body bytes handed to the socket
 * @property {boolean} clientClosed whether the client closed the connection before the body ended
 * @property {Promise<void>} closed settles once the connection is closed
 */

/**
 * @typedef {object} HostileServer
 * @property {string} url base URL with a trailing slash
 * @property {ReplyRecord[]} replies one record per request, oldest first
 * @property {() => Promise<void>} close stops the server and drops open connections
 */

const CHUNK = Buffer.from('<Filler>'.padEnd(64 * 1024, 'x'));

/**
 * Writes `totalBytes` of filler, waiting for the socket to drain, until done or closed.
 * @param {http.ServerResponse} response
 * @param {ReplyRecord} record
 * @param {number} totalBytes
 */
function writeStream(response, record, totalBytes) {
	const writeMore = () => {
		while (!response.destroyed && record.bytesWritten < totalBytes) {
			const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, totalBytes - record.bytesWritten));
			record.bytesWritten += chunk.length;
			if (!response.write(chunk)) {
				response.once('drain', writeMore);
				return;
			}
		}
		if (!response.destroyed) response.end();
	};
	writeMore();
}

/**
 * Starts the server on 127.0.0.1. `reply` picks the response to each request.
 * @param {() => HostileReply} reply
 * @returns {Promise<HostileServer>}
 */
async function startHostileServer(reply) {
	/** @type {ReplyRecord[]} */
	const replies = [];
	/** @type {Set<NodeJS.Timeout>} */
	const timers = new Set();

	const server = http.createServer((request, response) => {
		request.resume();
		request.on('end', () => {
			const answer = reply();
			/** @type {ReplyRecord} */
			const record = { bytesWritten: 0, clientClosed: false, closed: Promise.resolve() };
			record.closed = new Promise((resolve) => {
				response.on('close', () => {
					record.clientClosed = !response.writableFinished;
					resolve();
				});
			});
			replies.push(record);

			response.writeHead(answer.status ?? 200, answer.headers ?? { 'Content-Type': 'text/xml; charset=ISO-8859-1' });
			if (answer.kind === 'bytes') {
				record.bytesWritten = answer.body.length;
				response.end(answer.body);
			} else if (answer.kind === 'stream') {
				writeStream(response, record, answer.totalBytes);
			} else {
				const timer = setInterval(() => {
					record.bytesWritten++;
					response.write('<');
				}, answer.intervalMs);
				timers.add(timer);
				response.on('close', () => {
					clearInterval(timer);
					timers.delete(timer);
				});
			}
		});
	});

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(undefined));
	});
	const address = server.address();
	if (address === null || typeof address === 'string') {
		throw new Error(`Hostile server has no TCP address: ${String(address)}`);
	}

	return {
		url: `http://127.0.0.1:${address.port}/`,
		replies,
		close: () =>
			new Promise((resolve, reject) => {
				for (const timer of timers) clearInterval(timer);
				timers.clear();
				server.closeAllConnections();
				server.close((error) => (error ? reject(error) : resolve()));
			}),
	};
}

module.exports = { startHostileServer };
