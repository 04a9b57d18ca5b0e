// @ts-check
'use strict';

/**
 * Faults for reliability tests: a queue of fault rules, each applied to the next N API
 * requests (or to all of them), optionally only for one request type, and the damaged
 * responses they produce.
 */

const { renderEnvelope, encodeXmlResponse, charsetName } = require('./xml');
const { encodeText } = require('./protocol');

/** @typedef {import('./types').FaultSpec} FaultSpec */
/** @typedef {import('./types').FaultRecord} FaultRecord */
/** @typedef {import('./types').FaultType} FaultType */
/** @typedef {import('./types').ResolvedOptions} ResolvedOptions */
/** @typedef {import('./xml').Envelope} Envelope */
/** @typedef {import('./xml').ResultElement} ResultElement */

/** @typedef {{ kind: 'response', status: number, headers: Record<string, string>, body: Buffer }} FaultHttpResponse */
/** @typedef {{ kind: 'reset' } | FaultHttpResponse} FaultResponse */

/** @type {Record<FaultType, string[]>} Parameters each fault type accepts besides type, count, t and afterOperation. */
const FAULT_PARAMETERS = {
	slow: ['ms'],
	status: ['status'],
	rateLimit: ['retryAfter'],
	reset: [],
	html: [],
	truncated: ['bytes'],
	statusText: ['text'],
	wrongRoot: ['root'],
	empty: [],
	latin1: ['text'],
};

const COMMON_PARAMETERS = ['type', 'count', 't', 'afterOperation'];
const SERVER_ERROR_STATUSES = [500, 502, 503, 504];

/** Status text of the latin1 fault when none is given. Its é and ô are single bytes in ISO-8859-1. */
const DEFAULT_LATIN1_TEXT = "Invalid value for name: Télécom Côte d'Ivoire";

const REASON_PHRASES = /** @type {Record<number, string>} */ ({
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
});

/** Raised for a fault specification that cannot be applied. The message names the problem. */
class InvalidFaultError extends Error {
	/** @param {string} message */
	constructor(message) {
		super(message);
		this.name = 'InvalidFaultError';
	}
}

/**
 * @param {unknown} value
 * @param {string} name
 * @param {number} min
 */
function requireWholeNumber(value, name, min) {
	if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
		throw new InvalidFaultError(`Invalid fault: ${name} must be a whole number of at least ${min}, got ${JSON.stringify(value)}`);
	}
	return value;
}

/**
 * Validates a fault specification and returns its registered form.
 * @param {unknown} input
 * @param {number} id
 * @returns {FaultRecord}
 */
function normaliseFault(input, id) {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) {
		throw new InvalidFaultError('Invalid fault: expected an object with a type');
	}
	const spec = /** @type {Record<string, unknown>} */ (input);
	const type = /** @type {FaultType} */ (spec.type);
	if (typeof type !== 'string' || !Object.hasOwn(FAULT_PARAMETERS, type)) {
		throw new InvalidFaultError(
			`Invalid fault: unknown type ${JSON.stringify(spec.type)} (expected one of ${Object.keys(FAULT_PARAMETERS).join(', ')})`,
		);
	}

	const allowed = [...COMMON_PARAMETERS, ...FAULT_PARAMETERS[type]];
	for (const key of Object.keys(spec)) {
		if (!allowed.includes(key)) {
			throw new InvalidFaultError(`Invalid fault: ${type} does not take ${key} (allowed: ${allowed.join(', ')})`);
		}
	}

	/** @type {FaultRecord} */
	const record = {
		id,
		type,
		t: null,
		remaining: spec.count === undefined ? null : requireWholeNumber(spec.count, 'count', 1),
		afterOperation: false,
	};

	if (spec.t !== undefined) {
		if ((typeof spec.t !== 'string' && typeof spec.t !== 'number') || String(spec.t) === '') {
			throw new InvalidFaultError(`Invalid fault: t must be a request type such as "4010", got ${JSON.stringify(spec.t)}`);
		}
		record.t = String(spec.t);
	}
	if (spec.afterOperation !== undefined) {
		if (typeof spec.afterOperation !== 'boolean') {
			throw new InvalidFaultError(`Invalid fault: afterOperation must be true or false, got ${JSON.stringify(spec.afterOperation)}`);
		}
		if (type === 'slow' && spec.afterOperation) {
			throw new InvalidFaultError('Invalid fault: afterOperation does not apply to slow, which always runs the operation');
		}
		record.afterOperation = spec.afterOperation;
	}

	switch (type) {
		case 'slow':
			record.ms = requireWholeNumber(spec.ms, 'ms', 1);
			break;
		case 'status':
			record.status = spec.status === undefined ? 503 : /** @type {number} */ (spec.status);
			if (!SERVER_ERROR_STATUSES.includes(record.status)) {
				throw new InvalidFaultError(`Invalid fault: status must be one of ${SERVER_ERROR_STATUSES.join(', ')}, got ${JSON.stringify(spec.status)}`);
			}
			break;
		case 'rateLimit':
			record.retryAfter = spec.retryAfter === undefined ? 1 : requireWholeNumber(spec.retryAfter, 'retryAfter', 0);
			break;
		case 'truncated':
			if (spec.bytes !== undefined) record.bytes = requireWholeNumber(spec.bytes, 'bytes', 0);
			break;
		case 'statusText':
			if (typeof spec.text !== 'string' || spec.text === '') {
				throw new InvalidFaultError('Invalid fault: statusText needs a non-empty text');
			}
			record.text = spec.text;
			break;
		case 'latin1':
			if (spec.text !== undefined && typeof spec.text !== 'string') {
				throw new InvalidFaultError(`Invalid fault: text must be a string, got ${JSON.stringify(spec.text)}`);
			}
			record.text = spec.text ?? DEFAULT_LATIN1_TEXT;
			break;
		case 'wrongRoot':
			if (spec.root !== undefined && (typeof spec.root !== 'string' || !/^[^\s<>/]+$/.test(spec.root))) {
				throw new InvalidFaultError(`Invalid fault: root must be an element name, got ${JSON.stringify(spec.root)}`);
			}
			if (spec.root !== undefined) record.root = /** @type {string} */ (spec.root);
			break;
	}

	return record;
}

/** Ordered list of active faults. The first one that matches a request applies to it. */
class FaultRegistry {
	constructor() {
		/** @type {FaultRecord[]} */
		this.faults = [];
		this.nextId = 1;
	}

	/**
	 * Validates and registers a fault. Throws InvalidFaultError for a bad specification.
	 * @param {unknown} spec
	 * @returns {FaultRecord}
	 */
	add(spec) {
		const record = normaliseFault(spec, this.nextId);
		this.nextId++;
		this.faults.push(record);
		return { ...record };
	}

	/**
	 * Returns the first fault that matches a request of type `t` and counts the use,
	 * removing the fault once its count is used up. Returns null when none matches.
	 * @param {string | null} t
	 * @returns {FaultRecord | null}
	 */
	take(t) {
		const index = this.faults.findIndex((fault) => fault.t === null || fault.t === t);
		if (index === -1) return null;

		const fault = this.faults[index];
		if (fault.remaining !== null) {
			fault.remaining--;
			if (fault.remaining === 0) this.faults.splice(index, 1);
		}
		return { ...fault };
	}

	/** @returns {FaultRecord[]} */
	list() {
		return this.faults.map((fault) => ({ ...fault }));
	}

	clear() {
		this.faults.length = 0;
	}

	/** Clears the faults and restarts fault ids at 1. */
	reset() {
		this.clear();
		this.nextId = 1;
	}
}

/**
 * @param {number} status
 * @param {string} contentType
 * @param {string} text
 * @returns {FaultHttpResponse}
 */
function textResponse(status, contentType, text) {
	return { kind: 'response', status, headers: { 'Content-Type': contentType }, body: Buffer.from(text, 'utf8') };
}

/**
 * @param {string} xml
 * @param {ResolvedOptions} options
 * @returns {FaultHttpResponse}
 */
function xmlResponse(xml, options) {
	const { contentType, body } = encodeXmlResponse(xml, options);
	return { kind: 'response', status: 200, headers: { 'Content-Type': contentType }, body };
}

/**
 * Builds the response of a fault other than 'slow'.
 * @param {FaultRecord} fault
 * @param {{ envelope: Envelope, result: ResultElement }} outcome The operation's outcome, or a preview of success when the operation did not run.
 * @param {ResolvedOptions} options
 * @returns {FaultResponse}
 */
function buildFaultResponse(fault, outcome, options) {
	const { envelope, result } = outcome;

	switch (fault.type) {
		case 'reset':
			return { kind: 'reset' };

		case 'status': {
			const status = /** @type {number} */ (fault.status);
			const title = `${status} ${REASON_PHRASES[status]}`;
			if (status === 500) return textResponse(status, 'text/plain; charset=UTF-8', `${title}\n`);
			// Gateways in front of PHP servers typically send small HTML pages with 502, 503 and 504.
			return textResponse(
				status,
				'text/html; charset=UTF-8',
				`<html>\n<head><title>${title}</title></head>\n<body>\n<h1>${title}</h1>\n</body>\n</html>\n`,
			);
		}

		case 'rateLimit': {
			const seconds = /** @type {number} */ (fault.retryAfter);
			const response = textResponse(429, 'text/plain; charset=UTF-8', `Too many requests: retry after ${seconds} seconds\n`);
			response.headers['Retry-After'] = String(seconds);
			return response;
		}

		case 'html':
			return textResponse(
				200,
				'text/html; charset=UTF-8',
				'<!DOCTYPE html>\n<html>\n<head><title>Maintenance</title></head>\n<body>\n' +
					'<h1>Service temporarily unavailable</h1>\n<p>The API is under maintenance. Please try again later.</p>\n' +
					'</body>\n</html>\n',
			);

		case 'truncated': {
			const response = xmlResponse(renderEnvelope(envelope, result), options);
			const length = fault.bytes ?? Math.floor(response.body.length / 2);
			response.body = response.body.subarray(0, Math.min(length, response.body.length));
			return response;
		}

		case 'statusText':
			return xmlResponse(renderEnvelope(envelope, { element: 'Status', text: /** @type {string} */ (fault.text) }), options);

		case 'wrongRoot': {
			const root = fault.root ?? (envelope.root === 'Company' ? 'User' : 'Company');
			return xmlResponse(renderEnvelope({ root, wrapper: envelope.wrapper }, result), options);
		}

		case 'empty':
			return { kind: 'response', status: 200, headers: { 'Content-Type': encodeXmlResponse('', options).contentType }, body: Buffer.alloc(0) };

		case 'latin1': {
			// The body is Latin-1 even when the options, and so the header and declaration, say UTF-8.
			const xml = renderEnvelope(envelope, { element: 'Status', text: /** @type {string} */ (fault.text) });
			const declaration = options.xmlDeclaration
				? `<?xml version="1.0" encoding="${charsetName(options.textEncoding)}"?>\n`
				: '';
			const { contentType } = encodeXmlResponse('', options);
			return { kind: 'response', status: 200, headers: { 'Content-Type': contentType }, body: encodeText(declaration + xml, 'latin1') };
		}

		default:
			throw new Error(`Fault type ${fault.type} has no response of its own`);
	}
}

module.exports = { FaultRegistry, InvalidFaultError, buildFaultResponse, normaliseFault, DEFAULT_LATIN1_TEXT };
