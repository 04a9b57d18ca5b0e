import { binaryItem } from '../../../../harness';
import { createCompany, outputJson, runITest, thrownError, useEmulator } from '../../setup';

const emulator = useEmulator();

const base = { resource: 'numberDatabase', operation: 'importNumbers', companyId: 'C-1', binaryPropertyName: 'data' };

describe('numberDatabase importNumbers', () => {
	beforeEach(async () => {
		await createCompany(emulator());
	});

	test.each(['filesystem', 'default'] as const)('uploads the file in %s binary mode', async (binaryDataMode) => {
		const file = Buffer.from('447700900001\r\n447700900002\r\n\r\n447700900003');
		const result = await runITest(emulator(), base, {
			items: [binaryItem(file, 'numbers.txt', 'text/plain')],
			binaryDataMode,
		});

		expect(outputJson(result)).toEqual([
			{ companyId: 'C-1', fileName: 'numbers.txt', fileSize: file.length, lineCount: 3, status: 'Success', success: true },
		]);
		const request = emulator().requests[1];
		expect(request.rawQuery).toBe('t=5110&cid=C-1');
		expect(request.contentType).toMatch(/^multipart\/form-data; boundary=/);
		expect(request.file?.fileName).toBe('numbers.txt');
		expect(request.file?.bytes).toEqual(file);
		expect(request.body).toEqual({ API_95718: 'reseller', API_84572: 'emulator-secret' });
		expect([...emulator().state.getNumbers('C-1')]).toEqual(['447700900001', '447700900002', '447700900003']);
	});

	test('other binary field name is used', async () => {
		const item = binaryItem(Buffer.from('447700900001\n'), 'n.csv', 'text/csv', 'sheet');
		const result = await runITest(emulator(), { ...base, binaryPropertyName: 'sheet' }, { items: [item] });

		expect(outputJson(result)[0].fileName).toBe('n.csv');
		expect(emulator().requests[1].file?.contentType).toBe('text/csv');
	});

	test('missing binary field lists the fields the item has', async () => {
		const item = binaryItem(Buffer.from('1\n'), 'n.txt', 'text/plain', 'attachment');
		const error = thrownError(await runITest(emulator(), { ...base, binaryPropertyName: 'data' }, { items: [item] }));

		expect(error.message).toBe('The input item has no binary field "data", so there is no numbers file to upload [item 0]');
		expect(error.description).toBe(
			'It has: "attachment". Set Input Binary Field to the field holding the file, or add a node before this one that reads the file (e.g. Read/Write Files from Disk, HTTP Request, or Convert to File).',
		);
		expect(emulator().requests).toHaveLength(1);
	});

	test('item without any binary says so', async () => {
		const error = thrownError(await runITest(emulator(), base, { items: [{ json: { a: 1 } }] }));

		expect(error.description?.startsWith('It has no binary fields at all.')).toBe(true);
	});

	test('file of blank lines is rejected', async () => {
		const error = thrownError(
			await runITest(emulator(), base, { items: [binaryItem(Buffer.from(' \r\n\n\t\n'), 'n.txt', 'text/plain')] }),
		);

		expect(error.message).toBe('The numbers file in binary field "data" is empty [item 0]');
		expect(emulator().requests).toHaveLength(1);
	});
});
