import type { INodeParameters } from 'n8n-workflow';

import { ITestApi } from '../../../../credentials/ITestApi.credentials';
import { ITest } from '../../../../nodes/ITest/ITest.node';
import { executeNode } from '../../../harness';
import { startRecordingServer } from '../../../harness/recording-server';
import { startHostileServer } from '../hostile-server';

// Replies the emulator never sends, served as given to check how the node reads them.
let reply: { status: number; headers: Record<string, string>; body: string } = {
	status: 200,
	headers: { 'content-type': 'text/xml' },
	body: '',
};
let server: Awaited<ReturnType<typeof startRecordingServer>>;

beforeAll(async () => {
	server = await startRecordingServer(() => reply);
});

afterAll(async () => {
	await server.close();
});

async function run(parameters: INodeParameters, body: string) {
	reply = { status: 200, headers: { 'content-type': 'text/xml' }, body };
	return await executeNode({
		nodeType: new ITest(),
		credentialTypes: [new ITestApi()],
		credentials: {
			iTestApi: {
				username: 'reseller',
				password: 'emulator-secret',
				baseUrl: `${server.url}/`,
				userFieldName: 'API_95718',
				passFieldName: 'API_84572',
				textEncoding: 'latin1',
			},
		},
		parameters,
	});
}

function messageOf(result: Awaited<ReturnType<typeof run>>): string {
	if (!result.error) throw new Error(`expected an error, got ${JSON.stringify(result.output)}`);
	return (result.error as Error).message;
}

const requestOtp = { resource: 'user', operation: 'requestOtp', userId: 'U-1' };

describe('unusual replies', () => {
	test('record for another id is rejected', async () => {
		const result = await run(requestOtp, '<User><U-2><OTP>abcdefabcdefabcdefabcdefabcdefab</OTP></U-2></User>');

		expect(messageOf(result)).toBe(
			'iTest sent an unexpected reply while trying to get a one-time password for user "U-1": the reply is for "U-2" but the request was for "U-1" [item 0]',
		);
	});

	test('OTP reply without OTP is rejected', async () => {
		const result = await run(requestOtp, '<User><U-1></U-1></User>');

		expect(messageOf(result)).toBe(
			'iTest sent an unexpected reply while trying to get a one-time password for user "U-1": the reply has no one-time password (<OTP> element) [item 0]',
		);
	});

	test('status reply without Status is rejected', async () => {
		const result = await run(
			{ resource: 'company', operation: 'upsert', companyId: 'C-1', name: 'A', enabled: true },
			'<Company><Adminitration></Adminitration></Company>',
		);

		expect(messageOf(result)).toBe(
			'iTest sent an unexpected reply while trying to create or update company "C-1": the reply has no <Status> element [item 0]',
		);
	});

	test('error document of another root shows its status', async () => {
		const result = await run(requestOtp, '<Error><Status>Unknown request type: 4024</Status></Error>');

		expect(messageOf(result)).toBe(
			'iTest could not get a one-time password for user "U-1": "Unknown request type: 4024" [item 0]',
		);
	});

	test('entity payload is rejected unread', async () => {
		const result = await run(
			requestOtp,
			'<!DOCTYPE User [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><User><U-1><OTP>&b;</OTP></U-1></User>',
		);

		expect(messageOf(result)).toBe(
			'iTest sent a reply that could not be read while trying to get a one-time password for user "U-1": it contains a document type or entity declaration [item 0]',
		);
	});

	test('server echo of the password is masked', async () => {
		const result = await run(requestOtp, '<User><U-1><Status>Bad login emulator-secret</Status></U-1></User>');

		expect(messageOf(result)).toBe('iTest could not get a one-time password for user "U-1": "Bad login ***" [item 0]');
	});

	test('redirect is not followed', async () => {
		const target = await startHostileServer(() => ({ kind: 'bytes', body: Buffer.from('<Company><Adminitration><Status>Success</Status></Adminitration></Company>') }));
		try {
			reply = { status: 307, headers: { 'content-type': 'text/plain', location: target.url }, body: 'Moved' };
			const result = await executeNode({
				nodeType: new ITest(),
				credentialTypes: [new ITestApi()],
				credentials: {
					iTestApi: { username: 'reseller', password: 'emulator-secret', baseUrl: `${server.url}/`, userFieldName: 'API_95718', passFieldName: 'API_84572', textEncoding: 'latin1' },
				},
				parameters: { resource: 'company', operation: 'upsert', companyId: 'C-1', name: 'A', enabled: true },
			});

			expect(messageOf(result)).toBe('iTest answered with HTTP 307 Temporary Redirect while trying to create or update company "C-1" [item 0]');
			expect((result.error as { description?: string }).description).toBe(
				`The server redirected the request to "${target.url}". The node does not follow redirects, so that the API password is sent to the Base URL only. If the new address belongs to iTest, enter it as the Base URL in the iTest credential. The server said: "Moved"`,
			);
			expect(target.replies).toHaveLength(0);
		} finally {
			await target.close();
		}
	});
});
