// @ts-check
'use strict';

// A loopback proxy in front of the emulator that lets a test decide, request by request, which
// emulator fault applies. The emulator's own faults apply to "the next N requests"; the proxy
// registers one just before it forwards the request it is meant for.

const http = require('node:http');

/**
 * @typedef {object} ProxiedRequest
 * @property {number} number 1 for the first request through the proxy
 * @property {string} url path and query string, as received
 */

/**
 * @typedef {object} FaultProxy
 * @property {string} url base URL with a trailing slash, such as `http://127.0.0.1:40123/`
 * @property {number} port
 * @property {() => Promise<void>} close stops the proxy and drops open connections
 */

/**
 * Starts a proxy on 127.0.0.1 that forwards every request to `127.0.0.1:targetPort`. Each
 * request is read completely, then `beforeForward` runs, then the request is forwarded. When the
 * target closes the connection without a response, the proxy closes the client's connection too.
 * Requests must not overlap, or a fault registered for one may hit another.
 * @param {number} targetPort
 * @param {(request: ProxiedRequest) => void} beforeForward
 * @returns {Promise<FaultProxy>}
 */
async function startFaultProxy(targetPort, beforeForward) {
	let count = 0;

	const server = http.createServer((request, response) => {
		/** @type {Buffer[]} */
		const chunks = [];
		request.on('data', (chunk) => chunks.push(chunk));
		request.on('end', () => {
			count++;
			beforeForward({ number: count, url: request.url ?? '' });

			const upstream = http.request(
				{ host: '127.0.0.1', port: targetPort, method: request.method, path: request.url, headers: request.headers },
				(upstreamResponse) => {
					response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
					upstreamResponse.pipe(response);
				},
			);
			upstream.on('error', () => request.socket.destroy());
			upstream.end(Buffer.concat(chunks));
		});
	});

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(undefined));
	});
	const address = server.address();
	if (address === null || typeof address === 'string') {
		throw new Error(`Fault proxy has no TCP address: ${String(address)}`);
	}

	return {
		url: `http://127.0.0.1:${address.port}/`,
		port: address.port,
		close: () =>
			new Promise((resolve, reject) => {
				server.closeAllConnections();
				server.close((error) => (error ? reject(error) : resolve()));
			}),
	};
}

module.exports = { startFaultProxy };
