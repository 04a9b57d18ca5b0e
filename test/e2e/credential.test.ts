// n8n's credential test for iTestApi, run through the real n8n's REST API as the editor's
// "Test" button runs it. The test request proves only that the Base URL answers with a 2xx
// status to a POST carrying the login: iTest reports a rejected login inside its XML, which
// declarative credential tests cannot read.
import { context, emulatorRequests, findClosedPort, lastRequestId, testCredential } from './support';

const TIMEOUT_MS = 60_000;

function credentialData(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		username: 'reseller',
		password: 'emulator-secret',
		baseUrl: context().emulatorUrl,
		userFieldName: 'API_95718',
		passFieldName: 'API_84572',
		textEncoding: 'latin1',
		...overrides,
	};
}

describe('iTest API credential test', () => {
	test('reachable base URL passes', async () => {
		const since = await lastRequestId();
		const result = await testCredential(credentialData());

		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		const requests = await emulatorRequests(since);
		expect(requests).toHaveLength(1);
		expect(requests[0].method).toBe('POST');
		expect(requests[0].path).toBe('/');
		expect(requests[0].httpStatus).toBe(200);
		expect(requests[0].contentType).toBe('application/x-www-form-urlencoded');
		expect(requests[0].login.user).toBe('reseller');
		expect(requests[0].responseText).toContain('Missing field: t');
	}, TIMEOUT_MS);

	test('wrong password still passes, as documented', async () => {
		const since = await lastRequestId();
		const result = await testCredential(credentialData({ password: 'not-the-password' }));

		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		const requests = await emulatorRequests(since);
		expect(requests[0].responseText).toContain('Invalid API login');
	}, TIMEOUT_MS);

	test('unreachable base URL fails', async () => {
		const port = await findClosedPort();
		const result = await testCredential(credentialData({ baseUrl: `http://127.0.0.1:${port}/` }));

		expect(result).toEqual({ status: 'Error', message: 'ECONNREFUSED' });
	}, TIMEOUT_MS);

	test('base URL with a 404 fails', async () => {
		const result = await testCredential(credentialData({ baseUrl: `${context().emulatorUrl}not-the-api/` }));

		expect(result).toEqual({ status: 'Error', message: 'Not Found' });
	}, TIMEOUT_MS);
});
