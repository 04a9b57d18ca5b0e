import type { INodeParameters } from 'n8n-workflow';

import { ITestApi } from '../../../../credentials/ITestApi.credentials';
import { ITest } from '../../../../nodes/ITest/ITest.node';
import { MAX_REPLY_BYTES } from '../../../../nodes/ITest/transport/body';
import { executeNode } from '../../../harness';
import type { HostileReply } from '../hostile-server';
import { startHostileServer } from '../hostile-server';

const MIB = 1024 * 1024;
const companyUpsert = { resource: 'company', operation: 'upsert', companyId: 'C-2', name: 'Beta', enabled: true };
const action = 'create or update company "C-2"';

let nextReply: HostileReply = { kind: 'bytes', body: Buffer.alloc(0) };
let server: Awaited<ReturnType<typeof startHostileServer>>;

beforeAll(async () => {
	server = await startHostileServer(() => nextReply);
});

afterAll(async () => {
	await server.close();
});

async function run(reply: HostileReply, options: INodeParameters = {}) {
	nextReply = reply;
	const startedAt = Date.now();
	const result = await executeNode({
		nodeType: new ITest(),
		credentialTypes: [new ITestApi()],
		credentials: {
			iTestApi: {
				username: 'reseller',
				password: 'emulator-secret',
				baseUrl: server.url,
				userFieldName: 'API_95718',
				passFieldName: 'API_84572',
				textEncoding: 'latin1',
			},
		},
		parameters: { ...companyUpsert, options },
	});
	const record = server.replies[server.replies.length - 1];
	await record.closed;
	return { result, record, elapsedMs: Date.now() - startedAt };
}

function messageOf(result: { error: unknown; output: unknown }): string {
	if (!result.error) throw new Error(`Expected an error, got ${JSON.stringify(result.output)}`);
	return (result.error as Error).message;
}

/** Builds a successful company reply, padded with filler text to exactly `size` bytes. */
function paddedReply(size: number): Buffer {
	const head = '<Company><Adminitration><Status>Success</Status><Pad>';
	const tail = '</Pad></Adminitration></Company>';
	return Buffer.from(head + 'x'.repeat(size - head.length - tail.length) + tail, 'latin1');
}

const tooLarge = `iTest sent a reply larger than 1 MiB while trying to ${action}, so the node stopped reading it [item 0]`;

describe('response size limit', () => {
	test('endless body is cut off at the limit', async () => {
		const { result, record } = await run({ kind: 'stream', totalBytes: 200 * MIB });

		expect(messageOf(result)).toBe(tooLarge);
		expect(record.clientClosed).toBe(true);
		// Socket buffers on both sides may hold a few MiB that the node never reads.
		expect(record.bytesWritten).toBeLessThan(MAX_REPLY_BYTES + 8 * MIB);
		expect(server.replies).toHaveLength(1);
	});

	test('declared length over the limit is not read', async () => {
		const { result, record } = await run({
			kind: 'stream',
			totalBytes: 200 * MIB,
			headers: { 'Content-Type': 'text/xml', 'Content-Length': String(200 * MIB) },
		});

		expect(messageOf(result)).toBe(tooLarge);
		expect(record.clientClosed).toBe(true);
		expect(record.bytesWritten).toBeLessThan(8 * MIB);
	});

	test('reply of exactly the limit is read', async () => {
		const { result } = await run({ kind: 'bytes', body: paddedReply(MAX_REPLY_BYTES) });

		expect(result.error).toBeUndefined();
		expect(result.output?.[0][0].json).toEqual({ companyId: 'C-2', status: 'Success', success: true });
	});

	test('reply one byte over the limit is rejected', async () => {
		const { result } = await run({ kind: 'bytes', body: paddedReply(MAX_REPLY_BYTES + 1) });

		expect(messageOf(result)).toBe(tooLarge);
	});

	test('huge error page is read only in part', async () => {
		const { result, record } = await run(
			{ kind: 'stream', status: 503, headers: { 'Content-Type': 'text/html' }, totalBytes: 200 * MIB },
			{ maxRetries: 0 },
		);

		expect(messageOf(result)).toBe(`iTest answered with HTTP 503 Service Unavailable while trying to ${action} [item 0]`);
		expect(record.clientClosed).toBe(true);
		expect(record.bytesWritten).toBeLessThan(8 * MIB);
	});

	test('trickling body hits the timeout', async () => {
		const { result, record, elapsedMs } = await run({ kind: 'trickle', intervalMs: 100 }, { timeout: 1 });

		expect(messageOf(result)).toBe(`iTest did not answer within 1 second while trying to ${action} [item 0]`);
		expect(record.clientClosed).toBe(true);
		expect(elapsedMs).toBeLessThan(3000);
	});
});
