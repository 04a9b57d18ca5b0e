import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { FaultSpec } from '../../../emulator';
import { ITestApi } from '../../../credentials/ITestApi.credentials';
import { ITest } from '../../../nodes/ITest/ITest.node';
import { RETRY_TIMING } from '../../../nodes/ITest/transport';
import { binaryItem, executeNode } from '../../harness';
import type { ExecuteNodeResult } from '../../harness';
import { startHostileServer } from './hostile-server';
import { runITest, useEmulator } from './setup';

// Distinctive values, so any copy of them in an output, error or log line is found.
const LOGIN_VALUE = 'login-Zq7-never-shown';
const USER_PASS_VALUE = 'user-Kx9-never-shown';

const emulator = useEmulator({ password: LOGIN_VALUE });
const login = { password: LOGIN_VALUE };

const realTiming = { ...RETRY_TIMING };
beforeAll(() => {
	// Real waits start at 1 second; these keep the retries below fast.
	RETRY_TIMING.firstDelayMs = 5;
	RETRY_TIMING.maxDelayMs = 20;
});
afterAll(() => {
	Object.assign(RETRY_TIMING, realTiming);
});

/**
 * Collects every own property, enumerable or not, of an error or output, however deeply nested.
 * An error's `node` is skipped: n8n attaches the node's definition, with its parameters as written
 * in the workflow, to every error. The user's password is therefore passed by expression below.
 */
function serializeDeep(value: unknown, seen = new Set<unknown>()): string {
	if (value === null || typeof value !== 'object') return String(value);
	if (seen.has(value)) return '';
	seen.add(value);
	if (Buffer.isBuffer(value)) return value.toString('latin1');
	return Object.getOwnPropertyNames(value)
		.filter((name) => !(value instanceof Error && name === 'node'))
		.map((name) => `${name}:${serializeDeep((value as Record<string, unknown>)[name], seen)}`)
		.join('|');
}

function expectNoSecret(result: ExecuteNodeResult): void {
	const everything = [serializeDeep(result.output), serializeDeep(result.error), ...result.logs].join('\n');
	expect(everything).not.toContain(LOGIN_VALUE);
	expect(everything).not.toContain(USER_PASS_VALUE);
}

const userItem = () => [{ json: { userPass: USER_PASS_VALUE } }];
const upload = () => [binaryItem(Buffer.from('447700900001\n'), 'numbers.txt', 'text/plain')];

const operations: Array<[string, INodeParameters, (() => INodeExecutionData[]) | undefined]> = [
	['company upsert', { resource: 'company', operation: 'upsert', companyId: 'C-1', name: 'Acme', enabled: true }, undefined],
	[
		'user upsert',
		{
			resource: 'user',
			operation: 'upsert',
			companyId: 'C-1',
			userId: 'U-1',
			firstName: 'Ada',
			lastName: 'Lovelace',
			email: 'ada@example.com',
			role: 'admin',
			enabled: true,
			password: '={{ $json.userPass }}',
		},
		userItem,
	],
	['user requestOtp', { resource: 'user', operation: 'requestOtp', userId: 'U-1' }, undefined],
	['user setOtp', { resource: 'user', operation: 'setOtp', userId: 'U-1', generateOtp: true, otpLength: 32 }, undefined],
	[
		'profile upsert',
		{
			resource: 'profile',
			operation: 'upsert',
			companyId: 'C-1',
			profileId: 'P-1',
			name: 'P',
			type: 'std',
			gatewayIp: '192.0.2.1',
			gatewayPort: 5060,
			maxCallDuration: 60,
			maxRingDuration: 30,
		},
		undefined,
	],
	[
		'supplier upsert',
		{ resource: 'supplier', operation: 'upsert', companyId: 'C-1', supplierId: 'S-1', name: 'S', type: 'std', codec: 'alaw' },
		undefined,
	],
	['numberDatabase importNumbers', { resource: 'numberDatabase', operation: 'importNumbers', companyId: 'C-1' }, upload],
	[
		'numberDatabase setBreakoutPermissions',
		{ resource: 'numberDatabase', operation: 'setBreakoutPermissions', companyId: 'C-1', supplierId: 'S-1' },
		() => [binaryItem(Buffer.from('France, Mobile\n'), 'b.csv', 'text/csv')],
	],
];

/**
 * Every fault mode of the emulator. Those without a count stay for every attempt, so the node
 * retries until Max Retries and logs each retry; `slow` outlasts the 1-second timeout below.
 */
const faults: Array<FaultSpec | undefined> = [
	undefined,
	{ type: 'slow', ms: 1500 },
	{ type: 'status', status: 500 },
	{ type: 'status', status: 502, count: 1 },
	{ type: 'status', status: 503 },
	{ type: 'status', status: 504, count: 2 },
	{ type: 'rateLimit', retryAfter: 0 },
	{ type: 'reset' },
	{ type: 'reset', count: 1 },
	{ type: 'html' },
	{ type: 'truncated' },
	// Only the login reaches every operation; the echo of a user's password is tested below.
	{ type: 'statusText', text: `Rejected ${LOGIN_VALUE}` },
	{ type: 'wrongRoot', root: 'Other' },
	{ type: 'empty' },
	{ type: 'latin1', text: `Refusé ${LOGIN_VALUE}` },
];

describe('secrets', () => {
	test('no operation or fault reveals a password', async () => {
		let runs = 0;
		let retries = 0;
		for (const fault of faults) {
			emulator().reset();
			for (const [, parameters, items] of operations) {
				// A timed-out run costs a second, so the slow fault runs once per operation.
				const modes = fault?.type === 'slow' ? [true] : [false, true];
				for (const continueOnFail of modes) {
					emulator().clearFaults();
					if (fault) emulator().setFault(fault);
					const result = await runITest(
						emulator(),
						{ ...parameters, options: { includeRawResponse: true, timeout: 1 } },
						{ items: items?.(), continueOnFail, credentials: login },
					);
					expectNoSecret(result);
					retries += result.logs.filter((line) => line.includes('retrying')).length;
					runs++;
				}
			}
		}
		expect(runs).toBe((faults.length * 2 - 1) * operations.length);
		// The upload operations make no retries for resets and HTTP errors, the others do.
		expect(retries).toBeGreaterThan(0);
	}, 60_000);

	test('raw response echoing the login is masked', async () => {
		const server = await startHostileServer(() => ({
			kind: 'bytes',
			body: Buffer.from(`<Company><Adminitration><Status>Success</Status><Echo>${LOGIN_VALUE}</Echo><${LOGIN_VALUE}/></Adminitration></Company>`),
		}));
		try {
			const result = await executeNode({
				nodeType: new ITest(),
				credentialTypes: [new ITestApi()],
				credentials: {
					iTestApi: { username: 'reseller', password: LOGIN_VALUE, baseUrl: server.url, userFieldName: 'API_95718', passFieldName: 'API_84572', textEncoding: 'latin1' },
				},
				parameters: { ...operations[0][1], options: { includeRawResponse: true } },
			});

			expect(result.output?.[0][0].json.rawResponse).toEqual({
				Company: { Adminitration: { Status: 'Success', Echo: '***', '***': '' } },
			});
			expectNoSecret(result);
		} finally {
			await server.close();
		}
	});

	test('wrong login reveals neither password', async () => {
		const result = await runITest(emulator(), operations[1][1], {
			items: userItem(),
			credentials: { password: `${LOGIN_VALUE}-wrong` },
		});

		expect((result.error as Error).message).toBe('iTest could not create or update user "U-1": "Invalid API login" [item 0]');
		expectNoSecret(result);
	});

	test('status echoing the user password is masked', async () => {
		emulator().setFault({ type: 'statusText', text: `Weak password ${USER_PASS_VALUE}`, count: 1 });
		const result = await runITest(emulator(), operations[1][1], { items: userItem(), credentials: login });

		expect((result.error as Error).message).toBe('iTest could not create or update user "U-1": "Weak password ***" [item 0]');
		expectNoSecret(result);
	});

	test('the login reached the emulator in the body only', async () => {
		await runITest(emulator(), operations[0][1], { credentials: login });

		const [request] = emulator().requests;
		expect(request.login.password).toBe(LOGIN_VALUE);
		expect(request.rawQuery).not.toContain('never-shown');
	});
});
