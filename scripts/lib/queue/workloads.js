// @ts-check
'use strict';

// The workflows and requests of the queue-mode check. It uses the bulk user import and customer
// onboarding examples as they are, and the breakout-permission refresh example with a webhook in
// place of its schedule. Two per-operation workflows of the end-to-end tier add supplier upserts
// and Import Numbers from a file uploaded to a webhook. The HTTP client here sends webhook calls
// with a bounded number in flight and times each one.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const n8n = require('../n8n');
const workspace = require('../workspace');
const { OPERATION_CASES, buildOperationWorkflow } = require('../../../test/e2e/workflows');

const ONBOARDING = { id: 'iTestOnboarding1', path: 'itest/onboarding' };
const BULK_IMPORT = { id: 'iTestBulkUsers01', path: 'itest/bulk-users' };
const BREAKOUT_REFRESH = { id: 'iTestBreakoutsQ1', path: 'itest/breakout-refresh' };
const SUPPLIER_UPSERT = requireOperationCase('e2eSupplierUps1');
const IMPORT_NUMBERS = requireOperationCase('e2eImportNumbr1');

/** The webhook workflows the check publishes. */
const PUBLISHED = [ONBOARDING, BULK_IMPORT, BREAKOUT_REFRESH, SUPPLIER_UPSERT, IMPORT_NUMBERS];

/**
 * Finds a per-operation workflow of the end-to-end tier by its ID.
 * @param {string} id
 * @returns {{ id: string, path: string }}
 */
function requireOperationCase(id) {
	const found = OPERATION_CASES.find((testCase) => testCase.id === id);
	if (!found) throw new Error(`test/e2e/workflows.js has no operation workflow with ID ${id}`);
	return { id: found.id, path: found.path };
}

/**
 * Builds the breakout-permission refresh example with a webhook in place of its schedule and
 * manual triggers. The "Breakout list" node takes the company, supplier and breakouts from the
 * request body instead of its fixed list. Every later node is the example's own, unchanged.
 * The webhook responds with the iTest node's output.
 * @returns {Record<string, any>}
 */
function breakoutRefreshByWebhook() {
	const example = JSON.parse(fs.readFileSync(path.join(workspace.examplesDir, 'breakout-permission-refresh.json'), 'utf8'));
	const triggerNames = ['Every night at 03:00', 'Run now'];
	for (const name of [...triggerNames, 'Breakout list']) {
		if (!example.nodes.some((/** @type {{ name: string }} */ node) => node.name === name)) {
			throw new Error(`The breakout-permission refresh example has no node named "${name}"; update breakoutRefreshByWebhook()`);
		}
	}

	const webhook = {
		id: 'c0a9e7f4-2d6b-4b8e-9f31-5a7c3e1d2b40',
		name: 'Refresh request',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		position: [0, 0],
		webhookId: 'e4b1c2d3-7a8f-4e6d-b5c9-0f1a2b3c4d5e',
		parameters: {
			httpMethod: 'POST',
			path: BREAKOUT_REFRESH.path,
			authentication: 'headerAuth',
			responseMode: 'lastNode',
			responseData: 'firstEntryJson',
			options: {},
		},
		credentials: { httpHeaderAuth: { id: 'iTestWebhookKey1', name: 'Webhook token (local demo)' } },
	};
	const nodes = example.nodes
		.filter((/** @type {{ name: string }} */ node) => !triggerNames.includes(node.name))
		.map((/** @type {Record<string, any>} */ node) =>
			node.name === 'Breakout list'
				? { ...node, parameters: { ...node.parameters, jsonOutput: '={{ JSON.stringify($json.body) }}' } }
				: node,
		);
	/** @type {Record<string, unknown>} */
	const connections = { 'Refresh request': { main: [[{ node: 'Breakout list', type: 'main', index: 0 }]] } };
	for (const [source, target] of Object.entries(example.connections)) {
		if (!triggerNames.includes(source)) connections[source] = target;
	}
	return {
		...example,
		id: BREAKOUT_REFRESH.id,
		name: 'iTest: breakout-permission refresh started by a webhook (queue-mode check)',
		nodes: [webhook, ...nodes],
		connections,
	};
}

/**
 * Returns every workflow the check imports: the three examples, the webhook variant of the
 * breakout refresh, and the two per-operation workflows. `requestsInParallel` above 1 sets the
 * iTest node's Requests in Parallel option in the bulk import example, which leaves it unset.
 * @param {{ requestsInParallel?: number }} [options]
 * @returns {Array<Record<string, any>>}
 */
function queueModeWorkflows(options = {}) {
	const examples = workspace.exampleWorkflows().map((workflow) => {
		if (workflow.id !== BULK_IMPORT.id || (options.requestsInParallel ?? 1) === 1) return workflow;
		const upsert = workflow.nodes.find((/** @type {{ type: string }} */ node) => node.type === 'n8n-nodes-itest.iTest');
		if (!upsert) throw new Error('The bulk import example has no iTest node; update queueModeWorkflows()');
		upsert.parameters.options = { ...upsert.parameters.options, requestsInParallel: options.requestsInParallel };
		return workflow;
	});
	const operationWorkflows = [SUPPLIER_UPSERT.id, IMPORT_NUMBERS.id].map((id) =>
		buildOperationWorkflow(/** @type {import('../../../test/e2e/workflows').OperationCase} */ (OPERATION_CASES.find((testCase) => testCase.id === id))),
	);
	return [...examples, breakoutRefreshByWebhook(), ...operationWorkflows];
}

/**
 * @typedef {object} WebhookCall
 * @property {string} path webhook path under /webhook/
 * @property {string} label identifies the call in messages, e.g. "bulk Q1-7"
 * @property {unknown} [json] a JSON body
 * @property {{ fields: Record<string, string>, fileName: string, contentType: string, content: Buffer }} [multipart]
 *   a multipart body with the file in the field "data"
 * @property {boolean} [authenticated] whether to send the example webhooks' header
 */

/**
 * @typedef {object} WebhookResult
 * @property {WebhookCall} call
 * @property {number} status
 * @property {string} text
 * @property {unknown} json the parsed body, or undefined when it is not JSON
 * @property {number} startedAt milliseconds since the epoch
 * @property {number} durationMs
 */

/**
 * Encodes a multipart/form-data body.
 * @param {NonNullable<WebhookCall['multipart']>} form
 * @returns {{ body: Buffer, contentType: string }}
 */
function encodeMultipart(form) {
	const boundary = `----itest-queue-${crypto.randomBytes(8).toString('hex')}`;
	/** @type {Buffer[]} */
	const parts = [];
	for (const [name, value] of Object.entries(form.fields)) {
		parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`, 'utf8'));
	}
	parts.push(
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="data"; filename="${form.fileName}"\r\n` +
				`Content-Type: ${form.contentType}\r\n\r\n`,
			'utf8',
		),
		form.content,
		Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
	);
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Sends one webhook call to the main instance and times it.
 * @param {string} n8nUrl
 * @param {WebhookCall} call
 * @returns {Promise<WebhookResult>}
 */
async function sendWebhookCall(n8nUrl, call) {
	/** @type {Record<string, string>} */
	const headers = {};
	if (call.authenticated) {
		const header = workspace.exampleWebhookHeader();
		headers[header.name] = header.value;
	}
	/** @type {Buffer} */
	let body;
	if (call.multipart) {
		const encoded = encodeMultipart(call.multipart);
		body = encoded.body;
		headers['Content-Type'] = encoded.contentType;
	} else {
		body = Buffer.from(JSON.stringify(call.json ?? {}), 'utf8');
		headers['Content-Type'] = 'application/json';
	}
	headers['Content-Length'] = String(body.length);

	const startedAt = Date.now();
	const response = await n8n.httpRequest('POST', `${n8nUrl}webhook/${call.path}`, { headers, body, timeoutMs: 300000 });
	let json;
	try {
		json = JSON.parse(response.body);
	} catch {
		json = undefined;
	}
	return { call, status: response.status, text: response.body, json, startedAt, durationMs: Date.now() - startedAt };
}

/**
 * Sends the calls with at most `inFlight` of them waiting for a response at any time, and
 * returns the results in the order of `calls`.
 * @param {string} n8nUrl
 * @param {WebhookCall[]} calls
 * @param {number} inFlight
 * @returns {Promise<{ results: WebhookResult[], wallMs: number }>}
 */
async function sendWebhookCalls(n8nUrl, calls, inFlight) {
	/** @type {WebhookResult[]} */
	const results = new Array(calls.length);
	let next = 0;
	const started = Date.now();
	const sender = async () => {
		while (next < calls.length) {
			const index = next;
			next += 1;
			results[index] = await sendWebhookCall(n8nUrl, calls[index]);
		}
	};
	await Promise.all(Array.from({ length: Math.min(inFlight, calls.length) }, sender));
	return { results, wallMs: Date.now() - started };
}

/**
 * Builds the bulk import calls of one phase: `executions` calls of `rows` users each, with user
 * IDs `<phase>-<call>-<row>` that no other call uses.
 * @param {{ phase: string, executions: number, rows: number, companyId: string }} options
 * @returns {WebhookCall[]}
 */
function bulkImportCalls(options) {
	return Array.from({ length: options.executions }, (_, call) => ({
		path: BULK_IMPORT.path,
		label: `bulk ${options.phase}-${call + 1}`,
		authenticated: true,
		json: {
			users: Array.from({ length: options.rows }, (_unused, row) => ({
				companyId: options.companyId,
				userId: `${options.phase}-${call + 1}-${row + 1}`,
				firstName: 'Queue',
				lastName: `Row ${row + 1}`,
				email: `${options.phase.toLowerCase()}.${call + 1}.${row + 1}@example.com`,
				...(row % 5 === 4 ? { role: 'admin' } : {}),
			})),
		},
	}));
}

/** Breakouts of one refresh, with a name outside ASCII so that the Latin-1 file is exercised. */
const BREAKOUT_TEMPLATE = [
	{ country: 'United Kingdom', breakout: 'Mobile - Vodafone' },
	{ country: "Côte d'Ivoire", breakout: 'Mobile - Orange' },
];

/**
 * Returns the supplier ID of breakout refresh number `index` (from 1).
 * @param {number} index
 */
function breakoutSupplierId(index) {
	return `QS-${index}`;
}

/**
 * Returns the breakouts that refresh number `index` sets: two fixed ones and one of its own.
 * @param {number} index
 * @returns {Array<{ country: string, breakout: string }>}
 */
function breakoutList(index) {
	return [...BREAKOUT_TEMPLATE, { country: 'Germany', breakout: `Fixed - Zone ${index}` }];
}

/**
 * Builds the breakout refresh calls: one per supplier.
 * @param {{ count: number, companyId: string }} options
 * @returns {WebhookCall[]}
 */
function breakoutRefreshCalls(options) {
	return Array.from({ length: options.count }, (_, offset) => {
		const index = offset + 1;
		return {
			path: BREAKOUT_REFRESH.path,
			label: `breakout refresh ${breakoutSupplierId(index)}`,
			authenticated: true,
			json: { companyId: options.companyId, supplierId: breakoutSupplierId(index), breakouts: breakoutList(index) },
		};
	});
}

/**
 * Builds the one supplier upsert call that creates the suppliers the breakout refreshes need.
 * @param {{ count: number, companyId: string }} options
 * @returns {WebhookCall}
 */
function supplierSetupCall(options) {
	return {
		path: SUPPLIER_UPSERT.path,
		label: 'supplier set-up',
		json: {
			items: Array.from({ length: options.count }, (_, offset) => ({
				row: offset + 1,
				companyId: options.companyId,
				supplierId: breakoutSupplierId(offset + 1),
				name: `Queue route ${offset + 1}`,
				type: 'std',
				codec: 'alaw',
				prefix: '',
				email: '',
			})),
		},
	};
}

/**
 * Returns the phone numbers of upload number `index` (from 1): `count` numbers no other upload has.
 * @param {number} index
 * @param {number} count
 * @returns {string[]}
 */
function uploadNumbers(index, count) {
	return Array.from({ length: count }, (_, line) => `4420${String(index).padStart(3, '0')}${String(line).padStart(5, '0')}`);
}

/**
 * Builds the Import Numbers calls: each uploads its own text file to the webhook, so the main
 * instance stores the file as binary data and a worker reads it back.
 * @param {{ count: number, numbersPerFile: number, companyId: string }} options
 * @returns {Array<WebhookCall & { numbers: string[], sha256: string }>}
 */
function importNumbersCalls(options) {
	return Array.from({ length: options.count }, (_, offset) => {
		const index = offset + 1;
		const numbers = uploadNumbers(index, options.numbersPerFile);
		const content = Buffer.from(`${numbers.join('\n')}\n`, 'latin1');
		return {
			path: IMPORT_NUMBERS.path,
			label: `number upload ${index}`,
			multipart: {
				fields: { row: String(index), companyId: options.companyId },
				fileName: `numbers-${index}.txt`,
				contentType: 'text/plain',
				content,
			},
			numbers,
			sha256: crypto.createHash('sha256').update(content).digest('hex'),
		};
	});
}

module.exports = {
	ONBOARDING,
	BULK_IMPORT,
	BREAKOUT_REFRESH,
	SUPPLIER_UPSERT,
	IMPORT_NUMBERS,
	PUBLISHED,
	breakoutRefreshByWebhook,
	queueModeWorkflows,
	sendWebhookCall,
	sendWebhookCalls,
	bulkImportCalls,
	breakoutRefreshCalls,
	breakoutList,
	breakoutSupplierId,
	supplierSetupCall,
	importNumbersCalls,
};
