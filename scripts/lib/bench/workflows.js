// @ts-check
'use strict';

// The n8n workflows of the throughput benchmark. Each one starts with a webhook that receives
// `{ users: [...] }`, splits it into one item per user, upserts every user in the emulator and
// ends with a summary item `{ items, succeeded }`, which n8n returns as the webhook's response.

const ITEST_CREDENTIAL_ID = 'benchITestEmu01';
const ITEST_CREDENTIAL_NAME = 'iTest emulator (benchmark)';

/** The emulator's default API login, sent by the HTTP Request workflows as form fields. */
const LOGIN_FIELDS = [
	{ name: 'API_95718', value: 'reseller' },
	{ name: 'API_84572', value: 'emulator-secret' },
];

/**
 * The step a user adds before n8n's XML node: that node (xml2js) rejects element names that
 * start with a digit, such as the `<90000001>` the API returns for that user ID, and a bare `&`.
 * It prefixes such names with `_` and escapes a bare `&`.
 */
const TAG_FIX_CODE = [
	'return $input.all().map((item) => ({',
	'  json: {',
	'    data: String(item.json.data)',
	"      .replace(/<(\\/?)(\\d)/g, '<$1_$2')",
	"      .replace(/&(?![A-Za-z]+;|#[0-9]+;|#x[0-9A-Fa-f]+;)/g, '&amp;'),",
	'  },',
	'}));',
].join('\n');

/**
 * Returns the iTest credential for the emulator at `emulatorUrl`, in n8n's import format.
 * @param {string} emulatorUrl
 */
function benchCredentials(emulatorUrl) {
	return [
		{
			id: ITEST_CREDENTIAL_ID,
			name: ITEST_CREDENTIAL_NAME,
			type: 'iTestApi',
			data: {
				username: 'reseller',
				password: 'emulator-secret',
				baseUrl: emulatorUrl,
				userFieldName: 'API_95718',
				passFieldName: 'API_84572',
				textEncoding: 'latin1',
			},
		},
	];
}

/**
 * @typedef {object} NodeSpec
 * @property {string} name
 * @property {string} type
 * @property {number} typeVersion
 * @property {Record<string, unknown>} parameters
 * @property {Record<string, unknown>} [extra] other node settings such as credentials
 */

/**
 * Builds a workflow from its nodes and connections, with positions and ids filled in.
 * @param {string} id
 * @param {string} name
 * @param {NodeSpec[]} specs
 * @param {Array<[string, number, string]>} links [from node, output index, to node]
 */
function buildWorkflow(id, name, specs, links) {
	const nodes = specs.map((spec, index) => ({
		id: `${id}-node-${index}`,
		name: spec.name,
		type: spec.type,
		typeVersion: spec.typeVersion,
		position: [index * 240, 0],
		parameters: spec.parameters,
		...spec.extra,
	}));
	/** @type {Record<string, { main: Array<Array<{ node: string, type: string, index: number }>> }>} */
	const connections = {};
	for (const [from, output, to] of links) {
		connections[from] ??= { main: [] };
		const outputs = connections[from].main;
		while (outputs.length <= output) outputs.push([]);
		outputs[output].push({ node: to, type: 'main', index: 0 });
	}
	return { id, name, active: false, nodes, connections, settings: { executionOrder: 'v1' } };
}

/**
 * @param {string} id
 * @param {string} webhookPath
 * @returns {NodeSpec[]}
 */
function inputNodes(id, webhookPath) {
	return [
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2.1,
			parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
			extra: { webhookId: `${id}-webhook` },
		},
		{
			name: 'One item per user',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			parameters: { fieldToSplitOut: 'body.users', options: {} },
		},
	];
}

/**
 * @param {string} successExpression a JavaScript condition on `item.json`
 * @returns {NodeSpec}
 */
function summaryNode(successExpression) {
	return {
		name: 'Summary',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		parameters: {
			assignments: {
				assignments: [
					{ id: 'items', name: 'items', type: 'number', value: '={{ $input.all().length }}' },
					{
						id: 'succeeded',
						name: 'succeeded',
						type: 'number',
						value: `={{ $input.all().filter((item) => ${successExpression}).length }}`,
					},
				],
			},
			options: {},
		},
		extra: { executeOnce: true },
	};
}

/**
 * Webhook, Split Out and the summary, with no request: the fixed cost of the other workflows.
 * @param {string} webhookPath
 */
function emptyWorkflow(webhookPath) {
	const id = 'benchEmpty000001';
	const specs = [...inputNodes(id, webhookPath), summaryNode('true')];
	return buildWorkflow(id, 'bench: no requests', specs, [
		['Webhook', 0, 'One item per user'],
		['One item per user', 0, 'Summary'],
	]);
}

/**
 * Returns the iTest node's parameters for a user upsert: each field mapped with an expression,
 * or Mapping Mode set to Map Automatically, which reads the same fields from the items by name.
 * @param {'expressions' | 'automatic'} mapping
 * @param {Record<string, unknown>} options
 */
function userUpsertParameters(mapping, options) {
	if (mapping === 'automatic') return { resource: 'user', operation: 'upsert', mappingMode: 'autoMapInputData', options };
	return {
		resource: 'user',
		operation: 'upsert',
		companyId: '={{ $json.companyId }}',
		userId: '={{ $json.userId }}',
		firstName: '={{ $json.firstName }}',
		lastName: '={{ $json.lastName }}',
		email: '={{ $json.email }}',
		role: 'user',
		enabled: true,
		options,
	};
}

/**
 * The iTest node upserting each user.
 * @param {string} webhookPath
 * @param {number | undefined} requestsInParallel undefined leaves the option out (the node's default)
 * @param {'expressions' | 'automatic'} mapping
 */
function iTestWorkflow(webhookPath, requestsInParallel, mapping) {
	const prefix = mapping === 'automatic' ? 'benchITestAuto' : 'benchITest';
	const id = `${prefix}${String(requestsInParallel ?? 0).padStart(16 - prefix.length, '0')}`;
	const options = requestsInParallel === undefined ? {} : { requestsInParallel };
	const specs = [
		...inputNodes(id, webhookPath),
		{
			name: 'Upsert user',
			type: 'n8n-nodes-itest.iTest',
			typeVersion: 1,
			parameters: userUpsertParameters(mapping, options),
			extra: { credentials: { iTestApi: { id: ITEST_CREDENTIAL_ID, name: ITEST_CREDENTIAL_NAME } } },
		},
		summaryNode('item.json.success === true'),
	];
	return buildWorkflow(id, `bench: iTest node, ${mapping}, ${requestsInParallel ?? 1} in parallel`, specs, [
		['Webhook', 0, 'One item per user'],
		['One item per user', 0, 'Upsert user'],
		['Upsert user', 0, 'Summary'],
	]);
}

/**
 * The HTTP Request node sending the same request as the iTest node: the user's fields in the
 * query string and the login as a form body, with the reply kept as text.
 * @param {string} emulatorUrl
 * @returns {NodeSpec}
 */
function httpRequestNode(emulatorUrl) {
	const query = [
		{ name: 't', value: '4020' },
		{ name: 'cid', value: '={{ $json.companyId }}' },
		{ name: 'uid', value: '={{ $json.userId }}' },
		{ name: 'firstname', value: '={{ $json.firstName }}' },
		{ name: 'lastname', value: '={{ $json.lastName }}' },
		{ name: 'email', value: '={{ $json.email }}' },
		{ name: 'role', value: 'user' },
		{ name: 'state', value: '1' },
	];
	return {
		name: 'HTTP Request',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: emulatorUrl,
			sendQuery: true,
			specifyQuery: 'keypair',
			queryParameters: { parameters: query },
			sendBody: true,
			contentType: 'form-urlencoded',
			specifyBody: 'keypair',
			bodyParameters: { parameters: LOGIN_FIELDS },
			options: { response: { response: { responseFormat: 'text', outputPropertyName: 'data' } } },
		},
	};
}

/** @returns {NodeSpec[]} */
function parseNodes() {
	return [
		{
			name: 'Fix tag names',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: { mode: 'runOnceForAllItems', language: 'javaScript', jsCode: TAG_FIX_CODE },
		},
		{
			name: 'XML',
			type: 'n8n-nodes-base.xml',
			typeVersion: 1,
			parameters: { mode: 'xmlToJson', dataPropertyName: 'data', options: {} },
		},
	];
}

const HTTP_SUCCESS = "JSON.stringify(item.json).includes('\"Status\":\"Success\"')";

/**
 * HTTP Request, tag fix and XML with n8n's defaults: the HTTP Request node sends every request
 * at once.
 * @param {string} webhookPath
 * @param {string} emulatorUrl
 */
function httpUnboundedWorkflow(webhookPath, emulatorUrl) {
	const id = 'benchHttpAll0001';
	const specs = [...inputNodes(id, webhookPath), httpRequestNode(emulatorUrl), ...parseNodes(), summaryNode(HTTP_SUCCESS)];
	return buildWorkflow(id, 'bench: HTTP Request, unbounded', specs, [
		['Webhook', 0, 'One item per user'],
		['One item per user', 0, 'HTTP Request'],
		['HTTP Request', 0, 'Fix tag names'],
		['Fix tag names', 0, 'XML'],
		['XML', 0, 'Summary'],
	]);
}

/**
 * The same steps inside Loop Over Items with `batchSize` items per round, the way n8n bounds how
 * many requests are in flight. The loop's output 0 ("done") carries every item once all rounds
 * have run; output 1 ("loop") carries the current batch.
 * @param {string} webhookPath
 * @param {string} emulatorUrl
 * @param {number} batchSize
 */
function httpBoundedWorkflow(webhookPath, emulatorUrl, batchSize) {
	const id = `benchHttpLoop${String(batchSize).padStart(3, '0')}`;
	const specs = [
		...inputNodes(id, webhookPath),
		{
			name: 'Loop Over Items',
			type: 'n8n-nodes-base.splitInBatches',
			typeVersion: 3,
			parameters: { batchSize, options: {} },
		},
		httpRequestNode(emulatorUrl),
		...parseNodes(),
		summaryNode(HTTP_SUCCESS),
	];
	return buildWorkflow(id, `bench: HTTP Request, ${batchSize} at a time`, specs, [
		['Webhook', 0, 'One item per user'],
		['One item per user', 0, 'Loop Over Items'],
		['Loop Over Items', 0, 'Summary'],
		['Loop Over Items', 1, 'HTTP Request'],
		['HTTP Request', 0, 'Fix tag names'],
		['Fix tag names', 0, 'XML'],
		['XML', 0, 'Loop Over Items'],
	]);
}

module.exports = {
	benchCredentials,
	emptyWorkflow,
	userUpsertParameters,
	iTestWorkflow,
	httpUnboundedWorkflow,
	httpBoundedWorkflow,
};
