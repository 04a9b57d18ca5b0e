import { generateOtp } from '../../../../../nodes/ITest/actions/user/setOtp.operation';
import { createCompany, outputJson, runITest, thrownError, useEmulator } from '../../setup';

const emulator = useEmulator();

describe('user setOtp', () => {
	beforeEach(async () => {
		await createCompany(emulator());
		outputJson(
			await runITest(emulator(), {
				resource: 'user',
				operation: 'upsert',
				companyId: 'C-1',
				userId: 'U-1',
				firstName: 'Ada',
				lastName: 'Lovelace',
				email: 'ada@example.com',
				role: 'user',
				enabled: true,
			}),
		);
	});

	test('generated OTP is sent in the body and returned', async () => {
		const result = await runITest(emulator(), { resource: 'user', operation: 'setOtp', userId: 'U-1', generateOtp: true, otpLength: 40 });

		const [json] = outputJson(result);
		expect(json.otp).toMatch(/^[A-Za-z0-9]{40}$/);
		expect(json).toEqual({ userId: 'U-1', otp: json.otp, otpGenerated: true, status: 'Success', success: true });
		const request = emulator().requests[2];
		expect(request.rawQuery).toBe('t=4025&uid=U-1');
		expect(request.body.otp).toBe(json.otp);
		expect(emulator().state.otps.get('U-1')).toBe(json.otp);
	});

	test('own OTP is sent as given', async () => {
		const otp = 'a'.repeat(16) + 'B'.repeat(16);
		const result = await runITest(emulator(), { resource: 'user', operation: 'setOtp', userId: 'U-1', generateOtp: false, otp });

		expect(outputJson(result)).toEqual([{ userId: 'U-1', otp, otpGenerated: false, status: 'Success', success: true }]);
		expect(emulator().requests[2].body.otp).toBe(otp);
	});

	test('OTP under 32 characters fails before sending', async () => {
		const error = thrownError(
			await runITest(emulator(), { resource: 'user', operation: 'setOtp', userId: 'U-1', generateOtp: false, otp: 'short' }),
		);

		expect(error.message).toBe('One-Time Password is too short: 5 characters, iTest needs at least 32 [item 0]');
		expect(emulator().requests).toHaveLength(2);
	});

	test('OTP length under 32 is rejected', async () => {
		const error = thrownError(
			await runITest(emulator(), { resource: 'user', operation: 'setOtp', userId: 'U-1', generateOtp: true, otpLength: 8 }),
		);

		expect(error.message).toBe(
			'Invalid One-Time Password Length "8": expected a whole number from 32 to 256 characters [item 0]',
		);
	});

	test('generateOtp draws from letters and digits', () => {
		const otps = Array.from({ length: 200 }, () => generateOtp(32));

		expect(otps.every((otp) => /^[A-Za-z0-9]{32}$/.test(otp))).toBe(true);
		expect(new Set(otps).size).toBe(200);
		expect(new Set(otps.join('')).size).toBe(62);
	});
});
