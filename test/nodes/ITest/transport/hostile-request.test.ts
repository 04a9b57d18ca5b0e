import type { RequestLogEntry } from '../../../../emulator';
import { ITestApi } from '../../../../credentials/ITestApi.credentials';
import { MAX_URL_BYTES } from '../../../../nodes/ITest/transport';
import { executeNode } from '../../../harness';
import { createCompany, credentialsFor, outputJson, runITest, thrownError, useEmulator } from '../setup';
import { uploadProbe } from './upload-probe';

const emulator = useEmulator();

const LOGIN_FIELDS = ['API_84572', 'API_95718'];

/** Values that would break a request built by string concatenation. */
const HOSTILE_VALUES: Array<[string, string]> = [
	['ampersand and equals', 'A&B=C&t=4020'],
	['injected login field', 'x&API_84572=stolen&API_95718=admin'],
	['hash', 'Acme #1 #frag'],
	['percent', '100% %41 %zz %'],
	['plus', 'a+b + c'],
	['line breaks', 'line one\nline two\r\nthree'],
	['NUL', 'nul\u0000byte'],
	['quotes and angle brackets', `a;b"c'd<e>f`],
	['Latin-1 letters', 'Société Générale ß ÿ'],
	['long value', 'L'.repeat(5000)],
];

function lastRequest(): RequestLogEntry {
	const { requests } = emulator();
	return requests[requests.length - 1];
}

function companyUpsert(name: string, companyId = 'C-1') {
	return { resource: 'company', operation: 'upsert', companyId, name, enabled: true };
}

function userUpsert(password: string, userId = 'U-1') {
	return {
		resource: 'user',
		operation: 'upsert',
		companyId: 'C-1',
		userId,
		firstName: 'Ada',
		lastName: 'Lovelace',
		email: 'ada@example.com',
		role: 'user',
		enabled: true,
		password,
	};
}

describe('hostile request values', () => {
	test.each(HOSTILE_VALUES)('%s in a query field arrives unchanged', async (_name, value) => {
		const output = outputJson(await runITest(emulator(), companyUpsert(value)));

		expect(output).toEqual([{ companyId: 'C-1', status: 'Success', success: true }]);
		const request = lastRequest();
		expect(Object.keys(request.query).sort()).toEqual(['cid', 'enable', 'name', 't']);
		expect(request.query.t).toBe('4010');
		expect(request.queryBytes.name).toEqual(Buffer.from(value, 'latin1'));
		expect(Object.keys(request.body).sort()).toEqual(LOGIN_FIELDS);
		expect(request.login).toEqual({ user: 'reseller', password: 'emulator-secret' });
		expect(emulator().state.companies.get('C-1')?.name).toBe(value);
	});

	test.each(HOSTILE_VALUES)('%s in a body field arrives unchanged', async (_name, value) => {
		await createCompany(emulator());
		const output = outputJson(await runITest(emulator(), userUpsert('={{ $json.pass }}'), { items: [{ json: { pass: value } }] }));

		expect(output).toEqual([{ companyId: 'C-1', userId: 'U-1', status: 'Success', success: true }]);
		const request = lastRequest();
		expect(Object.keys(request.body).sort()).toEqual([...LOGIN_FIELDS, 'pass']);
		expect(request.bodyBytes.pass).toEqual(Buffer.from(value, 'latin1'));
		expect(Object.keys(request.query).sort()).toEqual(['cid', 'email', 'firstname', 'lastname', 'role', 'state', 't', 'uid']);
		expect(request.login).toEqual({ user: 'reseller', password: 'emulator-secret' });
		expect(emulator().state.users.get('U-1')?.password).toBe(value);
	});

	test('id with query characters arrives and its reply matches', async () => {
		await createCompany(emulator());
		const userId = 'U&1=2#%+x';
		const output = outputJson(await runITest(emulator(), userUpsert('', userId)));

		expect(output).toEqual([{ companyId: 'C-1', userId, status: 'Success', success: true }]);
		expect(lastRequest().queryBytes.uid).toEqual(Buffer.from(userId, 'latin1'));
		expect(lastRequest().responseText).toContain(`<${userId}>`);
	});

	test('id with a line break is rejected', async () => {
		const error = thrownError(await runITest(emulator(), companyUpsert('Acme', 'C-1\r\nX')));

		expect(error.message).toBe('Invalid Company ID "C-1\r\nX": it contains a line break, a control character or < > [item 0]');
		expect(emulator().requests).toHaveLength(0);
	});

	test('UTF-8 account receives UTF-8 bytes', async () => {
		emulator().setOptions({ textEncoding: 'utf8' });
		try {
			const value = 'Büro € 中文 😀 &x=1';
			const output = outputJson(await runITest(emulator(), companyUpsert(value), { credentials: { textEncoding: 'utf8' } }));

			expect(output).toEqual([{ companyId: 'C-1', status: 'Success', success: true }]);
			expect(lastRequest().queryBytes.name).toEqual(Buffer.from(value, 'utf8'));
			expect(emulator().state.companies.get('C-1')?.name).toBe(value);
		} finally {
			emulator().setOptions({ textEncoding: 'latin1' });
		}
	});

	test('character outside Latin-1 is rejected', async () => {
		const error = thrownError(await runITest(emulator(), companyUpsert('Price in €')));

		expect(error.message).toBe('Company Name contains "€" (U+20AC) that cannot be written in ISO-8859-1 [item 0]');
		expect(emulator().requests).toHaveLength(0);
	});

	test('broken character pair is rejected', async () => {
		const error = thrownError(await runITest(emulator(), companyUpsert('half \uD800 pair'), { credentials: { textEncoding: 'utf8' } }));

		expect(error.message).toBe('Company Name contains "\uD800" (U+D800) that is half of a broken character pair [item 0]');
		expect(emulator().requests).toHaveLength(0);
	});

	test('URL over the limit is rejected', async () => {
		const name = 'é'.repeat(3000);
		const urlLength = `${emulator().url}?t=4010&cid=C-1&name=&enable=1`.length + 3 * name.length;
		const error = thrownError(await runITest(emulator(), companyUpsert(name)));

		expect(urlLength).toBeGreaterThan(MAX_URL_BYTES);
		expect(error.message).toBe(
			`The request is too long to send: Company Name is 3000 characters long, which makes the URL ${urlLength} bytes, more than the 8000 that web servers accept [item 0]`,
		);
		expect(error.description).toBe('iTest reads Company Name from the URL. Shorten it, or check that the right input field is mapped to it.');
		expect(emulator().requests).toHaveLength(0);
	});

	test('password with form characters logs in', async () => {
		const password = 'p&API_95718=admin&pass=%00\n';
		emulator().setOptions({ password });
		try {
			const output = outputJson(await runITest(emulator(), companyUpsert('Acme'), { credentials: { password } }));

			expect(output).toEqual([{ companyId: 'C-1', status: 'Success', success: true }]);
			expect(Object.keys(lastRequest().body).sort()).toEqual(LOGIN_FIELDS);
			expect(lastRequest().login).toEqual({ user: 'reseller', password });
		} finally {
			emulator().setOptions({ password: 'emulator-secret' });
		}
	});

	test('upload file name cannot add a form field', async () => {
		await createCompany(emulator());
		const fileName = 'a"b\r\nContent-Disposition: form-data; name="API_95718"\r\n\r\nadmin.txt';
		const result = await executeNode({
			nodeType: uploadProbe({ data: Buffer.from('447700900001\n'), fileName, mimeType: 'text/plain' }),
			credentialTypes: [new ITestApi()],
			credentials: { iTestApi: credentialsFor(emulator()) as Record<string, string> },
		});

		expect(result.error).toBeUndefined();
		const request = lastRequest();
		expect(Object.keys(request.body).sort()).toEqual(LOGIN_FIELDS);
		expect(request.login).toEqual({ user: 'reseller', password: 'emulator-secret' });
		// FormData escapes quotes and line breaks in file names (WHATWG HTML, multipart/form-data encoding).
		expect(request.file?.fileName).toBe('a%22b%0D%0AContent-Disposition: form-data; name=%22API_95718%22%0D%0A%0D%0Aadmin.txt');
	});
});
