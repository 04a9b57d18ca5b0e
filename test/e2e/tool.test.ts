// The iTest node used as an AI agent tool, called without a language model. n8n 2.41.1 derives a
// tool node type, n8n-nodes-itest.iTestTool, from every node marked usableAsTool, and its
// parameters take the agent's arguments through $fromAI(). The langchain package's Tool Executor
// node (@n8n/n8n-nodes-langchain.toolExecutor) is what n8n puts in place of the agent when the
// editor runs a single tool step. Here it invokes the connected tool with the arguments that a
// webhook posts. n8n checks them against the schema that $fromAI() defines, and the webhook
// returns the tool's JSON reply as an agent would receive it. Record IDs start with "TOOL-" so
// other test files cannot collide.
import { sleep } from 'n8n-workflow';

import { httpRequest, publishWorkflows, restRequest, waitForWebhooks } from '../../scripts/lib/n8n';
import { context, emulatorRequests, emulatorState, lastRequestId, postJson } from './support';

const TIMEOUT_MS = 60_000;
const WEBHOOK_PATH = 'e2e/tool-executor';
const ITEST_CREDENTIAL = { iTestApi: { id: 'iTestEmulator001', name: 'iTest emulator (local demo)' } };

/** Returns a $fromAI() expression that reads one argument of the tool call, with its description for the agent. */
function fromAi(key: string, description: string, type: 'string' | 'boolean' = 'string'): string {
	return `={{ $fromAI('${key}', '${description}', '${type}') }}`;
}

interface ToolNode {
	name: string;
	parameters: Record<string, unknown>;
	onError?: string;
}

// n8n names each tool after its node, with characters other than letters, digits, "_" and "-"
// replaced by "_": "Create company" becomes the tool "Create_company".
const TOOL_NODES: ToolNode[] = [
	{
		name: 'Create company',
		parameters: {
			resource: 'company',
			operation: 'upsert',
			companyId: fromAi('companyId', 'Your own ID for the company'),
			name: fromAi('companyName', 'The company name shown in iTest'),
			enabled: fromAi('enabled', 'Whether the company can use iTest', 'boolean'),
		},
	},
	{
		// With Continue On Fail, a rejected call reaches the agent as a failed item it can read,
		// instead of an error that ends the tool call.
		name: 'Create user',
		onError: 'continueRegularOutput',
		parameters: {
			resource: 'user',
			operation: 'upsert',
			companyId: fromAi('companyId', 'Your own ID of the company the user belongs to'),
			userId: fromAi('userId', 'Your own ID for the user'),
			firstName: fromAi('firstName', 'First name'),
			lastName: fromAi('lastName', 'Last name'),
			email: fromAi('email', 'Email address'),
			role: fromAi('role', 'admin for a company administrator, user for a standard user'),
		},
	},
	{
		name: 'Get one-time password',
		parameters: {
			resource: 'user',
			operation: 'requestOtp',
			userId: fromAi('userId', 'Your own ID of the user'),
		},
	},
];

function buildToolWorkflow(): Record<string, unknown> {
	const executor = 'Tool Executor';
	const toolNodes = TOOL_NODES.map((tool, index) => ({
		id: `7c0f3f4e-5a3b-4c1d-9e2f-00000000000${index + 1}`,
		name: tool.name,
		type: 'n8n-nodes-itest.iTestTool',
		typeVersion: 1,
		position: [240 * index, 240],
		credentials: ITEST_CREDENTIAL,
		...(tool.onError ? { onError: tool.onError } : {}),
		parameters: { descriptionType: 'auto', ...tool.parameters },
	}));
	const connections: Record<string, unknown> = {
		'Tool call': { main: [[{ node: executor, type: 'main', index: 0 }]] },
	};
	for (const tool of TOOL_NODES) {
		connections[tool.name] = { ai_tool: [[{ node: executor, type: 'ai_tool', index: 0 }]] };
	}

	return {
		name: 'E2E: iTest as an AI agent tool',
		nodes: [
			{
				id: '7c0f3f4e-5a3b-4c1d-9e2f-0000000000a1',
				name: 'Tool call',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '7c0f3f4e-5a3b-4c1d-9e2f-0000000000b1',
				parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'lastNode', options: {} },
			},
			{
				id: '7c0f3f4e-5a3b-4c1d-9e2f-0000000000a2',
				name: executor,
				type: '@n8n/n8n-nodes-langchain.toolExecutor',
				typeVersion: 1,
				position: [240, 0],
				// The query maps each tool name to its arguments, and toolName picks the one tool to run.
				parameters: { query: '={{ JSON.stringify($json.body.query) }}', toolName: '={{ $json.body.tool }}', node: '' },
			},
			...toolNodes,
		],
		connections,
		settings: { executionOrder: 'v1' },
	};
}

interface ToolResult {
	status: number;
	items: unknown;
}

let workflowId = '';

/** Posts one tool call and returns the HTTP status and the items the tool returned. */
async function callTool(tool: string, args: Record<string, unknown>): Promise<ToolResult> {
	const response = await postJson(WEBHOOK_PATH, { tool, query: { [tool]: args } });
	return { status: response.status, items: response.json };
}

/** Returns the ID of the tool workflow's newest execution, 0 when it has none. */
async function newestExecutionId(): Promise<number> {
	const { instance, session } = context();
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const list = await restRequest(instance, session, 'GET', `executions?limit=1&filter=${filter}`);
	return list.results.length === 0 ? 0 : Number(list.results[0].id);
}

/**
 * Rebuilds a value that n8n stored in the "flatted" format: a table of values in which every
 * string inside an object or array is the table index of the real value.
 */
function unflatten(table: unknown[]): unknown {
	const revived = new Map<number, unknown>();
	const revive = (index: number): unknown => {
		const value = table[index];
		if (value === null || typeof value !== 'object') return value;
		if (revived.has(index)) return revived.get(index);
		const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
		revived.set(index, copy);
		for (const [key, child] of Object.entries(value)) {
			(copy as Record<string, unknown>)[key] = typeof child === 'string' ? revive(Number(child)) : child;
		}
		return copy;
	};
	return revive(0);
}

/**
 * Waits for the first execution of the tool workflow newer than `afterId` and returns the
 * message of the error that ended it. n8n may respond to the webhook before it stores the run.
 */
async function executionErrorAfter(afterId: number): Promise<string> {
	const { instance, session } = context();
	const deadline = Date.now() + 10_000;
	let executionId = await newestExecutionId();
	while (executionId <= afterId) {
		if (Date.now() > deadline) throw new Error(`n8n stored no execution of workflow ${workflowId} after execution ${afterId}`);
		await sleep(200);
		executionId = await newestExecutionId();
	}
	const execution = await restRequest(instance, session, 'GET', `executions/${executionId}`);
	const data = unflatten(JSON.parse(execution.data)) as { resultData: { error?: { message: string } } };
	return data.resultData.error?.message ?? '(the execution has no error)';
}

beforeAll(async () => {
	const { instance, session } = context();
	const workflow = await restRequest(instance, session, 'POST', 'workflows', buildToolWorkflow());
	workflowId = workflow.id;
	await publishWorkflows(instance, session, [workflowId]);
	await waitForWebhooks(instance, [WEBHOOK_PATH]);
}, TIMEOUT_MS);

describe('iTest as an AI agent tool', () => {
	test('n8n lists the tool node type', async () => {
		const { instance, session } = context();
		const response = await httpRequest('GET', `${instance.url}types/nodes.json`, {
			headers: { Cookie: session.cookie, 'browser-id': session.browserId },
		});
		expect(response.status).toBe(200);
		const nodeTypes = JSON.parse(response.body) as Array<{
			name: string;
			displayName: string;
			outputs: unknown;
			properties: Array<{ name: string; options?: Array<{ value: string; action?: string }>; displayOptions?: { show?: { resource?: string[] } } }>;
		}>;
		const tool = nodeTypes.find((nodeType) => nodeType.name === 'n8n-nodes-itest.iTestTool');

		expect(tool?.displayName).toBe('iTest Tool');
		expect(tool?.outputs).toEqual(['ai_tool']);
		// With "Set Automatically", the tool description an agent receives is "<action> in iTest".
		// n8n adds its own "Custom API Call" option (__CUSTOM_API_CALL__) to each operation list.
		const actions = (tool?.properties ?? [])
			.filter((property) => property.name === 'operation')
			.flatMap((property) =>
				(property.options ?? [])
					.filter((option) => option.value !== '__CUSTOM_API_CALL__')
					.map((option) => [property.displayOptions?.show?.resource?.[0], option.value, option.action]),
			);
		expect(actions).toEqual([
			['company', 'upsert', 'Create or update a company'],
			['user', 'upsert', 'Create or update a user'],
			['user', 'requestOtp', 'Get a one time password for a user'],
			['user', 'setOtp', 'Set a one time password for a user'],
			['profile', 'upsert', 'Create or update a test profile'],
			['supplier', 'upsert', 'Create or update a supplier'],
			['numberDatabase', 'importNumbers', 'Import numbers into the number database'],
			['numberDatabase', 'setBreakoutPermissions', 'Set the breakout permissions of a supplier'],
		]);
	}, TIMEOUT_MS);

	test('company upsert from tool arguments', async () => {
		const since = await lastRequestId();
		const result = await callTool('Create_company', { companyId: 'TOOL-C1', companyName: 'Agentic Telecom', enabled: false });

		expect(result).toEqual({
			status: 200,
			items: [{ companyId: 'TOOL-C1', status: 'Success', success: true }],
		});
		const requests = (await emulatorRequests(since)).filter((request) => request.t === '4010');
		expect(requests.map((request) => request.query)).toEqual([
			{ t: '4010', cid: 'TOOL-C1', name: 'Agentic Telecom', enable: '0' },
		]);
		const state = await emulatorState();
		expect(state.companies.find((company) => company.cid === 'TOOL-C1')).toEqual({
			cid: 'TOOL-C1',
			name: 'Agentic Telecom',
			enabled: false,
		});
	}, TIMEOUT_MS);

	test('user upsert then one-time password', async () => {
		await callTool('Create_company', { companyId: 'TOOL-C2', companyName: 'Tool Users Ltd', enabled: true });
		const user = await callTool('Create_user', {
			companyId: 'TOOL-C2',
			userId: 'TOOL-U1',
			firstName: 'Alan',
			lastName: 'Turing',
			email: 'alan.turing@example.com',
			role: 'admin',
		});

		expect(user).toEqual({
			status: 200,
			items: [{ companyId: 'TOOL-C2', userId: 'TOOL-U1', status: 'Success', success: true }],
		});

		const otp = await callTool('Get_one-time_password', { userId: 'TOOL-U1' });

		const state = await emulatorState();
		const stored = state.otps.find((entry) => entry.uid === 'TOOL-U1');
		expect(stored?.otp).toMatch(/^[a-z0-9]{32}$/);
		expect(otp).toEqual({ status: 200, items: [{ userId: 'TOOL-U1', otp: stored?.otp, success: true }] });
		expect(state.users.find((entry) => entry.uid === 'TOOL-U1')).toEqual({
			uid: 'TOOL-U1',
			cid: 'TOOL-C2',
			firstname: 'Alan',
			lastname: 'Turing',
			email: 'alan.turing@example.com',
			role: 'admin',
			enabled: true,
			hasPassword: false,
		});
	}, TIMEOUT_MS);

	test('rejection returns iTest message', async () => {
		const since = await lastRequestId();
		const result = await callTool('Create_user', {
			companyId: 'TOOL-NOPE',
			userId: 'TOOL-U2',
			firstName: 'Grace',
			lastName: 'Hopper',
			email: 'grace@example.com',
			role: 'user',
		});

		expect(result).toEqual({
			status: 200,
			items: [
				{
					success: false,
					error: 'iTest could not create or update user "TOOL-U2": "Unknown company: TOOL-NOPE" [item 0]',
					errorDescription:
						'iTest answered with this status instead of Success. Check the values of this item against the message; if the status mentions the login, check the iTest credential.',
					itemIndex: 0,
				},
			],
		});
		const requests = (await emulatorRequests(since)).filter((request) => request.t === '4020');
		expect(requests.map((request) => request.query.uid)).toEqual(['TOOL-U2']);
	}, TIMEOUT_MS);

	test('invalid email sends nothing', async () => {
		const since = await lastRequestId();
		const result = await callTool('Create_user', {
			companyId: 'TOOL-C2',
			userId: 'TOOL-U3',
			firstName: 'Ada',
			lastName: 'Lovelace',
			email: 'not-an-email',
			role: 'user',
		});

		expect(result).toEqual({
			status: 200,
			items: [
				{
					success: false,
					error: 'Invalid Email "not-an-email": it is not an email address [item 0]',
					errorDescription: 'Use the form name@example.com.',
					itemIndex: 0,
				},
			],
		});
		expect(await lastRequestId()).toBe(since);
	}, TIMEOUT_MS);

	test('missing arguments fail before sending', async () => {
		const since = await lastRequestId();
		const before = await newestExecutionId();
		// companyName and enabled are missing, so the arguments do not match the tool's schema.
		const result = await callTool('Create_company', { companyId: 'TOOL-C3' });

		expect(result.status).toBe(500);
		expect(await executionErrorAfter(before)).toBe(
			'Error executing tool: Received tool input did not match expected schema\n\n✖ Required\n  → at companyName\n✖ Required\n  → at enabled',
		);
		expect(await lastRequestId()).toBe(since);
		const state = await emulatorState();
		expect(state.companies.some((company) => company.cid === 'TOOL-C3')).toBe(false);
	}, TIMEOUT_MS);
});
