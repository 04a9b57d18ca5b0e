import { startEmulator, type Emulator } from '../../emulator';
import { LOGIN, callApi, companyQuery, createCompany, uploadFile } from './client';
import { abortAfterReceipt, sendRaw } from './raw-socket';

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator();
});

afterAll(async () => {
	await emulator.close();
});

beforeEach(() => {
	emulator.reset();
	emulator.setOptions({ maxLoggedRequests: 10000 });
});

describe('request log', () => {
	it('records a form-urlencoded request with decoded fields and raw bytes', async () => {
		await callApi(emulator, companyQuery('C-1', { name: 'Côte' }), { ...LOGIN, extra: 'x y' });

		expect(emulator.requests).toHaveLength(1);
		const entry = emulator.requests[0];
		expect(entry).toEqual({
			id: 1,
			receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			method: 'POST',
			path: '/',
			rawQuery: 't=4010&cid=C-1&name=C%F4te&enable=1',
			t: '4010',
			query: { t: '4010', cid: 'C-1', name: 'Côte', enable: '1' },
			queryBytes: {
				t: Buffer.from('4010'),
				cid: Buffer.from('C-1'),
				name: Buffer.from([0x43, 0xf4, 0x74, 0x65]),
				enable: Buffer.from('1'),
			},
			contentType: 'application/x-www-form-urlencoded',
			body: { API_95718: 'reseller', API_84572: 'emulator-secret', extra: 'x y' },
			bodyBytes: {
				API_95718: Buffer.from('reseller'),
				API_84572: Buffer.from('emulator-secret'),
				extra: Buffer.from('x y'),
			},
			file: null,
			login: { user: 'reseller', password: 'emulator-secret' },
			httpStatus: 200,
			responseText: '<Company>\n    <Adminitration>\n        <Status>Success</Status>\n    </Adminitration>\n</Company>\n',
			fault: null,
		});
	});

	it('records a multipart request with its file', async () => {
		await createCompany(emulator, 'C-1');

		await uploadFile(emulator, { t: '5110', cid: 'C-1' }, '111\n', LOGIN, 'n.txt');

		const entry = emulator.requests[1];
		expect(entry.contentType).toMatch(/^multipart\/form-data; boundary=/);
		expect({ ...entry.body }).toEqual({ API_95718: 'reseller', API_84572: 'emulator-secret' });
		expect(entry.file).toEqual({
			fieldName: 'uploadfile',
			fileName: 'n.txt',
			contentType: 'application/octet-stream',
			bytes: Buffer.from('111\n'),
			byteLength: 4,
		});
		expect(entry.login).toEqual({ user: 'reseller', password: 'emulator-secret' });
	});

	it('records a failed login with the fields sent', async () => {
		await callApi(emulator, companyQuery('C-1'), { API_95718: 'reseller' });

		expect(emulator.requests[0].login).toEqual({ user: 'reseller', password: null });
		expect(emulator.requests[0].responseText).toContain('<Status>Invalid API login</Status>');
	});

	it('records requests rejected at the HTTP level', async () => {
		await callApi(emulator, companyQuery('C-1'), LOGIN, { path: 'other' });
		await callApi(emulator, companyQuery('C-1'), LOGIN, { method: 'GET' });

		expect(emulator.requests.map((entry) => [entry.method, entry.path, entry.httpStatus])).toEqual([
			['POST', '/other', 404],
			['GET', '/', 405],
		]);
	});

	it('keeps only the newest maxLoggedRequests entries', async () => {
		emulator.setOptions({ maxLoggedRequests: 3 });

		for (let i = 1; i <= 5; i++) await callApi(emulator, companyQuery(`C-${i}`));

		expect(emulator.requests.map((entry) => entry.id)).toEqual([3, 4, 5]);
		expect(emulator.state.companies.size).toBe(5);
	});

	it('restarts ids after reset and keeps the same array', async () => {
		const log = emulator.requests;
		await callApi(emulator, companyQuery('C-1'));
		await callApi(emulator, companyQuery('C-2'));

		emulator.reset();
		await callApi(emulator, companyQuery('C-3'));

		expect(emulator.requests).toBe(log);
		expect(log.map((entry) => [entry.id, entry.query.cid])).toEqual([[1, 'C-3']]);
	});
});

describe('raw connections', () => {
	it('logs a client that disconnects mid-body and keeps serving', async () => {
		const head =
			'POST /?t=5110&cid=C-1 HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
			'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nAPI_95718=res';

		const errorOutput = jest.spyOn(console, 'error').mockImplementation(() => undefined);
		try {
			await abortAfterReceipt(emulator.port, Buffer.from(head, 'latin1'), () => emulator.requests.length === 1);
			await callApi(emulator, companyQuery('C-1'));

			// An abort is not an emulator failure, so nothing is written to the console.
			expect(errorOutput).not.toHaveBeenCalled();
		} finally {
			errorOutput.mockRestore();
		}

		expect(emulator.requests[0].rawQuery).toBe('t=5110&cid=C-1');
		expect(emulator.requests[0].httpStatus).toBeNull();
		expect(emulator.requests[0].responseText).toBeNull();
		expect(emulator.requests[1].httpStatus).toBe(200);
	});

	it('leaves non-ASCII bytes in the request target to Node, which rejects them', async () => {
		const request = Buffer.concat([
			Buffer.from('POST /?t=4010&name=T', 'latin1'),
			Buffer.from([0xe9]),
			Buffer.from('l HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n', 'latin1'),
		]);

		const response = await sendRaw(emulator.port, request);

		expect(response.startsWith('HTTP/1.1 400 Bad Request\r\n')).toBe(true);
		expect(emulator.requests).toEqual([]);
	});
});
