import { NumberFileBuilder, WrittenNumbers } from '../../../../../nodes/ITest/actions/numberDatabase/numbers';
import { ByteWriter } from '../../../../../nodes/ITest/actions/numberDatabase/textFile';

function checkFile(content: string | Buffer, normalize = true) {
	const builder = new NumberFileBuilder({ normalize });
	const summary = builder.addFile(typeof content === 'string' ? Buffer.from(content, 'utf8') : content, 0);
	return { builder, summary, sent: builder.toBuffer().toString('latin1'), report: builder.report };
}

function rejectionOf(line: string, normalize = true) {
	const { report } = checkFile(`${line}\n`, normalize);
	expect(report.linesSent).toBe(0);
	expect(report.rejected).toBe(1);
	return report.firstRejected[0];
}

describe('numbers file', () => {
	test('plain numbers with any line ending are sent with LF', () => {
		const { sent, report, summary } = checkFile('447700900001\r\n447700900002\n\n  \n447700900003\r447700900004');

		expect(sent).toBe('447700900001\n447700900002\n447700900003\n447700900004');
		expect(report.countsJson()).toEqual({ linesRead: 4, linesSent: 4, normalized: 0, duplicates: 0, rejected: 0 });
		expect(summary).toEqual({ encoding: 'utf8', headerSkipped: false });
	});

	test('pasted formats are normalized to digits', () => {
		const lines = [
			'+44 7700 900001',
			'0044 7700-900002',
			'44.7700.900.003',
			'(+44) 7700 900004',
			'+44 (0)20 7946 0005',
			'0044 (0)20 7946 0006',
			'\t447700900007  ',
		];
		const { sent, report } = checkFile(lines.join('\n'));

		expect(sent).toBe(
			'447700900001\n447700900002\n447700900003\n447700900004\n442079460005\n442079460006\n447700900007',
		);
		expect(report.countsJson()).toEqual({ linesRead: 7, linesSent: 7, normalized: 6, duplicates: 0, rejected: 0 });
	});

	test('Unicode spaces and dashes are normalized', () => {
		const { sent, report } = checkFile('+44\u00a07700\u00a0900001\n44\u20137700\u2013900002\n44\u202f7700\u2009900003\n');

		expect(sent).toBe('447700900001\n447700900002\n447700900003\n');
		expect(report.normalized).toBe(3);
	});

	test('duplicates keep the first and are counted', () => {
		const { sent, report } = checkFile('447700900001\n+44 7700 900001\n447700900002\n00447700900001\n447700900002\n');

		expect(sent).toBe('447700900001\n447700900002\n');
		expect(report.countsJson()).toEqual({ linesRead: 5, linesSent: 2, normalized: 0, duplicates: 3, rejected: 0 });
	});

	test.each(['number', 'MSISDN', 'Phone_Number', '"msisdn"', 'E.164', 'phone number;'])('header %s is skipped', (header) => {
		const { sent, report, summary } = checkFile(`${header}\r\n447700900001\r\n`);

		expect(sent).toBe('447700900001\n');
		expect(report.linesRead).toBe(1);
		expect(summary.headerSkipped).toBe(true);
	});

	test('header name after the first line is rejected', () => {
		const { report, summary } = checkFile('\n447700900001\nnumber\n');

		expect(summary.headerSkipped).toBe(false);
		expect(report.firstRejected).toEqual([{ itemIndex: 0, line: 3, text: 'number', reason: 'contains letters' }]);
	});

	test.each([
		['44770090012a', 'contains letters'],
		['+44 7700 900123 ext 5', 'contains letters'],
		['#447700900123', 'contains "#" (U+0023), which is not part of a phone number'],
		['447700900123\t1', 'has several columns (separated by U+0009); a numbers file has one number per line, so keep only the number column, or set Source to Input Items and name the Number Field'],
		['447700900123.0', 'ends in a decimal part ".0", as a spreadsheet writes a number stored as a number; remove it, or format the column as text in the spreadsheet and export it again'],
		['447700900123.000', 'ends in a decimal part ".000", as a spreadsheet writes a number stored as a number; remove it, or format the column as text in the spreadsheet and export it again'],
		['447700900123.5', 'ends in a decimal part ".5", as a spreadsheet writes a number stored as a number; remove it, or format the column as text in the spreadsheet and export it again'],
		['44 7700 900123.0', 'ends in a decimal part ".0", as a spreadsheet writes a number stored as a number; remove it, or format the column as text in the spreadsheet and export it again'],
		['4.47700900123E+11', 'is in scientific notation, as a spreadsheet shows a long number stored as a number, and its last digits may be lost; format the column as text in the spreadsheet and export it again'],
		['447700900123,Alice', 'has several columns (separated by "," (U+002C)); a numbers file has one number per line, so keep only the number column, or set Source to Input Items and name the Number Field'],
		['"447700900123', 'contains """ (U+0022), which is not part of a phone number'],
		['44 7700 +900123', 'has a "+" after the start; only a leading "+" is allowed'],
		['( - )', 'contains no digits'],
		['07700 900123', 'starts with 0, so it is a national number; write it in international format with the country code, such as 447700900123'],
		['+0 7700 900123', 'starts with 0, so it is a national number; write it in international format with the country code, such as 447700900123'],
		['000 44 7700 900123', 'starts with 0, so it is a national number; write it in international format with the country code, such as 447700900123'],
		['+44 1234', 'has 6 digits, fewer than the 7 of the shortest international numbers'],
		['0044 12', 'has 4 digits, fewer than the 7 of the shortest international numbers'],
		['+44 7700 9001 2345 67', 'has 16 digits, more than the 15 that E.164 allows'],
	])('line %j is rejected', (line, reason) => {
		expect(rejectionOf(line)).toEqual({ itemIndex: 0, line: 1, text: line, reason });
	});

	test('quoted numbers and header are read', () => {
		const { sent, report, summary } = checkFile('"msisdn"\n"447700900001"\n" +44 7700 900002 "\n');

		expect(summary.headerSkipped).toBe(true);
		expect(sent).toBe('447700900001\n447700900002\n');
		expect(report.countsJson()).toEqual({ linesRead: 2, linesSent: 2, normalized: 2, duplicates: 0, rejected: 0 });
	});

	test('empty columns after a number are ignored', () => {
		const { sent, report } = checkFile('447700900001,\n447700900002,,\n447700900003;\t\n');

		expect(sent).toBe('447700900001\n447700900002\n447700900003\n');
		expect(report.rejected).toBe(0);
	});

	test('dots that group digits are formatting', () => {
		const { sent } = checkFile('44.7700.900.123\n+44 20.7946.0000\n');

		expect(sent).toBe('447700900123\n442079460000\n');
	});

	test('quoted number without normalization is sent bare', () => {
		const { sent, report } = checkFile('"447700900001"\n', false);

		expect(sent).toBe('447700900001\n');
		expect(report.rejected).toBe(0);
	});

	test('shortest and longest numbers are accepted', () => {
		const { sent } = checkFile('6834002\n123456789012345\n');

		expect(sent).toBe('6834002\n123456789012345\n');
	});

	test('rejected lines keep their file line numbers', () => {
		const { report } = checkFile('msisdn\r\n447700900001\r\n\r\nabc\r\n447700900002\r\n12\r\n');

		expect(report.firstRejected).toEqual([
			{ itemIndex: 0, line: 4, text: 'abc', reason: 'contains letters' },
			{ itemIndex: 0, line: 6, text: '12', reason: 'has 2 digits, fewer than the 7 of the shortest international numbers' },
		]);
		expect(report.countsJson()).toEqual({ linesRead: 4, linesSent: 2, normalized: 0, duplicates: 0, rejected: 2 });
	});

	test('without normalization lines are sent as written', () => {
		const { sent, report } = checkFile('+447700900001\n447700900002\n', false);

		expect(sent).toBe('+447700900001\n447700900002\n');
		expect(report.normalized).toBe(0);
	});

	test.each([
		['44 7700 900123', 'contains " " (U+0020); turn on Normalize Numbers to remove spaces, dashes, dots and brackets'],
		['44-7700-900123', 'contains "-" (U+002D); turn on Normalize Numbers to remove spaces, dashes, dots and brackets'],
		['00447700900123', 'starts with the international prefix 00; turn on Normalize Numbers to remove it'],
		['44770090012x', 'contains letters'],
	])('without normalization %j is rejected', (line, reason) => {
		expect(rejectionOf(line, false)).toEqual({ itemIndex: 0, line: 1, text: line, reason });
	});

	test('Latin-1 line is shown decoded', () => {
		const { report, summary } = checkFile(Buffer.from('447700900001\nnuméro 447700900002\n', 'latin1'));

		expect(summary.encoding).toBe('latin1');
		expect(report.firstRejected).toEqual([{ itemIndex: 0, line: 2, text: 'numéro 447700900002', reason: 'contains letters' }]);
	});

	test('UTF-16LE file with BOM is read', () => {
		const content = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('msisdn\r\n+44 7700 900001\r\n', 'utf16le')]);
		const { sent, summary } = checkFile(content);

		expect(sent).toBe('447700900001\n');
		expect(summary).toEqual({ encoding: 'utf16le', headerSkipped: true });
	});

	test('UTF-8 BOM before the header is ignored', () => {
		const { sent, summary } = checkFile(Buffer.from('\ufeffnumber\n447700900001\n', 'utf8'));

		expect(sent).toBe('447700900001\n');
		expect(summary).toEqual({ encoding: 'utf8Bom', headerSkipped: true });
	});

	test('long non-ASCII line is rejected without decoding', () => {
		const line = 'é'.repeat(600);
		const { report } = checkFile(`447700900001\n${line}\n`);

		expect(report.firstRejected[0].reason).toBe('is 1200 bytes long, too long for a phone number');
		expect(report.firstRejected[0].text).toBe(`${'é'.repeat(128)}`);
	});

	test('files of one builder share duplicate detection', () => {
		const builder = new NumberFileBuilder({ normalize: true });
		builder.addFile(Buffer.from('447700900001\n'), 0);
		builder.addFile(Buffer.from('447700900001\n447700900002\n'), 1);

		expect(builder.toBuffer().toString()).toBe('447700900001\n447700900002\n');
		expect(builder.report.duplicates).toBe(1);
	});
});

describe('numbers from item values', () => {
	function checkValues(values: Array<{ found: boolean; value: unknown }>, normalize = true) {
		const builder = new NumberFileBuilder({ normalize });
		builder.reserveValues(values.length);
		values.forEach((field, index) => builder.addValue(index, field, 'msisdn'));
		return builder;
	}

	test('text and whole numbers are sent', () => {
		const builder = checkValues([
			{ found: true, value: '+44 7700 900001' },
			{ found: true, value: 447700900002 },
			{ found: true, value: '447700900001' },
		]);

		expect(builder.toBuffer().toString()).toBe('447700900001\n447700900002\n');
		expect(builder.report.countsJson()).toEqual({ linesRead: 3, linesSent: 2, normalized: 1, duplicates: 1, rejected: 0 });
	});

	test('missing, empty and odd values are rejected', () => {
		const builder = checkValues([
			{ found: false, value: undefined },
			{ found: true, value: null },
			{ found: true, value: '  ' },
			{ found: true, value: 4.477e11 + 0.5 },
			{ found: true, value: { number: '447700900001' } },
			{ found: true, value: ['447700900001'] },
			{ found: true, value: true },
			{ found: true, value: 'call me' },
		]);

		expect(builder.report.firstRejected).toEqual([
			{ itemIndex: 0, text: '', reason: 'has no field "msisdn"' },
			{ itemIndex: 1, text: 'null', reason: 'the field "msisdn" is empty' },
			{ itemIndex: 2, text: '  ', reason: 'the field "msisdn" is empty' },
			{
				itemIndex: 3,
				text: '447700000000.5',
				reason: 'the field "msisdn" is the number 447700000000.5, which is not a whole number that can be read exactly; store phone numbers as text',
			},
			{ itemIndex: 4, text: '{"number":"447700900001"}', reason: 'the field "msisdn" is an object, not text or a number' },
			{ itemIndex: 5, text: '["447700900001"]', reason: 'the field "msisdn" is a list, not text or a number' },
			{ itemIndex: 6, text: 'true', reason: 'the field "msisdn" is the boolean true, not text or a number' },
			{ itemIndex: 7, text: 'call me', reason: 'contains letters' },
		]);
		expect(builder.report.linesSent).toBe(0);
	});
});

describe('WrittenNumbers', () => {
	test('finds repeats while growing', () => {
		const output = new ByteWriter(0);
		const written = new WrittenNumbers(output);
		const add = (key: number) => {
			const slot = written.find(key);
			if (slot >= 0) return false;
			written.insert(slot, output.byteLength);
			output.writeBytes(Buffer.from(`${key}\n`));
			return true;
		};
		for (let index = 0; index < 50_000; index++) expect(add(447700000000 + index * 7919)).toBe(true);

		expect(written.size).toBe(50_000);
		expect(add(447700000000)).toBe(false);
		expect(add(447700000000 + 49_999 * 7919)).toBe(false);
		expect(add(999999999999999)).toBe(true);
		expect(add(999999999999998)).toBe(true);
		expect(written.size).toBe(50_002);
	});
});

describe('checking in place', () => {
	test('the input buffer becomes the output', () => {
		const input = Buffer.from('\ufeffmsisdn\r\n+44 7700 900001\r\n447700900002\r\n+44 7700 900001\r\n', 'utf8');
		const builder = new NumberFileBuilder({ normalize: true });
		builder.addFile(input, 0);
		const sent = builder.toBuffer();

		expect(sent.toString()).toBe('447700900001\n447700900002\n');
		expect(sent.buffer).toBe(input.buffer);
		expect(sent.byteOffset).toBe(input.byteOffset);
	});

	test('canonical file without a final line break', () => {
		const { sent } = checkFile('447700900001\n447700900002\n447700900003');

		expect(sent).toBe('447700900001\n447700900002\n447700900003');
	});

	test('later files start on a new line', () => {
		const builder = new NumberFileBuilder({ normalize: true });
		builder.addFile(Buffer.from('447700900001'), 0);
		builder.addFile(Buffer.from('447700900002\n447700900003'), 1);
		builder.addFile(Buffer.from('447700900003\n'), 2);

		expect(builder.toBuffer().toString()).toBe('447700900001\n447700900002\n447700900003\n');
	});
});
