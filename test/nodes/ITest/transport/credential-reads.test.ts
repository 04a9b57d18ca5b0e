import { binaryItem } from '../../../harness';
import { createCompany, outputJson, runITest, useEmulator } from '../setup';

const emulator = useEmulator();

const users = Array.from({ length: 6 }, (_unused, index) => ({
	json: { companyId: 'C-1', userId: `U-${index}`, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
}));

describe('credential reads', () => {
	beforeEach(async () => {
		await createCompany(emulator());
	});

	test('one read serves every request of a run', async () => {
		const parameters = {
			resource: 'user',
			operation: 'upsert',
			companyId: '={{ $json.companyId }}',
			userId: '={{ $json.userId }}',
			firstName: '={{ $json.firstName }}',
			lastName: '={{ $json.lastName }}',
			email: '={{ $json.email }}',
			options: { requestsInParallel: 3 },
		};
		const result = await runITest(emulator(), parameters, { items: users });

		expect(outputJson(result).map((json) => json.success)).toEqual([true, true, true, true, true, true]);
		expect(result.credentialReads).toBe(1);
		const logins = emulator().requests.slice(1).map((request) => request.body);
		expect(logins).toEqual(Array.from({ length: 6 }, () => ({ API_95718: 'reseller', API_84572: 'emulator-secret' })));
	});

	test('a retried request reuses the read', async () => {
		emulator().setFault({ type: 'status', status: 503, count: 1 });
		const result = await runITest(emulator(), { resource: 'company', operation: 'upsert', companyId: 'C-2', name: 'Beta', enabled: true });

		expect(outputJson(result)).toEqual([{ companyId: 'C-2', status: 'Success', success: true }]);
		expect(emulator().requests.map((request) => request.fault ?? null)).toEqual([null, 'status', null]);
		expect(result.credentialReads).toBe(1);
	});

	test('an upload adds the login to its multipart body', async () => {
		const file = Buffer.from('447700900001\n');
		const result = await runITest(
			emulator(),
			{ resource: 'numberDatabase', operation: 'importNumbers', companyId: 'C-1' },
			{ items: [binaryItem(file, 'numbers.txt', 'text/plain')] },
		);

		expect(outputJson(result)[0]).toMatchObject({ linesSent: 1, success: true });
		expect(result.credentialReads).toBe(1);
		expect(emulator().requests[1].body).toEqual({ API_95718: 'reseller', API_84572: 'emulator-secret' });
	});
});
