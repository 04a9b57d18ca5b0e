// The three workflows in examples/, imported unchanged into a real n8n 2.41.1 and run against
// the iTest emulator. Record IDs start with "EX-", except the breakout example's own C-1001/S-12.
import { createHash } from 'crypto';

import {
	emulatorRequests,
	emulatorState,
	executeWorkflow,
	lastRequestId,
	postJson,
	webhookHeader,
} from './support';

const TIMEOUT_MS = 90_000;

describe('customer onboarding example', () => {
	const request = {
		companyId: 'EX-C1',
		companyName: 'Nordic Voice AB',
		userId: 'EX-U1',
		firstName: 'Linnea',
		lastName: 'Berg',
		email: 'linnea.berg@example.com',
	};

	test('webhook rejects a missing header', async () => {
		const since = await lastRequestId();
		const response = await postJson('itest/onboarding', request);

		expect(response.status).toBe(403);
		expect(response.text).toBe('Authorization data is wrong!');
		expect(await emulatorRequests(since)).toEqual([]);
	}, TIMEOUT_MS);

	test('webhook rejects a wrong header value', async () => {
		const header = webhookHeader();
		const response = await postJson('itest/onboarding', request, { headers: { [header.name]: `${header.value}-wrong` } });

		expect(response.status).toBe(403);
	}, TIMEOUT_MS);

	test('creates company, admin and password', async () => {
		const header = webhookHeader();
		const since = await lastRequestId();
		const response = await postJson('itest/onboarding', request, { headers: { [header.name]: header.value } });

		expect(response.status).toBe(201);
		const body = response.json as Record<string, unknown>;
		const otp = body.oneTimePassword as string;
		expect(otp).toMatch(/^[A-Za-z0-9]{32}$/);
		expect(body).toEqual({ companyId: 'EX-C1', userId: 'EX-U1', role: 'admin', oneTimePassword: otp });

		const requests = await emulatorRequests(since);
		expect(requests.map((entry) => entry.t)).toEqual(['4010', '4020', '4025']);
		expect(requests[0].query).toEqual({ t: '4010', cid: 'EX-C1', name: 'Nordic Voice AB', enable: '1' });
		expect(requests[1].query).toEqual({
			t: '4020',
			cid: 'EX-C1',
			uid: 'EX-U1',
			firstname: 'Linnea',
			lastname: 'Berg',
			email: 'linnea.berg@example.com',
			role: 'admin',
			state: '1',
		});
		expect(requests[2].query).toEqual({ t: '4025', uid: 'EX-U1' });

		const state = await emulatorState();
		expect(state.companies.find((company) => company.cid === 'EX-C1')).toEqual({
			cid: 'EX-C1',
			name: 'Nordic Voice AB',
			enabled: true,
		});
		expect(state.users.find((user) => user.uid === 'EX-U1')?.role).toBe('admin');
		expect(state.otps.find((entry) => entry.uid === 'EX-U1')?.otp).toBe(otp);
	}, TIMEOUT_MS);
});

describe('onboarding example with a missing field', () => {
	test('fails before calling iTest', async () => {
		const header = webhookHeader();
		const since = await lastRequestId();
		const response = await postJson(
			'itest/onboarding',
			{ companyName: 'No ID Ltd', userId: 'EX-U9', firstName: 'No', lastName: 'Id', email: 'no.id@example.com' },
			{ headers: { [header.name]: header.value } },
		);

		expect(response.status).toBe(500);
		expect(await emulatorRequests(since)).toEqual([]);
	}, TIMEOUT_MS);
});

describe('bulk user import example', () => {
	test('summarizes successes and failures', async () => {
		const header = webhookHeader();
		await postJson(
			'itest/onboarding',
			{ companyId: 'EX-C2', companyName: 'Bulk Co', userId: 'EX-B0', firstName: 'Admin', lastName: 'Bulk', email: 'admin@example.com' },
			{ headers: { [header.name]: header.value } },
		);
		const since = await lastRequestId();
		const users = [
			{ companyId: 'EX-C2', userId: 'EX-B1', firstName: 'Ann', lastName: 'One', email: 'ann@example.com' },
			{ companyId: 'EX-C2', userId: 'EX-B2', firstName: 'Ben', lastName: 'Two', email: 'not-an-email' },
			{ companyId: 'EX-NONE', userId: 'EX-B3', firstName: 'Cay', lastName: 'Three', email: 'cay@example.com' },
			{ companyId: 'EX-C2', userId: 'EX-B4', firstName: 'Dan', lastName: 'Four', email: 'dan@example.com', role: 'admin' },
			{ companyId: 'EX-C2', userId: 'EX-B5', firstName: 'Eve', lastName: 'Five', email: 'eve@example.com', enabled: false },
		];
		const response = await postJson('itest/bulk-users', { users }, { headers: { [header.name]: header.value } });

		expect(response.status).toBe(200);
		const summary = response.json as {
			rows: number;
			succeeded: number;
			failed: number;
			failures: Array<{ row: number; userId: string; error: string }>;
		};
		expect(summary.rows).toBe(5);
		expect(summary.succeeded).toBe(3);
		expect(summary.failed).toBe(2);
		expect(summary.failures.map((failure) => [failure.row, failure.userId])).toEqual([
			[2, 'EX-B2'],
			[3, 'EX-B3'],
		]);
		expect(summary.failures[0].error).toContain('Invalid Email "not-an-email"');
		expect(summary.failures[1].error).toContain('Unknown company: EX-NONE');

		// The invalid email never leaves n8n; the other four rows reach the emulator in order.
		const requests = await emulatorRequests(since);
		expect(requests.map((entry) => entry.query.uid)).toEqual(['EX-B1', 'EX-B3', 'EX-B4', 'EX-B5']);
		expect(requests.map((entry) => entry.query.role)).toEqual(['user', 'user', 'admin', 'user']);
		expect(requests.map((entry) => entry.query.state)).toEqual(['1', '1', '1', '0']);
	}, TIMEOUT_MS);

	test('webhook rejects a missing header', async () => {
		const response = await postJson('itest/bulk-users', { users: [] });

		expect(response.status).toBe(403);
	}, TIMEOUT_MS);
});

describe('breakout permission refresh example', () => {
	test('n8n execute sets the permissions', async () => {
		const company = await postJson('e2e/company-upsert', { items: [{ row: 1, companyId: 'C-1001', name: 'Breakout Co', enabled: true }] });
		expect(company.status).toBe(200);
		const supplier = await postJson('e2e/supplier-upsert', {
			items: [{ row: 1, companyId: 'C-1001', supplierId: 'S-12', name: 'Route S-12', type: 'std', codec: 'alaw', prefix: '', email: '' }],
		});
		expect(supplier.status).toBe(200);
		const since = await lastRequestId();

		const run = await executeWorkflow('iTestBreakouts01');

		const expectedFile = Buffer.from(
			"United Kingdom, Mobile - Vodafone\nUnited Kingdom, Fixed - London\nCôte d'Ivoire, Mobile - Orange\nGermany, Mobile - Telekom\n",
			'latin1',
		);
		const output = run.data.resultData.runData['Set breakout permissions'][0].data.main[0];
		expect(output).toHaveLength(1);
		// The output has more fields, such as line counts; the emulator's state below checks the lines.
		expect(output[0].json).toMatchObject({
			companyId: 'C-1001',
			supplierId: 'S-12',
			fileName: 'breakouts.txt',
			fileSize: expectedFile.length,
			status: 'Success',
			success: true,
		});
		const [request] = await emulatorRequests(since);
		expect(request.query).toEqual({ t: '5150', cid: 'C-1001', sid: 'S-12' });
		expect(request.file?.byteLength).toBe(expectedFile.length);
		expect(request.file?.sha256).toBe(createHash('sha256').update(expectedFile).digest('hex'));
		const state = await emulatorState();
		expect(state.permissions.find((entry) => entry.sid === 'S-12')?.entries).toEqual([
			{ country: 'United Kingdom', breakout: 'Mobile - Vodafone' },
			{ country: 'United Kingdom', breakout: 'Fixed - London' },
			{ country: "Côte d'Ivoire", breakout: 'Mobile - Orange' },
			{ country: 'Germany', breakout: 'Mobile - Telekom' },
		]);
	}, TIMEOUT_MS);
});
