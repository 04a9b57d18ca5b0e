import { BreakoutFileBuilder, parseCsvLine } from '../../../../../nodes/ITest/actions/numberDatabase/breakouts';
import type { TextEncodingName } from '../../../../../nodes/ITest/transport/encoding';

function checkFile(content: string | Buffer, textEncoding: TextEncodingName = 'latin1') {
	const builder = new BreakoutFileBuilder(textEncoding);
	const summary = builder.addFile(typeof content === 'string' ? Buffer.from(content, 'utf8') : content, 0);
	return { builder, summary, sent: builder.toBuffer(), report: builder.report };
}

function rejectionOf(line: string) {
	const { report } = checkFile(`France, Mobile\n${line}\n`);
	expect(report.rejected).toBe(1);
	return report.firstRejected[0];
}

describe('parseCsvLine', () => {
	test.each([
		['France, Mobile', [['France', false], ['Mobile', false]]],
		['  France ,Mobile  ', [['France', false], ['Mobile', false]]],
		['"Korea, Republic of", Mobile', [['Korea, Republic of', true], ['Mobile', false]]],
		['"Say ""hi""", "x"', [['Say "hi"', true], ['x', true]]],
		['France, Mobile,,', [['France', false], ['Mobile', false]]],
		['France,', [['France', false], ['', false]]],
		['France, Mobile, ""', [['France', false], ['Mobile', false], ['', true]]],
	])('%j', (line, expected) => {
		expect(parseCsvLine(line)).toEqual(expected.map(([value, quoted]) => ({ value, quoted })));
	});

	test('unclosed quote is a problem', () => {
		expect(parseCsvLine('"France, Mobile')).toEqual({ problem: 'has an opening double quote without a closing one' });
	});

	test('text after a closing quote is a problem', () => {
		expect(parseCsvLine('"France" x, Mobile')).toEqual({
			problem: 'has text after a closing double quote; a quoted name must be followed by a comma or the end of the line',
		});
	});
});

describe('breakout file', () => {
	test('lines are sent as COUNTRY, BREAKOUT with LF', () => {
		const { sent, report, summary } = checkFile('United Kingdom, Mobile\r\nFrance,Fixed\r\n\r\n "Germany" , "Mobile - Vodafone" \r\n');

		expect(sent.toString('latin1')).toBe('United Kingdom, Mobile\nFrance, Fixed\nGermany, Mobile - Vodafone\n');
		expect(report.countsJson()).toEqual({ linesRead: 3, linesSent: 3, normalized: 2, duplicates: 0, rejected: 0 });
		expect(summary).toEqual({ encoding: 'utf8', headerSkipped: false });
	});

	test.each(['Country, Breakout', 'country,breakout', '"Country Name","Breakout Name"', 'COUNTRY, BREAKOUT'])(
		'header %j is skipped',
		(header) => {
			const { sent, report, summary } = checkFile(`${header}\nFrance, Mobile\n`);

			expect(sent.toString('latin1')).toBe('France, Mobile\n');
			expect(report.linesRead).toBe(1);
			expect(summary.headerSkipped).toBe(true);
		},
	);

	test('duplicate pairs are dropped and counted', () => {
		const { sent, report } = checkFile('France, Mobile\n"France","Mobile"\nFrance , Mobile\nFrance, mobile\n');

		expect(sent.toString('latin1')).toBe('France, Mobile\nFrance, mobile\n');
		expect(report.countsJson()).toEqual({ linesRead: 4, linesSent: 2, normalized: 0, duplicates: 2, rejected: 0 });
	});

	test.each([
		[
			'"Korea, Republic of", Mobile',
			'the country "Korea, Republic of" contains a comma, which iTest\'s COUNTRY, BREAKOUT format cannot carry unambiguously, so the line is not sent',
		],
		[
			'Korea, Republic of, Mobile',
			'has 3 comma-separated fields, but COUNTRY, BREAKOUT has 2. A name that contains a comma cannot be sent in this format',
		],
		[
			'United States, "Mobile, AT&T"',
			'the breakout "Mobile, AT&T" contains a comma, which iTest\'s COUNTRY, BREAKOUT format cannot carry unambiguously, so the line is not sent',
		],
		['France', 'has no comma between country and breakout; expected COUNTRY, BREAKOUT'],
		[
			'France;Mobile',
			'has no comma between country and breakout; expected COUNTRY, BREAKOUT (semicolons and tabs do not separate the fields here)',
		],
		['France,', 'the breakout is empty'],
		[', Mobile', 'the country is empty'],
		['"", Mobile', 'the country is empty'],
		['"France, Mobile', 'has an opening double quote without a closing one'],
		['"France" x, Mobile', 'has text after a closing double quote; a quoted name must be followed by a comma or the end of the line'],
		['Poland, Mobile \u0141\u00f3d\u017a', 'the breakout contains "\u0141" (U+0141), which cannot be written in ISO-8859-1, the Text Encoding of the iTest credential'],
		['"France\tSud", Mobile', 'the country contains the control character U+0009'],
	])('line %j is rejected', (line, reason) => {
		expect(rejectionOf(line)).toEqual({ itemIndex: 0, line: 2, text: line, reason });
	});

	test('Latin-1 names are read and sent byte for byte', () => {
		const content = Buffer.from("Côte d'Ivoire, Mobile\nCuraçao, Fixed\nRéunion, Mobile\n", 'latin1');
		const { sent, summary, report } = checkFile(content);

		expect(summary.encoding).toBe('latin1');
		expect(report.linesSent).toBe(3);
		expect(sent).toEqual(content);
	});

	test('UTF-8 names are sent in Latin-1', () => {
		const { sent } = checkFile("Côte d'Ivoire, Mobile\nCuraçao, Fixed\n");

		expect(sent).toEqual(Buffer.from("Côte d'Ivoire, Mobile\nCuraçao, Fixed\n", 'latin1'));
	});

	test('UTF-8 credential gets UTF-8 bytes', () => {
		const { sent, report } = checkFile('Réunion, Mobile\nPoland, Łódź\n', 'utf8');

		expect(report.rejected).toBe(0);
		expect(sent).toEqual(Buffer.from('Réunion, Mobile\nPoland, Łódź\n', 'utf8'));
	});

	test.each([
		['UTF-16LE', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Country,Breakout\r\nCuraçao, Fixed\r\n', 'utf16le')]), 'utf16le'],
		['UTF-16BE', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('Country,Breakout\r\nCuraçao, Fixed\r\n', 'utf16le').swap16()]), 'utf16be'],
		['UTF-8 with BOM', Buffer.from('\ufeffCountry,Breakout\r\nCuraçao, Fixed\r\n', 'utf8'), 'utf8Bom'],
	])('%s file is read', (_label, content, encoding) => {
		const { sent, summary } = checkFile(content);

		expect(summary).toEqual({ encoding, headerSkipped: true });
		expect(sent).toEqual(Buffer.from('Curaçao, Fixed\n', 'latin1'));
	});

	test('Windows-1252 apostrophe is rejected with a hint', () => {
		const content = Buffer.concat([Buffer.from('C\xf4te d', 'latin1'), Buffer.from([0x92]), Buffer.from('Ivoire, Mobile\n', 'latin1')]);
		const { report, summary } = checkFile(content);

		expect(summary.encoding).toBe('latin1');
		expect(report.firstRejected).toEqual([
			{
				itemIndex: 0,
				line: 1,
				text: 'Côte d\u0092Ivoire, Mobile',
				reason: 'the country contains the control character U+0092; the file may be in Windows-1252, where this byte is a printable character: save it as UTF-8 and upload it again',
			},
		]);
	});
});

describe('breakouts from item values', () => {
	const names = { country: 'country', breakout: 'breakout' };
	const value = (text: unknown) => ({ found: true, value: text });

	test('values are trimmed and sent', () => {
		const builder = new BreakoutFileBuilder('latin1');
		builder.addValues(0, value(' France '), value('Mobile'), names);
		builder.addValues(1, value('Curaçao'), value('Fixed'), names);
		builder.addValues(2, value('France'), value('Mobile'), names);

		expect(builder.toBuffer()).toEqual(Buffer.from('France, Mobile\nCuraçao, Fixed\n', 'latin1'));
		expect(builder.report.countsJson()).toEqual({ linesRead: 3, linesSent: 2, normalized: 1, duplicates: 1, rejected: 0 });
	});

	test('missing, empty and odd values are rejected', () => {
		const builder = new BreakoutFileBuilder('latin1');
		builder.addValues(0, { found: false, value: undefined }, value('Mobile'), names);
		builder.addValues(1, value('France'), value('  '), names);
		builder.addValues(2, value(['France']), value('Mobile'), names);
		builder.addValues(3, value('Korea, Republic of'), value('Mobile'), names);
		builder.addValues(4, value('France'), value(null), names);

		expect(builder.report.firstRejected).toEqual([
			{ itemIndex: 0, text: ', Mobile', reason: 'has no field "country"' },
			{ itemIndex: 1, text: 'France,   ', reason: 'the field "breakout" is empty' },
			{ itemIndex: 2, text: '["France"], Mobile', reason: 'the field "country" is a list, not text' },
			{
				itemIndex: 3,
				text: 'Korea, Republic of, Mobile',
				reason: 'the country "Korea, Republic of" contains a comma, which iTest\'s COUNTRY, BREAKOUT format cannot carry unambiguously, so the line is not sent',
			},
			{ itemIndex: 4, text: 'France, null', reason: 'the field "breakout" is empty' },
		]);
		expect(builder.report.linesSent).toBe(0);
	});
});
