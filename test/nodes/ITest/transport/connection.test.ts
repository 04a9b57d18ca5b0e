import { parseBaseUrl, secretForms } from '../../../../nodes/ITest/transport/connection';

function urlOf(value: string): string {
	const parsed = parseBaseUrl(value);
	if ('problem' in parsed) throw new Error(parsed.problem);
	return parsed.url.toString();
}

function problemOf(value: string): string {
	const parsed = parseBaseUrl(value);
	if (!('problem' in parsed)) throw new Error(`Expected "${value}" to be rejected`);
	return parsed.problem;
}

describe('base URL', () => {
	test('https is accepted anywhere', () => {
		expect(urlOf('https://api.i-test.net')).toBe('https://api.i-test.net/');
		expect(urlOf(' https://api.i-test.net/v2 ')).toBe('https://api.i-test.net/v2/');
	});

	test('http is accepted on loopback addresses', () => {
		expect(urlOf('http://127.0.0.1:5681/')).toBe('http://127.0.0.1:5681/');
		expect(urlOf('http://127.1.2.3/')).toBe('http://127.1.2.3/');
		expect(urlOf('http://localhost:8080')).toBe('http://localhost:8080/');
		expect(urlOf('http://[::1]:8080/')).toBe('http://[::1]:8080/');
	});

	test.each(['http://api.i-test.net/', 'http://localhost.example.com/', 'http://127.0.0.1.example.com/', 'http://10.0.0.1/', 'http://[::2]/'])(
		'%s over http is rejected with the reason',
		(value) => {
			expect(problemOf(value)).toBe(
				`"${value}" uses http://, which would send the API password unencrypted. Use https://; plain http:// is accepted only for 127.0.0.1 or localhost.`,
			);
		},
	);

	test('other schemes are rejected', () => {
		expect(problemOf('ftp://api.i-test.net/')).toBe('"ftp://api.i-test.net/" must start with https://.');
	});

	test('login, query and fragment are rejected', () => {
		for (const value of ['https://user:pw@api.i-test.net/', 'https://api.i-test.net/?t=1', 'https://api.i-test.net/#x']) {
			expect(problemOf(value)).toBe(
				`"${value}" must not contain a query string, a fragment or a login. Enter only the address, such as https://api.i-test.net/.`,
			);
		}
	});
});

describe('secret forms', () => {
	test('password is masked as given and percent-encoded', () => {
		expect(secretForms('p&ss wörd', 'latin1')).toEqual(['p&ss wörd', 'p%26ss%20w%F6rd']);
		expect(secretForms('p&ss wörd', 'utf8')).toEqual(['p&ss wörd', 'p%26ss%20w%C3%B6rd']);
		expect(secretForms('plain-Secret_1', 'latin1')).toEqual(['plain-Secret_1']);
		expect(secretForms('', 'latin1')).toEqual([]);
	});
});
