// @ts-check
'use strict';

/** The request log: entry creation, size limit, and the JSON form served by the control API. */

const { createHash } = require('node:crypto');
const { createFieldSet, normaliseFieldName, percentDecode } = require('./protocol');

/** @typedef {import('./types').RequestLogEntry} RequestLogEntry */
/** @typedef {import('./types').ResolvedOptions} ResolvedOptions */

const MASK = '***';
/** Field of the user's own password in t=4020, masked in the JSON log like the login password. */
const USER_PASSWORD_FIELD = 'pass';

/** Appends entries to a caller-owned array, dropping the oldest beyond a maximum. */
class RequestLog {
	/** @param {RequestLogEntry[]} entries */
	constructor(entries) {
		this.entries = entries;
		this.nextId = 1;
	}

	/**
	 * Creates an entry for a request that has just arrived and appends it.
	 * @param {{ method: string, path: string, rawQuery: string, contentType: string | null }} request
	 * @param {number} maxEntries
	 * @returns {RequestLogEntry}
	 */
	open(request, maxEntries) {
		const query = createFieldSet();
		const body = createFieldSet();
		/** @type {RequestLogEntry} */
		const entry = {
			id: this.nextId++,
			receivedAt: new Date().toISOString(),
			method: request.method,
			path: request.path,
			rawQuery: request.rawQuery,
			t: null,
			query: query.values,
			queryBytes: query.bytes,
			contentType: request.contentType,
			body: body.values,
			bodyBytes: body.bytes,
			file: null,
			login: { user: null, password: null },
			httpStatus: null,
			responseText: null,
			fault: null,
		};

		this.entries.push(entry);
		if (this.entries.length > maxEntries) this.entries.splice(0, this.entries.length - maxEntries);
		return entry;
	}

	/** Empties the log and restarts ids at 1. */
	reset() {
		this.entries.length = 0;
		this.nextId = 1;
	}
}

/**
 * @param {Record<string, Buffer>} bytes
 * @param {string[]} masked
 */
function toHexRecord(bytes, masked) {
	/** @type {Record<string, string>} */
	const hex = {};
	for (const [name, value] of Object.entries(bytes)) hex[name] = masked.includes(name) ? MASK : value.toString('hex');
	return hex;
}

/**
 * @param {Record<string, string>} values
 * @param {string[]} masked
 */
function maskValues(values, masked) {
	/** @type {Record<string, string>} */
	const copy = {};
	for (const [name, value] of Object.entries(values)) copy[name] = masked.includes(name) ? MASK : value;
	return copy;
}

/**
 * Replaces the values of masked fields in a raw query string, keeping the rest byte for byte.
 * @param {string} rawQuery
 * @param {string[]} masked
 */
function maskRawQuery(rawQuery, masked) {
	return rawQuery
		.split('&')
		.map((pair) => {
			const equals = pair.indexOf('=');
			if (equals === -1) return pair;
			const name = normaliseFieldName(percentDecode(Buffer.from(pair.slice(0, equals), 'latin1')).toString('latin1'));
			return masked.includes(name) ? `${pair.slice(0, equals + 1)}${MASK}` : pair;
		})
		.join('&');
}

/**
 * Returns the JSON form of a log entry. Raw bytes become hex strings, the uploaded file
 * is described by its length and SHA-256 (its bytes are served separately), and the
 * login password and the user password `pass` are replaced by `***`.
 * @param {RequestLogEntry} entry
 * @param {ResolvedOptions} options
 */
function toJsonEntry(entry, options) {
	const masked = [normaliseFieldName(options.passField), USER_PASSWORD_FIELD];
	const file = entry.file;

	return {
		id: entry.id,
		receivedAt: entry.receivedAt,
		method: entry.method,
		path: entry.path,
		rawQuery: maskRawQuery(entry.rawQuery, masked),
		t: entry.t,
		query: maskValues(entry.query, masked),
		queryHex: toHexRecord(entry.queryBytes, masked),
		contentType: entry.contentType,
		body: maskValues(entry.body, masked),
		bodyHex: toHexRecord(entry.bodyBytes, masked),
		file: file && {
			fieldName: file.fieldName,
			fileName: file.fileName,
			contentType: file.contentType,
			byteLength: file.byteLength,
			sha256: createHash('sha256').update(file.bytes).digest('hex'),
		},
		login: { user: entry.login.user, password: entry.login.password === null ? null : MASK },
		httpStatus: entry.httpStatus,
		responseText: entry.responseText,
		fault: entry.fault,
	};
}

module.exports = { RequestLog, toJsonEntry, MASK };
