import { startEmulator, type Emulator } from '../../emulator';
import {
	LOGIN,
	callApi,
	companyQuery,
	createCompany,
	createUser,
	resultXml,
	userQuery,
} from './client';

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator();
});

afterAll(async () => {
	await emulator.close();
});

beforeEach(() => {
	emulator.reset();
});

const companyStatus = (text: string) => resultXml('Company', 'Adminitration', 'Status', text);

describe('t=4010 company upsert', () => {
	it('creates a company and answers in the guide format', async () => {
		const response = await callApi(emulator, companyQuery('C-1', { name: 'Acme Telecom' }));

		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/xml; charset=ISO-8859-1');
		expect(response.text).toBe(
			'<Company>\n    <Adminitration>\n        <Status>Success</Status>\n    </Adminitration>\n</Company>\n',
		);
		expect(emulator.state.snapshot().companies).toEqual([{ cid: 'C-1', name: 'Acme Telecom', enabled: true }]);
	});

	it('updates an existing company in place', async () => {
		await createCompany(emulator, 'C-1');
		await createCompany(emulator, 'C-2');

		const response = await callApi(emulator, companyQuery('C-1', { name: 'Renamed', enable: '0' }));

		expect(response.text).toBe(companyStatus('Success'));
		expect(emulator.state.snapshot().companies).toEqual([
			{ cid: 'C-1', name: 'Renamed', enabled: false },
			{ cid: 'C-2', name: 'Company C-2', enabled: true },
		]);
	});

	it.each(['cid', 'name', 'enable'])('rejects a request without %s', async (field) => {
		const query = companyQuery('C-1');
		delete query[field];

		const response = await callApi(emulator, query);

		expect(response.status).toBe(200);
		expect(response.text).toBe(companyStatus(`Missing field: ${field}`));
		expect(emulator.state.companies.size).toBe(0);
	});

	it('treats an empty field as missing', async () => {
		const response = await callApi(emulator, companyQuery('C-1', { name: '' }));

		expect(response.text).toBe(companyStatus('Missing field: name'));
	});

	it.each(['2', 'yes', 'true'])('rejects enable=%s', async (value) => {
		const response = await callApi(emulator, companyQuery('C-1', { enable: value }));

		expect(response.text).toBe(companyStatus(`Invalid value for enable: ${value}`));
		expect(emulator.state.companies.size).toBe(0);
	});

	it('reports the first missing field in documented order', async () => {
		const response = await callApi(emulator, { t: '4010', enable: '7' });

		expect(response.text).toBe(companyStatus('Missing field: cid'));
	});
});

describe('t=4020 user upsert', () => {
	beforeEach(async () => {
		await createCompany(emulator, 'C-1');
	});

	it('creates a user and names the element after the uid', async () => {
		const response = await callApi(emulator, userQuery('C-1', '04811849', { role: 'admin' }));

		expect(response.text).toBe('<User>\n    <04811849>\n        <Status>Success</Status>\n    </04811849>\n</User>\n');
		expect(emulator.state.snapshot().users).toEqual([
			{
				uid: '04811849',
				cid: 'C-1',
				firstname: 'Ada',
				lastname: 'Lovelace',
				email: 'ada@example.com',
				role: 'admin',
				enabled: true,
				hasPassword: false,
			},
		]);
	});

	it('stores the body password without echoing it', async () => {
		const response = await callApi(emulator, userQuery('C-1', 'U-1'), { ...LOGIN, pass: 'Secret pass 1' });

		expect(response.text).toBe(resultXml('User', 'U-1', 'Status', 'Success'));
		expect(emulator.state.users.get('U-1')?.password).toBe('Secret pass 1');
		expect(emulator.state.snapshot().users[0].hasPassword).toBe(true);
		expect(JSON.stringify(emulator.state.snapshot())).not.toContain('Secret pass 1');
	});

	it('keeps the password when an update sends none or an empty one', async () => {
		await callApi(emulator, userQuery('C-1', 'U-1'), { ...LOGIN, pass: 'first' });

		await callApi(emulator, userQuery('C-1', 'U-1', { lastname: 'Byron' }));
		expect(emulator.state.users.get('U-1')?.password).toBe('first');
		expect(emulator.state.users.get('U-1')?.lastname).toBe('Byron');

		await callApi(emulator, userQuery('C-1', 'U-1'), { ...LOGIN, pass: '' });
		expect(emulator.state.users.get('U-1')?.password).toBe('first');

		await callApi(emulator, userQuery('C-1', 'U-1'), { ...LOGIN, pass: 'second' });
		expect(emulator.state.users.get('U-1')?.password).toBe('second');
	});

	it('moves a user to the company named in an update', async () => {
		await createCompany(emulator, 'C-2');
		await createUser(emulator, 'C-1', 'U-1');

		await createUser(emulator, 'C-2', 'U-1');

		expect(emulator.state.users.size).toBe(1);
		expect(emulator.state.users.get('U-1')?.cid).toBe('C-2');
	});

	it.each(['cid', 'firstname', 'lastname', 'email', 'role', 'state'])('rejects a request without %s', async (field) => {
		const query = userQuery('C-1', 'U-1');
		delete query[field];

		const response = await callApi(emulator, query);

		expect(response.text).toBe(resultXml('User', 'U-1', 'Status', `Missing field: ${field}`));
		expect(emulator.state.users.size).toBe(0);
	});

	it('puts the status under the root when uid is missing', async () => {
		const query = userQuery('C-1', 'U-1');
		delete query.uid;

		const response = await callApi(emulator, query);

		expect(response.text).toBe('<User>\n    <Status>Missing field: uid</Status>\n</User>\n');
	});

	it.each([
		['role', 'boss'],
		['role', 'Admin'],
		['state', '2'],
		['email', 'not-an-address'],
		['email', 'two@at@signs'],
	])('rejects %s=%s', async (field, value) => {
		const response = await callApi(emulator, userQuery('C-1', 'U-1', { [field]: value }));

		expect(response.text).toBe(resultXml('User', 'U-1', 'Status', `Invalid value for ${field}: ${value}`));
		expect(emulator.state.users.size).toBe(0);
	});

	it('rejects an unknown company', async () => {
		const response = await callApi(emulator, userQuery('C-9', 'U-1'));

		expect(response.text).toBe(resultXml('User', 'U-1', 'Status', 'Unknown company: C-9'));
		expect(emulator.state.users.size).toBe(0);
	});

	it('rejects pass in the query string', async () => {
		const response = await callApi(emulator, userQuery('C-1', 'U-1', { pass: 'leaked' }));

		expect(response.text).toBe(
			resultXml('User', 'U-1', 'Status', 'Field pass must be sent in the POST body, not in the query string'),
		);
		expect(emulator.state.users.size).toBe(0);
	});

	it.each(['ACME+17', 'R&D 7', 'Ünïcode'])('writes uid %s raw into the tag', async (uid) => {
		const response = await callApi(emulator, userQuery('C-1', uid));

		expect(response.text).toBe(`<User>\n    <${uid}>\n        <Status>Success</Status>\n    </${uid}>\n</User>\n`);
		expect(emulator.state.users.get(uid)?.uid).toBe(uid);
	});

	it('rejects a uid containing < or >', async () => {
		const response = await callApi(emulator, userQuery('C-1', 'a<b>'));

		expect(response.text).toBe(
			'<User>\n    <Status>Invalid value for uid: a&lt;b&gt; (&lt; and &gt; are not allowed)</Status>\n</User>\n',
		);
		expect(emulator.state.users.size).toBe(0);
	});
});

describe('t=4024 OTP request', () => {
	beforeEach(async () => {
		await createCompany(emulator, 'C-1');
		await createUser(emulator, 'C-1', '04811849');
	});

	it('returns a new 32-character OTP and stores it', async () => {
		const response = await callApi(emulator, { t: '4024', uid: '04811849' });

		const otp = /<OTP>(.*)<\/OTP>/.exec(response.text)?.[1] ?? '';
		expect(otp).toMatch(/^[a-z0-9]{32}$/);
		expect(response.text).toBe(`<User>\n    <04811849>\n        <OTP>${otp}</OTP>\n    </04811849>\n</User>\n`);
		expect(emulator.state.otps.get('04811849')).toBe(otp);
	});

	it('replaces the previous OTP on each request', async () => {
		const first = await callApi(emulator, { t: '4024', uid: '04811849' });
		const second = await callApi(emulator, { t: '4024', uid: '04811849' });

		const firstOtp = /<OTP>(.*)<\/OTP>/.exec(first.text)?.[1];
		const secondOtp = /<OTP>(.*)<\/OTP>/.exec(second.text)?.[1];
		expect(secondOtp).not.toBe(firstOtp);
		expect(emulator.state.snapshot().otps).toEqual([{ uid: '04811849', otp: secondOtp }]);
	});

	it('rejects an unknown user', async () => {
		const response = await callApi(emulator, { t: '4024', uid: 'U-404' });

		expect(response.text).toBe(resultXml('User', 'U-404', 'Status', 'Unknown user: U-404'));
		expect(emulator.state.otps.size).toBe(0);
	});

	it('rejects a request without uid', async () => {
		const response = await callApi(emulator, { t: '4024' });

		expect(response.text).toBe('<User>\n    <Status>Missing field: uid</Status>\n</User>\n');
	});
});

describe('t=4025 OTP set', () => {
	const otp32 = 'abcdefghijklmnopqrstuvwxyz012345';

	beforeEach(async () => {
		await createCompany(emulator, 'C-1');
		await createUser(emulator, 'C-1', 'U-1');
	});

	it('stores the OTP from the body', async () => {
		const response = await callApi(emulator, { t: '4025', uid: 'U-1' }, { ...LOGIN, otp: otp32 });

		expect(response.text).toBe(resultXml('User', 'U-1', 'Status', 'Success'));
		expect(emulator.state.otps.get('U-1')).toBe(otp32);
	});

	it('accepts an OTP longer than 32 characters', async () => {
		const long = `${otp32}-and-more`;

		const response = await callApi(emulator, { t: '4025', uid: 'U-1' }, { ...LOGIN, otp: long });

		expect(response.text).toBe(resultXml('User', 'U-1', 'Status', 'Success'));
		expect(emulator.state.otps.get('U-1')).toBe(long);
	});

	it('rejects an OTP of 31 characters', async () => {
		const response = await callApi(emulator, { t: '4025', uid: 'U-1' }, { ...LOGIN, otp: otp32.slice(1) });

		expect(response.text).toBe(
			resultXml('User', 'U-1', 'Status', 'Invalid value for otp: 31 characters, at least 32 required'),
		);
		expect(emulator.state.otps.size).toBe(0);
	});

	it('rejects a request without otp', async () => {
		const response = await callApi(emulator, { t: '4025', uid: 'U-1' });

		expect(response.text).toBe(resultXml('User', 'U-1', 'Status', 'Missing field: otp'));
	});

	it('rejects otp in the query string', async () => {
		const response = await callApi(emulator, { t: '4025', uid: 'U-1', otp: otp32 }, { ...LOGIN, otp: otp32 });

		expect(response.text).toBe(
			resultXml('User', 'U-1', 'Status', 'Field otp must be sent in the POST body, not in the query string'),
		);
		expect(emulator.state.otps.size).toBe(0);
	});

	it('rejects an unknown user', async () => {
		const response = await callApi(emulator, { t: '4025', uid: 'U-2' }, { ...LOGIN, otp: otp32 });

		expect(response.text).toBe(resultXml('User', 'U-2', 'Status', 'Unknown user: U-2'));
		expect(emulator.state.otps.size).toBe(0);
	});

	it('rejects a request without uid', async () => {
		const response = await callApi(emulator, { t: '4025' }, { ...LOGIN, otp: otp32 });

		expect(response.text).toBe('<User>\n    <Status>Missing field: uid</Status>\n</User>\n');
	});
});
