import type { INodeExecutionData } from 'n8n-workflow';

import type { Emulator } from '../../../../../emulator';
import { binaryItem, readBinary } from '../../../../harness';
import { createCompany, outputJson, runITest, thrownError, useEmulator } from '../../setup';

const replaceEmulator = useEmulator({ permissionMode: 'replace' });
const addEmulator = useEmulator({ permissionMode: 'add' });
const utf8Emulator = useEmulator({ textEncoding: 'utf8' });

const base = {
	resource: 'numberDatabase',
	operation: 'setBreakoutPermissions',
	companyId: 'C-1',
	supplierId: 'S-12',
	binaryPropertyName: 'data',
};
const fromItems = {
	...base,
	source: 'items',
	companyId: '={{ $json.cid }}',
	supplierId: '={{ $json.sid }}',
	countryField: 'Country',
	breakoutField: 'route.breakout',
};

async function createSupplier(emulator: Emulator, supplierId: string, credentials: Record<string, unknown> = {}): Promise<void> {
	outputJson(
		await runITest(
			emulator,
			{ resource: 'supplier', operation: 'upsert', companyId: 'C-1', supplierId, name: 'Route A', type: 'std', codec: 'alaw' },
			{ credentials },
		),
	);
}

function outputItems(result: { output: INodeExecutionData[][] | null | undefined; error: unknown }): INodeExecutionData[] {
	if (result.error) throw result.error;
	return result.output?.[0] ?? [];
}

function fileOf(content: string, fileName = 'breakouts.csv'): INodeExecutionData {
	return binaryItem(Buffer.from(content, 'latin1'), fileName, 'text/csv');
}

describe('numberDatabase setBreakoutPermissions', () => {
	const emulator = replaceEmulator;

	beforeEach(async () => {
		await createCompany(emulator());
		await createSupplier(emulator(), 'S-12');
		await createSupplier(emulator(), 'S-13');
	});

	test('uploads a Latin-1 breakout file', async () => {
		const file = Buffer.from("Country,Breakout\r\nUnited Kingdom, Mobile\r\nCôte d'Ivoire,Fixed\r\n", 'latin1');
		const result = await runITest(emulator(), base, { items: [binaryItem(file, 'breakouts.csv', 'text/csv')] });

		const [item] = outputItems(result);
		expect(item.json).toEqual({
			companyId: 'C-1',
			supplierId: 'S-12',
			source: 'binary',
			fileName: 'breakouts.csv',
			fileSize: 44,
			inputFiles: [{ itemIndex: 0, fileName: 'breakouts.csv', encoding: 'ISO-8859-1', headerSkipped: true }],
			dryRun: false,
			sent: true,
			status: 'Success',
			success: true,
			linesRead: 2,
			linesSent: 2,
			normalized: 1,
			duplicates: 0,
			rejected: 0,
			rejectedLines: [],
		});
		const request = emulator().requests[3];
		expect(request.rawQuery).toBe('t=5150&cid=C-1&sid=S-12');
		expect(request.file?.bytes).toEqual(Buffer.from("United Kingdom, Mobile\nCôte d'Ivoire, Fixed\n", 'latin1'));
		expect(await readBinary(item.binary?.data ?? { data: '', mimeType: '' })).toEqual(request.file?.bytes);
		expect(emulator().state.getPermissions('C-1', 'S-12')).toEqual([
			{ country: 'United Kingdom', breakout: 'Mobile' },
			{ country: "Côte d'Ivoire", breakout: 'Fixed' },
		]);
	});

	test('items become one upload per supplier', async () => {
		const items = [
			{ json: { cid: 'C-1', sid: 'S-12', Country: 'Curaçao', route: { breakout: 'Mobile' } } },
			{ json: { cid: 'C-1', sid: 'S-13', Country: 'Réunion', route: { breakout: 'Fixed' } } },
			{ json: { cid: 'C-1', sid: 'S-12', Country: ' France ', route: { breakout: 'Mobile' } } },
			{ json: { cid: 'C-1', sid: 'S-12', Country: 'Curaçao', route: { breakout: 'Mobile' } } },
		];
		const result = await runITest(emulator(), fromItems, { items });

		const output = outputItems(result);
		expect(output.map((item) => item.pairedItem)).toEqual([[{ item: 0 }, { item: 2 }, { item: 3 }], { item: 1 }]);
		expect(output.map((item) => item.json)).toEqual([
			{
				companyId: 'C-1',
				supplierId: 'S-12',
				source: 'items',
				fileName: 'breakouts-C-1-S-12.txt',
				fileSize: 31,
				dryRun: false,
				sent: true,
				status: 'Success',
				success: true,
				linesRead: 3,
				linesSent: 2,
				normalized: 1,
				duplicates: 1,
				rejected: 0,
				rejectedLines: [],
			},
			{
				companyId: 'C-1',
				supplierId: 'S-13',
				source: 'items',
				fileName: 'breakouts-C-1-S-13.txt',
				fileSize: 15,
				dryRun: false,
				sent: true,
				status: 'Success',
				success: true,
				linesRead: 1,
				linesSent: 1,
				normalized: 0,
				duplicates: 0,
				rejected: 0,
				rejectedLines: [],
			},
		]);
		expect(emulator().state.getPermissions('C-1', 'S-12')).toEqual([
			{ country: 'Curaçao', breakout: 'Mobile' },
			{ country: 'France', breakout: 'Mobile' },
		]);
		expect(emulator().state.getPermissions('C-1', 'S-13')).toEqual([{ country: 'Réunion', breakout: 'Fixed' }]);
	});

	test('files for one supplier are merged into one upload', async () => {
		const items = [fileOf('France, Mobile\nSpain, Fixed\n', 'a.csv'), fileOf('Spain, Fixed\nItaly, Mobile\n', 'b.csv')];
		const result = await runITest(emulator(), base, { items });

		const output = outputItems(result);
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		expect(output[0].json).toMatchObject({
			fileName: 'a.csv',
			inputFiles: [
				{ itemIndex: 0, fileName: 'a.csv', encoding: 'UTF-8', headerSkipped: false },
				{ itemIndex: 1, fileName: 'b.csv', encoding: 'UTF-8', headerSkipped: false },
			],
			linesRead: 4,
			linesSent: 3,
			duplicates: 1,
		});
		expect(emulator().requests.slice(3).map((request) => request.file?.bytes.toString('latin1'))).toEqual([
			'France, Mobile\nSpain, Fixed\nItaly, Mobile\n',
		]);
		expect(emulator().state.getPermissions('C-1', 'S-12')).toHaveLength(3);
	});

	test('any invalid line fails the whole upload', async () => {
		const file = 'France, Mobile\n"Korea, Republic of", Mobile\nSpain\n';
		const error = thrownError(await runITest(emulator(), base, { items: [fileOf(file)] }));

		expect(error.message).toBe('2 of 3 breakouts are invalid, so nothing is sent for supplier "S-12" of company "C-1" [item 0]');
		expect(error.description).toBe(
			'Line 2 of item 0 (""Korea, Republic of", Mobile"): the country "Korea, Republic of" contains a comma, which iTest\'s COUNTRY, BREAKOUT format cannot carry unambiguously, so the line is not sent. Line 3 of item 0 ("Spain"): has no comma between country and breakout; expected COUNTRY, BREAKOUT. A permission upload is sent whole or not at all: iTest may replace the supplier\'s permissions with the file, so sending only the valid lines could remove the rejected breakouts. Correct the lines and run again; turn on the Dry Run option to get the full list as a file.',
		);
		expect(emulator().requests).toHaveLength(3);
	});

	test('name outside Latin-1 fails the upload', async () => {
		const items = [{ json: { cid: 'C-1', sid: 'S-12', Country: 'Poland', route: { breakout: 'Łódź Mobile' } } }];
		const error = thrownError(await runITest(emulator(), fromItems, { items }));

		expect(error.message).toBe('1 of 1 breakouts is invalid, so nothing is sent for supplier "S-12" of company "C-1" [item 0]');
		expect(error.description?.startsWith(
			'Item 0 ("Poland, Łódź Mobile"): the breakout contains "Ł" (U+0141), which cannot be written in ISO-8859-1, the Text Encoding of the iTest credential.',
		)).toBe(true);
		expect(emulator().requests).toHaveLength(3);
	});

	test('dry run reports without sending', async () => {
		const result = await runITest(emulator(), { ...base, options: { dryRun: true } }, {
			items: [fileOf('France, Mobile\nKorea, Republic of, Mobile\n')],
		});

		const [item] = outputItems(result);
		expect(item.json).toMatchObject({
			dryRun: true,
			sent: false,
			readyToSend: false,
			linesRead: 2,
			linesSent: 1,
			rejected: 1,
			rejectedLines: [
				{
					itemIndex: 0,
					line: 2,
					text: 'Korea, Republic of, Mobile',
					reason: 'has 3 comma-separated fields, but COUNTRY, BREAKOUT has 2. A name that contains a comma cannot be sent in this format',
				},
			],
		});
		expect(String(item.json.problem).startsWith('1 of 2 breakouts is invalid, so nothing is sent for supplier "S-12" of company "C-1". ')).toBe(true);
		expect((await readBinary(item.binary?.data ?? { data: '', mimeType: '' })).toString('latin1')).toBe('France, Mobile\n');
		expect((await readBinary(item.binary?.report ?? { data: '', mimeType: '' })).toString('utf8')).toBe(
			'itemIndex,line,text,reason\r\n0,2,"Korea, Republic of, Mobile","has 3 comma-separated fields, but COUNTRY, BREAKOUT has 2. A name that contains a comma cannot be sent in this format"\r\n',
		);
		expect(emulator().requests).toHaveLength(3);
	});

	test('unknown supplier reports the iTest status', async () => {
		const result = await runITest(emulator(), { ...base, supplierId: 'S-404' }, { items: [fileOf('France, Mobile\n')] });

		expect(thrownError(result).message).toBe(
			'iTest could not set the breakout permissions of supplier "S-404": "Unknown supplier: S-404 (company C-1)" [item 0]',
		);
	});
});

describe.each([
	['replace', replaceEmulator, [{ country: 'Spain', breakout: 'Fixed' }]],
	[
		'add',
		addEmulator,
		[
			{ country: 'France', breakout: 'Mobile' },
			{ country: 'Spain', breakout: 'Fixed' },
		],
	],
])('permissions in %s mode', (_mode, emulator, expected) => {
	beforeEach(async () => {
		await createCompany(emulator());
		await createSupplier(emulator(), 'S-12');
	});

	test('second upload result', async () => {
		outputJson(await runITest(emulator(), base, { items: [fileOf('France, Mobile\n')] }));
		outputJson(await runITest(emulator(), base, { items: [fileOf('Spain, Fixed\n')] }));

		expect(emulator().state.getPermissions('C-1', 'S-12')).toEqual(expected);
	});
});

describe('permissions with a UTF-8 credential', () => {
	const credentials = { textEncoding: 'utf8' };

	beforeEach(async () => {
		outputJson(
			await runITest(utf8Emulator(), { resource: 'company', operation: 'upsert', companyId: 'C-1', name: 'Acme', enabled: true }, { credentials }),
		);
		await createSupplier(utf8Emulator(), 'S-12', credentials);
	});

	test('names are sent in UTF-8', async () => {
		const file = Buffer.from('Poland, Łódź Mobile\nCuraçao, Fixed\n', 'utf8');
		const result = await runITest(utf8Emulator(), base, { items: [binaryItem(file, 'b.csv', 'text/csv')], credentials });

		expect(outputJson(result)[0]).toMatchObject({ linesSent: 2, inputFiles: [{ itemIndex: 0, fileName: 'b.csv', encoding: 'UTF-8', headerSkipped: false }] });
		expect(utf8Emulator().requests[2].file?.bytes).toEqual(file);
		expect(utf8Emulator().state.getPermissions('C-1', 'S-12')).toEqual([
			{ country: 'Poland', breakout: 'Łódź Mobile' },
			{ country: 'Curaçao', breakout: 'Fixed' },
		]);
	});
});
