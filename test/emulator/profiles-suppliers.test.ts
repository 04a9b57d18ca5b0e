import { startEmulator, type Emulator } from '../../emulator';
import { callApi, createCompany, resultXml, supplierQuery } from './client';

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator();
});

afterAll(async () => {
	await emulator.close();
});

beforeEach(async () => {
	emulator.reset();
	await createCompany(emulator, 'C-1');
});

function profileQuery(cid: string, pid: string, overrides: Record<string, string> = {}): Record<string, string> {
	return {
		t: '5010',
		cid,
		pid,
		name: 'London gateway',
		type: 'std',
		ip: '192.0.2.10',
		port: '5060',
		srcn: 'xxx',
		call: '60',
		ring: '30',
		...overrides,
	};
}

describe('t=5010 profile upsert', () => {
	it('creates a profile and names the element after the pid', async () => {
		const response = await callApi(emulator, profileQuery('C-1', '1947219'));

		expect(response.text).toBe(
			'<Profile>\n    <1947219>\n        <Status>Success</Status>\n    </1947219>\n</Profile>\n',
		);
		expect(emulator.state.snapshot().profiles).toEqual([
			{
				cid: 'C-1',
				pid: '1947219',
				name: 'London gateway',
				type: 'std',
				ip: '192.0.2.10',
				port: 5060,
				srcn: 'xxx',
				call: 60,
				ring: 30,
			},
		]);
	});

	it('updates a profile in place and keeps profiles of other companies apart', async () => {
		await createCompany(emulator, 'C-2');
		await callApi(emulator, profileQuery('C-1', 'P-1'));
		await callApi(emulator, profileQuery('C-2', 'P-1', { type: 'sms' }));

		const response = await callApi(emulator, profileQuery('C-1', 'P-1', { name: 'Paris', srcn: '+33123456789' }));

		expect(response.text).toBe(resultXml('Profile', 'P-1', 'Status', 'Success'));
		expect(emulator.state.getProfile('C-1', 'P-1')?.name).toBe('Paris');
		expect(emulator.state.getProfile('C-1', 'P-1')?.srcn).toBe('+33123456789');
		expect(emulator.state.getProfile('C-2', 'P-1')?.type).toBe('sms');
		expect(emulator.state.snapshot().profiles).toHaveLength(2);
	});

	it('accepts an IPv6 gateway address', async () => {
		const response = await callApi(emulator, profileQuery('C-1', 'P-1', { ip: '2001:db8::1' }));

		expect(response.text).toBe(resultXml('Profile', 'P-1', 'Status', 'Success'));
		expect(emulator.state.getProfile('C-1', 'P-1')?.ip).toBe('2001:db8::1');
	});

	it.each(['cid', 'name', 'type', 'ip', 'port', 'srcn', 'call', 'ring'])('rejects a request without %s', async (field) => {
		const query = profileQuery('C-1', 'P-1');
		delete query[field];

		const response = await callApi(emulator, query);

		expect(response.text).toBe(resultXml('Profile', 'P-1', 'Status', `Missing field: ${field}`));
		expect(emulator.state.snapshot().profiles).toEqual([]);
	});

	it('puts the status under the root when pid is missing', async () => {
		const query = profileQuery('C-1', 'P-1');
		delete query.pid;

		const response = await callApi(emulator, query);

		expect(response.text).toBe('<Profile>\n    <Status>Missing field: pid</Status>\n</Profile>\n');
	});

	it.each([
		['type', 'voice', 'Invalid value for type: voice'],
		['ip', '999.1.1.1', 'Invalid value for ip: 999.1.1.1 (expected an IPv4 or IPv6 address)'],
		['ip', 'sip.example.com', 'Invalid value for ip: sip.example.com (expected an IPv4 or IPv6 address)'],
		['port', '0', 'Invalid value for port: 0 (expected a whole number from 1 to 65535)'],
		['port', '65536', 'Invalid value for port: 65536 (expected a whole number from 1 to 65535)'],
		['port', '50a', 'Invalid value for port: 50a (expected a whole number from 1 to 65535)'],
		['srcn', 'random', 'Invalid value for srcn: random (expected xxx or a number)'],
		['call', '-1', 'Invalid value for call: -1 (expected a whole number from 0 to 9007199254740991)'],
		['ring', '1.5', 'Invalid value for ring: 1.5 (expected a whole number from 0 to 9007199254740991)'],
	])('rejects %s=%s', async (field, value, message) => {
		const response = await callApi(emulator, profileQuery('C-1', 'P-1', { [field]: value }));

		expect(response.text).toBe(resultXml('Profile', 'P-1', 'Status', message));
		expect(emulator.state.snapshot().profiles).toEqual([]);
	});

	it('rejects an unknown company', async () => {
		const response = await callApi(emulator, profileQuery('C-9', 'P-1'));

		expect(response.text).toBe(resultXml('Profile', 'P-1', 'Status', 'Unknown company: C-9'));
		expect(emulator.state.snapshot().profiles).toEqual([]);
	});
});

describe('t=5020 supplier upsert', () => {
	it('creates a supplier without the optional fields', async () => {
		const response = await callApi(emulator, supplierQuery('C-1', '1947219'));

		expect(response.text).toBe(
			'<Supplier>\n    <1947219>\n        <Status>Success</Status>\n    </1947219>\n</Supplier>\n',
		);
		expect(emulator.state.snapshot().suppliers).toEqual([
			{ cid: 'C-1', sid: '1947219', name: 'Supplier 1947219', type: 'std', codec: 'alaw', prefix: null, email: null },
		]);
	});

	it('stores prefix and email', async () => {
		const response = await callApi(
			emulator,
			supplierQuery('C-1', 'S-1', { codec: '729', type: 'sms', prefix: '#12*', email: 'noc@carrier.example' }),
		);

		expect(response.text).toBe(resultXml('Supplier', 'S-1', 'Status', 'Success'));
		expect(emulator.state.getSupplier('C-1', 'S-1')).toEqual({
			cid: 'C-1',
			sid: 'S-1',
			name: 'Supplier S-1',
			type: 'sms',
			codec: '729',
			prefix: '#12*',
			email: 'noc@carrier.example',
		});
	});

	it('keeps absent optional fields and clears empty ones on update', async () => {
		await callApi(emulator, supplierQuery('C-1', 'S-1', { prefix: '00', email: 'noc@carrier.example' }));

		await callApi(emulator, supplierQuery('C-1', 'S-1', { codec: 'ulaw' }));
		expect(emulator.state.getSupplier('C-1', 'S-1')?.prefix).toBe('00');
		expect(emulator.state.getSupplier('C-1', 'S-1')?.email).toBe('noc@carrier.example');
		expect(emulator.state.getSupplier('C-1', 'S-1')?.codec).toBe('ulaw');

		await callApi(emulator, supplierQuery('C-1', 'S-1', { prefix: '', email: '' }));
		expect(emulator.state.getSupplier('C-1', 'S-1')?.prefix).toBeNull();
		expect(emulator.state.getSupplier('C-1', 'S-1')?.email).toBeNull();
	});

	it.each(['cid', 'name', 'type', 'codec'])('rejects a request without %s', async (field) => {
		const query = supplierQuery('C-1', 'S-1');
		delete query[field];

		const response = await callApi(emulator, query);

		expect(response.text).toBe(resultXml('Supplier', 'S-1', 'Status', `Missing field: ${field}`));
		expect(emulator.state.snapshot().suppliers).toEqual([]);
	});

	it('puts the status under the root when sid is missing', async () => {
		const query = supplierQuery('C-1', 'S-1');
		delete query.sid;

		const response = await callApi(emulator, query);

		expect(response.text).toBe('<Supplier>\n    <Status>Missing field: sid</Status>\n</Supplier>\n');
	});

	it.each([
		['type', 'voice'],
		['codec', 'g711'],
		['codec', 'ALAW'],
		['email', 'noc.carrier.example'],
	])('rejects %s=%s', async (field, value) => {
		const response = await callApi(emulator, supplierQuery('C-1', 'S-1', { [field]: value }));

		expect(response.text).toBe(resultXml('Supplier', 'S-1', 'Status', `Invalid value for ${field}: ${value}`));
		expect(emulator.state.snapshot().suppliers).toEqual([]);
	});

	it('rejects an unknown company', async () => {
		const response = await callApi(emulator, supplierQuery('C-9', 'S-1'));

		expect(response.text).toBe(resultXml('Supplier', 'S-1', 'Status', 'Unknown company: C-9'));
		expect(emulator.state.snapshot().suppliers).toEqual([]);
	});
});
