import type { INodeParameters } from 'n8n-workflow';

import type { FaultSpec } from '../../../../emulator';
import { RETRY_TIMING } from '../../../../nodes/ITest/transport';
import type { ExecuteNodeResult } from '../../../harness';
import { failLookups } from '../dns-stub';
import { expectedFaultMessage } from '../fault-messages';
import { startHostileServer } from '../hostile-server';
import { outputJson, runITest, thrownError, useEmulator } from '../setup';

const emulator = useEmulator();

const companyUpsert = { resource: 'company', operation: 'upsert', companyId: 'C-2', name: 'Beta', enabled: true };
const action = 'create or update company "C-2"';
const success = [{ companyId: 'C-2', status: 'Success', success: true }];

const realTiming = { ...RETRY_TIMING };
beforeAll(() => {
	// Real waits start at 1 second; these keep the many retries below fast.
	RETRY_TIMING.firstDelayMs = 5;
	RETRY_TIMING.maxDelayMs = 20;
});
afterAll(() => {
	Object.assign(RETRY_TIMING, realTiming);
});

function withOptions(options: INodeParameters): INodeParameters {
	return { ...companyUpsert, options };
}

function retryWarnings(result: ExecuteNodeResult): string[] {
	return result.logs
		.map((line) => JSON.parse(line) as { level: string; message: string })
		.filter((entry) => entry.level === 'warn' && entry.message.startsWith('iTest request failed, retrying'))
		.map((entry) => entry.message);
}

function messageFor(fault: FaultSpec, attempts: number): string {
	return expectedFaultMessage(fault, {
		action,
		itemIndex: 0,
		attempts,
		host: `127.0.0.1:${emulator().port}`,
		expectedRoot: 'Company',
	});
}

const SERVER_PROBLEM = 'The iTest server had a problem. Try again later; if it keeps happening, contact iTest support.';
const STATUS_ADVICE =
	'iTest answered with this status instead of Success. Check the values of this item against the message; if the status mentions the login, check the iTest credential.';

/**
 * Every fault mode that fails a request: how many times the node sends the request, and the
 * description that tells the user what to do next.
 */
const failingFaults: Array<[string, FaultSpec, number, string]> = [
	['HTTP 500', { type: 'status', status: 500 }, 1, `${SERVER_PROBLEM} The server said: "500 Internal Server Error"`],
	['HTTP 502', { type: 'status', status: 502 }, 4, `${SERVER_PROBLEM} The server said: "502 Bad Gateway 502 Bad Gateway"`],
	['HTTP 503', { type: 'status', status: 503 }, 4, `${SERVER_PROBLEM} The server said: "503 Service Unavailable 503 Service Unavailable"`],
	['HTTP 504', { type: 'status', status: 504 }, 4, `${SERVER_PROBLEM} The server said: "504 Gateway Timeout 504 Gateway Timeout"`],
	[
		'HTTP 429',
		{ type: 'rateLimit', retryAfter: 0 },
		4,
		'iTest is limiting how fast requests may be sent. Wait a few minutes, or send fewer requests at a time, then run the workflow again. The server said: "Too many requests: retry after 0 seconds"',
	],
	[
		'reset connection',
		{ type: 'reset' },
		4,
		'Check the Base URL in the iTest credential and that the server is reachable from n8n, then run the workflow again (ECONNRESET).',
	],
	[
		'HTML page',
		{ type: 'html' },
		1,
		'A web page came back instead of an API reply, usually from a proxy or a maintenance page. Check the Base URL in the iTest credential, or try again later.',
	],
	[
		'truncated XML',
		{ type: 'truncated' },
		1,
		'The reply was cut off before its end, probably by a network problem. iTest may still have applied the request. A create-or-update request can simply run again; for an upload, check in iTest whether it arrived before you send it again.',
	],
	['non-Success status', { type: 'statusText', text: 'Account suspended' }, 1, STATUS_ADVICE],
	[
		'wrong root element',
		{ type: 'wrongRoot', root: 'Supplier' },
		1,
		'Check the Base URL in the iTest credential points at the iTest Reseller API. If it does, contact iTest support with this message.',
	],
	['empty body', { type: 'empty' }, 1, 'The server sent nothing back. Try again; if it keeps happening, contact iTest support.'],
	['Latin-1 body', { type: 'latin1', text: 'Société inconnue' }, 1, STATUS_ADVICE],
];

describe('server faults', () => {
	test.each(failingFaults)('%s: sent the expected number of times', async (_name, fault, attempts, description) => {
		emulator().setFault(fault);
		const result = await runITest(emulator(), companyUpsert);

		expect(thrownError(result).message).toBe(messageFor(fault, attempts));
		expect(thrownError(result).description).toBe(description);
		expect(emulator().requests).toHaveLength(attempts);
		expect(retryWarnings(result)).toHaveLength(attempts - 1);
		expect(emulator().state.companies.size).toBe(0);
	});

	test.each([
		['HTTP 502', { type: 'status', status: 502 }],
		['HTTP 503', { type: 'status', status: 503 }],
		['HTTP 504', { type: 'status', status: 504 }],
		['HTTP 429', { type: 'rateLimit', retryAfter: 0 }],
		['reset connection', { type: 'reset' }],
	] as Array<[string, FaultSpec]>)('%s once: the retry succeeds', async (_name, fault) => {
		emulator().setFault({ ...fault, count: 1 });
		const result = await runITest(emulator(), companyUpsert);

		expect(outputJson(result)).toEqual(success);
		expect(emulator().requests.map((request) => request.fault ?? null)).toEqual([fault.type, null]);
		const warnings = retryWarnings(result).map((warning) => warning.replace(/retrying in \d+ ms/, 'retrying in N ms'));
		expect(warnings).toEqual([`iTest request failed, retrying in N ms: ${messageFor(fault, 1)}`]);
		expect(emulator().state.companies.get('C-2')).toEqual({ cid: 'C-2', name: 'Beta', enabled: true });
	});

	test('HTTP errors keep their status code', async () => {
		emulator().setFault({ type: 'status', status: 503 });
		expect(thrownError(await runITest(emulator(), companyUpsert)).httpCode).toBe('503');

		emulator().clearFaults();
		emulator().setFault({ type: 'rateLimit', retryAfter: 0 });
		expect(thrownError(await runITest(emulator(), companyUpsert)).httpCode).toBe('429');
	});

	test('truncated reply after the work is not resent', async () => {
		emulator().setFault({ type: 'truncated', afterOperation: true });
		const error = thrownError(await runITest(emulator(), companyUpsert));

		expect(error.message).toBe(messageFor({ type: 'truncated' }, 1));
		expect(emulator().requests).toHaveLength(1);
		expect(emulator().state.companies.has('C-2')).toBe(true);
	});

	test('Retry-After is waited for', async () => {
		emulator().setFault({ type: 'rateLimit', retryAfter: 1, count: 1 });
		const result = await runITest(emulator(), companyUpsert);

		expect(outputJson(result)).toEqual(success);
		const [first, second] = emulator().requests.map((request) => Date.parse(request.receivedAt));
		expect(second - first).toBeGreaterThanOrEqual(1000);
		expect(retryWarnings(result)[0]).toBe(`iTest request failed, retrying in 1000 ms: ${messageFor({ type: 'rateLimit' }, 1)}`);
	});

	test('Retry-After above the cap is not waited for', async () => {
		emulator().setFault({ type: 'rateLimit', retryAfter: 61 });
		const error = thrownError(await runITest(emulator(), companyUpsert));

		expect(error.message).toBe(messageFor({ type: 'rateLimit' }, 1));
		expect(error.description?.endsWith(
			'It was not sent again, because iTest asked to wait 61 seconds, longer than the 60 seconds the node waits at most.',
		)).toBe(true);
		expect(emulator().requests).toHaveLength(1);
	});

	test('Max Retries 0 sends once', async () => {
		emulator().setFault({ type: 'status', status: 503 });
		const error = thrownError(await runITest(emulator(), withOptions({ maxRetries: 0 })));

		expect(error.message).toBe(messageFor({ type: 'status', status: 503 }, 1));
		expect(emulator().requests).toHaveLength(1);
	});

	test('Max Retries 1 sends twice', async () => {
		emulator().setFault({ type: 'status', status: 503 });
		const error = thrownError(await runITest(emulator(), withOptions({ maxRetries: 1 })));

		expect(error.message).toBe(messageFor({ type: 'status', status: 503 }, 2));
		expect(emulator().requests).toHaveLength(2);
	});

	test('invalid Max Retries is rejected before sending', async () => {
		const error = thrownError(await runITest(emulator(), withOptions({ maxRetries: 11 })));

		expect(error.message).toBe('Invalid Max Retries "11": expected a whole number from 0 to 10 [item 0]');
		expect(emulator().requests).toHaveLength(0);
	});

	test('slow server hits the timeout and is not retried', async () => {
		emulator().setFault({ type: 'slow', ms: 2500 });
		const error = thrownError(await runITest(emulator(), withOptions({ timeout: 1 })));

		expect(error.message).toBe(`iTest did not answer within 1 second while trying to ${action} [item 0]`);
		expect(error.description).toBe(
			'The request to 127.0.0.1:' +
				`${emulator().port} timed out and was not sent again. iTest may still have applied it. Try again later, or raise the Timeout option if the server is known to be slow.`,
		);
		expect(emulator().requests).toHaveLength(1);
	});

	test('slow server within the timeout succeeds', async () => {
		emulator().setFault({ type: 'slow', ms: 300 });
		const result = await runITest(emulator(), withOptions({ timeout: 5 }));

		expect(outputJson(result)).toEqual(success);
		expect(emulator().requests).toHaveLength(1);
	});

	test('backoff past the run deadline is not waited for', async () => {
		emulator().setFault({ type: 'status', status: 503 });
		Object.assign(RETRY_TIMING, { firstDelayMs: 20_000, maxDelayMs: 20_000 });
		try {
			const error = thrownError(await runITest(emulator(), withOptions({ runDeadline: 0.1 })));

			expect(error.message).toBe(messageFor({ type: 'status', status: 503 }, 1));
			expect(error.description?.endsWith('It was not sent again, because the run deadline of 6 seconds would pass first.')).toBe(true);
			expect(emulator().requests).toHaveLength(1);
		} finally {
			Object.assign(RETRY_TIMING, { firstDelayMs: 5, maxDelayMs: 20 });
		}
	});

	test('wrong login shows the iTest status', async () => {
		const result = await runITest(emulator(), companyUpsert, { credentials: { password: 'wrong-password' } });

		expect(thrownError(result).message).toBe(`iTest could not ${action}: "Invalid API login" [item 0]`);
		expect(emulator().requests).toHaveLength(1);
	});
});

describe('network failures', () => {
	test('refused connection is retried', async () => {
		const closed = await startHostileServer(() => ({ kind: 'bytes', body: Buffer.alloc(0) }));
		await closed.close();
		const host = new URL(closed.url).host;

		const result = await runITest(emulator(), companyUpsert, { credentials: { baseUrl: closed.url } });

		expect(thrownError(result).message).toBe(
			`Could not reach iTest at ${host} to ${action}: the connection was refused (4 attempts) [item 0]`,
		);
		expect(retryWarnings(result)).toHaveLength(3);
	});

	test('unknown host fails at once', async () => {
		const stub = failLookups('no-such-host.invalid', 'ENOTFOUND');
		try {
			const result = await runITest(emulator(), companyUpsert, { credentials: { baseUrl: 'https://no-such-host.invalid/' } });

			expect(thrownError(result).message).toBe(
				`Could not reach iTest at no-such-host.invalid to ${action}: the host name was not found [item 0]`,
			);
			expect(thrownError(result).description).toBe(
				'Check the Base URL in the iTest credential and that the server is reachable from n8n, then run the workflow again (ENOTFOUND).',
			);
			expect(stub.lookups).toEqual(['no-such-host.invalid']);
			expect(retryWarnings(result)).toEqual([]);
		} finally {
			stub.restore();
		}
	});

	test('temporary lookup failure is retried', async () => {
		const stub = failLookups('flaky-dns.invalid', 'EAI_AGAIN');
		try {
			const result = await runITest(emulator(), companyUpsert, { credentials: { baseUrl: 'https://flaky-dns.invalid/' } });

			expect(thrownError(result).message).toBe(
				`Could not reach iTest at flaky-dns.invalid to ${action}: the host name could not be looked up (4 attempts) [item 0]`,
			);
			expect(stub.lookups).toHaveLength(4);
		} finally {
			stub.restore();
		}
	});
});
