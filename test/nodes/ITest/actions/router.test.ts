import { sleep } from 'n8n-workflow';

import type { FaultSpec } from '../../../../emulator';
import { RETRY_TIMING } from '../../../../nodes/ITest/transport';
import { expectedFaultMessage } from '../fault-messages';
import { startFaultProxy } from '../fault-proxy';
import { startGateProxy } from '../gate-proxy';
import { SeededRandom } from '../random';
import { createCompany, outputJson, runITest, thrownError, useEmulator } from '../setup';

const emulator = useEmulator();

const realTiming = { ...RETRY_TIMING };
beforeAll(() => {
	// Real waits start at 1 second; these keep the retries below fast.
	RETRY_TIMING.firstDelayMs = 5;
	RETRY_TIMING.maxDelayMs = 20;
});
afterAll(() => {
	Object.assign(RETRY_TIMING, realTiming);
});

const userParameters = {
	resource: 'user',
	operation: 'upsert',
	companyId: '={{ $json.companyId }}',
	userId: '={{ $json.userId }}',
	firstName: 'Ada',
	lastName: 'Lovelace',
	email: '={{ $json.email }}',
	role: 'user',
	enabled: true,
};

const items = [
	{ json: { companyId: 'C-1', userId: 'U-1', email: 'u1@example.com' } },
	{ json: { companyId: 'C-1', userId: 'U-2', email: 'broken' } },
	{ json: { companyId: 'C-404', userId: 'U-3', email: 'u3@example.com' } },
	{ json: { companyId: 'C-1', userId: 'U-4', email: 'u4@example.com' } },
];

describe('router', () => {
	beforeEach(async () => {
		await createCompany(emulator());
	});

	test('continue on fail keeps every item paired', async () => {
		const result = await runITest(emulator(), userParameters, { items, continueOnFail: true });

		expect(result.error).toBeUndefined();
		const output = result.output?.[0] ?? [];
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(output.map((item) => item.json)).toEqual([
			{ companyId: 'C-1', userId: 'U-1', status: 'Success', success: true },
			{
				success: false,
				error: 'Invalid Email "broken": it is not an email address [item 1]',
				errorDescription: 'Use the form name@example.com.',
				itemIndex: 1,
			},
			{
				success: false,
				error: 'iTest could not create or update user "U-3": "Unknown company: C-404" [item 2]',
				errorDescription:
					'iTest answered with this status instead of Success. Check the values of this item against the message; if the status mentions the login, check the iTest credential.',
				itemIndex: 2,
			},
			{ companyId: 'C-1', userId: 'U-4', status: 'Success', success: true },
		]);
		expect([...emulator().state.users.keys()]).toEqual(['U-1', 'U-4']);
	});

	test('without continue on fail the first failure stops the run', async () => {
		const error = thrownError(await runITest(emulator(), userParameters, { items }));

		expect(error.message).toBe('Invalid Email "broken": it is not an email address [item 1]');
		expect(error.description).toBe(
			'Use the form name@example.com. The run stopped at item 1. Item 0 before it was applied. Items 2-3 were not sent.',
		);
		expect((error as unknown as { context: { itemIndex: number } }).context.itemIndex).toBe(1);
		expect([...emulator().state.users.keys()]).toEqual(['U-1']);
	});

	test('HTTP code is kept on failed items', async () => {
		emulator().setFault({ type: 'status', status: 500, count: 1 });
		const result = await runITest(emulator(), userParameters, { items: [items[0]], continueOnFail: true });

		expect(result.output?.[0][0].json).toMatchObject({ success: false, httpCode: '500', itemIndex: 0 });
	});

	test('invalid base URL fails before any request', async () => {
		const error = thrownError(
			await runITest(emulator(), userParameters, { items, credentials: { baseUrl: 'http://api.i-test.net/' } }),
		);

		expect(error.message).toBe(
			'Invalid Base URL in the iTest credential: "http://api.i-test.net/" uses http://, which would send the API password unencrypted. Use https://; plain http:// is accepted only for 127.0.0.1 or localhost.',
		);
		expect(emulator().requests).toHaveLength(1);
	});
});

/** Emulator faults for the randomised runs, one of which is drawn for each failing call. */
const FAULT_MIX: FaultSpec[] = [
	{ type: 'status', status: 500 },
	{ type: 'status', status: 503 },
	{ type: 'rateLimit', retryAfter: 0 },
	{ type: 'reset' },
	{ type: 'html' },
	{ type: 'truncated' },
	{ type: 'statusText', text: 'Rejected by the test' },
	{ type: 'wrongRoot' },
	{ type: 'empty' },
	{ type: 'latin1', text: 'Société refusée' },
];

const ITEM_COUNT = 200;
const SEED = 20_240_605;
const companyItems = Array.from({ length: ITEM_COUNT }, (_unused, index) => ({
	json: { companyId: `C-${index}`, name: `Company ${index}` },
}));
const companyParameters = {
	resource: 'company',
	operation: 'upsert',
	companyId: '={{ $json.companyId }}',
	name: '={{ $json.name }}',
	enabled: true,
};

interface Call {
	companyId: string;
	fault: FaultSpec | undefined;
}

/** Runs 200 company upserts through a proxy that fails a seeded random fifth of the calls. */
async function runWithRandomFaults(continueOnFail: boolean) {
	const random = new SeededRandom(SEED);
	const calls: Call[] = [];
	const proxy = await startFaultProxy(emulator().port, ({ url }) => {
		const companyId = new URL(url, 'http://127.0.0.1').searchParams.get('cid') ?? '';
		const fault = random.chance(0.2) ? random.pick(FAULT_MIX) : undefined;
		if (fault) emulator().setFault({ ...fault, count: 1 });
		calls.push({ companyId, fault });
	});
	try {
		const result = await runITest(emulator(), companyParameters, {
			items: companyItems,
			continueOnFail,
			credentials: { baseUrl: proxy.url },
		});
		return { result, calls, host: `127.0.0.1:${proxy.port}` };
	} finally {
		await proxy.close();
	}
}

/** Returns the fault of an item's last call (undefined when it succeeded) and its number of calls. */
function lastCall(calls: Call[], itemIndex: number): { fault: FaultSpec | undefined; attempts: number } {
	const itemCalls = calls.filter((call) => call.companyId === `C-${itemIndex}`);
	return { fault: itemCalls[itemCalls.length - 1]?.fault, attempts: itemCalls.length };
}

function failureMessage(calls: Call[], itemIndex: number, host: string): string {
	const { fault, attempts } = lastCall(calls, itemIndex);
	if (!fault) throw new Error(`Item ${itemIndex} did not fail`);
	return expectedFaultMessage(fault, {
		action: `create or update company "C-${itemIndex}"`,
		itemIndex,
		attempts,
		host,
		expectedRoot: 'Company',
	});
}

describe('runs with random faults', () => {
	test('continue on fail keeps all 200 items', async () => {
		const { result, calls, host } = await runWithRandomFaults(true);

		const output = result.output?.[0] ?? [];
		expect(output).toHaveLength(ITEM_COUNT);
		const faultedCalls = calls.filter((call) => call.fault !== undefined).length;
		expect(faultedCalls / calls.length).toBeGreaterThan(0.15);
		expect(faultedCalls / calls.length).toBeLessThan(0.25);

		const succeeded: string[] = [];
		output.forEach((item, itemIndex) => {
			expect(item.pairedItem).toEqual({ item: itemIndex });
			if (lastCall(calls, itemIndex).fault === undefined) {
				expect(item.json).toEqual({ companyId: `C-${itemIndex}`, status: 'Success', success: true });
				succeeded.push(`C-${itemIndex}`);
			} else {
				expect(item.json.success).toBe(false);
				expect(item.json.error).toBe(failureMessage(calls, itemIndex, host));
				expect(item.json.itemIndex).toBe(itemIndex);
			}
		});
		expect(succeeded.length).toBeGreaterThan(150);
		expect(succeeded.length).toBeLessThan(ITEM_COUNT);
		expect([...emulator().state.companies.keys()].sort()).toEqual(succeeded.sort());
	}, 30_000);

	test('without continue on fail the lowest failure stops the run', async () => {
		const { result, calls, host } = await runWithRandomFaults(false);

		const error = thrownError(result);
		const stoppedAt = Number(/\[item (\d+)\]$/.exec(error.message)?.[1]);
		// The seed puts the first failure far enough in for the summary below to have both parts.
		expect(stoppedAt).toBeGreaterThan(1);
		for (let itemIndex = 0; itemIndex < stoppedAt; itemIndex++) {
			expect(lastCall(calls, itemIndex).fault).toBeUndefined();
		}
		expect(error.message).toBe(failureMessage(calls, stoppedAt, host));
		expect(error.description?.endsWith(
			`The run stopped at item ${stoppedAt}. Items 0-${stoppedAt - 1} before it were applied. Items ${stoppedAt + 1}-${ITEM_COUNT - 1} were not sent.`,
		)).toBe(true);
		expect(calls.every((call) => Number(call.companyId.slice(2)) <= stoppedAt)).toBe(true);
		expect([...emulator().state.companies.keys()]).toEqual(
			Array.from({ length: stoppedAt }, (_unused, index) => `C-${index}`),
		);
	}, 30_000);
});

describe('run deadline', () => {
	test('items after the deadline fail unsent', async () => {
		emulator().setFault({ type: 'slow', ms: 2500 });
		const result = await runITest(
			emulator(),
			{ ...companyParameters, options: { runDeadline: 0.1 } },
			{ items: companyItems.slice(0, 5), continueOnFail: true },
		);

		const output = outputJson(result);
		expect(output.slice(0, 2)).toEqual([
			{ companyId: 'C-0', status: 'Success', success: true },
			{ companyId: 'C-1', status: 'Success', success: true },
		]);
		expect(output.slice(2).map((json) => json.error)).toEqual([
			'The run deadline of 6 seconds passed while waiting for iTest to create or update company "C-2" [item 2]',
			"Not sent: the run deadline of 6 seconds passed before this item's turn [item 3]",
			"Not sent: the run deadline of 6 seconds passed before this item's turn [item 4]",
		]);
		expect(output[3].errorDescription).toBe(
			"Nothing was sent to iTest for this item. The node stops sending when Run Deadline (Minutes) in the node's options is reached, so that a slow or unreachable server cannot hold the workflow. Run the workflow again for the items that were not sent, or raise the deadline.",
		);
		expect(emulator().requests.map((request) => request.query.cid)).toEqual(['C-0', 'C-1', 'C-2']);
	}, 20_000);

	test('invalid deadline is rejected before sending', async () => {
		const error = thrownError(await runITest(emulator(), { ...companyParameters, options: { runDeadline: 0 } }, { items: companyItems.slice(0, 1) }));

		expect(error.message).toBe('Invalid Run Deadline (Minutes) "0": expected a number from 0.1 to 1440 minutes [item 0]');
		expect(emulator().requests).toHaveLength(0);
	});
});

/** Users U-0, U-1, ... of company C-1; `companyIds` overrides the company of some items. */
function userItems(count: number, companyIds: Record<number, string> = {}) {
	return Array.from({ length: count }, (_unused, index) => ({
		json: { companyId: companyIds[index] ?? 'C-1', userId: `U-${index}`, email: `u${index}@example.com` },
	}));
}

function userSuccess(index: number) {
	return { companyId: 'C-1', userId: `U-${index}`, status: 'Success', success: true };
}

const UNKNOWN_COMPANY_DESCRIPTION =
	'iTest answered with this status instead of Success. Check the values of this item against the message; if the status mentions the login, check the iTest credential.';

describe('requests in parallel', () => {
	beforeEach(async () => {
		await createCompany(emulator());
	});

	test('default sends one request at a time', async () => {
		const gate = await startGateProxy(emulator().port);
		try {
			const run = runITest(emulator(), userParameters, { items: userItems(3), credentials: { baseUrl: gate.url } });
			for (const userId of ['U-0', 'U-1', 'U-2']) {
				await gate.arrived(userId);
				expect(gate.heldUserIds()).toEqual([userId]);
				await gate.release(userId);
			}

			expect(outputJson(await run)).toEqual([userSuccess(0), userSuccess(1), userSuccess(2)]);
		} finally {
			await gate.close();
		}
	});

	test('output keeps input order and pairing', async () => {
		const gate = await startGateProxy(emulator().port);
		try {
			const run = runITest(
				emulator(),
				{ ...userParameters, options: { requestsInParallel: 4 } },
				{ items: userItems(4), credentials: { baseUrl: gate.url } },
			);
			for (const userId of ['U-0', 'U-1', 'U-2', 'U-3']) await gate.arrived(userId);
			expect([...gate.heldUserIds()].sort()).toEqual(['U-0', 'U-1', 'U-2', 'U-3']);
			for (const userId of ['U-3', 'U-2', 'U-1', 'U-0']) await gate.release(userId);
			const result = await run;

			expect(outputJson(result)).toEqual([userSuccess(0), userSuccess(1), userSuccess(2), userSuccess(3)]);
			expect(result.output?.[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
			expect([...emulator().state.users.keys()]).toEqual(['U-3', 'U-2', 'U-1', 'U-0']);
		} finally {
			await gate.close();
		}
	});

	test('continue on fail affects only the failed items', async () => {
		const items = userItems(5, { 3: 'C-404' });
		items[2].json.email = 'broken';
		const result = await runITest(emulator(), { ...userParameters, options: { requestsInParallel: 3 } }, { items, continueOnFail: true });

		expect(outputJson(result)).toEqual([
			userSuccess(0),
			userSuccess(1),
			{
				success: false,
				error: 'Invalid Email "broken": it is not an email address [item 2]',
				errorDescription: 'Use the form name@example.com.',
				itemIndex: 2,
			},
			{
				success: false,
				error: 'iTest could not create or update user "U-3": "Unknown company: C-404" [item 3]',
				errorDescription: UNKNOWN_COMPANY_DESCRIPTION,
				itemIndex: 3,
			},
			userSuccess(4),
		]);
		expect(result.output?.[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }, { item: 4 }]);
		expect([...emulator().state.users.keys()].sort()).toEqual(['U-0', 'U-1', 'U-4']);
	});

	test('failure stops new requests and lets others finish', async () => {
		const gate = await startGateProxy(emulator().port);
		try {
			const run = runITest(
				emulator(),
				{ ...userParameters, options: { requestsInParallel: 3 } },
				{ items: userItems(6, { 1: 'C-404' }), credentials: { baseUrl: gate.url } },
			);
			for (const userId of ['U-0', 'U-1', 'U-2']) await gate.arrived(userId);
			await gate.release('U-2');
			await gate.arrived('U-3');
			await gate.release('U-1');
			await gate.release('U-3');
			await gate.release('U-0');
			const error = thrownError(await run);

			expect(error.message).toBe('iTest could not create or update user "U-1": "Unknown company: C-404" [item 1]');
			expect(error.description).toBe(
				`${UNKNOWN_COMPANY_DESCRIPTION} The run stopped at item 1. Item 0 before it was applied. Items 2-3 after it had already been applied. Items 4-5 were not sent.`,
			);
			expect(gate.events.filter((event) => event.startsWith('arrived'))).toHaveLength(4);
			expect([...emulator().state.users.keys()]).toEqual(['U-2', 'U-3', 'U-0']);
		} finally {
			await gate.close();
		}
	});

	test('pause waits for the whole batch', async () => {
		const gate = await startGateProxy(emulator().port);
		try {
			const run = runITest(
				emulator(),
				{ ...userParameters, options: { requestsInParallel: 2, pauseBetweenBatchesMs: 1 } },
				{ items: userItems(4), credentials: { baseUrl: gate.url } },
			);
			await gate.arrived('U-0');
			await gate.arrived('U-1');
			await gate.release('U-0');
			// Were the items not in batches, U-2 would start now, in well under this wait.
			await sleep(100);
			expect(gate.heldUserIds()).toEqual(['U-1']);
			await gate.release('U-1');
			await gate.arrived('U-2');
			await gate.arrived('U-3');
			await gate.release('U-2');
			await gate.release('U-3');

			expect(outputJson(await run)).toEqual([userSuccess(0), userSuccess(1), userSuccess(2), userSuccess(3)]);
			expect(gate.events.indexOf('arrived U-2')).toBeGreaterThan(gate.events.indexOf('finished U-1'));
		} finally {
			await gate.close();
		}
	});

	test('invalid requests in parallel is rejected', async () => {
		const error = thrownError(
			await runITest(emulator(), { ...userParameters, options: { requestsInParallel: 0 } }, { items: userItems(2) }),
		);

		expect(error.message).toBe('Invalid Requests in Parallel "0": expected a whole number from 1 to 64 [item 0]');
		expect(emulator().requests).toHaveLength(1);
	});
});
