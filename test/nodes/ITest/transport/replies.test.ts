import type { INodeParameters } from 'n8n-workflow';

import { ITestApi } from '../../../../credentials/ITestApi.credentials';
import { ITest } from '../../../../nodes/ITest/ITest.node';
import { executeNode } from '../../../harness';
import { startRecordingServer } from '../../../harness/recording-server';

// Replies the emulator never sends, served as given to check how the node reads them.
let reply = { status: 200, headers: { 'content-type': 'text/xml' }, body: '' };
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
});
