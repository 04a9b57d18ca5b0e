import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { binaryItem, executeNode, readBinary } from './index';
import { formatLogLine } from './log-capture';
import { startRecordingServer } from './recording-server';

const API_KEY = 'dummy-harness-key-7f3a';

/** Credential with an `authenticate` function that adds the API key to the request body. */
class HarnessFunctionAuthApi implements ICredentialType {
	name = 'harnessFunctionAuthApi';

	displayName = 'Harness Function Auth API';

	documentationUrl = 'https://docs.n8n.io/integrations/creating-nodes/';

	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		// Left out of the test data, so only the type's default can supply it.
		{ displayName: 'Key Field Name', name: 'keyFieldName', type: 'string', default: 'api_key' },
	];

	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => ({
		...requestOptions,
		body: {
			...(requestOptions.body as IDataObject),
			[credentials.keyFieldName as string]: credentials.apiKey,
		},
	});

	test: ICredentialTestRequest = { request: { baseURL: '={{ $credentials.baseUrl }}', url: '/' } };
}

/** Credential whose `authenticate` is n8n's generic object form with expressions. */
class HarnessGenericAuthApi implements ICredentialType {
	name = 'harnessGenericAuthApi';

	displayName = 'Harness Generic Auth API';

	documentationUrl = 'https://docs.n8n.io/integrations/creating-nodes/';

	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { 'X-Api-Key': '={{ $credentials.apiKey }}' },
			body: { api_key: '={{ $credentials.apiKey }}' },
		},
	};

	test: ICredentialTestRequest = { request: { baseURL: '={{ $credentials.baseUrl }}', url: '/' } };
}

// The error the node threw last, to check that the harness hands it over unchanged.
let lastThrownError: Error | undefined;

const description: INodeTypeDescription = {
	displayName: 'Harness Test',
	name: 'harnessTest',
	icon: 'fa:vial',
	group: ['transform'],
	version: 1,
	description: 'Exercises the test harness',
	defaults: { name: 'Harness Test' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	usableAsTool: true,
	credentials: [
		{ name: 'harnessFunctionAuthApi', required: false },
		{ name: 'harnessGenericAuthApi', required: false },
	],
	properties: [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Send Request', value: 'request', action: 'Send a request' },
				{ name: 'Transform Binary', value: 'binary', action: 'Transform a binary file' },
				{ name: 'Reject', value: 'reject', action: 'Reject an item' },
				{ name: 'Log', value: 'log', action: 'Write log lines' },
			],
			default: 'request',
		},
		{
			displayName: 'Credential Type',
			name: 'credentialType',
			type: 'string',
			default: 'harnessFunctionAuthApi',
		},
		{ displayName: 'Company ID', name: 'companyId', type: 'string', default: '' },
		{
			displayName: 'Input Binary Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
		},
	],
};

async function sendRequest(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const credentialType = context.getNodeParameter('credentialType', itemIndex) as string;
	const companyId = context.getNodeParameter('companyId', itemIndex) as string;
	const { baseUrl } = await context.getCredentials(credentialType, itemIndex);

	const response = (await context.helpers.httpRequestWithAuthentication.call(
		context,
		credentialType,
		{ method: 'POST', url: `${baseUrl as string}/companies`, body: { companyId }, json: true },
	)) as IDataObject;
	return { json: response, pairedItem: { item: itemIndex } };
}

async function transformBinary(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const property = context.getNodeParameter('binaryPropertyName', itemIndex) as string;
	const input = context.helpers.assertBinaryData(itemIndex, property);
	const text = (await context.helpers.getBinaryDataBuffer(itemIndex, property)).toString('utf8');

	const upper = await context.helpers.prepareBinaryData(
		Buffer.from(text.toUpperCase(), 'utf8'),
		'upper.txt',
		'text/plain',
	);
	return {
		json: {
			fileName: input.fileName ?? null,
			mimeType: input.mimeType,
			dataField: input.data,
			id: input.id ?? null,
			text,
		},
		binary: { data: upper },
		pairedItem: { item: itemIndex },
	};
}

function reject(context: IExecuteFunctions, itemIndex: number): INodeExecutionData {
	const companyId = context.getNodeParameter('companyId', itemIndex) as string;
	const message = `Company "${companyId}" was rejected`;
	if (context.continueOnFail()) {
		return { json: { error: message }, pairedItem: { item: itemIndex } };
	}
	lastThrownError = new NodeOperationError(context.getNode(), message, { itemIndex });
	throw lastThrownError;
}

class HarnessTestNode implements INodeType {
	description = description;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		const output: INodeExecutionData[] = [];

		for (let itemIndex = 0; itemIndex < this.getInputData().length; itemIndex++) {
			if (operation === 'request') output.push(await sendRequest(this, itemIndex));
			if (operation === 'binary') output.push(await transformBinary(this, itemIndex));
			if (operation === 'reject') output.push(reject(this, itemIndex));
			if (operation === 'log') {
				const companyId = this.getNodeParameter('companyId', itemIndex) as string;
				this.logger.info('Upserting company', { companyId });
				// n8n-core logs through LoggerProxy that it truncates keys over 50 characters.
				this.customData.set('k'.repeat(51), companyId);
				output.push(await sendRequest(this, itemIndex));
			}
		}
		return [output];
	}
}

describe('executeNode', () => {
	let server: Awaited<ReturnType<typeof startRecordingServer>>;

	beforeEach(async () => {
		server = await startRecordingServer(() => ({ body: '{"status":"Success"}' }));
	});

	afterEach(async () => {
		await server.close();
	});

	const functionCredentials = () => ({
		harnessFunctionAuthApi: { baseUrl: server.url, apiKey: API_KEY },
	});

	test('function authenticate adds body field', async () => {
		const result = await executeNode({
			nodeType: new HarnessTestNode(),
			credentialTypes: [new HarnessFunctionAuthApi()],
			credentials: functionCredentials(),
			parameters: { operation: 'request', companyId: 'C-1' },
		});

		expect(result.error).toBeUndefined();
		expect(server.requests).toHaveLength(1);
		expect(server.requests[0].method).toBe('POST');
		expect(server.requests[0].url).toBe('/companies');
		expect(JSON.parse(server.requests[0].body)).toEqual({ companyId: 'C-1', api_key: API_KEY });
		expect(result.output).toEqual([[{ json: { status: 'Success' }, pairedItem: { item: 0 } }]]);
	});

	test('generic authenticate resolves expressions', async () => {
		const result = await executeNode({
			nodeType: new HarnessTestNode(),
			credentialTypes: [new HarnessGenericAuthApi()],
			credentials: { harnessGenericAuthApi: { baseUrl: server.url, apiKey: API_KEY } },
			parameters: {
				operation: 'request',
				credentialType: 'harnessGenericAuthApi',
				companyId: 'C-2',
			},
		});

		expect(result.error).toBeUndefined();
		expect(server.requests).toHaveLength(1);
		expect(server.requests[0].headers['x-api-key']).toBe(API_KEY);
		expect(JSON.parse(server.requests[0].body)).toEqual({ companyId: 'C-2', api_key: API_KEY });
	});

	test('credential expressions resolve per item', async () => {
		const result = await executeNode({
			nodeType: new HarnessTestNode(),
			credentialTypes: [new HarnessFunctionAuthApi()],
			credentials: {
				harnessFunctionAuthApi: {
					baseUrl: `={{ "${server.url}/" + $json.tenant }}`,
					apiKey: '={{ $json.tenant }}-key',
				},
			},
			parameters: { operation: 'request', companyId: 'C-4' },
			items: [{ json: { tenant: 'north' } }, { json: { tenant: 'south' } }],
		});

		expect(result.error).toBeUndefined();
		// The node reads the base URL with `getCredentials(type, itemIndex)`: resolved per item.
		expect(server.requests.map((request) => request.url)).toEqual([
			'/north/companies',
			'/south/companies',
		]);
		// n8n-core 2.41.1's `httpRequestWithAuthentication` calls `getCredentials(type)` without
		// an item index, so `authenticate` receives the credentials as resolved for item 0.
		const sentKeys = server.requests.map((request) => JSON.parse(request.body).api_key);
		expect(sentKeys).toEqual(['north-key', 'north-key']);
	});

	test('expression parameter resolves per item', async () => {
		const result = await executeNode({
			nodeType: new HarnessTestNode(),
			credentialTypes: [new HarnessFunctionAuthApi()],
			credentials: functionCredentials(),
			parameters: { operation: 'request', companyId: '={{ $json.id }}-{{ $itemIndex }}' },
			items: [{ json: { id: 'A' } }, { json: { id: 'B' } }],
		});

		expect(result.error).toBeUndefined();
		const sentIds = server.requests.map((request) => JSON.parse(request.body).companyId);
		expect(sentIds).toEqual(['A-0', 'B-1']);
		expect(result.output?.[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	test.each(['default', 'filesystem'] as const)('binary round trip in %s mode', async (mode) => {
		const result = await executeNode({
			nodeType: new HarnessTestNode(),
			parameters: { operation: 'binary' },
			items: [binaryItem(Buffer.from('hello, world', 'utf8'), 'greeting.txt', 'text/plain')],
			binaryDataMode: mode,
		});

		expect(result.error).toBeUndefined();
		const [item] = result.output?.[0] ?? [];
		expect(item.json.text).toBe('hello, world');
		expect(item.json.fileName).toBe('greeting.txt');
		expect(item.json.mimeType).toBe('text/plain');

		const outputBinary = item.binary?.data;
		expect(outputBinary?.fileName).toBe('upper.txt');
		expect(outputBinary?.mimeType).toBe('text/plain');
		expect(outputBinary?.bytes).toBe(12);
		expect((await readBinary(outputBinary!)).toString('utf8')).toBe('HELLO, WORLD');

		if (mode === 'default') {
			expect(item.json.dataField).toBe(Buffer.from('hello, world').toString('base64'));
			expect(item.json.id).toBeNull();
			expect(outputBinary?.data).toBe(Buffer.from('HELLO, WORLD').toString('base64'));
			expect(outputBinary?.id).toBeUndefined();
		} else {
			const idPattern =
				/^filesystem-v2:workflows\/harness-workflow\/executions\/\d+\/binary_data\/[0-9a-f-]{36}$/;
			expect(item.json.dataField).toBe('filesystem-v2');
			expect(item.json.id).toMatch(idPattern);
			expect(outputBinary?.data).toBe('filesystem-v2');
			expect(outputBinary?.id).toMatch(idPattern);
		}
	});

	test('continueOnFail returns error items', async () => {
		const result = await executeNode({
			nodeType: new HarnessTestNode(),
			parameters: { operation: 'reject', companyId: 'C-9' },
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		expect(result.output).toEqual([
			[{ json: { error: 'Company "C-9" was rejected' }, pairedItem: { item: 0 } }],
		]);
	});

	test('thrown error is returned unchanged', async () => {
		lastThrownError = undefined;
		const result = await executeNode({
			nodeType: new HarnessTestNode(),
			parameters: { operation: 'reject', companyId: 'C-9' },
		});

		expect(result.output).toBeUndefined();
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error).toBe(lastThrownError);
		expect((result.error as NodeOperationError).message).toBe('Company "C-9" was rejected');
	});

	test('empty input skips execute', async () => {
		const result = await executeNode({
			nodeType: new HarnessTestNode(),
			credentialTypes: [new HarnessFunctionAuthApi()],
			credentials: functionCredentials(),
			parameters: { operation: 'request', companyId: 'C-1' },
			items: [],
		});

		expect(result).toEqual({ output: undefined, error: undefined, hints: [], logs: [], credentialReads: 0 });
		expect(server.requests).toHaveLength(0);
	});

	test('logs capture node and core lines', async () => {
		const result = await executeNode({
			nodeType: new HarnessTestNode(),
			credentialTypes: [new HarnessFunctionAuthApi()],
			credentials: functionCredentials(),
			parameters: { operation: 'log', companyId: 'C-3' },
		});

		expect(result.error).toBeUndefined();
		expect(JSON.parse(server.requests[0].body)).toEqual({ companyId: 'C-3', api_key: API_KEY });
		expect(result.logs).toEqual([
			'{"level":"info","message":"Upserting company","meta":{"companyId":"C-3"}}',
			'{"level":"error","message":"Custom data key over 50 characters long. Truncating to 50 characters."}',
		]);
		expect(result.logs.join('\n')).not.toContain(API_KEY);
	});
});

describe('formatLogLine', () => {
	test('keeps error message, stack and cause', () => {
		const cause = new Error('socket hang up');
		const error = new Error('Request failed', { cause });
		error.stack = 'Error: Request failed\n    at test';
		cause.stack = 'Error: socket hang up';

		expect(JSON.parse(formatLogLine('warn', 'Retrying', { error }))).toEqual({
			level: 'warn',
			message: 'Retrying',
			meta: {
				error: {
					name: 'Error',
					message: 'Request failed',
					stack: 'Error: Request failed\n    at test',
					cause: { name: 'Error', message: 'socket hang up', stack: 'Error: socket hang up' },
				},
			},
		});
	});

	test('marks circular references', () => {
		const request: IDataObject = { url: '/companies' };
		request.self = request;

		expect(formatLogLine('debug', 'Sent', { request })).toBe(
			'{"level":"debug","message":"Sent","meta":{"request":{"url":"/companies","self":"[Circular]"}}}',
		);
	});
});
