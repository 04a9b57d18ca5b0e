/**
 * Checking breakout permission lines and building the file that is sent: one
 * `COUNTRY, BREAKOUT` per line, LF line endings, in the credential's text encoding.
 *
 * iTest's format has no quoting, so a name that itself contains a comma cannot be sent
 * without being split in the wrong place. Such lines are rejected, never sent.
 */
import type { TextEncodingName } from '../../transport/encoding';
import { encodeText, findEncodingProblem, TEXT_ENCODING_LABELS } from '../../transport/encoding';
import type { FieldValue } from './itemFields';
import { describeKind, valueAsText } from './itemFields';
import { UploadReport } from './report';
import type { FileSummary, InputEncoding } from './textFile';
import { decodeFile, describeCharacter, isSpace, splitLines, trimSpaces } from './textFile';

const COUNTRY_HEADERS = new Set(['country', 'country name', 'countries']);
const BREAKOUT_HEADERS = new Set(['breakout', 'breakout name', 'breakouts']);

/** Returns the code of the first C0 or C1 control character (tab included) in `text`, if any. */
function findControlCharacter(text: string): number | undefined {
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return code;
	}
	return undefined;
}

/** One field of a CSV line. */
interface CsvField {
	value: string;
	quoted: boolean;
}

/**
 * Splits a CSV line into fields, RFC 4180 style: a field in double quotes may contain commas,
 * and `""` inside it is one quote. Whitespace around fields is removed, and empty fields after
 * the second (trailing commas that spreadsheet exports leave) are dropped.
 */
export function parseCsvLine(line: string): CsvField[] | { problem: string } {
	const fields: CsvField[] = [];
	let index = 0;

	for (;;) {
		while (index < line.length && isSpace(line.charCodeAt(index))) index++;

		if (line[index] === '"') {
			let value = '';
			let closed = false;
			index++;
			while (index < line.length) {
				const quote = line.indexOf('"', index);
				if (quote === -1) break;
				value += line.slice(index, quote);
				if (line[quote + 1] === '"') {
					value += '"';
					index = quote + 2;
					continue;
				}
				index = quote + 1;
				closed = true;
				break;
			}
			if (!closed) return { problem: 'has an opening double quote without a closing one' };

			while (index < line.length && isSpace(line.charCodeAt(index))) index++;
			if (index < line.length && line[index] !== ',') {
				return { problem: 'has text after a closing double quote; a quoted name must be followed by a comma or the end of the line' };
			}
			fields.push({ value, quoted: true });
		} else {
			let comma = line.indexOf(',', index);
			if (comma === -1) comma = line.length;
			fields.push({ value: trimSpaces(line.slice(index, comma)), quoted: false });
			index = comma;
		}

		if (index >= line.length) break;
		index++;
	}

	while (fields.length > 2 && fields[fields.length - 1].value === '' && !fields[fields.length - 1].quoted) fields.pop();
	return fields;
}

function headerName(value: string): string {
	return value.toLowerCase().replace(/[\s_-]+/g, ' ');
}

function isHeader(fields: CsvField[]): boolean {
	return (
		fields.length === 2 &&
		COUNTRY_HEADERS.has(headerName(fields[0].value)) &&
		BREAKOUT_HEADERS.has(headerName(fields[1].value))
	);
}

/** A country and breakout pair, or the reason it cannot be sent. */
type Checked = { country: string; breakout: string } | { reason: string };

/**
 * Builds the permissions file of one supplier from files or item values, keeping the counts
 * and rejected lines in `report`. Repeated pairs are sent once and counted as duplicates.
 */
export class BreakoutFileBuilder {
	readonly report = new UploadReport();

	private readonly seen = new Set<string>();

	private readonly lines: string[] = [];

	constructor(private readonly textEncoding: TextEncodingName) {}

	/** Checks every line of a file, skipping blank lines and a `country, breakout` header at the start. */
	addFile(data: Buffer, itemIndex: number): FileSummary {
		const { text, encoding } = decodeFile(data);
		let headerSkipped = false;
		let firstLine = true;

		splitLines(text).forEach((rawLine, index) => {
			const line = trimSpaces(rawLine);
			if (line === '') return;

			const fields = parseCsvLine(line);
			if (firstLine) {
				firstLine = false;
				if (Array.isArray(fields) && isHeader(fields)) {
					headerSkipped = true;
					return;
				}
			}

			this.report.linesRead++;
			const checked = Array.isArray(fields) ? this.checkFields(fields, encoding) : { reason: fields.problem };
			if ('reason' in checked) {
				this.report.reject({ itemIndex, line: index + 1, text: line, reason: checked.reason });
				return;
			}
			this.accept(checked.country, checked.breakout, line);
		});

		return { encoding, headerSkipped };
	}

	/** Checks the country and breakout fields of one input item. */
	addValues(
		itemIndex: number,
		country: FieldValue,
		breakout: FieldValue,
		fieldNames: { country: string; breakout: string },
	): void {
		this.report.linesRead++;
		const text = `${valueAsText(country.value)}, ${valueAsText(breakout.value)}`;

		const reject = (reason: string) => this.report.reject({ itemIndex, text, reason });

		const countryText = this.readValue(country, fieldNames.country);
		if (typeof countryText !== 'string') return reject(countryText.reason);
		const breakoutText = this.readValue(breakout, fieldNames.breakout);
		if (typeof breakoutText !== 'string') return reject(breakoutText.reason);

		const checked = this.checkNames(trimSpaces(countryText), trimSpaces(breakoutText), undefined);
		if ('reason' in checked) return reject(checked.reason);
		this.accept(checked.country, checked.breakout, `${countryText}, ${breakoutText}`);
	}

	private readValue(field: FieldValue, name: string): string | { reason: string } {
		if (!field.found) return { reason: `has no field "${name}"` };
		const { value } = field;
		if (value === null || value === undefined) return { reason: `the field "${name}" is empty` };
		if (typeof value === 'number') return String(value);
		if (typeof value !== 'string') return { reason: `the field "${name}" is ${describeKind(value)}, not text` };
		if (trimSpaces(value) === '') return { reason: `the field "${name}" is empty` };
		return value;
	}

	private checkFields(fields: CsvField[], encoding: InputEncoding): Checked {
		if (fields.length === 1) {
			const other = /[;\t]/.test(fields[0].value) ? ' (semicolons and tabs do not separate the fields here)' : '';
			return { reason: `has no comma between country and breakout; expected COUNTRY, BREAKOUT${other}` };
		}
		if (fields.length > 2) {
			return {
				reason: `has ${fields.length} comma-separated fields, but COUNTRY, BREAKOUT has 2. A name that contains a comma cannot be sent in this format`,
			};
		}
		return this.checkNames(fields[0].value, fields[1].value, encoding);
	}

	/** Checks both names; `inputEncoding` is the file's encoding, or undefined for item values. */
	private checkNames(country: string, breakout: string, inputEncoding: InputEncoding | undefined): Checked {
		const reason = this.checkName(country, 'country', inputEncoding) ?? this.checkName(breakout, 'breakout', inputEncoding);
		return reason === undefined ? { country, breakout } : { reason };
	}

	private checkName(name: string, label: string, inputEncoding: InputEncoding | undefined): string | undefined {
		if (name === '') return `the ${label} is empty`;
		if (name.includes(',')) {
			return `the ${label} "${name}" contains a comma, which iTest's COUNTRY, BREAKOUT format cannot carry unambiguously, so the line is not sent`;
		}

		const control = findControlCharacter(name);
		if (control !== undefined) {
			const hint =
				inputEncoding === 'latin1' && control >= 0x80
					? '; the file may be in Windows-1252, where this byte is a printable character: save it as UTF-8 and upload it again'
					: '';
			return `the ${label} contains the control character ${describeCharacter(String.fromCharCode(control))}${hint}`;
		}

		const problem = findEncodingProblem(name, this.textEncoding);
		if (problem) {
			return `the ${label} contains ${describeCharacter(problem.character)}, which cannot be written in ${TEXT_ENCODING_LABELS[this.textEncoding]}, the Text Encoding of the iTest credential`;
		}
		return undefined;
	}

	private accept(country: string, breakout: string, source: string): void {
		const key = `${country}\n${breakout}`;
		if (this.seen.has(key)) {
			this.report.duplicates++;
			return;
		}
		this.seen.add(key);

		const line = `${country}, ${breakout}`;
		this.lines.push(line);
		this.report.linesSent++;
		if (line !== trimSpaces(source)) this.report.normalized++;
	}

	/** Returns the file to send, encoded in the credential's text encoding. */
	toBuffer(): Buffer {
		return encodeText(this.lines.map((line) => `${line}\n`).join(''), this.textEncoding);
	}
}
