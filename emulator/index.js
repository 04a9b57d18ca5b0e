// @ts-check
'use strict';

/**
 * Local emulator of the iTest Reseller API for tests, demos and benchmarks: an HTTP
 * server on 127.0.0.1 with in-memory state, a request log, injectable faults and a
 * control API under /__emulator/.
 */

const http = require('node:http');
const { resolveOptions, changeOptions, DEFAULT_OPTIONS, LOOPBACK_HOST } = require('./options');
const { EmulatorState } = require('./state');
const { FaultRegistry, buildFaultResponse } = require('./faults');
const { RequestLog } = require('./log');
const { readApiBody, RequestBodyError } = require('./request');
const { parseFormEncoded, normaliseFieldName } = require('./protocol');
const { runApiRequest, previewSuccess } = require('./operations');
const { renderEnvelope, encodeXmlResponse } = require('./xml');
const { handleControlRequest, CONTROL_PREFIX } = require('./control');

/** @typedef {import('./types').EmulatorOptions} EmulatorOptions */
/** @typedef {import('./types').ResolvedOptions} ResolvedOptions */
/** @typedef {import('./types').RequestLogEntry} RequestLogEntry */
/** @typedef {import('./types').TextEncoding} TextEncoding */
/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

/** Timers that `close()` can cut short, so a stopped emulator leaves no pending delay behind. */
class DelayScheduler {
	constructor() {
		/** @type {Set<{ timer: NodeJS.Timeout, resolve: () => void }>} */
		this.pending = new Set();
	}

	/**
	 * Resolves after `ms` milliseconds, or at once when cancelAll runs.
	 * @param {number} ms
	 * @returns {Promise<void>}
	 */
	wait(ms) {
		return new Promise((resolve) => {
			const item = {
				timer: setTimeout(() => {
					this.pending.delete(item);
					resolve();
				}, ms),
				resolve,
			};
			this.pending.add(item);
		});
	}

	cancelAll() {
		for (const item of this.pending) {
			clearTimeout(item.timer);
			item.resolve();
		}
		this.pending.clear();
	}
}

/**
 * Sends a complete response and records it in the log entry.
 * @param {ServerResponse} response
 * @param {RequestLogEntry} entry
 * @param {number} status
 * @param {Record<string, string>} headers
 * @param {Buffer} body
 * @param {TextEncoding} bodyEncoding Encoding used to decode the body for the log.
 */
function send(response, entry, status, headers, body, bodyEncoding) {
	response.writeHead(status, { ...headers, 'Content-Length': String(body.length) });
	response.end(body);
	entry.httpStatus = status;
	entry.responseText = body.toString(bodyEncoding);
}

/**
 * @param {ServerResponse} response
 * @param {RequestLogEntry} entry
 * @param {number} status
 * @param {string} text
 * @param {Record<string, string>} [headers]
 */
function sendText(response, entry, status, text, headers = {}) {
	send(response, entry, status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }, Buffer.from(text, 'utf8'), 'utf8');
}

/**
 * Starts an emulator on 127.0.0.1 and resolves once it listens.
 * @param {EmulatorOptions} [options]
 */
async function startEmulator(options = {}) {
	let current = resolveOptions(DEFAULT_OPTIONS, options);
	const state = new EmulatorState();
	/** @type {RequestLogEntry[]} */
	const requests = [];
	const log = new RequestLog(requests);
	const faults = new FaultRegistry();
	const delays = new DelayScheduler();
	let closing = false;

	function reset() {
		state.reset();
		log.reset();
		faults.reset();
	}

	/** @param {import('./types').MutableOptions} changes */
	function setOptions(changes) {
		current = changeOptions(current, changes);
		return { ...current };
	}

	const controlTarget = { state, requests, faults, getOptions: () => current, setOptions, reset };

	/**
	 * @param {IncomingMessage} request
	 * @param {ServerResponse} response
	 * @param {string} path
	 * @param {string} rawQuery
	 */
	async function handleApiRequest(request, response, path, rawQuery) {
		// Options are read once so that a concurrent setOptions cannot change them mid-request.
		const options = current;
		const method = request.method ?? '';
		const entry = log.open(
			{ method, path, rawQuery, contentType: request.headers['content-type'] ?? null },
			options.maxLoggedRequests,
		);

		if (path !== '/') {
			request.resume();
			sendText(response, entry, 404, `Not found: ${path}. The iTest API accepts requests only at /.\n`);
			return;
		}
		if (method !== 'POST') {
			request.resume();
			sendText(response, entry, 405, `Method ${method} is not allowed: the iTest API expects POST.\n`, { Allow: 'POST' });
			return;
		}

		// Node's HTTP parser rejects request targets with non-ASCII bytes, so the raw query is ASCII.
		const query = parseFormEncoded(Buffer.from(rawQuery, 'latin1'), options.textEncoding);
		entry.query = query.values;
		entry.queryBytes = query.bytes;
		entry.t = query.values.t ?? null;

		let body;
		try {
			body = await readApiBody(request, options);
		} catch (error) {
			if (!(error instanceof RequestBodyError)) throw error;
			sendText(response, entry, error.status, `${error.message}\n`, error.status === 413 ? { Connection: 'close' } : {});
			return;
		}
		entry.body = body.fields.values;
		entry.bodyBytes = body.fields.bytes;
		entry.file = body.file;
		entry.login = {
			user: body.fields.values[normaliseFieldName(options.userField)] ?? null,
			password: body.fields.values[normaliseFieldName(options.passField)] ?? null,
		};

		// The fault is chosen before anything else happens, so it applies before the operation.
		const fault = faults.take(entry.t);
		entry.fault = fault ? fault.type : null;

		if (options.latencyMs > 0) await delays.wait(options.latencyMs);
		if (fault && fault.type === 'slow') await delays.wait(/** @type {number} */ (fault.ms));
		if (closing) {
			request.socket.destroy();
			return;
		}

		const apiRequest = { query, body: body.fields, file: body.file };
		const runsOperation = !fault || fault.type === 'slow' || fault.afterOperation;
		const outcome = runsOperation ? runApiRequest(apiRequest, state, options) : null;

		if (outcome && (!fault || fault.type === 'slow')) {
			const { contentType, body: xmlBody } = encodeXmlResponse(renderEnvelope(outcome.envelope, outcome.result), options);
			send(response, entry, 200, { 'Content-Type': contentType }, xmlBody, options.textEncoding);
			return;
		}

		const faulted = buildFaultResponse(/** @type {import('./types').FaultRecord} */ (fault), outcome ?? previewSuccess(query.values), options);
		if (faulted.kind === 'reset') {
			request.socket.destroy();
			return;
		}
		const contentType = faulted.headers['Content-Type'];
		/** @type {TextEncoding} */
		let bodyEncoding = 'utf8';
		if (fault && fault.type === 'latin1') bodyEncoding = 'latin1';
		else if (contentType.startsWith('text/xml')) bodyEncoding = options.textEncoding;
		send(response, entry, faulted.status, faulted.headers, faulted.body, bodyEncoding);
	}

	/**
	 * @param {IncomingMessage} request
	 * @param {ServerResponse} response
	 */
	async function handleRequest(request, response) {
		const target = request.url ?? '/';
		const questionMark = target.indexOf('?');
		const path = questionMark === -1 ? target : target.slice(0, questionMark);
		const rawQuery = questionMark === -1 ? '' : target.slice(questionMark + 1);

		if (path.startsWith(CONTROL_PREFIX)) {
			await handleControlRequest(request, response, path, rawQuery, controlTarget);
		} else {
			await handleApiRequest(request, response, path, rawQuery);
		}
	}

	const server = http.createServer((request, response) => {
		handleRequest(request, response).catch((/** @type {NodeJS.ErrnoException} */ error) => {
			// A client that disconnects mid-body cannot get a response. Its log entry keeps httpStatus null.
			if (error.code === 'ECONNRESET' && request.destroyed) return;

			// Any other failure here is an emulator bug, so it is logged and sent as a 500 for the test to see.
			console.error(`iTest emulator: handling ${request.method} ${request.url} failed:`, error);
			if (response.headersSent) {
				response.destroy();
				return;
			}
			response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
			response.end(`Emulator internal error: ${error.message}\n`);
		});
	});

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(current.port, LOOPBACK_HOST, () => {
			server.off('error', reject);
			resolve(undefined);
		});
	});

	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	const port = address.port;
	// Report the port actually bound, not 0, in the options.
	current = { ...current, port };

	return {
		url: `http://${LOOPBACK_HOST}:${port}/`,
		port,
		state,
		requests,
		/** The current options, as a copy. */
		get options() {
			return { ...current };
		},
		/**
		 * Registers a fault and returns its record. Throws InvalidFaultError for a bad specification.
		 * @param {import('./types').FaultSpec} fault
		 */
		setFault(fault) {
			return faults.add(fault);
		},
		/** Returns the active faults with their remaining counts. */
		listFaults() {
			return faults.list();
		},
		clearFaults() {
			faults.clear();
		},
		/** Clears the state, the request log and the faults. Options stay as they are. */
		reset,
		setOptions,
		/**
		 * Stops listening, ends open connections and cancels pending delays.
		 * @returns {Promise<void>}
		 */
		close() {
			if (closing) return Promise.resolve();
			closing = true;
			delays.cancelAll();
			return new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
}

module.exports = { startEmulator, DEFAULT_OPTIONS };
