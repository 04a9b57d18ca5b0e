/**
 * Checking and normalizing phone numbers for a Number Database import, from a file or from
 * input items, and building the file that is sent: one number per line, LF line endings.
 *
 * Built for files of a million numbers: lines are scanned in the file's bytes, duplicates are
 * found with a hash table of numbers rather than strings, and the output is written once into
 * a buffer sized from the input. Only rejected lines and lines with non-ASCII characters are
 * decoded into strings.
 */
import type { FieldValue } from './itemFields';
import { describeKind, valueAsText } from './itemFields';
import { UploadReport } from './report';
import type { AsciiCompatibleEncoding, FileSummary } from './textFile';
import { ByteWriter, describeCharacter, isSpace, toAsciiCompatible, trimSpaces } from './textFile';

/** E.164 allows at most 15 digits, country code included. */
export const MAX_DIGITS = 15;
/**
 * NOTE: E.164 sets no minimum. 7 digits is the length of the shortest numbers in use that we
 * know of: a 3-digit country code and a 4-digit subscriber number, as in Niue (+683).
 */
export const MIN_DIGITS = 7;
/** Longer lines with non-ASCII characters are rejected without being decoded in full. */
const MAX_DECODED_LINE_BYTES = 1024;

/** Column names that a numbers file may start with; compared in lower case, with `_` and `-` read as spaces. */
const HEADER_NAMES = new Set([
	'number',
	'numbers',
	'msisdn',
	'msisdns',
	'phone',
	'phones',
	'phone number',
	'phone numbers',
	'phonenumber',
	'telephone',
	'telephone number',
	'tel',
	'mobile',
	'mobile number',
	'cell',
	'e164',
	'e.164',
	'test number',
	'test numbers',
	'destination',
	'destination number',
]);

export interface NumberOptions {
	/**
	 * Whether to remove spaces, dashes, dots and brackets and a leading `+` or `00` international
	 * prefix. When off, a line must be digits with an optional leading `+`, and is sent as it is.
	 */
	normalize: boolean;
}

const OK = 0;
const BLANK = 1;
const REJECTED = 2;
type Outcome = typeof OK | typeof BLANK | typeof REJECTED;

const PLUS = 0x2b;
const ZERO = 0x30;
const NINE = 0x39;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;
const TAB = 0x09;
const DOT = 0x2e;
/**
 * Number that a spreadsheet wrote with a decimal part: a line ending in .0 or .00
 * (447700900123.0), or seven or more digits, one dot and more digits (447700900123.5).
 * Dots between shorter groups, as in 44.7700.900.123, format the number instead.
 */
const DECIMAL_PART = /(\d\.0{1,2}$)|(^\+?\d{7,}\.\d+$)/;
/** A long number a spreadsheet shows in scientific notation: 4.47700900123E+11 */
const SCIENTIFIC = /^\+?\d(\.\d+)?e\+?\d+$/i;
const LETTER = /^\p{L}$/u;

function unitAt(units: Uint8Array | string, index: number): number {
	return typeof units === 'string' ? units.charCodeAt(index) : units[index];
}

function isTrailingFiller(code: number): boolean {
	return isSpace(code) || code === COMMA || code === SEMICOLON;
}

function textOf(units: Uint8Array | string, start: number, end: number): string {
	if (typeof units === 'string') return units.slice(start, end);
	return Buffer.from(units.buffer, units.byteOffset + start, end - start).toString('latin1');
}

/** Returns why a line looks like a number cell that a spreadsheet wrote badly, or undefined. */
function findSpreadsheetNumberProblem(text: string): string | undefined {
	const advice = 'format the column as text in the spreadsheet and export it again';
	if (DECIMAL_PART.test(text)) {
		return `ends in a decimal part "${text.slice(text.lastIndexOf('.'))}", as a spreadsheet writes a number stored as a number; remove it, or ${advice}`;
	}
	if (SCIENTIFIC.test(text)) {
		return `is in scientific notation, as a spreadsheet shows a long number stored as a number, and its last digits may be lost; ${advice}`;
	}
	return undefined;
}

function isLetter(code: number): boolean {
	if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) return true;
	return code >= 0x80 && LETTER.test(String.fromCharCode(code));
}

/** Characters that format a number for reading: dashes (also Unicode ones), dots and round brackets. */
function isSeparator(code: number): boolean {
	return (
		isSpace(code) ||
		code === 0x2d ||
		code === 0x2e ||
		code === 0x28 ||
		code === 0x29 ||
		(code >= 0x2010 && code <= 0x2015) ||
		code === 0x2212 ||
		code === 0xfe63 ||
		code === 0xff0d
	);
}

/**
 * Reads one line or value into digits. It keeps its state in fields instead of returning
 * objects, because it runs once per line of files with millions of lines.
 */
class NumberParser {
	/** ASCII codes of the text to send; a leading `+` is kept only when not normalizing. */
	readonly output = new Uint8Array(MAX_DIGITS + 1);

	outputLength = 0;

	/** The digits as a number, used to find duplicates. Exact, because 15 digits stay below 2^53. */
	key = 0;

	/** Whether the text sent differs from the line without its surrounding whitespace. */
	changed = false;

	reason = '';

	private readonly digits = new Uint8Array(MAX_DIGITS + 3);

	private digitCount = 0;

	private reject(reason: string): Outcome {
		this.reason = reason;
		return REJECTED;
	}

	private pushDigit(code: number): void {
		if (this.digitCount < this.digits.length) this.digits[this.digitCount] = code;
		this.digitCount++;
	}

	/** Parses `units[start, end)`, a Buffer of ASCII bytes or a string. */
	parse(units: Uint8Array | string, start: number, end: number, normalize: boolean): Outcome {
		let first = start;
		let last = end;
		while (first < last && isSpace(unitAt(units, first))) first++;
		// Empty columns after the number, as spreadsheet exports leave them, are not a second column.
		while (last > first && isTrailingFiller(unitAt(units, last - 1))) last--;
		// A CSV export may quote every value: "447700900123" is that number.
		const quoted = last - first >= 2 && unitAt(units, first) === QUOTE && unitAt(units, last - 1) === QUOTE;
		if (quoted) {
			first++;
			last--;
			while (first < last && isSpace(unitAt(units, first))) first++;
			while (last > first && isSpace(unitAt(units, last - 1))) last--;
		}
		if (first === last) return BLANK;

		let hasPlus = false;
		this.digitCount = 0;
		let letter = false;
		let other = -1;
		let separator = -1;
		let laterPlus = false;
		let columnSeparator = -1;
		let hasDot = false;

		for (let index = first; index < last; index++) {
			const code = unitAt(units, index);
			if (code >= ZERO && code <= NINE) {
				this.pushDigit(code);
			} else if (code === TAB) {
				// A tab inside a line separates columns, as in a sheet pasted or exported as text.
				if (columnSeparator === -1) columnSeparator = code;
			} else if (code === PLUS) {
				// A + before any digit is the international prefix, also inside brackets as in "(+44) 20 …".
				if (this.digitCount === 0 && !hasPlus) hasPlus = true;
				else laterPlus = true;
			} else if (isSeparator(code)) {
				if (separator === -1) separator = code;
				if (code === DOT) hasDot = true;
				// "+44 (0)20 …": the 0 in brackets is the national trunk prefix, dialled only from inside the country.
				if (
					normalize &&
					code === 0x28 &&
					index + 2 < last &&
					unitAt(units, index + 1) === ZERO &&
					unitAt(units, index + 2) === 0x29 &&
					this.hasInternationalPrefix(hasPlus)
				) {
					index += 2;
				}
			} else if (isLetter(code)) {
				letter = true;
			} else if (code === COMMA || code === SEMICOLON) {
				if (columnSeparator === -1) columnSeparator = code;
			} else if (other === -1) {
				other = index;
			}
		}

		if (columnSeparator !== -1) {
			return this.reject(
				`has several columns (separated by ${describeCharacter(String.fromCharCode(columnSeparator))}); a numbers file has one number per line, so keep only the number column, or set Source to Input Items and name the Number Field`,
			);
		}
		if (letter || hasDot) {
			const spreadsheetProblem = findSpreadsheetNumberProblem(textOf(units, first, last));
			if (spreadsheetProblem) return this.reject(spreadsheetProblem);
		}
		if (letter) return this.reject('contains letters');
		if (other !== -1) {
			const character = typeof units === 'string' ? String.fromCodePoint(units.codePointAt(other) ?? 0) : String.fromCharCode(units[other]);
			return this.reject(`contains ${describeCharacter(character)}, which is not part of a phone number`);
		}
		if (laterPlus) return this.reject('has a "+" after the start; only a leading "+" is allowed');
		if (!normalize && separator !== -1) {
			return this.reject(
				`contains ${describeCharacter(String.fromCharCode(separator))}; turn on Normalize Numbers to remove spaces, dashes, dots and brackets`,
			);
		}
		if (this.digitCount === 0) return this.reject('contains no digits');

		const prefixLength = normalize && !hasPlus && this.startsWithDoubleZero() ? 2 : 0;
		const count = this.digitCount - prefixLength;
		if (!normalize && this.startsWithDoubleZero()) {
			return this.reject('starts with the international prefix 00; turn on Normalize Numbers to remove it');
		}
		if (count > 0 && this.digits[prefixLength] === ZERO) {
			return this.reject('starts with 0, so it is a national number; write it in international format with the country code, such as 447700900123');
		}
		if (count < MIN_DIGITS) return this.reject(`has ${count} digits, fewer than the ${MIN_DIGITS} of the shortest international numbers`);
		if (count > MAX_DIGITS) return this.reject(`has ${count} digits, more than the ${MAX_DIGITS} that E.164 allows`);

		this.outputLength = 0;
		if (hasPlus && !normalize) this.output[this.outputLength++] = PLUS;
		let key = 0;
		for (let index = prefixLength; index < this.digitCount; index++) {
			const digit = this.digits[index];
			this.output[this.outputLength++] = digit;
			key = key * 10 + (digit - ZERO);
		}
		this.key = key;
		this.changed = quoted || last - first !== this.outputLength;
		return OK;
	}

	private startsWithDoubleZero(): boolean {
		return this.digitCount >= 2 && this.digits[0] === ZERO && this.digits[1] === ZERO;
	}

	/** Returns whether the digits read so far include a country code after a `+` or `00`. */
	private hasInternationalPrefix(hasPlus: boolean): boolean {
		return hasPlus ? this.digitCount >= 1 : this.digitCount >= 3 && this.startsWithDoubleZero();
	}
}

function hashOf(key: number): number {
	// `>>> 0` keeps the low 32 bits of the whole number; the division gives the bits above them.
	const low = key >>> 0;
	const high = Math.floor(key / 4294967296);
	const hash = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
	return (hash ^ (hash >>> 15)) >>> 0;
}

/**
 * The numbers already written to the output, for finding duplicates. It is a hash table with
 * open addressing and linear probing that stores, for each number, the offset where its digits
 * start in the output: 4 bytes a slot instead of the number, because the output already contains
 * the digits. A million numbers take about 5.7 MB.
 */
export class WrittenNumbers {
	private table = new Uint32Array(16);

	private count = 0;

	private static readonly MAX_LOAD = 0.7;

	constructor(private readonly output: ByteWriter) {}

	private static capacityFor(entries: number): number {
		return Math.max(16, Math.ceil(entries / WrittenNumbers.MAX_LOAD) + 1);
	}

	get size(): number {
		return this.count;
	}

	/** Makes room for `extra` more numbers at once, so that adding them never rehashes. */
	reserve(extra: number): void {
		const capacity = WrittenNumbers.capacityFor(this.count + extra);
		if (capacity > this.table.length) this.rehash(capacity);
	}

	/** Reads the number whose digits start at `offset` in the output; they end at the first other byte. */
	private keyAt(offset: number): number {
		let key = 0;
		for (let index = offset; index < this.output.byteLength; index++) {
			const byte = this.output.byteAt(index);
			if (byte < ZERO || byte > NINE) break;
			key = key * 10 + (byte - ZERO);
		}
		return key;
	}

	private rehash(capacity: number): void {
		const old = this.table;
		this.table = new Uint32Array(capacity);
		for (const entry of old) {
			if (entry === 0) continue;
			let slot = hashOf(this.keyAt(entry - 1)) % capacity;
			while (this.table[slot] !== 0) slot = slot + 1 === capacity ? 0 : slot + 1;
			this.table[slot] = entry;
		}
	}

	/** Returns the slot that contains `key`, or the empty slot where it belongs, as `~slot`. */
	find(key: number): number {
		if (this.count + 1 > this.table.length * WrittenNumbers.MAX_LOAD) this.rehash(WrittenNumbers.capacityFor(this.count * 2 + 1));
		const { table } = this;
		let slot = hashOf(key) % table.length;
		while (table[slot] !== 0) {
			if (this.keyAt(table[slot] - 1) === key) return slot;
			slot = slot + 1 === table.length ? 0 : slot + 1;
		}
		return ~slot;
	}

	/** Records that the digits of the number that `find` did not find start at `offset`. */
	insert(emptySlot: number, offset: number): void {
		this.table[~emptySlot] = offset + 1;
		this.count++;
	}
}

/** Counts the lines of a file cheaply, to size the buffers before scanning it. */
function estimateLineCount(bytes: Buffer, start: number): number {
	let count = 0;
	for (let index = bytes.indexOf(LF, start); index !== -1; index = bytes.indexOf(LF, index + 1)) count++;
	if (count === 0) {
		for (let index = bytes.indexOf(CR, start); index !== -1; index = bytes.indexOf(CR, index + 1)) count++;
	}
	return count + 1;
}

function isHeaderLine(text: string): boolean {
	const name = trimSpaces(text)
		.replace(/^["']+|["'\s,;]+$/g, '')
		.toLowerCase()
		.replace(/[\s_-]+/g, ' ');
	return HEADER_NAMES.has(name);
}

/**
 * Builds the numbers file of one import from files or item values, keeping the counts and
 * rejected lines in `report`. The first occurrence of a number is sent, later ones are counted
 * as duplicates.
 */
export class NumberFileBuilder {
	readonly report = new UploadReport();

	private readonly parser = new NumberParser();

	private readonly writer = new ByteWriter(0);

	private readonly written = new WrittenNumbers(this.writer);

	/** Whether the last number written has no line break after it yet. */
	private lineOpen = false;

	constructor(private readonly options: NumberOptions) {}

	/** Prepares for `count` more values, so a known number of items fills the buffers without copies. */
	reserveValues(count: number): void {
		this.written.reserve(count);
		this.writer.reserve(count * (MAX_DIGITS + 2));
	}

	/**
	 * Checks every line of a file, skipping blank lines and a header line at the start.
	 *
	 * The first file is checked in place, so a file of a million numbers needs no second buffer.
	 * This is safe because each number written is at most as long as its line, and its LF replaces
	 * the line's end: the output never overtakes the bytes still to be read. So `data` is
	 * overwritten; pass a buffer that nothing else reads. For the same reason, a number on a last line without a line break
	 * is written without one: the buffer may have no room for it.
	 */
	addFile(data: Buffer, itemIndex: number): FileSummary {
		const { bytes, start, bytesEncoding, encoding } = toAsciiCompatible(data);
		if (this.writer.byteLength === 0 && !this.lineOpen) {
			this.writer.adopt(bytes);
		} else {
			this.writer.reserve(bytes.length - start + 1);
		}
		this.written.reserve(estimateLineCount(bytes, start));

		let headerSkipped = false;
		let firstLine = true;
		let lineNumber = 1;
		let lineStart = start;
		let hasNonAscii = false;

		const readLine = (lineEnd: number, hasLineBreak: boolean) => {
			const outcome = this.parseLine(bytes, lineStart, lineEnd, hasNonAscii, bytesEncoding);
			if (outcome === BLANK) return;
			if (firstLine) {
				firstLine = false;
				if (outcome === REJECTED && isHeaderLine(decodeLine(bytes, lineStart, lineEnd, bytesEncoding))) {
					headerSkipped = true;
					return;
				}
			}
			this.report.linesRead++;
			if (outcome === REJECTED) {
				const text = decodeLine(bytes, lineStart, lineEnd, bytesEncoding);
				this.report.reject({ itemIndex, line: lineNumber, text: trimSpaces(text), reason: this.parser.reason });
				return;
			}
			this.accept(hasLineBreak);
		};

		for (let index = start; index < bytes.length; index++) {
			const byte = bytes[index];
			if (byte === LF || byte === CR) {
				readLine(index, true);
				if (byte === CR && bytes[index + 1] === LF) index++;
				lineStart = index + 1;
				lineNumber++;
				hasNonAscii = false;
			} else if (byte >= 0x80) {
				hasNonAscii = true;
			}
		}
		if (lineStart < bytes.length) readLine(bytes.length, false);
		if (this.lineOpen && bytes.length > 0 && (bytes[bytes.length - 1] === LF || bytes[bytes.length - 1] === CR)) {
			// An earlier file left its last number without a line break, and this one added no number.
			this.closeLine();
		}

		return { encoding, headerSkipped };
	}

	private parseLine(
		bytes: Buffer,
		start: number,
		end: number,
		hasNonAscii: boolean,
		bytesEncoding: AsciiCompatibleEncoding,
	): Outcome {
		const { parser, options } = this;
		if (!hasNonAscii) return parser.parse(bytes, start, end, options.normalize);
		if (end - start > MAX_DECODED_LINE_BYTES) {
			parser.reason = `is ${end - start} bytes long, too long for a phone number`;
			return REJECTED;
		}
		const text = bytes.toString(bytesEncoding, start, end);
		return parser.parse(text, 0, text.length, options.normalize);
	}

	/**
	 * Checks the value of an item's number field. Unlike a blank line in a file, a missing or
	 * empty value is rejected, because it means a row without a number.
	 */
	addValue(itemIndex: number, field: FieldValue, fieldName: string): void {
		this.report.linesRead++;
		const { value } = field;
		const reject = (reason: string) => this.report.reject({ itemIndex, text: valueAsText(value), reason });

		if (!field.found) return reject(`has no field "${fieldName}"`);
		if (value === null || value === undefined) return reject(`the field "${fieldName}" is empty`);

		let text: string;
		if (typeof value === 'number') {
			if (!Number.isSafeInteger(value)) {
				return reject(`the field "${fieldName}" is the number ${value}, which is not a whole number that can be read exactly; store phone numbers as text`);
			}
			text = String(value);
		} else if (typeof value === 'string') {
			text = value;
		} else {
			return reject(`the field "${fieldName}" is ${describeKind(value)}, not text or a number`);
		}

		const outcome = this.parser.parse(text, 0, text.length, this.options.normalize);
		if (outcome === BLANK) return reject(`the field "${fieldName}" is empty`);
		if (outcome === REJECTED) return reject(this.parser.reason);
		this.accept(true);
	}

	private closeLine(): void {
		this.writer.writeByte(LF);
		this.lineOpen = false;
	}

	/** Writes the parsed number unless it was written before; `lineBreak` false leaves its line open. */
	private accept(lineBreak = true): void {
		const { parser, report } = this;
		const slot = this.written.find(parser.key);
		if (slot >= 0) {
			report.duplicates++;
			return;
		}

		if (this.lineOpen) this.closeLine();
		const hasPlus = parser.output[0] === PLUS;
		this.written.insert(slot, this.writer.byteLength + (hasPlus ? 1 : 0));
		this.writer.writeBytes(parser.output, 0, parser.outputLength);
		if (lineBreak) this.writer.writeByte(LF);
		else this.lineOpen = true;
		report.linesSent++;
		if (parser.changed) report.normalized++;
	}

	/** Returns the file to send. It shares memory with the builder. */
	toBuffer(): Buffer {
		return this.writer.toBuffer();
	}
}

function decodeLine(bytes: Buffer, start: number, end: number, encoding: AsciiCompatibleEncoding): string {
	// Only the start of a long line is shown in reports.
	return bytes.toString(encoding, start, Math.min(end, start + 256));
}
