import type { INodeParameters } from 'n8n-workflow';

import type { FaultSpec } from '../../../../emulator';
import { runITest, thrownError, useEmulator } from '../setup';

const emulator = useEmulator();

const companyUpsert = { resource: 'company', operation: 'upsert', companyId: 'C-2', name: 'Beta', enabled: true };

async function failWith(fault: FaultSpec, parameters: INodeParameters = companyUpsert) {
	emulator().setFault({ count: 1, ...fault });
	return thrownError(await runITest(emulator(), parameters));
}

describe('server faults', () => {
	test('HTTP 503 names the status and says to retry later', async () => {
		const error = await failWith({ type: 'status', status: 503 });

		expect(error.message).toBe('iTest answered with HTTP 503 Service Unavailable while trying to create or update company "C-2" [item 0]');
		expect(error.description?.startsWith('The iTest server had a problem. Try again later; if it keeps happening, contact iTest support.')).toBe(true);
		expect(error.httpCode).toBe('503');
	});

	test('HTTP 429 says to slow down', async () => {
		const error = await failWith({ type: 'rateLimit', retryAfter: 2 });

		expect(error.message).toBe('iTest answered with HTTP 429 Too Many Requests while trying to create or update company "C-2" [item 0]');
		expect(error.description?.startsWith('iTest is limiting how fast requests may be sent.')).toBe(true);
	});

	test('reset connection says the connection closed', async () => {
		const error = await failWith({ type: 'reset' });

		expect(error.message).toBe(
			`Could not reach iTest at 127.0.0.1:${emulator().port} to create or update company "C-2": the connection was closed before iTest answered [item 0]`,
		);
		expect(error.description).toBe(
			'Check the Base URL in the iTest credential and that the server is reachable from n8n, then run the workflow again (ECONNRESET).',
		);
	});

	test('HTML page is reported with its title', async () => {
		const error = await failWith({ type: 'html' });

		expect(error.message).toMatch(/^iTest sent a reply that could not be read while trying to create or update company "C-2": an HTML page/);
		expect(error.description).toBe(
			'A web page came back instead of an API reply, usually from a proxy or a maintenance page. Check the Base URL in the iTest credential, or try again later.',
		);
	});

	test('truncated XML is reported as cut off', async () => {
		const error = await failWith({ type: 'truncated' });

		expect(error.message).toBe(
			'iTest sent a reply that could not be read while trying to create or update company "C-2": the reply ends before all its elements are closed [item 0]',
		);
	});

	test('empty body is reported as empty', async () => {
		const error = await failWith({ type: 'empty' });

		expect(error.message).toBe(
			'iTest sent a reply that could not be read while trying to create or update company "C-2": the response body is empty [item 0]',
		);
	});

	test('non-Success status carries the status text', async () => {
		const error = await failWith({ type: 'statusText', text: 'Account suspended' });

		expect(error.message).toBe('iTest could not create or update company "C-2": "Account suspended" [item 0]');
	});

	test('wrong root element is reported', async () => {
		const error = await failWith({ type: 'wrongRoot', root: 'Supplier' });

		expect(error.message).toBe(
			'iTest sent an unexpected reply while trying to create or update company "C-2": expected a <Company> document but got <Supplier> [item 0]',
		);
	});

	test('Latin-1 status text is decoded', async () => {
		const error = await failWith({ type: 'latin1', text: 'Société inconnue' });

		expect(error.message).toBe('iTest could not create or update company "C-2": "Société inconnue" [item 0]');
	});

	test('slow server hits the timeout option', async () => {
		const error = await failWith({ type: 'slow', ms: 2500 }, { ...companyUpsert, options: { timeout: 1 } });

		expect(error.message).toBe('iTest did not answer within 1 seconds while trying to create or update company "C-2" [item 0]');
	});

	test('refused connection names the host', async () => {
		const result = await runITest(emulator(), companyUpsert, { credentials: { baseUrl: 'http://127.0.0.1:9/' } });

		expect(thrownError(result).message).toBe(
			'Could not reach iTest at 127.0.0.1:9 to create or update company "C-2": the connection was refused [item 0]',
		);
	});

	test('wrong login shows the iTest status', async () => {
		const result = await runITest(emulator(), companyUpsert, { credentials: { password: 'wrong-password' } });

		expect(thrownError(result).message).toBe('iTest could not create or update company "C-2": "Invalid API login" [item 0]');
	});
});
