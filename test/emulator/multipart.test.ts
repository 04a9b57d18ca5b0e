import { MultipartError, MultipartParser } from '../../emulator/multipart';

const BOUNDARY = '----emulator-test-boundary';

/** A body with two text fields and one file whose content looks like a boundary in places. */
const FILE_CONTENT = Buffer.from(`line 1\r\n--${BOUNDARY.slice(0, -3)}\r\n--not-it\r\n\r\n-`, 'latin1');
const BODY = Buffer.concat([
	Buffer.from(
		`--${BOUNDARY}\r\n` +
			'Content-Disposition: form-data; name="API_95718"\r\n\r\n' +
			'reseller\r\n' +
			`--${BOUNDARY}\r\n` +
			'Content-Disposition: form-data; name="API 84572"\r\n\r\n' +
			'emulator-secret\r\n' +
			`--${BOUNDARY}\r\n` +
			'Content-Disposition: form-data; name="uploadfile"; filename="n.txt"\r\n' +
			'Content-Type: text/plain\r\n\r\n',
		'latin1',
	),
	FILE_CONTENT,
	Buffer.from(`\r\n--${BOUNDARY}--\r\n`, 'latin1'),
]);

const EXPECTED_PARTS = [
	{ name: 'API_95718', fileName: null, contentType: null, content: Buffer.from('reseller') },
	{ name: 'API 84572', fileName: null, contentType: null, content: Buffer.from('emulator-secret') },
	{ name: 'uploadfile', fileName: 'n.txt', contentType: 'text/plain', content: FILE_CONTENT },
];

function parseChunks(chunks: Buffer[], boundary = BOUNDARY) {
	const parser = new MultipartParser(boundary);
	for (const chunk of chunks) parser.write(chunk);
	return parser.end();
}

function parseText(text: string, boundary = BOUNDARY) {
	return parseChunks([Buffer.from(text, 'latin1')], boundary);
}

describe('MultipartParser', () => {
	it('parses a body given in one chunk', () => {
		expect(parseChunks([BODY])).toEqual(EXPECTED_PARTS);
	});

	it('parses the body split at every position', () => {
		for (let split = 1; split < BODY.length; split++) {
			expect(parseChunks([BODY.subarray(0, split), BODY.subarray(split)])).toEqual(EXPECTED_PARTS);
		}
	});

	it('parses the body one byte at a time', () => {
		const chunks = [...BODY].map((byte) => Buffer.from([byte]));

		expect(parseChunks(chunks)).toEqual(EXPECTED_PARTS);
	});

	it('parses a large file in 64 KiB chunks', () => {
		const content = Buffer.alloc(3 * 1024 * 1024 + 17);
		for (let i = 0; i < content.length; i++) content[i] = '0123456789\r\n-'.charCodeAt(i % 13);
		const body = Buffer.concat([
			Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="uploadfile"; filename="big"\r\n\r\n`),
			content,
			Buffer.from(`\r\n--${BOUNDARY}--`),
		]);
		const chunks = [];
		for (let offset = 0; offset < body.length; offset += 65536) chunks.push(body.subarray(offset, offset + 65536));

		const parts = parseChunks(chunks);

		expect(parts).toHaveLength(1);
		expect(parts[0].content.equals(content)).toBe(true);
	});

	it('ignores the preamble and the epilogue', () => {
		const parts = parseText(
			`preamble text\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--${BOUNDARY}--\r\nepilogue`,
		);

		expect(parts).toEqual([{ name: 'a', fileName: null, contentType: null, content: Buffer.from('1') }]);
	});

	it('accepts spaces and tabs after a boundary', () => {
		const parts = parseText(`--${BOUNDARY} \t\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--${BOUNDARY}--`);

		expect(parts.map((part) => part.name)).toEqual(['a']);
	});

	it('drops parts without a form-data name', () => {
		const parts = parseText(
			`--${BOUNDARY}\r\n\r\nno headers\r\n` +
				`--${BOUNDARY}\r\nContent-Disposition: attachment; name="x"\r\n\r\nnot form-data\r\n` +
				`--${BOUNDARY}\r\nContent-Disposition: form-data; name="kept"\r\n\r\nyes\r\n` +
				`--${BOUNDARY}--`,
		);

		expect(parts).toEqual([{ name: 'kept', fileName: null, contentType: null, content: Buffer.from('yes') }]);
	});

	it('unescapes quoted parameters and keeps empty contents', () => {
		const parts = parseText(
			`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a\\"b; c"; filename=""\r\n\r\n\r\n--${BOUNDARY}--`,
		);

		expect(parts).toEqual([{ name: 'a"b; c', fileName: '', contentType: null, content: Buffer.alloc(0) }]);
	});

	it('rejects a body without the closing boundary', () => {
		const parser = new MultipartParser(BOUNDARY);
		parser.write(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n`));

		expect(() => parser.end()).toThrow(new MultipartError('Malformed multipart body: the closing boundary is missing'));
	});

	it('rejects a boundary not followed by CRLF', () => {
		expect(() => parseText(`--${BOUNDARY}X\r\n\r\n--${BOUNDARY}--`)).toThrow(
			'Malformed multipart body: a boundary is not followed by CRLF',
		);
	});

	it('rejects a header line without a colon', () => {
		expect(() => parseText(`--${BOUNDARY}\r\nContent-Disposition form-data\r\n\r\n1\r\n--${BOUNDARY}--`)).toThrow(
			'Malformed multipart body: invalid part header line "Content-Disposition form-data"',
		);
	});

	it('rejects a part header longer than 16 KiB', () => {
		const parser = new MultipartParser(BOUNDARY);
		parser.write(Buffer.from(`--${BOUNDARY}\r\nX-Long: `));

		expect(() => parser.write(Buffer.alloc(17 * 1024, 0x61))).toThrow(
			'Malformed multipart body: a part header is longer than 16384 bytes',
		);
	});

	it.each([
		['', 'Invalid multipart boundary: ""'],
		['x'.repeat(71), `Invalid multipart boundary: "${'x'.repeat(71)}"`],
		['ends with space ', 'Invalid multipart boundary: "ends with space "'],
		['bad"quote', 'Invalid multipart boundary: "bad\\"quote"'],
	])('rejects the boundary %j', (boundary, message) => {
		expect(() => new MultipartParser(boundary)).toThrow(message);
	});
});
