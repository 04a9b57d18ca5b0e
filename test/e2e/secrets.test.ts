// Secrets in the real n8n: the iTest node runs every operation under every fault of the
// emulator, with and without Continue On Fail and with Include Raw Response on. Afterwards the
// API password must be nowhere in n8n's files: the SQLite database, the rest of the user folder
// and the log. The password of the iTest user must be only in the webhook's input data of each
// stored execution. It must not be in what the iTest nodes output, in the errors they raise or
// in the log. The test uses its own emulator and credential, so no other test file sends this
// login.
import { sleep } from 'n8n-workflow';

import { startEmulator } from '../../emulator';
import type { Emulator, FaultSpec } from '../../emulator';
import { publishWorkflows, restRequest, waitForWebhooks } from '../../scripts/lib/n8n';
import { databaseFiles, findInFiles, parseFlatted } from './secrets-support';
import { context, postJson } from './support';

const TIMEOUT_MS = 120_000;

// Distinctive values, so any copy of them is found wherever n8n wrote it.
const LOGIN_VALUE = 'login-Hv3-e2e-never-stored';
const USER_PASS_VALUE = 'user-Rt6-e2e-trigger-only';

const NODE_TYPE = 'n8n-nodes-itest.iTest';

interface OperationCase {
	key: string;
	parameters: Record<string, unknown>;
}

// Record IDs start with "SEC-". Uploads take their lines from the webhook's item (Source: Input
// Items), so no file has to be posted.
const OPERATIONS: OperationCase[] = [
	{ key: 'company', parameters: { resource: 'company', operation: 'upsert', companyId: 'SEC-C1', name: 'Secrets Ltd', enabled: true } },
	{
		key: 'user',
		parameters: {
			resource: 'user',
			operation: 'upsert',
			companyId: 'SEC-C1',
			userId: 'SEC-U1',
			firstName: 'Ada',
			lastName: 'Lovelace',
			email: 'ada@example.com',
			role: 'admin',
			enabled: true,
			// By expression, because n8n attaches the node's parameters as written to its errors.
			password: '={{ $json.body.pass }}',
		},
	},
	{ key: 'request-otp', parameters: { resource: 'user', operation: 'requestOtp', userId: 'SEC-U1' } },
	{ key: 'set-otp', parameters: { resource: 'user', operation: 'setOtp', userId: 'SEC-U1', generateOtp: true, otpLength: 32 } },
	{
		key: 'profile',
		parameters: {
			resource: 'profile',
			operation: 'upsert',
			companyId: 'SEC-C1',
			profileId: 'SEC-P1',
			name: 'Secrets profile',
			type: 'std',
			gatewayIp: '192.0.2.1',
			gatewayPort: 5060,
			maxCallDuration: 60,
			maxRingDuration: 30,
		},
	},
	{
		key: 'supplier',
		parameters: {
			resource: 'supplier',
			operation: 'upsert',
			companyId: 'SEC-C1',
			supplierId: 'SEC-S1',
			name: 'Secrets supplier',
			type: 'std',
			codec: 'alaw',
		},
	},
	{
		key: 'import-numbers',
		parameters: { resource: 'numberDatabase', operation: 'importNumbers', companyId: 'SEC-C1', source: 'items', numberField: 'body.number' },
	},
	{
		key: 'breakouts',
		parameters: {
			resource: 'numberDatabase',
			operation: 'setBreakoutPermissions',
			companyId: 'SEC-C1',
			supplierId: 'SEC-S1',
			source: 'items',
			countryField: 'body.country',
			breakoutField: 'body.breakout',
		},
	},
];

interface FaultCase {
	name: string;
	fault?: FaultSpec;
	/** Max Retries of the node: 0 except where a retry costs no wait, so that its log line appears. */
	maxRetries: number;
}

// Faults without a count apply to every request until cleared. The first case runs without a
// fault and creates the records that the later operations refer to.
const FAULTS: FaultCase[] = [
	{ name: 'none', maxRetries: 0 },
	{ name: 'status 500', fault: { type: 'status', status: 500 }, maxRetries: 0 },
	{ name: 'rate limit', fault: { type: 'rateLimit', retryAfter: 0 }, maxRetries: 1 },
	{ name: 'reset', fault: { type: 'reset' }, maxRetries: 0 },
	{ name: 'html', fault: { type: 'html' }, maxRetries: 0 },
	{ name: 'truncated', fault: { type: 'truncated' }, maxRetries: 0 },
	{ name: 'status echoing the login', fault: { type: 'statusText', text: `Rejected ${LOGIN_VALUE}` }, maxRetries: 0 },
	{ name: 'status echoing the user password', fault: { type: 'statusText', text: `Weak password ${USER_PASS_VALUE}`, t: '4020' }, maxRetries: 0 },
	{ name: 'wrong root', fault: { type: 'wrongRoot', root: 'Other' }, maxRetries: 0 },
	{ name: 'empty', fault: { type: 'empty' }, maxRetries: 0 },
	{ name: 'latin1 echoing the login', fault: { type: 'latin1', text: `Refusé ${LOGIN_VALUE}` }, maxRetries: 0 },
];

interface Mode {
	key: string;
	continueOnFail: boolean;
}

const MODES: Mode[] = [
	{ key: 'continue', continueOnFail: true },
	{ key: 'stop', continueOnFail: false },
];

const webhookPath = (mode: Mode, operation: OperationCase): string => `e2e-secrets/${mode.key}/${operation.key}`;
const triggerName = (operation: OperationCase): string => `Request ${operation.key}`;
const itestName = (operation: OperationCase): string => `iTest ${operation.key}`;

/**
 * Builds one workflow per mode: a webhook per operation, each feeding its own iTest node, so
 * that a call runs exactly one operation. The settings make n8n save every execution with its
 * data, whatever the instance's defaults.
 */
function buildWorkflow(mode: Mode, credential: { id: string; name: string }): Record<string, unknown> {
	const nodes: Array<Record<string, unknown>> = [];
	const connections: Record<string, unknown> = {};
	OPERATIONS.forEach((operation, index) => {
		nodes.push({
			id: `5ec0e2e0-0000-4000-8000-${mode.key === 'continue' ? '1' : '2'}${String(index).padStart(11, '0')}`,
			name: triggerName(operation),
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2.1,
			position: [0, 200 * index],
			webhookId: `5ec0e2e0-0000-4000-9000-${mode.key === 'continue' ? '1' : '2'}${String(index).padStart(11, '0')}`,
			parameters: { httpMethod: 'POST', path: webhookPath(mode, operation), responseMode: 'lastNode', responseData: 'allEntries', options: {} },
		});
		nodes.push({
			id: `5ec0e2e0-0000-4000-a000-${mode.key === 'continue' ? '1' : '2'}${String(index).padStart(11, '0')}`,
			name: itestName(operation),
			type: NODE_TYPE,
			typeVersion: 1,
			position: [300, 200 * index],
			...(mode.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
			parameters: {
				...operation.parameters,
				options: { includeRawResponse: true, maxRetries: '={{ $json.body.maxRetries }}', timeout: 5 },
			},
			credentials: { iTestApi: credential },
		});
		connections[triggerName(operation)] = { main: [[{ node: itestName(operation), type: 'main', index: 0 }]] };
	});
	return {
		name: `E2E: secrets, ${mode.continueOnFail ? 'continue on fail' : 'stop on fail'}`,
		nodes,
		connections,
		settings: {
			executionOrder: 'v1',
			saveDataSuccessExecution: 'all',
			saveDataErrorExecution: 'all',
			saveManualExecutions: true,
		},
	};
}

/** Joins every string, number and key inside a value, following each object once. */
function collectText(value: unknown, seen = new Set<unknown>()): string {
	if (value === null || typeof value !== 'object') return String(value);
	if (seen.has(value)) return '';
	seen.add(value);
	return Object.entries(value)
		.map(([key, child]) => `${key}:${collectText(child, seen)}`)
		.join('|');
}

interface StoredExecution {
	id: string;
	status: string;
	/** The execution data as n8n stores it, in the "flatted" format. */
	rawData: string;
	resultData: {
		runData: Record<string, unknown[]>;
		error?: unknown;
	};
}

interface ExecutionSummary {
	id: string;
	status: string;
}

/** Lists the finished executions of a workflow. */
async function finishedExecutions(workflowId: string): Promise<ExecutionSummary[]> {
	const { instance, session } = context();
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const list = await restRequest(instance, session, 'GET', `executions?limit=100&filter=${filter}`);
	return (list.results as ExecutionSummary[]).filter((execution) => execution.status !== 'running' && execution.status !== 'new');
}

/**
 * Waits until n8n has stored `expected` finished executions of the workflow and returns them
 * with their data, oldest first. n8n may respond to a webhook before it stores the execution.
 */
async function loadExecutions(workflowId: string, expected: number): Promise<StoredExecution[]> {
	const { instance, session } = context();
	const deadline = Date.now() + 20_000;
	let summaries = await finishedExecutions(workflowId);
	while (summaries.length < expected) {
		if (Date.now() > deadline) {
			throw new Error(`n8n stored ${summaries.length} finished executions of workflow ${workflowId}, expected ${expected}`);
		}
		await sleep(250);
		summaries = await finishedExecutions(workflowId);
	}
	const executions: StoredExecution[] = [];
	for (const summary of summaries) {
		const execution = await restRequest(instance, session, 'GET', `executions/${summary.id}`);
		const data = parseFlatted(execution.data) as { resultData: StoredExecution['resultData'] };
		executions.push({
			id: String(execution.id),
			status: String(execution.status),
			rawData: String(execution.data),
			resultData: data.resultData,
		});
	}
	return executions.sort((a, b) => Number(a.id) - Number(b.id));
}

let emulator: Emulator;
const workflowIds = new Map<string, string>();
const executions = new Map<string, StoredExecution[]>();
const webhookResponses: string[] = [];

beforeAll(async () => {
	emulator = await startEmulator({ password: LOGIN_VALUE });
	const { instance, session } = context();
	const credential = await restRequest(instance, session, 'POST', 'credentials', {
		name: 'iTest emulator for the secrets test',
		type: 'iTestApi',
		data: {
			username: 'reseller',
			password: LOGIN_VALUE,
			baseUrl: emulator.url,
			userFieldName: 'API_95718',
			passFieldName: 'API_84572',
			textEncoding: 'latin1',
		},
	});
	for (const mode of MODES) {
		const workflow = await restRequest(instance, session, 'POST', 'workflows', buildWorkflow(mode, { id: credential.id, name: credential.name }));
		workflowIds.set(mode.key, workflow.id);
	}
	await publishWorkflows(instance, session, [...workflowIds.values()]);
	await waitForWebhooks(
		instance,
		MODES.flatMap((mode) => OPERATIONS.map((operation) => webhookPath(mode, operation))),
	);

	for (const faultCase of FAULTS) {
		emulator.clearFaults();
		if (faultCase.fault) emulator.setFault(faultCase.fault);
		for (const mode of MODES) {
			for (const operation of OPERATIONS) {
				const response = await postJson(webhookPath(mode, operation), {
					pass: USER_PASS_VALUE,
					maxRetries: faultCase.maxRetries,
					number: '447700900001',
					country: 'France',
					breakout: 'Mobile',
				});
				webhookResponses.push(response.text);
			}
		}
	}
	emulator.clearFaults();

	for (const mode of MODES) {
		const workflowId = workflowIds.get(mode.key) ?? '';
		executions.set(mode.key, await loadExecutions(workflowId, FAULTS.length * OPERATIONS.length));
	}
}, TIMEOUT_MS);

afterAll(async () => {
	await emulator?.close();
});

interface LabelledRun {
	/** e.g. "stop / status 500 / company" */
	label: string;
	fault: FaultCase;
	operation: OperationCase;
	execution: StoredExecution;
}

/**
 * Pairs the executions of a mode, oldest first, with the fault and operation of the webhook
 * call that started each. The calls ran one at a time, faults in the outer loop.
 */
function labelledRuns(mode: Mode): LabelledRun[] {
	return (executions.get(mode.key) ?? []).map((execution, index) => {
		const fault = FAULTS[Math.floor(index / OPERATIONS.length)];
		const operation = OPERATIONS[index % OPERATIONS.length];
		return { label: `${mode.key} / ${fault.name} / ${operation.key}`, fault, operation, execution };
	});
}

interface NodeRun {
	data?: { main: Array<Array<{ json: Record<string, unknown> }>> };
	error?: { message: string };
}

/** Returns the iTest node's run of an execution. */
function itestRun(run: LabelledRun): NodeRun {
	return run.execution.resultData.runData[itestName(run.operation)][0] as NodeRun;
}

/** Returns the JSON of the iTest node's first output item. */
function firstOutput(run: LabelledRun): Record<string, unknown> {
	return itestRun(run).data?.main[0][0].json ?? {};
}

/** Returns the error the iTest node raised, or a placeholder error when it raised none. */
function nodeError(run: LabelledRun | undefined): { message: string } {
	if (run === undefined) return { message: '(no such run)' };
	return itestRun(run).error ?? { message: '(the node raised no error)' };
}

describe('secrets in the real n8n', () => {
	test('every operation reached the emulator with the login', () => {
		const apiRequests = emulator.requests.filter((request) => request.path === '/');
		const types = new Set(apiRequests.map((request) => request.t));

		expect([...types].sort()).toEqual(['4010', '4020', '4024', '4025', '5010', '5020', '5110', '5150']);
		const state = emulator.state.snapshot();
		expect(state.users.map((user) => [user.uid, user.hasPassword])).toEqual([['SEC-U1', true]]);
		expect(state.numbers).toEqual([{ cid: 'SEC-C1', count: 1 }]);
		expect(state.permissions).toEqual([{ cid: 'SEC-C1', sid: 'SEC-S1', entries: [{ country: 'France', breakout: 'Mobile' }] }]);
		expect(apiRequests.filter((request) => request.login.password !== LOGIN_VALUE)).toEqual([]);
		// The echo faults sent the login back, so n8n received it.
		expect(apiRequests.some((request) => request.responseText?.includes(`Rejected ${LOGIN_VALUE}`))).toBe(true);
		expect(apiRequests.some((request) => request.responseText?.includes(`Weak password ${USER_PASS_VALUE}`))).toBe(true);
	});

	test('every run was saved with its data', () => {
		for (const mode of MODES) {
			const runs = labelledRuns(mode);
			expect(runs).toHaveLength(FAULTS.length * OPERATIONS.length);
			for (const run of runs) {
				const nodesRun = Object.keys(run.execution.resultData.runData).sort();
				expect({ run: run.label, nodesRun }).toEqual({ run: run.label, nodesRun: [triggerName(run.operation), itestName(run.operation)] });
			}
		}
	});

	test('faults end runs only without Continue On Fail', () => {
		const statuses = (mode: Mode, faultName: string): string[] =>
			labelledRuns(mode)
				.filter((run) => run.fault.name === faultName)
				.map((run) => run.execution.status);
		const allOperations = (status: string): string[] => OPERATIONS.map(() => status);

		for (const mode of MODES) expect(statuses(mode, 'none')).toEqual(allOperations('success'));
		for (const fault of FAULTS) expect(statuses(MODES[0], fault.name)).toEqual(allOperations('success'));
		expect(statuses(MODES[1], 'status echoing the login')).toEqual(allOperations('error'));
		expect(statuses(MODES[1], 'latin1 echoing the login')).toEqual(allOperations('error'));
	});

	test('raw response is in the output', () => {
		for (const run of labelledRuns(MODES[0]).filter((entry) => entry.fault.name === 'none')) {
			const json = firstOutput(run);
			expect({ run: run.label, hasRawResponse: json.rawResponse !== undefined }).toEqual({ run: run.label, hasRawResponse: true });
		}
	});

	test('echoed passwords are masked in errors', () => {
		const echoedLogin = labelledRuns(MODES[1]).find((run) => run.fault.name === 'status echoing the login' && run.operation.key === 'company');
		const echoedUserPass = labelledRuns(MODES[1]).find((run) => run.fault.name === 'status echoing the user password' && run.operation.key === 'user');
		const echoedUserPassContinued = labelledRuns(MODES[0]).find(
			(run) => run.fault.name === 'status echoing the user password' && run.operation.key === 'user',
		);

		expect(nodeError(echoedLogin).message).toBe('iTest could not create or update company "SEC-C1": "Rejected ***" [item 0]');
		expect(nodeError(echoedUserPass).message).toBe('iTest could not create or update user "SEC-U1": "Weak password ***" [item 0]');
		expect(echoedUserPassContinued).toBeDefined();
		if (echoedUserPassContinued === undefined) return;
		expect(firstOutput(echoedUserPassContinued).error).toBe('iTest could not create or update user "SEC-U1": "Weak password ***" [item 0]');
	});

	test('login is not in the database', () => {
		const files = databaseFiles(context().instance.userFolder);

		expect(files).toContain(`${context().instance.userFolder}/.n8n/database.sqlite`);
		// The user password is in the stored webhook input, so the search finds what is there.
		expect(findInFiles(files, USER_PASS_VALUE).length).toBeGreaterThan(0);
		expect(findInFiles(files, LOGIN_VALUE)).toEqual([]);
	});

	test('login is not in any file of the user folder', () => {
		expect(findInFiles([context().instance.userFolder], LOGIN_VALUE)).toEqual([]);
	});

	test('login is not in the n8n log', () => {
		const logPath = context().logPath;

		// The retry after the rate limit logs a warning, so the node's log lines reach this file.
		expect(findInFiles([logPath], 'iTest request failed, retrying in 0 ms').length).toBeGreaterThan(0);
		expect(findInFiles([logPath], LOGIN_VALUE)).toEqual([]);
		expect(findInFiles([logPath], USER_PASS_VALUE)).toEqual([]);
	});

	test('webhook responses reveal neither password', () => {
		expect(webhookResponses).toHaveLength(FAULTS.length * MODES.length * OPERATIONS.length);
		expect(webhookResponses.filter((text) => text.includes(LOGIN_VALUE))).toEqual([]);
		expect(webhookResponses.filter((text) => text.includes(USER_PASS_VALUE))).toEqual([]);
	});

	test('user password only in the webhook input', () => {
		for (const mode of MODES) {
			for (const run of labelledRuns(mode)) {
				const { runData, error } = run.execution.resultData;

				expect({ run: run.label, inTrigger: collectText(runData[triggerName(run.operation)]).includes(USER_PASS_VALUE) }).toEqual({
					run: run.label,
					inTrigger: true,
				});
				for (const [part, value] of [
					['iTest run data', runData[itestName(run.operation)]],
					['execution error', error],
				] as const) {
					const text = collectText(value);
					expect({ run: run.label, part, userPass: text.includes(USER_PASS_VALUE), login: text.includes(LOGIN_VALUE) }).toEqual({
						run: run.label,
						part,
						userPass: false,
						login: false,
					});
				}
				expect({ run: run.label, login: run.execution.rawData.includes(LOGIN_VALUE) }).toEqual({ run: run.label, login: false });
			}
		}
	});
});
