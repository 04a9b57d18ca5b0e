import type { IHttpRequestOptions } from 'n8n-workflow';

import { ITestApi } from '../../credentials/ITestApi.credentials';

const credentials = {
	username: 'reseller',
	password: 'p&ss=wörd',
	baseUrl: 'http://127.0.0.1:1/',
	userFieldName: 'API_95718',
	passFieldName: 'API_84572',
	textEncoding: 'latin1',
};

async function authenticate(body: IHttpRequestOptions['body'], overrides: object = {}) {
	const credential = new ITestApi();
	if (typeof credential.authenticate !== 'function') throw new Error('authenticate must be a function');
	return await credential.authenticate({ ...credentials, ...overrides }, { url: 'http://127.0.0.1:1/', body });
}

describe('ITestApi authenticate', () => {
	test('appends login to a form body', async () => {
		const options = await authenticate('otp=abc');
		expect(options.body).toBe('otp=abc&API_95718=reseller&API_84572=p%26ss%3Dw%F6rd');
		expect(options.headers).toEqual({ 'Content-Type': 'application/x-www-form-urlencoded' });
	});

	test('creates a form body when there is none', async () => {
		const options = await authenticate(undefined);
		expect(options.body).toBe('API_95718=reseller&API_84572=p%26ss%3Dw%F6rd');
	});

	test('encodes the login in UTF-8 when chosen', async () => {
		const options = await authenticate('', { textEncoding: 'utf8' });
		expect(options.body).toBe('API_95718=reseller&API_84572=p%26ss%3Dw%C3%B6rd');
	});

	test('uses the configured field names', async () => {
		const options = await authenticate('', { userFieldName: 'email', passFieldName: 'pass' });
		expect(options.body).toBe('email=reseller&pass=p%26ss%3Dw%F6rd');
	});

	test('appends login parts to a multipart form', async () => {
		const form = new FormData();
		form.append('uploadfile', new Blob(['1\n']), 'numbers.txt');
		const options = await authenticate(form);
		const sent = options.body as FormData;
		expect(sent).toBe(form);
		expect(sent.get('API_95718')).toBe('reseller');
		expect(sent.get('API_84572')).toBe('p&ss=wörd');
		expect([...sent.keys()]).toEqual(['uploadfile', 'API_95718', 'API_84572']);
	});

	test('turns an object body into a form', async () => {
		const options = await authenticate({ a: '1 2' });
		expect(options.body).toBe('a=1%202&API_95718=reseller&API_84572=p%26ss%3Dw%F6rd');
		expect(options.headers).toEqual({ 'Content-Type': 'application/x-www-form-urlencoded' });
		expect(options.json).toBe(false);
	});

	test('empty object body becomes the login form', async () => {
		const options = await authenticate({});
		expect(options.body).toBe('API_95718=reseller&API_84572=p%26ss%3Dw%F6rd');
	});
});

describe('ITestApi base URL rule', () => {
	test('http to a remote host is rejected', async () => {
		const credential = new ITestApi();
		if (typeof credential.authenticate !== 'function') throw new Error('authenticate must be a function');

		await expect(
			credential.authenticate(
				{ ...credentials, baseUrl: 'http://api.i-test.net/' },
				{ baseURL: 'http://api.i-test.net/', url: '', method: 'POST' },
			),
		).rejects.toThrow(
			'The Base URL "http://api.i-test.net/" uses http://, which would send the API password unencrypted. Use https://; plain http:// is accepted only for 127.0.0.1 or localhost.',
		);
	});

	test('https and loopback http are accepted', async () => {
		const credential = new ITestApi();
		if (typeof credential.authenticate !== 'function') throw new Error('authenticate must be a function');

		for (const url of ['https://api.i-test.net/', 'http://127.0.0.1:5681/', 'http://localhost/']) {
			const options = await credential.authenticate(credentials, { url, method: 'POST' });
			expect(options.body).toBe('API_95718=reseller&API_84572=p%26ss%3Dw%F6rd');
		}
	});
});

describe('ITestApi definition', () => {
	test('password is masked', () => {
		const password = new ITestApi().properties.find((property) => property.name === 'password');
		expect(password?.typeOptions).toEqual({ password: true });
	});

	test('defaults follow the API guide', () => {
		const defaults = Object.fromEntries(new ITestApi().properties.map((property) => [property.name, property.default]));
		expect(defaults).toEqual({
			username: '',
			password: '',
			baseUrl: 'https://api.i-test.net/',
			userFieldName: 'API_95718',
			passFieldName: 'API_84572',
			textEncoding: 'latin1',
		});
	});
});
