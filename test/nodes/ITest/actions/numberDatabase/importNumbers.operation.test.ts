import type { INodeExecutionData } from 'n8n-workflow';

import { binaryItem, readBinary } from '../../../../harness';
import { createCompany, outputJson, runITest, thrownError, useEmulator } from '../../setup';
import { numberFile } from '../../numberFile';

const emulator = useEmulator();

const base = { resource: 'numberDatabase', operation: 'importNumbers', companyId: 'C-1', binaryPropertyName: 'data' };
const fromItems = { ...base, source: 'items', companyId: '={{ $json.cid }}', numberField: 'msisdn' };

function outputItems(result: { output: INodeExecutionData[][] | null | undefined; error: unknown }): INodeExecutionData[] {
	if (result.error) throw result.error;
	return result.output?.[0] ?? [];
}

async function binaryText(item: INodeExecutionData, property: string): Promise<string> {
	const binary = item.binary?.[property];
	if (!binary) throw new Error(`The output item has no binary "${property}"`);
	return (await readBinary(binary)).toString('utf8');
}

describe('numberDatabase importNumbers', () => {
	beforeEach(async () => {
		await createCompany(emulator());
	});

	test.each(['filesystem', 'default'] as const)('uploads a binary file in %s mode', async (binaryDataMode) => {
		const file = Buffer.from('447700900001\r\n447700900002\r\n\r\n447700900003');
		const result = await runITest(emulator(), base, {
			items: [binaryItem(file, 'numbers.txt', 'text/plain')],
			binaryDataMode,
		});

		const [item] = outputItems(result);
		expect(item.json).toEqual({
			companyId: 'C-1',
			source: 'binary',
			fileName: 'numbers.txt',
			fileSize: 38,
			inputFiles: [{ itemIndex: 0, fileName: 'numbers.txt', encoding: 'UTF-8', headerSkipped: false }],
			dryRun: false,
			sent: true,
			status: 'Success',
			success: true,
			linesRead: 3,
			linesSent: 3,
			normalized: 0,
			duplicates: 0,
			rejected: 0,
			rejectedLines: [],
		});
		const request = emulator().requests[1];
		expect(request.rawQuery).toBe('t=5110&cid=C-1');
		expect(request.contentType).toMatch(/^multipart\/form-data; boundary=/);
		expect(request.file?.fileName).toBe('numbers.txt');
		expect(request.file?.contentType).toBe('text/plain');
		expect(request.file?.bytes.toString('latin1')).toBe('447700900001\n447700900002\n447700900003');
		expect(request.body).toEqual({ API_95718: 'reseller', API_84572: 'emulator-secret' });
		expect(await binaryText(item, 'data')).toBe('447700900001\n447700900002\n447700900003');
		expect(item.binary?.report).toBeUndefined();
		expect([...emulator().state.getNumbers('C-1')]).toEqual(['447700900001', '447700900002', '447700900003']);
	});

	test('upload lost in a reset is not sent twice', async () => {
		emulator().setFault({ type: 'reset', t: 5110, count: 1, afterOperation: true });
		const result = await runITest(emulator(), base, {
			items: [binaryItem(Buffer.from('447700900001\n'), 'numbers.txt', 'text/plain')],
		});

		const error = thrownError(result);
		expect(error.message).toBe(
			`Could not reach iTest at 127.0.0.1:${emulator().port} to import numbers for company "C-1": the connection was closed before iTest answered [item 0]`,
		);
		expect(error.description?.endsWith('It was not sent again, because iTest may have received it and this request must not be applied twice.')).toBe(true);
		expect(emulator().requests.filter((request) => request.t === '5110')).toHaveLength(1);
		expect([...emulator().state.getNumbers('C-1')]).toEqual(['447700900001']);
	});

	test('upload refused before arrival is retried', async () => {
		const result = await runITest(emulator(), { ...base, options: { maxRetries: 1 } }, {
			items: [binaryItem(Buffer.from('447700900001\n'), 'numbers.txt', 'text/plain')],
			credentials: { baseUrl: 'http://127.0.0.1:9/' },
		});

		const error = thrownError(result);
		expect(error.message).toBe(
			'Could not reach iTest at 127.0.0.1:9 to import numbers for company "C-1": the connection was refused (2 attempts) [item 0]',
		);
	});

	test('send valid lines reports the rest', async () => {
		const file = Buffer.from('msisdn\n+44 7700 900001\nabc\n447700900001\n0044 7700 900002\n');
		const result = await runITest(emulator(), { ...base, onInvalidLines: 'sendValid' }, {
			items: [binaryItem(file, 'crm-export.csv', 'text/csv')],
		});

		const [item] = outputItems(result);
		expect(item.json).toMatchObject({
			fileName: 'crm-export.csv',
			fileSize: 26,
			inputFiles: [{ itemIndex: 0, fileName: 'crm-export.csv', encoding: 'UTF-8', headerSkipped: true }],
			sent: true,
			linesRead: 4,
			linesSent: 2,
			normalized: 2,
			duplicates: 1,
			rejected: 1,
			rejectedLines: [{ itemIndex: 0, line: 3, text: 'abc', reason: 'contains letters' }],
		});
		expect(emulator().requests[1].file?.bytes.toString('latin1')).toBe('447700900001\n447700900002\n');
		expect(item.binary?.report?.fileName).toBe('crm-export-rejected.csv');
		expect(item.binary?.report?.mimeType).toBe('text/csv');
		expect(await binaryText(item, 'report')).toBe('itemIndex,line,text,reason\r\n0,3,abc,contains letters\r\n');
		expect([...emulator().state.getNumbers('C-1')]).toEqual(['447700900001', '447700900002']);
	});

	test('invalid lines fail the upload by default', async () => {
		const file = Buffer.from('447700900001\nabc\n07700 900123\n');
		const error = thrownError(await runITest(emulator(), base, { items: [binaryItem(file, 'n.txt', 'text/plain')] }));

		expect(error.message).toBe('2 of 3 numbers are invalid, so nothing is sent for company "C-1" [item 0]');
		expect(error.description).toBe(
			'Line 2 of item 0 ("abc"): contains letters. Line 3 of item 0 ("07700 900123"): starts with 0, so it is a national number; write it in international format with the country code, such as 447700900123. Correct these lines, or set On Invalid Lines to "Send Valid Lines" to send the others and list these in the output. Turn on the Dry Run option to get the full list as a file.',
		);
		expect(emulator().requests).toHaveLength(1);
	});

	test('file without a valid number is not sent', async () => {
		const error = thrownError(
			await runITest(emulator(), { ...base, onInvalidLines: 'sendValid' }, {
				items: [binaryItem(Buffer.from('abc\n12\n'), 'n.txt', 'text/plain')],
			}),
		);

		expect(error.message).toBe('Found no valid numbers to send (2 read, 2 invalid), so nothing is sent for company "C-1" [item 0]');
		expect(error.description).toBe(
			'Line 1 of item 0 ("abc"): contains letters. Line 2 of item 0 ("12"): has 2 digits, fewer than the 7 of the shortest international numbers.',
		);
		expect(emulator().requests).toHaveLength(1);
	});

	test('normalization off sends lines as written', async () => {
		const file = Buffer.from('+447700900001\n447700900002\n');
		const result = await runITest(emulator(), { ...base, normalizeNumbers: false }, {
			items: [binaryItem(file, 'n.txt', 'text/plain')],
		});

		expect(outputJson(result)[0]).toMatchObject({ linesSent: 2, normalized: 0 });
		expect(emulator().requests[1].file?.bytes).toEqual(file);
	});

	test('items become one upload per company', async () => {
		await createCompany(emulator(), 'C-2');
		const items = [
			{ json: { cid: 'C-1', msisdn: '+44 7700 900001' } },
			{ json: { cid: 'C-2', msisdn: 447700900002 } },
			{ json: { cid: 'C-1', msisdn: '447700900003' } },
			{ json: { cid: 'C-1', msisdn: '447700900001' } },
		];
		const result = await runITest(emulator(), fromItems, { items });

		const output = outputItems(result);
		expect(output.map((item) => item.pairedItem)).toEqual([[{ item: 0 }, { item: 2 }, { item: 3 }], { item: 1 }]);
		expect(output.map((item) => item.json)).toEqual([
			{
				companyId: 'C-1',
				source: 'items',
				fileName: 'numbers-C-1.txt',
				fileSize: 26,
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
				companyId: 'C-2',
				source: 'items',
				fileName: 'numbers-C-2.txt',
				fileSize: 13,
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
		expect(emulator().requests.slice(2).map((request) => [request.rawQuery, request.file?.bytes.toString('latin1')])).toEqual([
			['t=5110&cid=C-1', '447700900001\n447700900003\n'],
			['t=5110&cid=C-2', '447700900002\n'],
		]);
		expect(await binaryText(output[0], 'data')).toBe('447700900001\n447700900003\n');
	});

	test('items with a missing field are rejected', async () => {
		const items = [
			{ json: { cid: 'C-1', msisdn: '447700900001' } },
			{ json: { cid: 'C-1', phone: '447700900002' } },
			{ json: { cid: 'C-1', msisdn: '' } },
		];
		const result = await runITest(emulator(), { ...fromItems, onInvalidLines: 'sendValid' }, { items });

		expect(outputJson(result)[0]).toMatchObject({
			linesRead: 3,
			linesSent: 1,
			rejected: 2,
			rejectedLines: [
				{ itemIndex: 1, text: '', reason: 'has no field "msisdn"' },
				{ itemIndex: 2, text: '', reason: 'the field "msisdn" is empty' },
			],
		});
	});

	test('invalid upload stops the run before anything is sent', async () => {
		await createCompany(emulator(), 'C-2');
		const items = [
			{ json: { cid: 'C-1', msisdn: '447700900001' } },
			{ json: { cid: 'C-2', msisdn: 'unknown' } },
		];
		const error = thrownError(await runITest(emulator(), fromItems, { items }));

		expect(error.message).toBe('1 of 1 numbers is invalid, so nothing is sent for company "C-2" [item 1]');
		expect(emulator().requests).toHaveLength(2);
		expect(emulator().state.getNumbers('C-1').size).toBe(0);
	});

	test('continue on fail sends the valid uploads', async () => {
		const items = [
			{ json: { cid: 'C-1', msisdn: '447700900001' } },
			{ json: { cid: '', msisdn: '447700900002' } },
			{ json: { cid: 'C-404', msisdn: '447700900003' } },
			{ json: { cid: 'C-1', msisdn: 'x' } },
		];
		const result = await runITest(emulator(), { ...fromItems, onInvalidLines: 'sendValid' }, { items, continueOnFail: true });

		const output = outputItems(result);
		expect(output.map((item) => item.pairedItem)).toEqual([[{ item: 0 }, { item: 3 }], { item: 1 }, { item: 2 }]);
		expect(output[0].json).toMatchObject({ companyId: 'C-1', sent: true, linesSent: 1, rejected: 1 });
		expect(output[1].json).toEqual({
			success: false,
			error: 'Company ID is empty [item 1]',
			errorDescription:
				'Enter the Company ID or map it from the input item. If it is mapped, check that the input field exists and has a value.',
			itemIndex: 1,
		});
		expect(output[2].json).toEqual({
			success: false,
			error: 'iTest could not import numbers for company "C-404": "Unknown company: C-404" [item 2]',
			errorDescription:
				'iTest answered with this status instead of Success. Check the values of this item against the message; if the status mentions the login, check the iTest credential.',
			itemIndex: 2,
		});
		expect([...emulator().state.getNumbers('C-1')]).toEqual(['447700900001']);
	});

	test('failed upload names the item at fault', async () => {
		const items = [
			{ json: { cid: 'C-1', msisdn: '447700900001' } },
			{ json: { cid: 'C-1', msisdn: '447700900002' } },
			{ json: { cid: 'C-1', msisdn: 'call me' } },
		];
		const result = await runITest(emulator(), fromItems, { items, continueOnFail: true });

		const output = outputItems(result);
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json.error).toBe('1 of 3 numbers is invalid, so nothing is sent for company "C-1" [item 2]');
		expect(output[0].json.itemIndex).toBe(2);
		expect(emulator().requests).toHaveLength(1);
	});

	test('dry run returns the file without sending', async () => {
		const file = Buffer.from('number\n+44 7700 900001\nabc\n');
		const result = await runITest(emulator(), { ...base, options: { dryRun: true } }, {
			items: [binaryItem(file, 'n.txt', 'text/plain')],
		});

		const [item] = outputItems(result);
		expect(item.json).toEqual({
			companyId: 'C-1',
			source: 'binary',
			fileName: 'n.txt',
			fileSize: 13,
			inputFiles: [{ itemIndex: 0, fileName: 'n.txt', encoding: 'UTF-8', headerSkipped: true }],
			dryRun: true,
			sent: false,
			readyToSend: false,
			problem:
				'1 of 2 numbers is invalid, so nothing is sent for company "C-1". Line 3 of item 0 ("abc"): contains letters. Correct these lines, or set On Invalid Lines to "Send Valid Lines" to send the others and list these in the output. Turn on the Dry Run option to get the full list as a file.',
			success: true,
			linesRead: 2,
			linesSent: 1,
			normalized: 1,
			duplicates: 0,
			rejected: 1,
			rejectedLines: [{ itemIndex: 0, line: 3, text: 'abc', reason: 'contains letters' }],
		});
		expect(await binaryText(item, 'data')).toBe('447700900001\n');
		expect(await binaryText(item, 'report')).toBe('itemIndex,line,text,reason\r\n0,3,abc,contains letters\r\n');
		expect(emulator().requests).toHaveLength(1);
	});

	test('dry run of a valid file is ready to send', async () => {
		const result = await runITest(emulator(), { ...fromItems, options: { dryRun: true } }, {
			items: [{ json: { cid: 'C-1', msisdn: '447700900001' } }],
		});

		expect(outputJson(result)[0]).toMatchObject({ dryRun: true, sent: false, readyToSend: true, linesSent: 1 });
		expect(outputJson(result)[0].problem).toBeUndefined();
		expect(emulator().requests).toHaveLength(1);
	});

	test('other binary field name is used', async () => {
		const item = binaryItem(Buffer.from('447700900001\n'), 'n.csv', 'text/csv', 'sheet');
		const result = await runITest(emulator(), { ...base, binaryPropertyName: 'sheet' }, { items: [item] });

		expect(outputJson(result)[0].fileName).toBe('n.csv');
		expect(emulator().requests[1].file?.bytes.toString('latin1')).toBe('447700900001\n');
	});

	test('missing binary field lists the fields the item has', async () => {
		const item = binaryItem(Buffer.from('1\n'), 'n.txt', 'text/plain', 'attachment');
		const error = thrownError(await runITest(emulator(), { ...base, binaryPropertyName: 'data' }, { items: [item] }));

		expect(error.message).toBe('The input item has no binary field "data", so there is no numbers file to upload [item 0]');
		expect(error.description).toBe(
			'It has: "attachment". Set Input Binary Field to the field holding the file, or add a node before this one that reads the file (e.g. Read/Write Files from Disk, HTTP Request, or Convert to File). To build the upload from fields of the input items instead, set Source to Input Items.',
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

	test('file with only a header is rejected', async () => {
		const error = thrownError(
			await runITest(emulator(), base, { items: [binaryItem(Buffer.from('MSISDN\r\n'), 'n.txt', 'text/plain')] }),
		);

		expect(error.message).toBe('The numbers file in binary field "data" has only a header line [item 0]');
		expect(emulator().requests).toHaveLength(1);
	});

	test('a million numbers are uploaded', async () => {
		const count = 1_000_000;
		const file = numberFile(count);
		const result = await runITest(emulator(), base, { items: [binaryItem(file, 'million.txt', 'text/plain')] });

		expect(outputJson(result)[0]).toMatchObject({ fileSize: 13_000_000, linesRead: count, linesSent: count, rejected: 0 });
		expect(emulator().requests[1].file?.bytes.equals(file)).toBe(true);
		expect(emulator().state.getNumbers('C-1').size).toBe(count);
	}, 60_000);
});
