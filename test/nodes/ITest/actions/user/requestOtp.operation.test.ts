import { createCompany, outputJson, runITest, thrownError, useEmulator } from '../../setup';

const emulator = useEmulator();

async function createUser(userId: string) {
	outputJson(
		await runITest(emulator(), {
			resource: 'user',
			operation: 'upsert',
			companyId: 'C-1',
			userId,
			firstName: 'Ada',
			lastName: 'Lovelace',
			email: 'ada@example.com',
			role: 'user',
			enabled: true,
		}),
	);
}

describe('user requestOtp', () => {
	beforeEach(async () => {
		await createCompany(emulator());
	});

	test('returns the OTP iTest issued', async () => {
		await createUser('04811849');

		const result = await runITest(emulator(), { resource: 'user', operation: 'requestOtp', userId: '04811849' });

		const issued = emulator().state.otps.get('04811849');
		expect(issued).toMatch(/^[a-z0-9]{32}$/);
		expect(outputJson(result)).toEqual([{ userId: '04811849', otp: issued, success: true }]);
		expect(emulator().requests[2].rawQuery).toBe('t=4024&uid=04811849');
	});

	test('id with plus sign is read back', async () => {
		await createUser('ACME+17');

		const result = await runITest(emulator(), { resource: 'user', operation: 'requestOtp', userId: 'ACME+17' });

		expect(outputJson(result)[0].otp).toBe(emulator().state.otps.get('ACME+17'));
		expect(emulator().requests[2].rawQuery).toBe('t=4024&uid=ACME%2B17');
	});

	test('unknown user reports the iTest status', async () => {
		const error = thrownError(await runITest(emulator(), { resource: 'user', operation: 'requestOtp', userId: 'U-9' }));

		expect(error.message).toBe('iTest could not get a one-time password for user "U-9": "Unknown user: U-9" [item 0]');
	});
});
