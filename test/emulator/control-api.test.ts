import { createHash } from 'crypto';
import { startEmulator, type Emulator } from '../../emulator';
import { LOGIN, callApi, companyQuery, createCompany, createSupplier, userQuery, uploadFile } from './client';

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator();
});

afterAll(async () => {
	await emulator.close();
});

beforeEach(() => {
	emulator.reset();
	emulator.setOptions({ permissionMode: 'replace' });
});

async function control(path: string, init: RequestInit = {}) {
	const response = await fetch(`${emulator.url}__emulator/${path}`, init);
	const text = await response.text();
	return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as unknown };
}

function postJson(path: string, value: unknown) {
	return control(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) });
}

describe('GET /__emulator/state', () => {
	it('returns the state snapshot', async () => {
		await createCompany(emulator, 'C-1');
		await callApi(emulator, userQuery('C-1', 'U-1'), { ...LOGIN, pass: 'user secret' });
		await createSupplier(emulator, 'C-1', 'S-1');
		await uploadFile(emulator, { t: '5110', cid: 'C-1' }, '111\n222\n');
		await uploadFile(emulator, { t: '5150', cid: 'C-1', sid: 'S-1' }, 'France, Fixed\n');

		const response = await control('state');

		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(response.json()).toEqual({
			companies: [{ cid: 'C-1', name: 'Company C-1', enabled: true }],
			users: [
				{
					uid: 'U-1',
					cid: 'C-1',
					firstname: 'Ada',
					lastname: 'Lovelace',
					email: 'ada@example.com',
					role: 'user',
					enabled: true,
					hasPassword: true,
				},
			],
			otps: [],
			profiles: [],
			suppliers: [
				{ cid: 'C-1', sid: 'S-1', name: 'Supplier S-1', type: 'std', codec: 'alaw', prefix: null, email: null },
			],
			numbers: [{ cid: 'C-1', count: 2 }],
			permissions: [{ cid: 'C-1', sid: 'S-1', entries: [{ country: 'France', breakout: 'Fixed' }] }],
		});
		expect(response.text).not.toContain('user secret');
	});
});

describe('GET /__emulator/requests', () => {
	it('returns the log with passwords masked', async () => {
		await createCompany(emulator, 'C-1');
		await callApi(emulator, { ...userQuery('C-1', 'U-1'), API_84572: 'in query' }, { ...LOGIN, pass: 'user secret' });

		const response = await control('requests');

		const entries = response.json() as Array<Record<string, unknown>>;
		expect(entries).toHaveLength(2);
		expect(entries[1]).toEqual({
			id: 2,
			receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
			method: 'POST',
			path: '/',
			rawQuery:
				't=4020&cid=C-1&uid=U-1&firstname=Ada&lastname=Lovelace&email=ada%40example.com&role=user&state=1&API_84572=***',
			t: '4020',
			query: {
				t: '4020',
				cid: 'C-1',
				uid: 'U-1',
				firstname: 'Ada',
				lastname: 'Lovelace',
				email: 'ada@example.com',
				role: 'user',
				state: '1',
				API_84572: '***',
			},
			queryHex: {
				t: '34303230',
				cid: '432d31',
				uid: '552d31',
				firstname: '416461',
				lastname: '4c6f76656c616365',
				email: '616461406578616d706c652e636f6d',
				role: '75736572',
				state: '31',
				API_84572: '***',
			},
			contentType: 'application/x-www-form-urlencoded',
			body: { API_95718: 'reseller', API_84572: '***', pass: '***' },
			bodyHex: { API_95718: '726573656c6c6572', API_84572: '***', pass: '***' },
			file: null,
			login: { user: 'reseller', password: '***' },
			httpStatus: 200,
			responseText:
				'<User>\n    <U-1>\n        <Status>Field API_84572 must be sent in the POST body, not in the query string</Status>\n    </U-1>\n</User>\n',
			fault: null,
		});
		expect(response.text).not.toContain('emulator-secret');
		expect(response.text).not.toContain('user secret');
		expect(response.text).not.toContain('in query');
	});

	it('describes an uploaded file by length and SHA-256', async () => {
		await createCompany(emulator, 'C-1');
		await uploadFile(emulator, { t: '5110', cid: 'C-1' }, '111\n222\n', LOGIN, 'numbers.txt');

		const entries = (await control('requests')).json() as Array<{ file: unknown }>;

		expect(entries[1].file).toEqual({
			fieldName: 'uploadfile',
			fileName: 'numbers.txt',
			contentType: 'application/octet-stream',
			byteLength: 8,
			sha256: createHash('sha256').update('111\n222\n').digest('hex'),
		});
	});

	it('returns only requests after since', async () => {
		await callApi(emulator, companyQuery('C-1'));
		await callApi(emulator, companyQuery('C-2'));
		await callApi(emulator, companyQuery('C-3'));

		const entries = (await control('requests?since=1')).json() as Array<{ id: number }>;

		expect(entries.map((entry) => entry.id)).toEqual([2, 3]);
	});

	it('rejects an invalid since', async () => {
		const response = await control('requests?since=abc');

		expect(response.status).toBe(400);
		expect(response.json()).toEqual({ error: 'Invalid since: abc (expected a request id)' });
	});

	it('does not log control requests', async () => {
		await control('state');
		await control('requests');

		expect(emulator.requests).toEqual([]);
	});
});

describe('GET /__emulator/requests/:id/file', () => {
	it('returns the uploaded bytes', async () => {
		await createCompany(emulator, 'C-1');
		const file = Buffer.from([0x31, 0x0d, 0x0a, 0xe9, 0x00, 0xff]);
		await uploadFile(emulator, { t: '5110', cid: 'C-1' }, file);

		const response = await fetch(`${emulator.url}__emulator/requests/2/file`);

		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/octet-stream');
		expect(Buffer.from(await response.arrayBuffer())).toEqual(file);
	});

	it('answers 404 for a request without a file', async () => {
		await callApi(emulator, companyQuery('C-1'));

		const response = await control('requests/1/file');

		expect(response.status).toBe(404);
		expect(response.json()).toEqual({ error: 'No uploaded file for request 1' });
	});
});

describe('GET /__emulator/numbers', () => {
	it('returns the numbers of a company', async () => {
		await createCompany(emulator, 'C 1');
		await uploadFile(emulator, { t: '5110', cid: 'C 1' }, '111\n+222\n');

		const response = await control('numbers?cid=C%201');

		expect(response.json()).toEqual(['111', '+222']);
	});

	it('returns an empty list for a company without numbers', async () => {
		expect((await control('numbers?cid=C-9')).json()).toEqual([]);
	});

	it('rejects a request without cid', async () => {
		const response = await control('numbers');

		expect(response.status).toBe(400);
		expect(response.json()).toEqual({ error: 'Missing query parameter: cid' });
	});
});

describe('/__emulator/faults', () => {
	it('adds one fault', async () => {
		const response = await postJson('faults', { type: 'status', status: 502, count: 1 });

		expect(response.status).toBe(201);
		expect(response.json()).toEqual([
			{ id: 1, type: 'status', status: 502, t: null, remaining: 1, afterOperation: false },
		]);
		expect((await callApi(emulator, companyQuery('C-1'))).status).toBe(502);
	});

	it('adds an array of faults', async () => {
		const response = await postJson('faults', [
			{ type: 'empty', t: '4010' },
			{ type: 'slow', ms: 5, count: 2 },
		]);

		expect(response.status).toBe(201);
		expect((await control('faults')).json()).toEqual([
			{ id: 1, type: 'empty', t: '4010', remaining: null, afterOperation: false },
			{ id: 2, type: 'slow', ms: 5, t: null, remaining: 2, afterOperation: false },
		]);
	});

	it('adds none of an array with an invalid fault', async () => {
		const response = await postJson('faults', [{ type: 'empty' }, { type: 'explode' }]);

		expect(response.status).toBe(400);
		expect((response.json() as { error: string }).error).toMatch(/^Invalid fault: unknown type "explode"/);
		expect(emulator.listFaults()).toEqual([]);
	});

	it('rejects a body that is not declared as JSON', async () => {
		const response = await control('faults', { method: 'POST', body: '{"type":"empty"}' });

		expect(response.status).toBe(415);
		expect(response.json()).toEqual({ error: 'Expected Content-Type: application/json, got "text/plain"' });
		expect(emulator.listFaults()).toEqual([]);
	});

	it('rejects invalid JSON', async () => {
		const response = await control('faults', {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: '{type:',
		});

		expect(response.status).toBe(400);
		expect((response.json() as { error: string }).error).toMatch(/^Invalid JSON body: /);
	});

	it('removes all faults with DELETE', async () => {
		emulator.setFault({ type: 'empty' });

		const response = await control('faults', { method: 'DELETE' });

		expect(response.status).toBe(204);
		expect(emulator.listFaults()).toEqual([]);
	});
});

describe('POST /__emulator/reset', () => {
	it('clears state, log and faults', async () => {
		await createCompany(emulator, 'C-1');
		emulator.setFault({ type: 'empty' });

		const response = await control('reset', { method: 'POST' });

		expect(response.status).toBe(204);
		expect(emulator.state.snapshot().companies).toEqual([]);
		expect(emulator.requests).toEqual([]);
		expect(emulator.listFaults()).toEqual([]);
	});
});

describe('/__emulator/options', () => {
	it('returns the options with the password masked', async () => {
		const response = await control('options');

		expect(response.json()).toEqual({
			port: emulator.port,
			host: '127.0.0.1',
			username: 'reseller',
			password: '***',
			userField: 'API_95718',
			passField: 'API_84572',
			textEncoding: 'latin1',
			permissionMode: 'replace',
			latencyMs: 0,
			maxUploadBytes: 67108864,
			xmlDeclaration: false,
			charsetHeader: true,
			maxLoggedRequests: 10000,
		});
	});

	it('changes options', async () => {
		const response = await postJson('options', { permissionMode: 'add' });

		expect(response.status).toBe(200);
		expect((response.json() as { permissionMode: string }).permissionMode).toBe('add');
		expect(emulator.options.permissionMode).toBe('add');
	});

	it.each([
		[{ port: 1 }, 'Emulator option port cannot change while the emulator runs'],
		[{ permissionMode: 'merge' }, 'Invalid emulator option permissionMode: expected one of "replace", "add", got "merge"'],
		[{ colour: 'blue' }, expect.stringMatching(/^Unknown emulator option: colour \(known: port, host, /)],
	])('rejects %j', async (changes, message) => {
		const response = await postJson('options', changes);

		expect(response.status).toBe(400);
		expect(response.json()).toEqual({ error: message });
		expect(emulator.options.permissionMode).toBe('replace');
	});
});

describe('control routing', () => {
	it('answers 404 to an unknown endpoint', async () => {
		const response = await control('nothing');

		expect(response.status).toBe(404);
		expect(response.json()).toEqual({ error: 'Unknown control endpoint: /__emulator/nothing' });
	});

	it('answers 405 with Allow to a wrong method', async () => {
		const response = await control('state', { method: 'DELETE' });

		expect(response.status).toBe(405);
		expect(response.headers.get('allow')).toBe('GET');
		expect(response.json()).toEqual({ error: 'Method DELETE is not allowed here (allowed: GET)' });
	});
});
