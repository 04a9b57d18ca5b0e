import { startEmulator, type Emulator } from '../../emulator';
import { LOGIN, callApi, companyQuery, createCompany, formEncode, resultXml, uploadFile, userQuery } from './client';

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator();
});

afterAll(async () => {
	await emulator.close();
});

beforeEach(() => {
	emulator.reset();
	emulator.setOptions({
		textEncoding: 'latin1',
		xmlDeclaration: false,
		charsetHeader: true,
		maxUploadBytes: 64 * 1024 * 1024,
	});
});

const companyStatus = (text: string) => resultXml('Company', 'Adminitration', 'Status', text);

describe('API login', () => {
	it.each([
		['a wrong password', { API_95718: 'reseller', API_84572: 'wrong' }],
		['a wrong user', { API_95718: 'someone', API_84572: 'emulator-secret' }],
		['no password', { API_95718: 'reseller' }],
		['no login at all', {}],
	])('rejects %s', async (_case, body) => {
		const response = await callApi(emulator, companyQuery('C-1'), body);

		expect(response.status).toBe(200);
		expect(response.text).toBe(companyStatus('Invalid API login'));
		expect(emulator.state.companies.size).toBe(0);
	});

	it('accepts the password field name with a space, as PHP reads it', async () => {
		const response = await callApi(emulator, companyQuery('C-1'), { API_95718: 'reseller', 'API 84572': 'emulator-secret' });

		expect(response.text).toBe(companyStatus('Success'));
	});

	it('accepts the login in multipart text parts', async () => {
		await createCompany(emulator, 'C-1');

		const response = await uploadFile(emulator, { t: '5110', cid: 'C-1' }, '111\n', {
			API_95718: 'reseller',
			'API 84572': 'emulator-secret',
		});

		expect(response.text).toBe(resultXml('NDB', 'Number_Upload', 'Status', 'Success'));
	});

	it('rejects multipart parts with a wrong password', async () => {
		const response = await uploadFile(emulator, { t: '5110', cid: 'C-1' }, '111\n', { ...LOGIN, API_84572: 'nope' });

		expect(response.text).toBe(resultXml('NDB', 'Number_Upload', 'Status', 'Invalid API login'));
	});

	it.each(['API_95718', 'API_84572'])('rejects %s in the query string', async (field) => {
		const response = await callApi(emulator, { ...companyQuery('C-1'), [field]: LOGIN[field] });

		expect(response.text).toBe(
			companyStatus(`Field ${field} must be sent in the POST body, not in the query string`),
		);
		expect(emulator.state.companies.size).toBe(0);
	});

	it('reads a body of another content type as having no fields', async () => {
		const response = await fetch(`${emulator.url}?${formEncode(companyQuery('C-1'))}`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(LOGIN),
		});

		expect(await response.text()).toBe(companyStatus('Invalid API login'));
	});

	it('uses the configured field names and credentials', async () => {
		const custom = await startEmulator({ userField: 'login', passField: 'secret word', username: 'acme', password: 'pw-1' });
		try {
			const accepted = await callApi(custom, companyQuery('C-1'), { login: 'acme', secret_word: 'pw-1' });
			const rejected = await callApi(custom, companyQuery('C-1'), LOGIN);

			expect(accepted.text).toBe(companyStatus('Success'));
			expect(rejected.text).toBe(companyStatus('Invalid API login'));
		} finally {
			await custom.close();
		}
	});
});

describe('request types', () => {
	it('answers an unknown type with an Error root', async () => {
		const response = await callApi(emulator, { t: '9999' });

		expect(response.text).toBe('<Error>\n    <Status>Unknown request type: 9999</Status>\n</Error>\n');
	});

	it('answers a missing type with an Error root', async () => {
		const response = await callApi(emulator, { cid: 'C-1' });

		expect(response.text).toBe('<Error>\n    <Status>Missing field: t</Status>\n</Error>\n');
	});

	it('does not take object property names as types', async () => {
		const response = await callApi(emulator, { t: 'constructor' });

		expect(response.text).toBe('<Error>\n    <Status>Unknown request type: constructor</Status>\n</Error>\n');
	});

	it('checks the login before the type', async () => {
		const response = await callApi(emulator, { t: '9999' }, {});

		expect(response.text).toBe('<Error>\n    <Status>Invalid API login</Status>\n</Error>\n');
	});
});

describe('Latin-1 text encoding (default)', () => {
	it('decodes percent-encoded Latin-1 bytes', async () => {
		const response = await callApi(emulator, companyQuery('C-1', { name: "Télécom Côte d'Ivoire" }));

		expect(response.text).toBe(companyStatus('Success'));
		expect(emulator.state.companies.get('C-1')?.name).toBe("Télécom Côte d'Ivoire");
		expect(emulator.requests.at(-1)?.rawQuery).toBe('t=4010&cid=C-1&name=T%E9l%E9com%20C%F4te%20d%27Ivoire&enable=1');
		expect(emulator.requests.at(-1)?.queryBytes.name).toEqual(Buffer.from("Télécom Côte d'Ivoire", 'latin1'));
	});

	it('keeps encoded & and = inside a value', async () => {
		await callApi(emulator, companyQuery('C-1', { name: 'AT&T Wholesale = 1' }));

		expect(emulator.state.companies.get('C-1')?.name).toBe('AT&T Wholesale = 1');
	});

	it('decodes a raw + as a space and %2B as a plus', async () => {
		await callApi(emulator, 't=4010&cid=C-1&name=A+B%2BC&enable=1');

		expect(emulator.state.companies.get('C-1')?.name).toBe('A B+C');
	});

	it('writes response text as Latin-1 bytes', async () => {
		await createCompany(emulator, 'C-1');

		const response = await callApi(emulator, userQuery('C-1', 'U-1', { role: 'chef-é' }));

		expect(response.text).toBe(resultXml('User', 'U-1', 'Status', 'Invalid value for role: chef-é'));
		expect(response.bytes.includes(Buffer.from([0x63, 0x68, 0x65, 0x66, 0x2d, 0xe9]))).toBe(true);
	});
});

describe('UTF-8 text encoding', () => {
	beforeEach(() => {
		emulator.setOptions({ textEncoding: 'utf8' });
	});

	it('decodes percent-encoded UTF-8 bytes', async () => {
		const response = await callApi(emulator, companyQuery('C-1', { name: "Télécom Côte d'Ivoire" }), LOGIN, {
			encoding: 'utf8',
		});

		expect(response.headers.get('content-type')).toBe('text/xml; charset=UTF-8');
		expect(response.text).toBe(companyStatus('Success'));
		expect(emulator.state.companies.get('C-1')?.name).toBe("Télécom Côte d'Ivoire");
		expect(emulator.requests.at(-1)?.queryBytes.name).toEqual(Buffer.from("Télécom Côte d'Ivoire", 'utf8'));
	});

	it('writes a uid as UTF-8 in the tag', async () => {
		await createCompany(emulator, 'C-1');

		const response = await callApi(emulator, userQuery('C-1', 'Ünïcode-€'), LOGIN, { encoding: 'utf8' });

		expect(response.text).toBe(resultXml('User', 'Ünïcode-€', 'Status', 'Success'));
		expect(response.bytes.includes(Buffer.from('<Ünïcode-€>', 'utf8'))).toBe(true);
	});

	it('stores Latin-1 bytes sent to it as replacement characters', async () => {
		await callApi(emulator, companyQuery('C-1', { name: 'Télécom' }), LOGIN, { encoding: 'latin1' });

		expect(emulator.state.companies.get('C-1')?.name).toBe('T\ufffdl\ufffdcom');
	});
});

describe('response format options', () => {
	it('adds an XML declaration', async () => {
		emulator.setOptions({ xmlDeclaration: true });

		const response = await callApi(emulator, companyQuery('C-1'));

		expect(response.text).toBe(`<?xml version="1.0" encoding="ISO-8859-1"?>\n${companyStatus('Success')}`);
	});

	it('names UTF-8 in the declaration of a UTF-8 emulator', async () => {
		emulator.setOptions({ xmlDeclaration: true, textEncoding: 'utf8' });

		const response = await callApi(emulator, companyQuery('C-1'));

		expect(response.text).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n${companyStatus('Success')}`);
	});

	it('omits the charset from the Content-Type header', async () => {
		emulator.setOptions({ charsetHeader: false });

		const response = await callApi(emulator, companyQuery('C-1'));

		expect(response.headers.get('content-type')).toBe('text/xml');
	});
});

describe('HTTP-level rejections', () => {
	it('answers 404 outside the API path', async () => {
		const response = await callApi(emulator, companyQuery('C-1'), LOGIN, { path: 'api' });

		expect(response.status).toBe(404);
		expect(response.text).toBe('Not found: /api. The iTest API accepts requests only at /.\n');
		expect(emulator.state.companies.size).toBe(0);
	});

	it('answers 405 to GET', async () => {
		const response = await callApi(emulator, companyQuery('C-1'), LOGIN, { method: 'GET' });

		expect(response.status).toBe(405);
		expect(response.headers.get('allow')).toBe('POST');
		expect(response.text).toBe('Method GET is not allowed: the iTest API expects POST.\n');
	});

	it('answers 413 to a body over maxUploadBytes', async () => {
		emulator.setOptions({ maxUploadBytes: 1000 });
		await createCompany(emulator, 'C-1');

		const response = await uploadFile(emulator, { t: '5110', cid: 'C-1' }, '1234567\n'.repeat(200));

		expect(response.status).toBe(413);
		expect(response.text).toBe('Request body too large: the limit is 1000 bytes\n');
		expect(emulator.state.getNumbers('C-1').size).toBe(0);
		expect(emulator.requests.at(-1)?.httpStatus).toBe(413);
	});

	it('answers 400 to a malformed multipart body', async () => {
		const response = await fetch(`${emulator.url}?t=5110&cid=C-1`, {
			method: 'POST',
			headers: { 'Content-Type': 'multipart/form-data; boundary=xyz' },
			body: '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n',
		});

		expect(response.status).toBe(400);
		expect(await response.text()).toBe('Malformed multipart body: the closing boundary is missing\n');
	});

	it('answers 400 to multipart without a boundary', async () => {
		const response = await fetch(`${emulator.url}?t=5110&cid=C-1`, {
			method: 'POST',
			headers: { 'Content-Type': 'multipart/form-data' },
			body: 'anything',
		});

		expect(response.status).toBe(400);
		expect(await response.text()).toBe(
			'Missing boundary parameter in the multipart/form-data Content-Type header\n',
		);
	});
});
