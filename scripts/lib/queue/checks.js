// @ts-check
'use strict';

// The assertions of the queue-mode check. Each one records a named result instead of throwing,
// so that one run reports every broken guarantee, and the script exits non-zero if any failed.
// The evidence comes from three independent places: the emulator's request log (what iTest
// received), n8n's execution table in PostgreSQL (what n8n recorded), and the workers' logs
// (which worker ran what).

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const util = require('util');

/** @typedef {import('../../../emulator/types').RequestLogEntry} RequestLogEntry */

/**
 * @typedef {object} CheckResult
 * @property {string} name
 * @property {boolean} ok
 * @property {string} [detail] what was expected and found, for a failed check
 */

class Checker {
	/** @param {(line: string) => void} log */
	constructor(log) {
		this.log = log;
		/** @type {CheckResult[]} */
		this.results = [];
	}

	/**
	 * Records a check that passes when `condition` is true.
	 * @param {string} name
	 * @param {boolean} condition
	 * @param {string} [detail] printed when the check fails
	 */
	ok(name, condition, detail) {
		this.results.push({ name, ok: condition, detail: condition ? undefined : detail });
		this.log(`${condition ? 'ok  ' : 'FAIL'} ${name}${condition || !detail ? '' : `\n       ${detail}`}`);
	}

	/**
	 * Records a check that passes when `actual` deep-equals `expected`.
	 * @param {string} name
	 * @param {unknown} actual
	 * @param {unknown} expected
	 */
	equal(name, actual, expected) {
		const same = util.isDeepStrictEqual(actual, expected);
		this.ok(name, same, `expected ${describe(expected)} but got ${describe(actual)}`);
	}

	get passed() {
		return this.results.filter((result) => result.ok).length;
	}

	get failed() {
		return this.results.filter((result) => !result.ok).length;
	}
}

/**
 * Formats a value for a failure message, cut to 600 characters.
 * @param {unknown} value
 * @returns {string}
 */
function describe(value) {
	const text = util.inspect(value, { depth: 6, breakLength: Infinity, maxArrayLength: 20 });
	return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

/**
 * Lists the keys that occur other than exactly once, with their counts, plus the expected keys
 * that never occurred.
 * @param {string[]} keys what was received
 * @param {string[]} expected what should have been received, once each
 * @returns {{ duplicated: Array<[string, number]>, missing: string[], unexpected: string[] }}
 */
function compareExactlyOnce(keys, expected) {
	/** @type {Map<string, number>} */
	const counts = new Map();
	for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
	const expectedSet = new Set(expected);
	return {
		duplicated: [...counts.entries()].filter(([key, count]) => count > 1 && expectedSet.has(key)),
		missing: expected.filter((key) => !counts.has(key)),
		unexpected: [...counts.keys()].filter((key) => !expectedSet.has(key)),
	};
}

/**
 * Checks that iTest received each expected request exactly once and nothing else of that type.
 * @param {Checker} checker
 * @param {string} name
 * @param {string[]} received the key of each received request, e.g. its user ID
 * @param {string[]} expected
 */
function checkExactlyOnce(checker, name, received, expected) {
	const { duplicated, missing, unexpected } = compareExactlyOnce(received, expected);
	checker.ok(
		`${name}: ${expected.length} requests, each received exactly once`,
		duplicated.length === 0 && missing.length === 0 && unexpected.length === 0 && received.length === expected.length,
		`received ${received.length}; sent more than once: ${describe(duplicated)}; never received: ${describe(missing)}; not expected: ${describe(unexpected)}`,
	);
}

/**
 * Checks that the emulator responded to every logged request with HTTP 200 and a Success status,
 * without an injected fault.
 * @param {Checker} checker
 * @param {string} name
 * @param {RequestLogEntry[]} requests
 */
function checkAllAnsweredSuccess(checker, name, requests) {
	const bad = requests.filter(
		(entry) => entry.httpStatus !== 200 || entry.fault !== null || !/<Status>Success<\/Status>/.test(entry.responseText ?? ''),
	);
	checker.ok(
		`${name}: all ${requests.length} iTest requests got a Success response`,
		bad.length === 0,
		`not successful: ${describe(bad.map((entry) => ({ id: entry.id, t: entry.t, httpStatus: entry.httpStatus, fault: entry.fault, response: entry.responseText })))}`,
	);
}

/**
 * @typedef {object} ExecutionRow
 * @property {number} id
 * @property {string} status
 * @property {string} workflowId
 * @property {string} mode
 * @property {string} createdAt
 * @property {string | null} startedAt
 * @property {string | null} stoppedAt
 * @property {number | null} queueMs time from enqueueing to a worker starting it
 * @property {number | null} runMs time from a worker starting it to its end
 */

/**
 * Reads the executions n8n recorded after execution `afterId`, oldest first.
 * @param {{ query: (sql: string) => Promise<string> }} postgres
 * @param {number} afterId
 * @returns {Promise<ExecutionRow[]>}
 */
async function readExecutions(postgres, afterId) {
	const output = await postgres.query(
		'SELECT COALESCE(json_agg(json_build_object(' +
			`'id', id, 'status', status, 'workflowId', "workflowId", 'mode', mode, ` +
			`'createdAt', "createdAt", 'startedAt', "startedAt", 'stoppedAt', "stoppedAt", ` +
			`'queueMs', round(EXTRACT(EPOCH FROM ("startedAt" - "createdAt")) * 1000), ` +
			`'runMs', round(EXTRACT(EPOCH FROM ("stoppedAt" - "startedAt")) * 1000)) ORDER BY id), '[]') ` +
			`FROM execution_entity WHERE id > ${Number(afterId)}`,
	);
	return JSON.parse(output);
}

/**
 * Returns the ID of the newest execution, 0 when there is none.
 * @param {{ query: (sql: string) => Promise<string> }} postgres
 * @returns {Promise<number>}
 */
async function lastExecutionId(postgres) {
	return Number(await postgres.query('SELECT COALESCE(MAX(id), 0) FROM execution_entity'));
}

/**
 * @typedef {object} StoredBinary
 * @property {string} sourceType
 * @property {string} sourceId the execution ID for execution data
 * @property {string} fileName
 * @property {number} fileSize
 * @property {string} sha256
 */

/**
 * Reads what n8n's database binary data mode stored: one row per binary file.
 * @param {{ query: (sql: string) => Promise<string> }} postgres
 * @returns {Promise<StoredBinary[]>}
 */
async function readStoredBinaries(postgres) {
	const output = await postgres.query(
		'SELECT COALESCE(json_agg(json_build_object(' +
			`'sourceType', "sourceType", 'sourceId', "sourceId", 'fileName', "fileName", 'fileSize', "fileSize", ` +
			`'sha256', encode(sha256(data), 'hex'))), '[]') FROM binary_data`,
	);
	return JSON.parse(output);
}

/**
 * Lists the files under a folder and its subfolders, or nothing when it does not exist.
 * @param {string} root
 * @returns {string[]}
 */
function listFiles(root) {
	if (!fs.existsSync(root)) return [];
	const entries = /** @type {string[]} */ (fs.readdirSync(root, { recursive: true }));
	return entries.map((entry) => path.join(root, entry)).filter((file) => fs.statSync(file).isFile());
}

/**
 * Returns the SHA-256 of bytes as hex.
 * @param {Buffer} bytes
 * @returns {string}
 */
function sha256(bytes) {
	return crypto.createHash('sha256').update(bytes).digest('hex');
}

/**
 * Returns the value at position `fraction` (0 to 1) of the sorted numbers, by the nearest-rank method.
 * @param {number[]} values
 * @param {number} fraction
 * @returns {number}
 */
function percentile(values, fraction) {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.max(1, Math.ceil(fraction * sorted.length));
	return sorted[rank - 1];
}

module.exports = {
	Checker,
	describe,
	compareExactlyOnce,
	checkExactlyOnce,
	checkAllAnsweredSuccess,
	readExecutions,
	lastExecutionId,
	readStoredBinaries,
	listFiles,
	sha256,
	percentile,
};
