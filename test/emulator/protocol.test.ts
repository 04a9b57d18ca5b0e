import {
	encodeText,
	normaliseFieldName,
	parseContentType,
	parseFormEncoded,
	percentDecode,
} from '../../emulator/protocol';

const bytesOf = (text: string) => Buffer.from(text, 'latin1');

describe('percentDecode', () => {
	it('decodes %XX in either case and + as a space', () => {
		expect(percentDecode(bytesOf('A%41%e9%E9+%2B'))).toEqual(Buffer.from([0x41, 0x41, 0xe9, 0xe9, 0x20, 0x2b]));
	});

	it('keeps a % that is not followed by two hex digits', () => {
		expect(percentDecode(bytesOf('%zz%4')).toString('latin1')).toBe('%zz%4');
		expect(percentDecode(bytesOf('100%')).toString('latin1')).toBe('100%');
	});
});

describe('parseFormEncoded', () => {
	it('decodes Latin-1 values and keeps their raw bytes', () => {
		const fields = parseFormEncoded(bytesOf("name=T%E9l%E9com%20C%F4te%20d'Ivoire&cid=C-1"), 'latin1');

		expect(fields.values.name).toBe("Télécom Côte d'Ivoire");
		expect(fields.bytes.name).toEqual(Buffer.from("Télécom Côte d'Ivoire", 'latin1'));
		expect(fields.values.cid).toBe('C-1');
	});

	it('decodes UTF-8 values', () => {
		const fields = parseFormEncoded(bytesOf('name=T%C3%A9l%C3%A9com'), 'utf8');

		expect(fields.values.name).toBe('Télécom');
		expect(fields.bytes.name).toEqual(Buffer.from('Télécom', 'utf8'));
	});

	it('turns invalid UTF-8 into U+FFFD but keeps the bytes', () => {
		const fields = parseFormEncoded(bytesOf('name=T%E9l'), 'utf8');

		expect(fields.values.name).toBe('T\ufffdl');
		expect(fields.bytes.name).toEqual(Buffer.from([0x54, 0xe9, 0x6c]));
	});

	it('keeps encoded separators inside values', () => {
		const fields = parseFormEncoded(bytesOf('name=AT%26T%20Wholesale%20%3D%201&x=a%2Bb'), 'latin1');

		expect(fields.values.name).toBe('AT&T Wholesale = 1');
		expect(fields.values.x).toBe('a+b');
	});

	it('applies the PHP field-name rules', () => {
		const fields = parseFormEncoded(bytesOf('API%2084572=a&API.95718=b'), 'latin1');

		expect(Object.keys(fields.values)).toEqual(['API_84572', 'API_95718']);
	});

	it('keeps the last of repeated fields and skips empty pairs and names', () => {
		const fields = parseFormEncoded(bytesOf('a=1&&a=2&flag&=orphan&'), 'latin1');

		expect({ ...fields.values }).toEqual({ a: '2', flag: '' });
	});

	it('returns no fields for an empty input', () => {
		expect(Object.keys(parseFormEncoded(Buffer.alloc(0), 'latin1').values)).toEqual([]);
	});

	it('stores a field named __proto__ as a plain field', () => {
		const fields = parseFormEncoded(bytesOf('__proto__=x&constructor=y'), 'latin1');

		expect(fields.values.__proto__).toBe('x');
		expect(fields.values.constructor).toBe('y');
	});
});

describe('normaliseFieldName', () => {
	it('replaces spaces and dots with underscores', () => {
		expect(normaliseFieldName('API 84572')).toBe('API_84572');
		expect(normaliseFieldName('a.b c')).toBe('a_b_c');
		expect(normaliseFieldName('API_95718')).toBe('API_95718');
	});
});

describe('parseContentType', () => {
	it('lower-cases the media type and unquotes parameters', () => {
		expect(parseContentType('Multipart/Form-Data; Boundary="a;b \\"c\\""; charset=UTF-8')).toEqual({
			mediaType: 'multipart/form-data',
			parameters: { boundary: 'a;b "c"', charset: 'UTF-8' },
		});
	});

	it('returns an empty media type for a missing header', () => {
		expect(parseContentType(undefined)).toEqual({ mediaType: '', parameters: {} });
	});
});

describe('encodeText', () => {
	it('writes Latin-1 and replaces characters outside it with ?', () => {
		expect(encodeText('Côte €', 'latin1')).toEqual(Buffer.from([0x43, 0xf4, 0x74, 0x65, 0x20, 0x3f]));
	});

	it('writes UTF-8', () => {
		expect(encodeText('Côte €', 'utf8')).toEqual(Buffer.from('Côte €', 'utf8'));
	});
});
