import { binaryItem } from '../../../../harness';
import { createCompany, outputJson, runITest, useEmulator } from '../../setup';

const emulator = useEmulator();

const base = {
	resource: 'numberDatabase',
	operation: 'setBreakoutPermissions',
	companyId: 'C-1',
	supplierId: 'S-12',
	binaryPropertyName: 'data',
};

describe('numberDatabase setBreakoutPermissions', () => {
	beforeEach(async () => {
		await createCompany(emulator());
		outputJson(
			await runITest(emulator(), {
				resource: 'supplier',
				operation: 'upsert',
				companyId: 'C-1',
				supplierId: 'S-12',
				name: 'Route A',
				type: 'std',
				codec: 'alaw',
			}),
		);
	});

	test('uploads the breakout list as a file', async () => {
		const file = Buffer.from("United Kingdom, Mobile\nCôte d'Ivoire, Fixed\n", 'latin1');
		const result = await runITest(emulator(), base, { items: [binaryItem(file, 'breakouts.csv', 'text/csv')] });

		expect(outputJson(result)).toEqual([
			{
				companyId: 'C-1',
				supplierId: 'S-12',
				fileName: 'breakouts.csv',
				fileSize: file.length,
				lineCount: 2,
				status: 'Success',
				success: true,
			},
		]);
		const request = emulator().requests[2];
		expect(request.rawQuery).toBe('t=5150&cid=C-1&sid=S-12');
		expect(request.file?.bytes).toEqual(file);
		expect(emulator().state.getPermissions('C-1', 'S-12')).toEqual([
			{ country: 'United Kingdom', breakout: 'Mobile' },
			{ country: "Côte d'Ivoire", breakout: 'Fixed' },
		]);
	});

	test('unknown supplier reports the iTest status', async () => {
		const result = await runITest(emulator(), { ...base, supplierId: 'S-404' }, {
			items: [binaryItem(Buffer.from('France, Mobile\n'), 'b.csv', 'text/csv')],
		});

		expect((result.error as Error).message).toBe(
			'iTest could not set the breakout permissions of supplier "S-404": "Unknown supplier: S-404 (company C-1)" [item 0]',
		);
	});
});
