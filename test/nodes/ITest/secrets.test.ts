import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { FaultSpec } from '../../../emulator';
import { binaryItem } from '../../harness';
import type { ExecuteNodeResult } from '../../harness';
import { runITest, useEmulator } from './setup';

// Distinctive values, so any copy of them in an output, error or log line is found.
const LOGIN_VALUE = 'login-Zq7-never-shown';
const USER_PASS_VALUE = 'user-Kx9-never-shown';

const emulator = useEmulator({ password: LOGIN_VALUE });
const login = { password: LOGIN_VALUE };

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

const faults: Array<FaultSpec | undefined> = [
	undefined,
	{ type: 'status', status: 500 },
	{ type: 'rateLimit' },
	{ type: 'reset' },
	{ type: 'html' },
	{ type: 'truncated' },
	{ type: 'statusText', text: `Rejected ${LOGIN_VALUE}` },
	{ type: 'wrongRoot', root: 'Other' },
	{ type: 'empty' },
	{ type: 'latin1', text: 'Refusé' },
];

describe('secrets', () => {
	test('no operation or fault reveals a password', async () => {
		let runs = 0;
		for (const fault of faults) {
			emulator().reset();
			for (const [, parameters, items] of operations) {
				if (fault) emulator().setFault({ ...fault, count: 1 });
				for (const continueOnFail of [false, true]) {
					const result = await runITest(emulator(), parameters, { items: items?.(), continueOnFail, credentials: login });
					expectNoSecret(result);
					runs++;
				}
			}
		}
		expect(runs).toBe(faults.length * operations.length * 2);
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
