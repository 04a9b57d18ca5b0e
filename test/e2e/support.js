// @ts-check
'use strict';

// Helpers for the end-to-end tests: calling the webhooks of the running n8n, reading and
// changing the emulator through its control API, n8n's credential test over REST, and
// `n8n execute` for workflows without a webhook. They live in CommonJS because the lint of
// .ts files rejects Node built-ins.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const n8n = require('../../scripts/lib/n8n');
const { CONTEXT_FILE } = require('./paths');

/**
 * @typedef {object} E2eContext
 * @property {string} n8nUrl
 * @property {string} emulatorUrl
 * @property {import('../../scripts/lib/n8n').N8nInstance} instance
 * @property {import('../../scripts/lib/n8n').RestSession} session
 * @property {{ name: string, value: string }} webhookHeader
 * @property {string} logPath
 */

/** @type {E2eContext | undefined} */
let cachedContext;

/**
 * Reads the context the global set-up wrote.
 * @returns {E2eContext}
 */
function context() {
	cachedContext ??= JSON.parse(fs.readFileSync(CONTEXT_FILE, 'utf8'));
	return /** @type {E2eContext} */ (cachedContext);
}

/**
 * @typedef {object} HttpResult
 * @property {number} status
 * @property {unknown} json the parsed body, or undefined when it is not JSON
 * @property {string} text
 */

/**
 * @param {{ status: number, body: string }} response
 * @returns {HttpResult}
 */
function toResult(response) {
	let json;
	try {
		json = JSON.parse(response.body);
	} catch {
		json = undefined;
	}
	return { status: response.status, json, text: response.body };
}

/**
 * POSTs JSON to a production webhook of the running n8n.
 * @param {string} webhookPath e.g. 'e2e/company-upsert'
 * @param {unknown} body
 * @param {{ headers?: Record<string, string> }} [options]
 * @returns {Promise<HttpResult>}
 */
async function postJson(webhookPath, body, options = {}) {
	const response = await n8n.httpRequest('POST', `${context().n8nUrl}webhook/${webhookPath}`, {
		headers: { 'Content-Type': 'application/json', ...options.headers },
		body: Buffer.from(JSON.stringify(body), 'utf8'),
	});
	return toResult(response);
}

/**
 * POSTs a multipart form with text fields and one file in the field "data".
 * @param {string} webhookPath
 * @param {Record<string, string>} fields
 * @param {{ fileName: string, contentType: string, content: Buffer }} file
 * @returns {Promise<HttpResult>}
 */
async function postMultipart(webhookPath, fields, file) {
	const boundary = `----itest-e2e-${crypto.randomBytes(8).toString('hex')}`;
	/** @type {Buffer[]} */
	const parts = [];
	for (const [name, value] of Object.entries(fields)) {
		parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`, 'utf8'));
	}
	parts.push(
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="data"; filename="${file.fileName}"\r\n` +
				`Content-Type: ${file.contentType}\r\n\r\n`,
			'utf8',
		),
	);
	parts.push(file.content, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'));
	const body = Buffer.concat(parts);
	const response = await n8n.httpRequest('POST', `${context().n8nUrl}webhook/${webhookPath}`, {
		headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(body.length) },
		body,
	});
	return toResult(response);
}

/**
 * Returns the header that the example webhooks require.
 * @returns {{ name: string, value: string }}
 */
function webhookHeader() {
	return context().webhookHeader;
}

/**
 * Calls the emulator's control API.
 * @param {'GET' | 'POST' | 'DELETE'} method
 * @param {string} controlPath e.g. 'state'
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function emulatorControl(method, controlPath, body) {
	const response = await n8n.httpRequest(method, `${context().emulatorUrl}__emulator/${controlPath}`, {
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (response.status >= 300) {
		throw new Error(`Emulator control ${method} ${controlPath} failed with HTTP ${response.status}: ${response.body}`);
	}
	return response.body.trim() === '' ? undefined : JSON.parse(response.body);
}

/**
 * Returns the emulator's account (companies, users, OTPs, profiles, suppliers, numbers, permissions).
 * @returns {Promise<import('../../emulator/types').StateSnapshot>}
 */
function emulatorState() {
	return emulatorControl('GET', 'state');
}

/**
 * One request as the emulator's control API lists it: values decoded, passwords masked.
 * @typedef {object} LoggedRequest
 * @property {number} id
 * @property {string} method
 * @property {string} path
 * @property {string} rawQuery the query string as received, percent-encoding intact
 * @property {string | null} t
 * @property {Record<string, string>} query
 * @property {string | null} contentType
 * @property {Record<string, string>} body
 * @property {{ fieldName: string, fileName: string, contentType: string | null, byteLength: number, sha256: string } | null} file
 * @property {{ user: string | null, password: string | null }} login
 * @property {number | null} httpStatus
 * @property {string | null} responseText
 * @property {string | null} fault
 */

/**
 * Returns the requests the emulator received, passwords masked, optionally only those after
 * the request with ID `since`.
 * @param {number} [since]
 * @returns {Promise<LoggedRequest[]>}
 */
function emulatorRequests(since = 0) {
	return emulatorControl('GET', `requests?since=${since}`);
}

/**
 * Returns the ID of the newest request the emulator received, 0 when none.
 * @returns {Promise<number>}
 */
async function lastRequestId() {
	const requests = await emulatorRequests();
	return requests.length === 0 ? 0 : requests[requests.length - 1].id;
}

/**
 * Runs n8n's credential test for iTest credential data through the REST API, as the
 * editor's "Test" button does.
 * @param {Record<string, unknown>} data
 * @returns {Promise<{ status: string, message: string }>}
 */
async function testCredential(data) {
	const { instance, session } = context();
	return n8n.restRequest(instance, session, 'POST', 'credentials/test', {
		credentials: { id: '', name: 'iTest credential under test', type: 'iTestApi', data },
	});
}

/**
 * Runs a workflow once with `n8n execute --id` in the test instance and returns the parsed
 * run data. It uses its own task-runner port, because the running `n8n start` already listens
 * on the instance's port.
 * @param {string} workflowId
 * @returns {Promise<any>}
 */
async function executeWorkflow(workflowId) {
	const base = context().instance;
	const brokerPort = await n8n.findFreePort();
	const instance = { ...base, env: { ...base.env, N8N_RUNNERS_BROKER_PORT: String(brokerPort) } };
	const { stdout } = await n8n.runN8nCommand(instance, ['execute', `--id=${workflowId}`, '--rawOutput']);
	return parseExecuteOutput(stdout);
}

/**
 * Finds the run data in what `n8n execute` printed. Log lines can come before the JSON and,
 * when n8n logs while shutting down, after it, so the JSON ends at the last `}` that parses.
 * @param {string} stdout
 * @returns {any}
 */
function parseExecuteOutput(stdout) {
	const start = stdout.indexOf('{');
	if (start === -1) throw new Error(`n8n execute printed no JSON:\n${stdout}`);
	for (let end = stdout.lastIndexOf('}'); end > start; end = stdout.lastIndexOf('}', end - 1)) {
		try {
			return JSON.parse(stdout.slice(start, end + 1));
		} catch {
			// Not the end of the JSON yet: try the previous closing brace.
		}
	}
	throw new Error(`n8n execute printed no complete JSON:\n${stdout}`);
}

/**
 * Tells whether n8n stored a file with exactly these bytes under its binary data folder
 * (`.n8n/storage`), which is where the default "filesystem" binary data mode keeps uploads.
 * @param {Buffer} content
 * @returns {boolean}
 */
function isStoredAsBinaryFile(content) {
	const root = path.join(context().instance.userFolder, '.n8n', 'storage');
	if (!fs.existsSync(root)) return false;
	const entries = /** @type {string[]} */ (fs.readdirSync(root, { recursive: true }));
	return entries.some((entry) => {
		const file = path.join(root, entry);
		return fs.statSync(file).isFile() && fs.readFileSync(file).equals(content);
	});
}

/**
 * Returns a loopback port with nothing listening on it, for a connection that must fail.
 * @returns {Promise<number>}
 */
function findClosedPort() {
	return n8n.findFreePort();
}

module.exports = {
	parseExecuteOutput,
	context,
	findClosedPort,
	postJson,
	postMultipart,
	webhookHeader,
	emulatorControl,
	emulatorState,
	emulatorRequests,
	lastRequestId,
	testCredential,
	executeWorkflow,
	isStoredAsBinaryFile,
};
