// One workflow per iTest operation, run by a real n8n 2.41.1 with this package installed as a
// community package, against the iTest emulator. Each test checks what n8n returned and what
// the emulator received. Record IDs start with "OPS-" so other test files cannot collide.
import { createHash, randomUUID } from 'crypto';

import {
	emulatorControl,
	emulatorRequests,
	emulatorState,
	lastRequestId,
	postJson,
	postMultipart,
	isStoredAsBinaryFile,
} from './support';
import { numberFile } from '../nodes/ITest/numberFile';

const TIMEOUT_MS = 60_000;
const MASK = '***';

interface Item {
	[key: string]: unknown;
}

async function run(path: string, items: Item[]): Promise<Item[]> {
	const response = await postJson(path, { items });
	expect(response.status).toBe(200);
	return response.json as Item[];
}

type LoggedRequest = Awaited<ReturnType<typeof emulatorRequests>>[number];

async function requestsSince(since: number, t: string): Promise<LoggedRequest[]> {
	return (await emulatorRequests(since)).filter((request) => request.t === t);
}

beforeAll(async () => {
	const company = await run('e2e/company-upsert', [{ row: 1, companyId: 'OPS-C1', name: 'Ops Company', enabled: true }]);
	expect(company[0].success).toBe(true);
}, TIMEOUT_MS);

describe('company upsert', () => {
	test('sends special characters intact', async () => {
		const since = await lastRequestId();
		const output = await run('e2e/company-upsert', [
			{ row: 1, companyId: 'OPS-C2', name: 'AT&T Wholesale = 1', enabled: true },
			{ row: 2, companyId: 'OPS-C3', name: "Télécom Côte d'Ivoire", enabled: false },
		]);

		expect(output).toEqual([
			{ companyId: 'OPS-C2', status: 'Success', success: true, inputRow: '1' },
			{ companyId: 'OPS-C3', status: 'Success', success: true, inputRow: '2' },
		]);
		const requests = await requestsSince(since, '4010');
		expect(requests.map((request) => request.query)).toEqual([
			{ t: '4010', cid: 'OPS-C2', name: 'AT&T Wholesale = 1', enable: '1' },
			{ t: '4010', cid: 'OPS-C3', name: "Télécom Côte d'Ivoire", enable: '0' },
		]);
		// The default text encoding is ISO-8859-1: é is the single byte E9 in the query string.
		expect(requests[1].rawQuery).toContain('name=T%E9l%E9com%20C%F4te');
		expect(requests[0].login).toEqual({ user: 'reseller', password: MASK });
		const state = await emulatorState();
		expect(state.companies.filter((company) => company.cid.startsWith('OPS-C') && company.cid !== 'OPS-C1')).toEqual([
			{ cid: 'OPS-C2', name: 'AT&T Wholesale = 1', enabled: true },
			{ cid: 'OPS-C3', name: "Télécom Côte d'Ivoire", enabled: false },
		]);
	}, TIMEOUT_MS);
});

describe('user operations', () => {
	test('upsert sends the password in the body only', async () => {
		const userPassword = `Pw-${randomUUID()}`;
		const since = await lastRequestId();
		const output = await run('e2e/user-upsert', [
			{
				row: 1,
				companyId: 'OPS-C1',
				userId: 'OPS-U1',
				firstName: 'Grace',
				lastName: 'Hopper',
				email: 'grace@example.com',
				role: 'admin',
				enabled: true,
				password: userPassword,
			},
		]);

		expect(output).toEqual([{ companyId: 'OPS-C1', userId: 'OPS-U1', status: 'Success', success: true, inputRow: '1' }]);
		const [request] = await requestsSince(since, '4020');
		expect(request.query).toEqual({
			t: '4020',
			cid: 'OPS-C1',
			uid: 'OPS-U1',
			firstname: 'Grace',
			lastname: 'Hopper',
			email: 'grace@example.com',
			role: 'admin',
			state: '1',
		});
		expect(request.body.pass).toBe(MASK);
		expect(request.rawQuery).not.toContain(userPassword);
		const state = await emulatorState();
		expect(state.users.find((user) => user.uid === 'OPS-U1')).toEqual({
			uid: 'OPS-U1',
			cid: 'OPS-C1',
			firstname: 'Grace',
			lastname: 'Hopper',
			email: 'grace@example.com',
			role: 'admin',
			enabled: true,
			hasPassword: true,
		});
	}, TIMEOUT_MS);

	test('continue on fail keeps every item', async () => {
		const since = await lastRequestId();
		const output = await run('e2e/user-upsert', [
			{ row: 1, companyId: 'OPS-C1', userId: 'OPS-U2', firstName: 'A', lastName: 'One', email: 'a1@example.com', role: 'user', enabled: true },
			{ row: 2, companyId: 'OPS-NOPE', userId: 'OPS-U3', firstName: 'B', lastName: 'Two', email: 'b2@example.com', role: 'user', enabled: true },
			{ row: 3, companyId: 'OPS-C1', userId: 'OPS-U4', firstName: 'C', lastName: 'Three', email: 'c3@example.com', role: 'user', enabled: false },
		]);

		expect(output).toHaveLength(3);
		expect(output[0]).toEqual({ companyId: 'OPS-C1', userId: 'OPS-U2', status: 'Success', success: true, inputRow: '1' });
		expect(output[1].success).toBe(false);
		expect(output[1].itemIndex).toBe(1);
		expect(output[1].inputRow).toBe('2');
		expect(output[1].error).toContain('Unknown company: OPS-NOPE');
		expect(output[2]).toEqual({ companyId: 'OPS-C1', userId: 'OPS-U4', status: 'Success', success: true, inputRow: '3' });
		const requests = await requestsSince(since, '4020');
		expect(requests.map((request) => request.query.uid)).toEqual(['OPS-U2', 'OPS-U3', 'OPS-U4']);
		expect(requests.map((request) => request.responseText?.includes('<Status>Success</Status>'))).toEqual([true, false, true]);
	}, TIMEOUT_MS);

	test('requestOtp returns the issued password', async () => {
		const since = await lastRequestId();
		const output = await run('e2e/user-request-otp', [{ row: 1, userId: 'OPS-U1' }]);

		const state = await emulatorState();
		const stored = state.otps.find((entry) => entry.uid === 'OPS-U1');
		expect(stored).toBeDefined();
		expect(output).toEqual([{ userId: 'OPS-U1', otp: stored?.otp, success: true, inputRow: '1' }]);
		const [request] = await requestsSince(since, '4024');
		expect(request.query).toEqual({ t: '4024', uid: 'OPS-U1' });
	}, TIMEOUT_MS);

	test('setOtp generates a random password', async () => {
		const since = await lastRequestId();
		const output = await run('e2e/user-set-otp-generated', [{ row: 1, userId: 'OPS-U1', otpLength: 40 }]);

		expect(output).toHaveLength(1);
		const otp = output[0].otp as string;
		expect(otp).toMatch(/^[A-Za-z0-9]{40}$/);
		expect(output[0]).toEqual({ userId: 'OPS-U1', otp, otpGenerated: true, status: 'Success', success: true, inputRow: '1' });
		const state = await emulatorState();
		expect(state.otps.find((entry) => entry.uid === 'OPS-U1')?.otp).toBe(otp);
		const [request] = await requestsSince(since, '4025');
		expect(request.query).toEqual({ t: '4025', uid: 'OPS-U1' });
		expect(request.rawQuery).not.toContain(otp);
		expect(request.body.otp).toBe(otp);
	}, TIMEOUT_MS);

	test('setOtp rejects a short password', async () => {
		const since = await lastRequestId();
		const ownOtp = 'A'.repeat(32) + 'b7';
		const output = await run('e2e/user-set-otp-own', [
			{ row: 1, userId: 'OPS-U1', otp: 'too-short' },
			{ row: 2, userId: 'OPS-U1', otp: ownOtp },
		]);

		expect(output[0].success).toBe(false);
		expect(output[0].inputRow).toBe('1');
		expect(output[0].error).toBe('One-Time Password is too short: 9 characters, iTest needs at least 32 [item 0]');
		expect(output[1]).toEqual({ userId: 'OPS-U1', otp: ownOtp, otpGenerated: false, status: 'Success', success: true, inputRow: '2' });
		const requests = await requestsSince(since, '4025');
		expect(requests).toHaveLength(1);
		const state = await emulatorState();
		expect(state.otps.find((entry) => entry.uid === 'OPS-U1')?.otp).toBe(ownOtp);
	}, TIMEOUT_MS);
});

describe('user upsert with Map Automatically', () => {
	test('reads the fields by name and fails only the incomplete row', async () => {
		const since = await lastRequestId();
		const output = await run('e2e/user-upsert-automatic', [
			{ row: 1, 'Company ID': 'OPS-C1', user_id: 'OPS-U7', FirstName: 'Mary', lastName: 'Jackson', email: 'mary@example.com', Role: 'Admin' },
			{ row: 2, companyId: 'OPS-C1', firstName: 'No', lastName: 'Id', email: 'no-id@example.com' },
		]);

		expect(output).toEqual([
			{ companyId: 'OPS-C1', userId: 'OPS-U7', status: 'Success', success: true, inputRow: '1' },
			{
				success: false,
				error: 'The input item has no field for User ID [item 1]',
				errorDescription:
					'With Mapping Mode set to Map Automatically, User ID comes from the input field named userId or "User ID", ignoring case, spaces, dashes and underscores. Rename the input field, add it with an Edit Fields (Set) node, or set Mapping Mode to Map Each Field Below.',
				itemIndex: 1,
				inputRow: '2',
			},
		]);
		const requests = await requestsSince(since, '4020');
		expect(requests.map((request) => request.query)).toEqual([
			{ t: '4020', cid: 'OPS-C1', uid: 'OPS-U7', firstname: 'Mary', lastname: 'Jackson', email: 'mary@example.com', role: 'admin', state: '1' },
		]);
	}, TIMEOUT_MS);
});

describe('profile and supplier upsert', () => {
	test('profile upsert sends every field', async () => {
		const since = await lastRequestId();
		const output = await run('e2e/profile-upsert', [
			{
				row: 1,
				companyId: 'OPS-C1',
				profileId: 'OPS-P1',
				name: 'London gateway',
				type: 'std',
				gatewayIp: '2001:db8::10',
				gatewayPort: 5062,
				sourceNumber: '',
				maxCallDuration: 90,
				maxRingDuration: 25,
			},
		]);

		expect(output).toEqual([{ companyId: 'OPS-C1', profileId: 'OPS-P1', status: 'Success', success: true, inputRow: '1' }]);
		const [request] = await requestsSince(since, '5010');
		expect(request.query).toEqual({
			t: '5010',
			cid: 'OPS-C1',
			pid: 'OPS-P1',
			name: 'London gateway',
			type: 'std',
			ip: '2001:db8::10',
			port: '5062',
			srcn: 'xxx',
			call: '90',
			ring: '25',
		});
		const state = await emulatorState();
		expect(state.profiles.find((profile) => profile.pid === 'OPS-P1')).toEqual({
			cid: 'OPS-C1',
			pid: 'OPS-P1',
			name: 'London gateway',
			type: 'std',
			ip: '2001:db8::10',
			port: 5062,
			srcn: 'xxx',
			call: 90,
			ring: 25,
		});
	}, TIMEOUT_MS);

	test('supplier upsert sends optional fields', async () => {
		const since = await lastRequestId();
		const output = await run('e2e/supplier-upsert', [
			{ row: 1, companyId: 'OPS-C1', supplierId: 'OPS-S1', name: 'Route A', type: 'std', codec: 'ulaw', prefix: '9901#', email: 'noc@example.com' },
			{ row: 2, companyId: 'OPS-C1', supplierId: 'OPS-S2', name: 'Route B', type: 'sms', codec: '729', prefix: '', email: '' },
		]);

		expect(output).toEqual([
			{ companyId: 'OPS-C1', supplierId: 'OPS-S1', status: 'Success', success: true, inputRow: '1' },
			{ companyId: 'OPS-C1', supplierId: 'OPS-S2', status: 'Success', success: true, inputRow: '2' },
		]);
		const requests = await requestsSince(since, '5020');
		expect(requests.map((request) => request.query)).toEqual([
			{ t: '5020', cid: 'OPS-C1', sid: 'OPS-S1', name: 'Route A', type: 'std', codec: 'ulaw', prefix: '9901#', email: 'noc@example.com' },
			{ t: '5020', cid: 'OPS-C1', sid: 'OPS-S2', name: 'Route B', type: 'sms', codec: '729' },
		]);
	}, TIMEOUT_MS);
});

describe('number database uploads', () => {
	test('importNumbers uploads filesystem binary data', async () => {
		const since = await lastRequestId();
		// One number per line, LF endings: the node sends such a file byte for byte.
		const content = Buffer.from('447700900001\n447700900002\n447700900003\n', 'latin1');
		const response = await postMultipart(
			'e2e/import-numbers',
			{ row: '7', companyId: 'OPS-C1' },
			{ fileName: 'numbers.txt', contentType: 'text/plain', content },
		);

		expect(response.status).toBe(200);
		const output = response.json as Item[];
		expect(output).toHaveLength(1);
		// The output has more fields, such as line counts; the emulator's state below checks the lines.
		expect(output[0]).toMatchObject({
			companyId: 'OPS-C1',
			fileName: 'numbers.txt',
			fileSize: content.length,
			status: 'Success',
			success: true,
			inputRow: '7',
		});
		// n8n 2.x keeps binary data on disk by default ("filesystem" mode), and the node read it from there.
		expect(isStoredAsBinaryFile(content)).toBe(true);
		const [request] = await requestsSince(since, '5110');
		expect(request.query).toEqual({ t: '5110', cid: 'OPS-C1' });
		expect(request.contentType).toMatch(/^multipart\/form-data; boundary=/);
		expect(request.login).toEqual({ user: 'reseller', password: MASK });
		expect(request.file).toEqual({
			fieldName: 'uploadfile',
			fileName: 'numbers.txt',
			contentType: 'text/plain',
			byteLength: content.length,
			sha256: createHash('sha256').update(content).digest('hex'),
		});
		const state = await emulatorState();
		expect(state.numbers.find((entry) => entry.cid === 'OPS-C1')).toEqual({ cid: 'OPS-C1', count: 3 });
	}, TIMEOUT_MS);

	test('importNumbers uploads a million numbers', async () => {
		const company = await run('e2e/company-upsert', [{ row: 1, companyId: 'OPS-C9', name: 'Ops Bulk', enabled: true }]);
		expect(company[0].success).toBe(true);
		const count = 1_000_000;
		const content = numberFile(count);
		const since = await lastRequestId();
		const response = await postMultipart(
			'e2e/import-numbers',
			{ row: '8', companyId: 'OPS-C9' },
			{ fileName: 'million.txt', contentType: 'text/plain', content },
		);

		expect(response.status).toBe(200);
		expect((response.json as Item[])[0]).toMatchObject({
			companyId: 'OPS-C9',
			fileSize: 13_000_000,
			linesRead: count,
			linesSent: count,
			rejected: 0,
			success: true,
		});
		const [request] = await requestsSince(since, '5110');
		expect(request.file?.byteLength).toBe(13_000_000);
		expect(request.file?.sha256).toBe(createHash('sha256').update(content).digest('hex'));
		const state = await emulatorState();
		expect(state.numbers.find((entry) => entry.cid === 'OPS-C9')).toEqual({ cid: 'OPS-C9', count });
	}, TIMEOUT_MS);

	test('setBreakoutPermissions uploads the list', async () => {
		const since = await lastRequestId();
		const content = Buffer.from("United Kingdom, Mobile - Vodafone\nCôte d'Ivoire, Mobile - Orange\n", 'latin1');
		const response = await postMultipart(
			'e2e/set-breakout-permissions',
			{ row: '3', companyId: 'OPS-C1', supplierId: 'OPS-S1' },
			{ fileName: 'breakouts.txt', contentType: 'text/plain', content },
		);

		expect(response.status).toBe(200);
		const output = response.json as Item[];
		expect(output).toHaveLength(1);
		// The output has more fields, such as line counts; the emulator's state below checks the lines.
		expect(output[0]).toMatchObject({
			companyId: 'OPS-C1',
			supplierId: 'OPS-S1',
			fileName: 'breakouts.txt',
			fileSize: content.length,
			status: 'Success',
			success: true,
			inputRow: '3',
		});
		const [request] = await requestsSince(since, '5150');
		expect(request.query).toEqual({ t: '5150', cid: 'OPS-C1', sid: 'OPS-S1' });
		expect(request.file?.sha256).toBe(createHash('sha256').update(content).digest('hex'));
		const state = await emulatorState();
		expect(state.permissions.find((entry) => entry.sid === 'OPS-S1')).toEqual({
			cid: 'OPS-C1',
			sid: 'OPS-S1',
			entries: [
				{ country: 'United Kingdom', breakout: 'Mobile - Vodafone' },
				{ country: "Côte d'Ivoire", breakout: 'Mobile - Orange' },
			],
		});
	}, TIMEOUT_MS);
});

describe('number database uploads from items', () => {
	test('importNumbers groups rows per company', async () => {
		const since = await lastRequestId();
		const output = await run('e2e/import-numbers-items', [
			{ companyId: 'OPS-C1', msisdn: '+44 7700 900101' },
			{ companyId: 'OPS-C1', msisdn: 'not a number' },
			{ companyId: 'OPS-C1', msisdn: '0044 7700 900102' },
			{ companyId: 'OPS-C1', msisdn: '+44 7700 900101' },
		]);

		expect(output).toHaveLength(1);
		expect(output[0]).toMatchObject({
			companyId: 'OPS-C1',
			source: 'items',
			sent: true,
			status: 'Success',
			success: true,
			linesRead: 4,
			linesSent: 2,
			normalized: 2,
			duplicates: 1,
			rejected: 1,
			rejectedLines: [{ itemIndex: 1, text: 'not a number', reason: 'contains letters' }],
		});
		const [request] = await requestsSince(since, '5110');
		expect(request.query).toEqual({ t: '5110', cid: 'OPS-C1' });
		expect(request.file?.byteLength).toBe('447700900101\n447700900102\n'.length);
		expect(request.file?.sha256).toBe(createHash('sha256').update('447700900101\n447700900102\n').digest('hex'));
	}, TIMEOUT_MS);

	test('setBreakoutPermissions rejects a comma in a name', async () => {
		const since = await lastRequestId();
		const output = await run('e2e/set-breakout-permissions-items', [
			{ companyId: 'OPS-C1', supplierId: 'OPS-S1', country: 'France', breakout: 'Mobile' },
			{ companyId: 'OPS-C1', supplierId: 'OPS-S1', country: 'Korea, Republic of', breakout: 'Mobile' },
		]);

		expect(output).toHaveLength(1);
		expect(output[0].success).toBe(false);
		expect(output[0].error).toBe('1 of 2 breakouts is invalid, so nothing is sent for supplier "OPS-S1" of company "OPS-C1" [item 1]');
		expect(
			String(output[0].errorDescription).startsWith(
				'Item 1 ("Korea, Republic of, Mobile"): the country "Korea, Republic of" contains a comma, which iTest\'s COUNTRY, BREAKOUT format cannot carry unambiguously, so the line is not sent.',
			),
		).toBe(true);
		expect(await requestsSince(since, '5150')).toEqual([]);
	}, TIMEOUT_MS);
});

describe('emulator faults', () => {
	// Faults apply to the next matching request of any caller, so they target t=5010 (profile
	// upsert), which no other e2e file sends.
	const profile = (row: number, profileId: string): Item => ({
		row,
		companyId: 'OPS-C1',
		profileId,
		name: `Fault profile ${row}`,
		type: 'sms',
		gatewayIp: '192.0.2.10',
		gatewayPort: 5060,
		sourceNumber: '447700900123',
		maxCallDuration: 60,
		maxRingDuration: 30,
	});

	test('server error fails only that item', async () => {
		// HTTP 500 is final for the node (no retry), unlike 502, 503 and 504.
		await emulatorControl('POST', 'faults', { type: 'status', status: 500, t: '5010', count: 1 });
		const since = await lastRequestId();
		const output = await run('e2e/profile-upsert', [profile(1, 'OPS-P5'), profile(2, 'OPS-P6')]);

		expect(output).toHaveLength(2);
		expect(output[0].success).toBe(false);
		expect(output[0].itemIndex).toBe(0);
		expect(output[0].inputRow).toBe('1');
		expect(output[0].httpCode).toBe('500');
		expect(output[1]).toEqual({ companyId: 'OPS-C1', profileId: 'OPS-P6', status: 'Success', success: true, inputRow: '2' });
		const requests = await requestsSince(since, '5010');
		expect(requests.map((request) => [request.query.pid, request.httpStatus, request.fault])).toEqual([
			['OPS-P5', 500, 'status'],
			['OPS-P6', 200, null],
		]);
		expect(requests[1].query.srcn).toBe('447700900123');
	}, TIMEOUT_MS);
});
