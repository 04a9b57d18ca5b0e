import { createCompany, outputJson, runITest, thrownError, useEmulator } from '../../setup';

const emulator = useEmulator();

const base = {
	resource: 'profile',
	operation: 'upsert',
	companyId: 'C-1',
	profileId: '1947219',
	name: 'London SIP',
	type: 'std',
	gatewayIp: '192.0.2.10',
	gatewayPort: 5060,
	sourceNumber: '',
	maxCallDuration: 60,
	maxRingDuration: 30,
};

describe('profile upsert', () => {
	beforeEach(async () => {
		await createCompany(emulator());
	});

	test('creates the profile with a random source number', async () => {
		const result = await runITest(emulator(), base);

		expect(outputJson(result)).toEqual([{ companyId: 'C-1', profileId: '1947219', status: 'Success', success: true }]);
		expect(emulator().requests[1].rawQuery).toBe(
			't=5010&cid=C-1&pid=1947219&name=London%20SIP&type=std&ip=192.0.2.10&port=5060&srcn=xxx&call=60&ring=30',
		);
		expect(emulator().state.getProfile('C-1', '1947219')).toEqual({
			cid: 'C-1',
			pid: '1947219',
			name: 'London SIP',
			type: 'std',
			ip: '192.0.2.10',
			port: 5060,
			srcn: 'xxx',
			call: 60,
			ring: 30,
		});
	});

	test('specific source number is cleaned of formatting', async () => {
		await runITest(emulator(), { ...base, type: 'sms', sourceNumber: '+44 (7700) 900-123', gatewayIp: '2001:db8::10' });

		expect(emulator().requests[1].query).toMatchObject({ type: 'sms', srcn: '+447700900123', ip: '2001:db8::10' });
	});

	test.each([
		[{ gatewayIp: 'sip.example.com' }, 'Invalid Gateway IP Address "sip.example.com": it is not an IP address [item 0]'],
		[{ gatewayIp: '300.1.1.1' }, 'Invalid Gateway IP Address "300.1.1.1": it is not an IP address [item 0]'],
		[{ gatewayIp: '2001:db8:::1' }, 'Invalid Gateway IP Address "2001:db8:::1": it is not an IP address [item 0]'],
		[{ gatewayPort: 0 }, 'Invalid Gateway Port "0": expected a whole number from 1 to 65535 [item 0]'],
		[{ gatewayPort: 70000 }, 'Invalid Gateway Port "70000": expected a whole number from 1 to 65535 [item 0]'],
		[{ maxCallDuration: -5 }, 'Invalid Max Call Duration (Seconds) "-5": expected a whole number from 1 to 86400 seconds [item 0]'],
		[{ maxRingDuration: 1.5 }, 'Invalid Max Ring Duration (Seconds) "1.5": expected a whole number from 1 to 86400 seconds [item 0]'],
		[{ sourceNumber: 'abc' }, 'Invalid Source Number "abc": it is not a phone number [item 0]'],
		[{ name: ' ' }, 'Profile Name is empty [item 0]'],
	])('bad parameters %j fail before sending', async (change, message) => {
		const error = thrownError(await runITest(emulator(), { ...base, ...change }));

		expect(error.message).toBe(message);
		expect(emulator().requests).toHaveLength(1);
	});

	test('host name error says to use an IP address', async () => {
		const error = thrownError(await runITest(emulator(), { ...base, gatewayIp: 'sip.example.com' }));

		expect(error.description).toBe(
			"It looks like a host name; iTest needs the gateway's IP address, such as 192.0.2.10 or 2001:db8::10. Look the address up with your DNS provider or network team.",
		);
	});

	test.each(['::1', '::', 'fe80::1%eth0', '::ffff:192.0.2.1', '[2001:db8::1]', '1:2:3:4:5:6:7:8'])(
		'IPv6 address %s is accepted',
		async (gatewayIp) => {
			const result = await runITest(emulator(), { ...base, gatewayIp });

			expect(outputJson(result)[0].success).toBe(true);
		},
	);
});
