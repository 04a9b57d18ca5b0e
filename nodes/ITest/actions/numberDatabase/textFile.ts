/**
 * Reading the text of upload files as spreadsheets and CRMs export them: UTF-8 with or without
 * a byte order mark (BOM), UTF-16 with a BOM, or ISO-8859-1 (Latin-1), with any line endings.
 */

/** The character encoding a file was read in. */
export type InputEncoding = 'utf8' | 'utf8Bom' | 'utf16le' | 'utf16be' | 'latin1';

export const INPUT_ENCODING_LABELS: Record<InputEncoding, string> = {
	utf8: 'UTF-8',
	utf8Bom: 'UTF-8 with BOM',
	utf16le: 'UTF-16LE',
	utf16be: 'UTF-16BE',
	latin1: 'ISO-8859-1',
};

/** Summary of how one input file was read. */
export interface FileSummary {
	encoding: InputEncoding;
	/** Whether the first non-blank line was a column name, such as `number`, and was skipped. */
	headerSkipped: boolean;
}

/** An encoding in which every ASCII character is one byte of the same value. */
export type AsciiCompatibleEncoding = 'utf8' | 'latin1';

/** File content as bytes of an ASCII-compatible encoding, so lines can be scanned byte by byte. */
export interface AsciiCompatibleText {
	bytes: Buffer;
	/** Offset of the text in `bytes`: 3 after a UTF-8 BOM, otherwise 0. */
	start: number;
	/** How to decode `bytes` into text. */
	bytesEncoding: AsciiCompatibleEncoding;
	/** The encoding the file was written in. */
	encoding: InputEncoding;
}

/**
 * Checks that `data[start, end)` is well-formed UTF-8: no stray continuation bytes, no
 * truncated sequences, no overlong forms, no surrogates and nothing above U+10FFFF.
 */
export function isValidUtf8(data: Uint8Array, start = 0, end = data.length): boolean {
	let index = start;
	while (index < end) {
		const byte = data[index];
		if (byte < 0x80) {
			index++;
			continue;
		}

		let length: number;
		let minimum: number;
		let codePoint: number;
		if (byte >= 0xc2 && byte <= 0xdf) {
			length = 2;
			minimum = 0x80;
			codePoint = byte & 0x1f;
		} else if (byte >= 0xe0 && byte <= 0xef) {
			length = 3;
			minimum = 0x800;
			codePoint = byte & 0x0f;
		} else if (byte >= 0xf0 && byte <= 0xf4) {
			length = 4;
			minimum = 0x10000;
			codePoint = byte & 0x07;
		} else {
			return false;
		}
		if (index + length > end) return false;

		for (let offset = 1; offset < length; offset++) {
			const continuation = data[index + offset];
			if ((continuation & 0xc0) !== 0x80) return false;
			codePoint = (codePoint << 6) | (continuation & 0x3f);
		}
		if (codePoint < minimum || codePoint > 0x10ffff) return false;
		if (codePoint >= 0xd800 && codePoint <= 0xdfff) return false;
		index += length;
	}
	return true;
}

function hasByteAbove7f(data: Uint8Array, start: number): boolean {
	for (let index = start; index < data.length; index++) {
		if (data[index] >= 0x80) return true;
	}
	return false;
}

/**
 * Finds the encoding of a file. A BOM decides when there is one. Without a BOM, text that is
 * valid UTF-8 is read as UTF-8 (plain ASCII included), and anything else as ISO-8859-1, in which
 * every byte is a character, so nothing is lost or replaced.
 *
 * NOTE: files from Windows in Windows-1252 read as ISO-8859-1. They differ only in bytes 0x80 to
 * 0x9F (such as the curly apostrophe 0x92), which ISO-8859-1 has as control characters; the
 * checks reject names that contain them instead of guessing.
 */
export function detectEncoding(data: Uint8Array): InputEncoding {
	if (data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return 'utf8Bom';
	if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) return 'utf16le';
	if (data.length >= 2 && data[0] === 0xfe && data[1] === 0xff) return 'utf16be';
	if (!hasByteAbove7f(data, 0)) return 'utf8';
	return isValidUtf8(data) ? 'utf8' : 'latin1';
}

/** Decodes UTF-16 after its two-byte BOM; a trailing odd byte is dropped. */
function decodeUtf16(data: Buffer, encoding: 'utf16le' | 'utf16be'): string {
	const evenEnd = 2 + ((data.length - 2) & ~1);
	if (encoding === 'utf16le') return data.toString('utf16le', 2, evenEnd);
	// Buffer has no UTF-16BE decoder, so swap each byte pair of a copy and decode that as UTF-16LE.
	const swapped = Buffer.from(data.subarray(2, evenEnd));
	swapped.swap16();
	return swapped.toString('utf16le');
}

/** Decodes a whole file into text without its BOM, and reports the encoding it was in. */
export function decodeFile(data: Buffer): { text: string; encoding: InputEncoding } {
	const encoding = detectEncoding(data);
	if (encoding === 'utf16le' || encoding === 'utf16be') {
		return { text: decodeUtf16(data, encoding), encoding };
	}
	if (encoding === 'utf8Bom') return { text: data.toString('utf8', 3), encoding };
	return { text: data.toString(encoding), encoding };
}

/**
 * Returns the file as bytes in which ASCII characters are single bytes, so that large files
 * can be scanned without decoding them into a string. UTF-8 and ISO-8859-1 files are returned
 * as they are, without a copy. UTF-16 files are converted to UTF-8, which needs one copy.
 */
export function toAsciiCompatible(data: Buffer): AsciiCompatibleText {
	const encoding = detectEncoding(data);
	if (encoding === 'utf16le' || encoding === 'utf16be') {
		return { bytes: Buffer.from(decodeUtf16(data, encoding), 'utf8'), start: 0, bytesEncoding: 'utf8', encoding };
	}
	if (encoding === 'utf8Bom') return { bytes: data, start: 3, bytesEncoding: 'utf8', encoding };
	return { bytes: data, start: 0, bytesEncoding: encoding, encoding };
}

/** Splits text into lines at LF, CRLF or a lone CR. A final line break does not start another line. */
export function splitLines(text: string): string[] {
	const lines = text.split(/\r\n|\r|\n/);
	if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
	return lines;
}

/** Whitespace that people paste around and inside values: ASCII, no-break and typographic spaces, and a stray BOM. */
export function isSpace(code: number): boolean {
	return (
		code === 0x20 ||
		code === 0x09 ||
		code === 0xa0 ||
		code === 0xfeff ||
		(code >= 0x2000 && code <= 0x200b) ||
		code === 0x202f ||
		code === 0x205f ||
		code === 0x3000
	);
}

/** Removes leading and trailing whitespace as `isSpace` defines it. */
export function trimSpaces(text: string): string {
	let start = 0;
	let end = text.length;
	while (start < end && isSpace(text.charCodeAt(start))) start++;
	while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
	return text.slice(start, end);
}

/** Names a character for a message: itself in quotes and its code point, e.g. `"Ł" (U+0141)`. */
export function describeCharacter(character: string): string {
	const codePoint = character.codePointAt(0) ?? 0;
	const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
	const isControl = codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f);
	return isControl ? hex : `"${character}" (${hex})`;
}

/**
 * A Buffer that is written from the start and grows when needed. Callers that know an upper
 * bound of the size pass it, so the content is written once and never copied.
 */
export class ByteWriter {
	private buffer: Buffer;

	private length = 0;

	constructor(capacity: number) {
		this.buffer = Buffer.allocUnsafe(Math.max(16, capacity));
	}

	/** Makes room for `extra` more bytes, so that writing them does not copy the buffer. */
	reserve(extra: number): void {
		const needed = this.length + extra;
		if (needed <= this.buffer.length) return;
		const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
		this.buffer.copy(grown, 0, 0, this.length);
		this.buffer = grown;
	}

	writeByte(byte: number): void {
		this.reserve(1);
		this.buffer[this.length++] = byte;
	}

	writeBytes(bytes: Uint8Array, start = 0, end = bytes.length): void {
		this.reserve(end - start);
		this.buffer.set(bytes.subarray(start, end), this.length);
		this.length += end - start;
	}

	/**
	 * Makes `buffer` this writer's storage, to be overwritten from its start. Only for an empty
	 * writer, and only when each write ends before the bytes of `buffer` still to be read.
	 */
	adopt(buffer: Buffer): void {
		if (this.length !== 0) throw new RangeError('Only an empty ByteWriter can adopt a buffer');
		this.buffer = buffer;
	}

	get byteLength(): number {
		return this.length;
	}

	byteAt(offset: number): number {
		return this.buffer[offset];
	}

	/** Returns the bytes written so far, as a view that shares this writer's memory. */
	toBuffer(): Buffer {
		return this.buffer.subarray(0, this.length);
	}
}
