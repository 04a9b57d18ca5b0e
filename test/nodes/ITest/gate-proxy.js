// @ts-check
'use strict';

// A loopback proxy in front of the emulator that holds every request until the test releases
// it, so a test decides in which order parallel requests finish, without timing.

const http = require('node:http');

/**
 * @typedef {object} GateProxy
 * @property {string} url base URL with a trailing slash, such as `http://127.0.0.1:40123/`
 * @property {(userId: string) => Promise<void>} arrived resolves once the request for this `uid` is held
 * @property {(userId: string) => Promise<void>} release forwards the held request for this `uid` and resolves once its response has been sent
 * @property {() => string[]} heldUserIds the `uid` of every request held and not yet released, in arrival order
 * @property {string[]} events `arrived U-1` and `finished U-1` entries in the order they happened
 * @property {() => Promise<void>} close stops the proxy and drops open connections
 */

/**
 * Starts the proxy on 127.0.0.1 in front of `127.0.0.1:targetPort`. Requests are told apart by
 * their `uid` query field, so each test request must carry a distinct one.
 * @param {number} targetPort
 * @returns {Promise<GateProxy>}
 */
async function startGateProxy(targetPort) {
	/** @type {Map<string, () => Promise<void>>} */
	const held = new Map();
	/** @type {Map<string, Array<() => void>>} */
	const waiters = new Map();
	/** @type {string[]} */
	const events = [];

	const server = http.createServer((request, response) => {
		/** @type {Buffer[]} */
		const chunks = [];
		request.on('data', (chunk) => chunks.push(chunk));
		request.on('end', () => {
			const userId = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('uid') ?? '';
			const forward = () =>
				new Promise((resolve) => {
					const upstream = http.request(
						{ host: '127.0.0.1', port: targetPort, method: request.method, path: request.url, headers: request.headers },
						(upstreamResponse) => {
							response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
							upstreamResponse.pipe(response);
							response.on('finish', () => {
								events.push(`finished ${userId}`);
								resolve(undefined);
							});
						},
					);
					upstream.on('error', () => {
						request.socket.destroy();
						resolve(undefined);
					});
					upstream.end(Buffer.concat(chunks));
				});
			held.set(userId, /** @type {() => Promise<void>} */ (forward));
			events.push(`arrived ${userId}`);
			for (const wake of waiters.get(userId) ?? []) wake();
			waiters.delete(userId);
		});
	});

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(undefined));
	});
	const address = server.address();
	if (address === null || typeof address === 'string') throw new Error('The gate proxy has no TCP address');

	return {
		url: `http://127.0.0.1:${address.port}/`,
		arrived: (userId) => {
			if (held.has(userId) || events.includes(`arrived ${userId}`)) return Promise.resolve();
			return new Promise((resolve) => waiters.set(userId, [...(waiters.get(userId) ?? []), () => resolve(undefined)]));
		},
		release: async (userId) => {
			const forward = held.get(userId);
			if (!forward) throw new Error(`No request for uid ${userId} is held; held: ${[...held.keys()].join(', ') || 'none'}`);
			held.delete(userId);
			await forward();
		},
		heldUserIds: () => [...held.keys()],
		events,
		close: async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(() => resolve(undefined)));
		},
	};
}

module.exports = { startGateProxy };
