// @ts-check
'use strict';

/**
 * The control API under /__emulator/, for tools that run outside the emulator's process
 * (for example an end-to-end test driving a real n8n). It speaks JSON in UTF-8 and has
 * no login: the server only listens on 127.0.0.1. Requests with a body must declare
 * `Content-Type: application/json`, which a cross-site HTML form cannot send.
 */

const { toJsonEntry, MASK } = require('./log');
const { InvalidFaultError, normaliseFault } = require('./faults');

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('./types').ResolvedOptions} ResolvedOptions */

/**
 * Emulator parts that the control API reads and changes.
 * @typedef {object} ControlTarget
 * @property {import('./state').EmulatorState} state
 * @property {import('./types').RequestLogEntry[]} requests
 * @property {import('./faults').FaultRegistry} faults
 * @property {() => ResolvedOptions} getOptions
 * @property {(changes: import('./types').MutableOptions) => ResolvedOptions} setOptions
 * @property {() => void} reset
 */

const CONTROL_PREFIX = '/__emulator/';
const MAX_JSON_BYTES = 1024 * 1024;

/** Raised for a control request that cannot be served. `status` is the HTTP status to send. */
class ControlError extends Error {
	/**
	 * @param {number} status
	 * @param {string} message
	 * @param {string[]} [allowedMethods] Methods for the Allow header of a 405 response.
	 */
	constructor(status, message, allowedMethods = []) {
		super(message);
		this.status = status;
		this.allowedMethods = allowedMethods;
	}
}

/**
 * @param {ServerResponse} response
 * @param {number} status
 * @param {unknown} value
 */
function sendJson(response, status, value) {
	const body = Buffer.from(JSON.stringify(value, null, 2) + '\n', 'utf8');
	response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length });
	response.end(body);
}

/**
 * Reads a JSON request body of at most 1 MiB.
 * @param {IncomingMessage} request
 * @returns {Promise<unknown>}
 */
async function readJson(request) {
	const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	if (contentType !== 'application/json') {
		request.resume();
		throw new ControlError(415, `Expected Content-Type: application/json, got ${JSON.stringify(contentType)}`);
	}

	/** @type {Buffer[]} */
	const chunks = [];
	let length = 0;
	for await (const chunk of request) {
		length += chunk.length;
		if (length > MAX_JSON_BYTES) throw new ControlError(413, `JSON body too large: the limit is ${MAX_JSON_BYTES} bytes`);
		chunks.push(chunk);
	}

	try {
		return JSON.parse(Buffer.concat(chunks).toString('utf8'));
	} catch (error) {
		throw new ControlError(400, `Invalid JSON body: ${/** @type {Error} */ (error).message}`);
	}
}

/** @param {ResolvedOptions} options */
function maskOptions(options) {
	return { ...options, password: MASK };
}

/**
 * @param {string} method
 * @param {string[]} allowed
 */
function requireMethod(method, allowed) {
	if (!allowed.includes(method)) {
		throw new ControlError(405, `Method ${method} is not allowed here (allowed: ${allowed.join(', ')})`, allowed);
	}
}

/**
 * Serves one control request.
 * @param {IncomingMessage} request
 * @param {ServerResponse} response
 * @param {string} path Path below /__emulator/, e.g. "state".
 * @param {URLSearchParams} searchParams
 * @param {ControlTarget} target
 */
async function serveControl(request, response, path, searchParams, target) {
	const method = request.method ?? 'GET';
	const fileMatch = /^requests\/([0-9]+)\/file$/.exec(path);

	if (path === 'state') {
		requireMethod(method, ['GET']);
		sendJson(response, 200, target.state.snapshot());
	} else if (path === 'requests') {
		requireMethod(method, ['GET']);
		const sinceText = searchParams.get('since') ?? '0';
		if (!/^[0-9]+$/.test(sinceText)) throw new ControlError(400, `Invalid since: ${sinceText} (expected a request id)`);
		const since = Number(sinceText);
		const options = target.getOptions();
		sendJson(
			response,
			200,
			target.requests.filter((entry) => entry.id > since).map((entry) => toJsonEntry(entry, options)),
		);
	} else if (fileMatch) {
		requireMethod(method, ['GET']);
		const id = Number(fileMatch[1]);
		const entry = target.requests.find((candidate) => candidate.id === id);
		if (!entry || !entry.file) throw new ControlError(404, `No uploaded file for request ${id}`);
		response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': entry.file.byteLength });
		response.end(entry.file.bytes);
	} else if (path === 'numbers') {
		requireMethod(method, ['GET']);
		const cid = searchParams.get('cid');
		if (cid === null || cid === '') throw new ControlError(400, 'Missing query parameter: cid');
		sendJson(response, 200, [...target.state.getNumbers(cid)]);
	} else if (path === 'faults') {
		requireMethod(method, ['GET', 'POST', 'DELETE']);
		await serveFaults(request, response, method, target);
	} else if (path === 'options') {
		requireMethod(method, ['GET', 'POST']);
		if (method === 'POST') {
			const changes = await readJson(request);
			try {
				target.setOptions(/** @type {import('./types').MutableOptions} */ (changes));
			} catch (error) {
				throw new ControlError(400, /** @type {Error} */ (error).message);
			}
		}
		sendJson(response, 200, maskOptions(target.getOptions()));
	} else if (path === 'reset') {
		requireMethod(method, ['POST']);
		request.resume();
		target.reset();
		response.writeHead(204);
		response.end();
	} else {
		throw new ControlError(404, `Unknown control endpoint: ${CONTROL_PREFIX}${path}`);
	}
}

/**
 * GET lists the active faults, POST adds one fault or an array of faults (all or none),
 * DELETE removes them all.
 * @param {IncomingMessage} request
 * @param {ServerResponse} response
 * @param {string} method
 * @param {ControlTarget} target
 */
async function serveFaults(request, response, method, target) {
	if (method === 'GET') {
		sendJson(response, 200, target.faults.list());
		return;
	}
	if (method === 'DELETE') {
		request.resume();
		target.faults.clear();
		response.writeHead(204);
		response.end();
		return;
	}

	const input = await readJson(request);
	const specs = Array.isArray(input) ? input : [input];
	try {
		// Validate every fault first so that a bad entry in an array adds none of them.
		specs.forEach((spec) => normaliseFault(spec, 0));
	} catch (error) {
		if (error instanceof InvalidFaultError) throw new ControlError(400, error.message);
		throw error;
	}
	sendJson(response, 201, specs.map((spec) => target.faults.add(spec)));
}

/**
 * Serves a control request and turns failures into JSON error responses.
 * @param {IncomingMessage} request
 * @param {ServerResponse} response
 * @param {string} path
 * @param {string} rawQuery
 * @param {ControlTarget} target
 */
async function handleControlRequest(request, response, path, rawQuery, target) {
	try {
		await serveControl(request, response, path.slice(CONTROL_PREFIX.length), new URLSearchParams(rawQuery), target);
	} catch (error) {
		if (!(error instanceof ControlError)) throw error;
		if (error.allowedMethods.length > 0) response.setHeader('Allow', error.allowedMethods.join(', '));
		sendJson(response, error.status, { error: error.message });
	}
}

module.exports = { handleControlRequest, CONTROL_PREFIX };
