import { createCompany, runITest, thrownError, useEmulator } from '../setup';

const emulator = useEmulator();

const userParameters = {
	resource: 'user',
	operation: 'upsert',
	companyId: '={{ $json.companyId }}',
	userId: '={{ $json.userId }}',
	firstName: 'Ada',
	lastName: 'Lovelace',
	email: '={{ $json.email }}',
	role: 'user',
	enabled: true,
};

const items = [
	{ json: { companyId: 'C-1', userId: 'U-1', email: 'u1@example.com' } },
	{ json: { companyId: 'C-1', userId: 'U-2', email: 'broken' } },
	{ json: { companyId: 'C-404', userId: 'U-3', email: 'u3@example.com' } },
	{ json: { companyId: 'C-1', userId: 'U-4', email: 'u4@example.com' } },
];

describe('router', () => {
	beforeEach(async () => {
		await createCompany(emulator());
	});

	test('continue on fail keeps every item paired', async () => {
		const result = await runITest(emulator(), userParameters, { items, continueOnFail: true });

		expect(result.error).toBeUndefined();
		const output = result.output?.[0] ?? [];
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(output.map((item) => item.json)).toEqual([
			{ companyId: 'C-1', userId: 'U-1', status: 'Success', success: true },
			{
				success: false,
				error: 'Invalid Email "broken": it is not an email address [item 1]',
				errorDescription: 'Use the form name@example.com.',
				itemIndex: 1,
			},
			{
				success: false,
				error: 'iTest could not create or update user "U-3": "Unknown company: C-404" [item 2]',
				errorDescription:
					'iTest answered with this status instead of Success. Check the values of this item against the message; if the status mentions the login, check the iTest credential.',
				itemIndex: 2,
			},
			{ companyId: 'C-1', userId: 'U-4', status: 'Success', success: true },
		]);
		expect([...emulator().state.users.keys()]).toEqual(['U-1', 'U-4']);
	});

	test('without continue on fail the first failure stops the run', async () => {
		const error = thrownError(await runITest(emulator(), userParameters, { items }));

		expect(error.message).toBe('Invalid Email "broken": it is not an email address [item 1]');
		expect((error as unknown as { context: { itemIndex: number } }).context.itemIndex).toBe(1);
		expect([...emulator().state.users.keys()]).toEqual(['U-1']);
	});

	test('HTTP code is kept on failed items', async () => {
		emulator().setFault({ type: 'status', status: 503, count: 1 });
		const result = await runITest(emulator(), userParameters, { items: [items[0]], continueOnFail: true });

		expect(result.output?.[0][0].json).toMatchObject({ success: false, httpCode: '503', itemIndex: 0 });
	});

	test('invalid base URL fails before any request', async () => {
		const error = thrownError(
			await runITest(emulator(), userParameters, { items, credentials: { baseUrl: 'http://api.i-test.net/' } }),
		);

		expect(error.message).toBe(
			'Invalid Base URL in the iTest credential: "http://api.i-test.net/" uses http://, which would send the API password unencrypted. Use https://; plain http:// is accepted only for 127.0.0.1 or localhost.',
		);
		expect(emulator().requests).toHaveLength(1);
	});
});
