// @ts-check
'use strict';

// Test workflows for the end-to-end tier: one per iTest operation, each started by a webhook so
// that a single running n8n serves them all. Every parameter comes from the posted item (by
// expressions, or by Mapping Mode set to Map Automatically), and a
// Set node after the iTest node reads the input row through n8n's paired-item lookup
// (`$('Items').item`), which fails if the iTest node's outputs are not paired to their inputs.

const NODE_TYPE = 'n8n-nodes-itest.iTest';
const ITEST_CREDENTIAL = { iTestApi: { id: 'iTestEmulator001', name: 'iTest emulator (local demo)' } };

/**
 * @typedef {object} OperationCase
 * @property {string} id workflow ID (16 characters, as n8n generates them)
 * @property {string} path webhook path under /webhook/
 * @property {string} resource
 * @property {string} operation
 * @property {Record<string, unknown>} parameters the iTest node's parameters besides resource and operation
 * @property {boolean} [upload] true when the request is multipart with the file in field "data"
 * @property {boolean} [groupsItems] true when the operation turns many items into one output, so
 *   the output pairs with several items and has no single input row to echo
 */

/** @type {OperationCase[]} */
const OPERATION_CASES = [
	{
		id: 'e2eCompanyUpsrt',
		path: 'e2e/company-upsert',
		resource: 'company',
		operation: 'upsert',
		parameters: { companyId: '={{ $json.companyId }}', name: '={{ $json.name }}', enabled: '={{ $json.enabled }}' },
	},
	{
		id: 'e2eUserUpsert001',
		path: 'e2e/user-upsert',
		resource: 'user',
		operation: 'upsert',
		parameters: {
			companyId: '={{ $json.companyId }}',
			userId: '={{ $json.userId }}',
			firstName: '={{ $json.firstName }}',
			lastName: '={{ $json.lastName }}',
			email: '={{ $json.email }}',
			role: '={{ $json.role }}',
			enabled: '={{ $json.enabled }}',
			password: '={{ $json.password }}',
		},
	},
	{
		id: 'e2eUserUpsAuto01',
		path: 'e2e/user-upsert-automatic',
		resource: 'user',
		operation: 'upsert',
		parameters: { mappingMode: 'autoMapInputData' },
	},
	{
		id: 'e2eUserReqOtp01',
		path: 'e2e/user-request-otp',
		resource: 'user',
		operation: 'requestOtp',
		parameters: { userId: '={{ $json.userId }}' },
	},
	{
		id: 'e2eUserGenOtp01',
		path: 'e2e/user-set-otp-generated',
		resource: 'user',
		operation: 'setOtp',
		parameters: { userId: '={{ $json.userId }}', generateOtp: true, otpLength: '={{ $json.otpLength }}' },
	},
	{
		id: 'e2eUserOwnOtp01',
		path: 'e2e/user-set-otp-own',
		resource: 'user',
		operation: 'setOtp',
		parameters: { userId: '={{ $json.userId }}', generateOtp: false, otp: '={{ $json.otp }}' },
	},
	{
		id: 'e2eProfileUps01',
		path: 'e2e/profile-upsert',
		resource: 'profile',
		operation: 'upsert',
		parameters: {
			companyId: '={{ $json.companyId }}',
			profileId: '={{ $json.profileId }}',
			name: '={{ $json.name }}',
			type: '={{ $json.type }}',
			gatewayIp: '={{ $json.gatewayIp }}',
			gatewayPort: '={{ $json.gatewayPort }}',
			sourceNumber: '={{ $json.sourceNumber }}',
			maxCallDuration: '={{ $json.maxCallDuration }}',
			maxRingDuration: '={{ $json.maxRingDuration }}',
		},
	},
	{
		id: 'e2eSupplierUps1',
		path: 'e2e/supplier-upsert',
		resource: 'supplier',
		operation: 'upsert',
		parameters: {
			companyId: '={{ $json.companyId }}',
			supplierId: '={{ $json.supplierId }}',
			name: '={{ $json.name }}',
			type: '={{ $json.type }}',
			codec: '={{ $json.codec }}',
			prefix: '={{ $json.prefix }}',
			email: '={{ $json.email }}',
		},
	},
	{
		id: 'e2eImportNumbr1',
		path: 'e2e/import-numbers',
		resource: 'numberDatabase',
		operation: 'importNumbers',
		parameters: { companyId: '={{ $json.body.companyId }}', binaryPropertyName: 'data' },
		upload: true,
	},
	{
		id: 'e2eBreakoutPrm1',
		path: 'e2e/set-breakout-permissions',
		resource: 'numberDatabase',
		operation: 'setBreakoutPermissions',
		parameters: {
			companyId: '={{ $json.body.companyId }}',
			supplierId: '={{ $json.body.supplierId }}',
			binaryPropertyName: 'data',
		},
		upload: true,
	},
	{
		id: 'e2eImportItems1',
		path: 'e2e/import-numbers-items',
		resource: 'numberDatabase',
		operation: 'importNumbers',
		parameters: {
			source: 'items',
			companyId: '={{ $json.companyId }}',
			numberField: 'msisdn',
			onInvalidLines: 'sendValid',
		},
		groupsItems: true,
	},
	{
		id: 'e2eBreakoutItm1',
		path: 'e2e/set-breakout-permissions-items',
		resource: 'numberDatabase',
		operation: 'setBreakoutPermissions',
		parameters: {
			source: 'items',
			companyId: '={{ $json.companyId }}',
			supplierId: '={{ $json.supplierId }}',
			countryField: 'country',
			breakoutField: 'breakout',
		},
		groupsItems: true,
	},
];

/**
 * Builds the workflow of one operation case. JSON requests carry `{ items: [...] }`, split into
 * one item per entry; each entry has a `row` number that the output echoes as `inputRow`.
 * Multipart requests carry one item with the file in binary field "data" and `row` as a form
 * field. The iTest node continues on fail, so the response lists failed items too.
 * @param {OperationCase} testCase
 * @returns {Record<string, unknown>}
 */
function buildOperationWorkflow(testCase) {
	const trigger = {
		id: `${testCase.id}-hook`,
		name: 'Request',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		position: [0, 0],
		webhookId: `${testCase.id}-webhook`,
		parameters: {
			httpMethod: 'POST',
			path: testCase.path,
			responseMode: 'lastNode',
			responseData: 'allEntries',
			options: {},
		},
	};
	const split = {
		id: `${testCase.id}-split`,
		name: 'Items',
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		position: [220, 0],
		parameters: { fieldToSplitOut: 'body.items', options: {} },
	};
	const itest = {
		id: `${testCase.id}-itest`,
		name: 'iTest',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [440, 0],
		onError: 'continueRegularOutput',
		parameters: { resource: testCase.resource, operation: testCase.operation, ...testCase.parameters, options: {} },
		credentials: ITEST_CREDENTIAL,
	};
	const rowSource = testCase.upload ? "$('Request').item.json.body.row" : "$('Items').item.json.row";
	const pairCheck = {
		id: `${testCase.id}-pair`,
		name: 'Pair check',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [660, 0],
		parameters: {
			includeOtherFields: true,
			assignments: {
				assignments: [{ id: `${testCase.id}-row`, name: 'inputRow', type: 'string', value: `={{ ${rowSource} }}` }],
			},
			options: {},
		},
	};

	let nodes = testCase.upload ? [trigger, itest, pairCheck] : [trigger, split, itest, pairCheck];
	if (testCase.groupsItems) nodes = [trigger, split, itest];
	/** @type {Record<string, unknown>} */
	const connections = {};
	for (let index = 0; index < nodes.length - 1; index++) {
		connections[nodes[index].name] = { main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] };
	}
	return {
		id: testCase.id,
		name: `e2e: ${testCase.resource} ${testCase.operation} (${testCase.path})`,
		active: false,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

module.exports = { OPERATION_CASES, buildOperationWorkflow };
