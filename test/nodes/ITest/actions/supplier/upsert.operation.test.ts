import { createCompany, outputJson, runITest, thrownError, useEmulator } from '../../setup';

const emulator = useEmulator();

const base = {
	resource: 'supplier',
	operation: 'upsert',
	companyId: 'C-1',
	supplierId: 'S-12',
	name: 'Carrier Route A',
	type: 'std',
	codec: 'alaw',
	prefix: '',
	email: '',
};

describe('supplier upsert', () => {
	beforeEach(async () => {
		await createCompany(emulator());
	});

	test('creates the supplier without optional fields', async () => {
		const result = await runITest(emulator(), base);

		expect(outputJson(result)).toEqual([{ companyId: 'C-1', supplierId: 'S-12', status: 'Success', success: true }]);
		expect(emulator().requests[1].rawQuery).toBe('t=5020&cid=C-1&sid=S-12&name=Carrier%20Route%20A&type=std&codec=alaw');
		expect(emulator().state.getSupplier('C-1', 'S-12')).toEqual({
			cid: 'C-1',
			sid: 'S-12',
			name: 'Carrier Route A',
			type: 'std',
			codec: 'alaw',
			prefix: null,
			email: null,
		});
	});

	test('optional prefix and email are sent', async () => {
		await runITest(emulator(), { ...base, codec: '729', prefix: '9901#', email: 'noc@carrier.example' });

		expect(emulator().requests[1].rawQuery).toBe(
			't=5020&cid=C-1&sid=S-12&name=Carrier%20Route%20A&type=std&codec=729&prefix=9901%23&email=noc%40carrier.example',
		);
		expect(emulator().state.getSupplier('C-1', 'S-12')).toMatchObject({ codec: '729', prefix: '9901#', email: 'noc@carrier.example' });
	});

	test('type and codec accept the labels shown', async () => {
		await runITest(emulator(), { ...base, type: 'SMS', codec: 'G.711 Μ-LAW' });

		expect(emulator().requests[1].rawQuery).toBe('t=5020&cid=C-1&sid=S-12&name=Carrier%20Route%20A&type=sms&codec=ulaw');
	});

	test('bad codec lists the choices', async () => {
		const error = thrownError(await runITest(emulator(), { ...base, codec: 'opus' }));

		expect(error.description).toBe('Choose G.711 A-Law (alaw), G.711 µ-Law (ulaw) or G.729 (729).');
	});

	test.each([
		[{ codec: 'opus' }, 'Invalid Codec "opus": expected alaw, ulaw or 729 [item 0]'],
		[{ type: 'fax' }, 'Invalid Type "fax": expected std or sms [item 0]'],
		[{ email: 'noc@' }, 'Invalid Email "noc@": it is not an email address [item 0]'],
		[{ supplierId: '' }, 'Supplier ID is empty [item 0]'],
	])('bad parameters %j fail before sending', async (change, message) => {
		const error = thrownError(await runITest(emulator(), { ...base, ...change }));

		expect(error.message).toBe(message);
		expect(emulator().requests).toHaveLength(1);
	});
});
