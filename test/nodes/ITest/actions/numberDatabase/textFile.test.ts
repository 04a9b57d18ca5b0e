import {
	ByteWriter,
	decodeFile,
	detectEncoding,
	isValidUtf8,
	splitLines,
	toAsciiCompatible,
	trimSpaces,
} from '../../../../../nodes/ITest/actions/numberDatabase/textFile';

const bytes = (...values: number[]) => Buffer.from(values);

describe('isValidUtf8', () => {
	test.each([
		['ASCII', Buffer.from('France, Mobile')],
		['two-byte ç', Buffer.from('Curaçao', 'utf8')],
		['three-byte €', Buffer.from('€', 'utf8')],
		['four-byte emoji', Buffer.from('\u{1F4DE}', 'utf8')],
		['U+10FFFF', bytes(0xf4, 0x8f, 0xbf, 0xbf)],
	])('accepts %s', (_label, data) => {
		expect(isValidUtf8(data)).toBe(true);
	});

	test.each([
		['Latin-1 ç', Buffer.from('Curaçao', 'latin1')],
		['a stray continuation byte', bytes(0x41, 0x80)],
		['a truncated sequence', bytes(0xe2, 0x82)],
		['an overlong slash', bytes(0xc0, 0xaf)],
		['an overlong three-byte form', bytes(0xe0, 0x80, 0xaf)],
		['a surrogate', bytes(0xed, 0xa0, 0x80)],
		['a code point above U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80)],
		['the byte 0xF5', bytes(0xf5, 0x80, 0x80, 0x80)],
	])('rejects %s', (_label, data) => {
		expect(isValidUtf8(data)).toBe(false);
	});
});

describe('detectEncoding', () => {
	test.each([
		['plain ASCII', Buffer.from('447700900001\n'), 'utf8'],
		['UTF-8', Buffer.from('Réunion', 'utf8'), 'utf8'],
		['UTF-8 with BOM', Buffer.from('\ufeffRéunion', 'utf8'), 'utf8Bom'],
		['UTF-16LE with BOM', bytes(0xff, 0xfe, 0x41, 0x00), 'utf16le'],
		['UTF-16BE with BOM', bytes(0xfe, 0xff, 0x00, 0x41), 'utf16be'],
		['Latin-1', Buffer.from('Réunion', 'latin1'), 'latin1'],
		['an empty file', Buffer.alloc(0), 'utf8'],
	])('%s', (_label, data, encoding) => {
		expect(detectEncoding(data)).toBe(encoding);
	});
});

describe('decodeFile', () => {
	test('UTF-16BE drops the BOM and a trailing odd byte', () => {
		const data = Buffer.concat([bytes(0xfe, 0xff), Buffer.from('Curaçao', 'utf16le').swap16(), bytes(0x00)]);

		expect(decodeFile(data)).toEqual({ text: 'Curaçao', encoding: 'utf16be' });
	});

	test('Latin-1 keeps every byte', () => {
		expect(decodeFile(Buffer.from("Côte d'Ivoire", 'latin1'))).toEqual({ text: "Côte d'Ivoire", encoding: 'latin1' });
	});
});

describe('toAsciiCompatible', () => {
	test('UTF-8 is returned without a copy', () => {
		const data = Buffer.from('\ufeff447700900001', 'utf8');
		const text = toAsciiCompatible(data);

		expect(text.bytes).toBe(data);
		expect(text.start).toBe(3);
		expect(text.bytesEncoding).toBe('utf8');
	});

	test('UTF-16LE becomes UTF-8', () => {
		const text = toAsciiCompatible(Buffer.concat([bytes(0xff, 0xfe), Buffer.from('Réunion', 'utf16le')]));

		expect(text.bytes).toEqual(Buffer.from('Réunion', 'utf8'));
		expect(text.encoding).toBe('utf16le');
	});
});

test('splitLines splits at every line ending', () => {
	expect(splitLines('a\r\nb\nc\rd\r\n')).toEqual(['a', 'b', 'c', 'd']);
	expect(splitLines('a\n\nb')).toEqual(['a', '', 'b']);
	expect(splitLines('')).toEqual(['']);
});

test('trimSpaces removes no-break and typographic spaces', () => {
	expect(trimSpaces('\u00a0\u202f France\t\u3000')).toBe('France');
});

test('ByteWriter grows and keeps its content', () => {
	const writer = new ByteWriter(0);
	for (let index = 0; index < 100; index++) writer.writeBytes(Buffer.from('0123456789'), 2, 5);
	writer.writeByte(0x0a);

	expect(writer.byteLength).toBe(301);
	expect(writer.toBuffer().toString()).toBe(`${'234'.repeat(100)}\n`);
});
