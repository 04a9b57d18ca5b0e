import type { FaultSpec } from '../../../../emulator';
import { ITestApi } from '../../../../credentials/ITestApi.credentials';
import { REQUEST_TYPE, RETRY_TIMING } from '../../../../nodes/ITest/transport';
import { executeNode } from '../../../harness';
import { failLookups } from '../dns-stub';
import { expectedFaultMessage } from '../fault-messages';
import { startHostileServer } from '../hostile-server';
import { createCompany, credentialsFor, useEmulator } from '../setup';
import { UPLOAD_ACTION, uploadProbe } from './upload-probe';

const emulator = useEmulator();

const realTiming = { ...RETRY_TIMING };
beforeAll(() => {
	RETRY_TIMING.firstDelayMs = 5;
	RETRY_TIMING.maxDelayMs = 20;
});
afterAll(() => {
	Object.assign(RETRY_TIMING, realTiming);
});

const action = UPLOAD_ACTION;

async function runUpload(baseUrl?: string) {
	const credentials = credentialsFor(emulator(), baseUrl === undefined ? {} : { baseUrl });
	return await executeNode({
		nodeType: uploadProbe(),
		credentialTypes: [new ITestApi()],
		credentials: { iTestApi: credentials as Record<string, string> },
	});
}

function uploadsReceived(): number {
	return emulator().requests.filter((request) => request.t === String(REQUEST_TYPE.numberImport)).length;
}

function errorOf(result: Awaited<ReturnType<typeof runUpload>>): Error & { description?: string } {
	if (!result.error) throw new Error(`Expected the upload to fail, it output ${JSON.stringify(result.output)}`);
	return result.error as Error & { description?: string };
}

const NOT_RESENT = 'It was not sent again, because iTest may have received it and this request must not be applied twice.';

describe('upload retries', () => {
	beforeEach(async () => {
		await createCompany(emulator(), 'C-1');
	});

	test.each([
		['reset connection', { type: 'reset' }],
		['HTTP 503', { type: 'status', status: 503 }],
		['HTTP 429', { type: 'rateLimit', retryAfter: 0 }],
	] as Array<[string, FaultSpec]>)('%s: sent once', async (_name, fault) => {
		emulator().setFault({ ...fault, t: REQUEST_TYPE.numberImport, count: 1 });
		const error = errorOf(await runUpload());

		expect(error.message).toBe(
			expectedFaultMessage(fault, { action, itemIndex: 0, attempts: 1, host: `127.0.0.1:${emulator().port}`, expectedRoot: 'NDB' }),
		);
		expect(error.description?.endsWith(NOT_RESENT)).toBe(true);
		expect(uploadsReceived()).toBe(1);
	});

	test('success is sent once', async () => {
		const result = await runUpload();

		expect(result.output?.[0][0].json).toEqual({ status: 'Success' });
		expect(uploadsReceived()).toBe(1);
		expect(emulator().state.getNumbers('C-1')).toEqual(new Set(['447700900001']));
	});

	test('refused connection is retried', async () => {
		const closed = await startHostileServer(() => ({ kind: 'bytes', body: Buffer.alloc(0) }));
		await closed.close();

		const error = errorOf(await runUpload(closed.url));

		expect(error.message).toBe(
			`Could not reach iTest at ${new URL(closed.url).host} to ${action}: the connection was refused (4 attempts) [item 0]`,
		);
	});

	test('temporary lookup failure is retried', async () => {
		const stub = failLookups('flaky-upload.invalid', 'EAI_AGAIN');
		try {
			const error = errorOf(await runUpload('https://flaky-upload.invalid/'));

			expect(error.message).toBe(
				`Could not reach iTest at flaky-upload.invalid to ${action}: the host name could not be looked up (4 attempts) [item 0]`,
			);
			expect(stub.lookups).toHaveLength(4);
		} finally {
			stub.restore();
		}
	});
});
