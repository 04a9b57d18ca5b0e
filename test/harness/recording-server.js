// @ts-check
'use strict';

// A loopback HTTP server for harness tests that records each request it receives. It lives
// in a CommonJS file because the community-node lint forbids `node:http` in `.ts` files.

const http = require('node:http');

/**
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} url path and query string, such as `/api?t=4010`
 * @property {http.IncomingHttpHeaders} headers header names in lower case
 * @property {string} body the raw body decoded as UTF-8
 */

/**
 * @typedef {object} CannedResponse
 * @property {number} [status] defaults to 200
 * @property {Record<string, string>} [headers] defaults to a JSON content type
 * @property {string} [body] defaults to `{"ok":true}`
 */

/**
 * @typedef {object} RecordingServer
 * @property {string} url base URL without a trailing slash, such as `http://127.0.0.1:40123`
 * @property {RecordedRequest[]} requests every request so far, oldest first
 * @property {() => Promise<void>} close stops the server and drops open connections
 */

/**
 * Starts a server on 127.0.0.1 at a free port. Each request is recorded once its body has
 * been read, and the response is built by `respond(request)`.
 * @param {(request: RecordedRequest) => CannedResponse} [respond]
 * @returns {Promise<RecordingServer>}
 */
async function startRecordingServer(respond = () => ({})) {
	/** @type {RecordedRequest[]} */
	const requests = [];

	const server = http.createServer((req, res) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			/** @type {RecordedRequest} */
			const request = {
				method: req.method ?? '',
				url: req.url ?? '',
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8'),
			};
			requests.push(request);

			const {
				status = 200,
				headers = { 'content-type': 'application/json' },
				body = '{"ok":true}',
			} = respond(request);
			res.writeHead(status, headers);
			res.end(body);
		});
	});

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(undefined));
	});
	const address = server.address();
	if (address === null || typeof address === 'string') {
		throw new Error(`Recording server has no TCP address: ${String(address)}`);
	}

	return {
		url: `http://127.0.0.1:${address.port}`,
		requests,
		close: () =>
			new Promise((resolve, reject) => {
				server.closeAllConnections();
				server.close((error) => (error ? reject(error) : resolve()));
			}),
	};
}

module.exports = { startRecordingServer };
