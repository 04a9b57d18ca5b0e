import { createCompany, outputJson, runITest, thrownError, useEmulator } from '../../setup';

const emulator = useEmulator();

const base = {
	resource: 'user',
	operation: 'upsert',
	companyId: 'C-1',
	userId: '04811849',
	firstName: 'Ada',
	lastName: 'Lovelace',
	email: 'ada@example.com',
	role: 'admin',
	enabled: true,
};

describe('user upsert', () => {
	beforeEach(async () => {
		await createCompany(emulator());
	});

	test('creates the user and keeps the leading zero', async () => {
		const result = await runITest(emulator(), base);

		expect(outputJson(result)).toEqual([{ companyId: 'C-1', userId: '04811849', status: 'Success', success: true }]);
		expect(emulator().state.users.get('04811849')).toEqual({
			uid: '04811849',
			cid: 'C-1',
			firstname: 'Ada',
			lastname: 'Lovelace',
			email: 'ada@example.com',
			role: 'admin',
			enabled: true,
			password: null,
		});
	});

	test('password goes in the body, never the URL', async () => {
		const userPassword = 'Ünïcode & = pass';
		const result = await runITest(emulator(), { ...base, password: userPassword });

		const request = emulator().requests[1];
		expect(request.rawQuery).toBe(
			't=4020&cid=C-1&uid=04811849&firstname=Ada&lastname=Lovelace&email=ada%40example.com&role=admin&state=1',
		);
		expect(request.body.pass).toBe(userPassword);
		expect(request.bodyBytes.pass).toEqual(Buffer.from(userPassword, 'latin1'));
		expect(emulator().state.users.get('04811849')?.password).toBe(userPassword);
		expect(JSON.stringify(result.output)).not.toContain(userPassword);
	});

	test('password of spaces is not sent', async () => {
		await runITest(emulator(), { ...base, password: '   ' });

		expect(emulator().requests[1].body.pass).toBeUndefined();
		expect(emulator().state.users.get('04811849')?.password).toBeNull();
	});

	test.each(['ACME+17', 'a.b@c', 'R&D 7'])('id %s that is no XML name works end to end', async (userId) => {
		const result = await runITest(emulator(), { ...base, userId });

		expect(outputJson(result)).toEqual([{ companyId: 'C-1', userId, status: 'Success', success: true }]);
		expect(emulator().state.users.get(userId)?.uid).toBe(userId);
	});

	test('unknown company reports the iTest status', async () => {
		const error = thrownError(await runITest(emulator(), { ...base, companyId: 'C-404' }));

		expect(error.message).toBe('iTest could not create or update user "04811849": "Unknown company: C-404" [item 0]');
		expect(error.description).toBe(
			'iTest answered with this status instead of Success. Check the values of this item against the message; if the status mentions the login, check the iTest credential.',
		);
	});

	test.each([
		[{ email: 'not-an-email' }, 'Invalid Email "not-an-email": it is not an email address [item 0]'],
		[{ role: 'boss' }, 'Invalid Role "boss": expected admin or user [item 0]'],
		[{ firstName: '' }, 'First Name is empty [item 0]'],
		[{ userId: '' }, 'User ID is empty [item 0]'],
		[{ userId: 'a<b' }, 'Invalid User ID "a<b": it contains a line break, a control character or < > [item 0]'],
		[{ enabled: 'maybe' }, 'Invalid Enabled "maybe": expected true or false [item 0]'],
	])('bad parameters %j fail before sending', async (change, message) => {
		const error = thrownError(await runITest(emulator(), { ...base, ...change }));

		expect(error.message).toBe(message);
		expect(emulator().requests).toHaveLength(1);
	});
});
