/**
 * Text encodings and form/query percent-encoding for the iTest API.
 *
 * iTest's server is PHP and decodes `%XX` escapes to raw bytes, which it then reads in its own
 * character set. So every value is first turned into bytes of the credential's text encoding and
 * then percent-encoded byte by byte. URLSearchParams cannot be used because it always encodes UTF-8.
 */

export type TextEncodingName = 'latin1' | 'utf8';

export const TEXT_ENCODING_LABELS: Record<TextEncodingName, string> = {
	latin1: 'ISO-8859-1',
	utf8: 'UTF-8',
};

/** A value that cannot be written in the chosen text encoding, with the first offending character. */
export interface EncodingProblem {
	character: string;
	codePoint: string;
	reason: string;
}

const UNRESERVED_BYTE = /[A-Za-z0-9\-._~]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function describeCodePoint(character: string): string {
	const codePoint = character.codePointAt(0) ?? 0;
	return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Finds the first character of `value` that the encoding cannot represent, if any. */
export function findEncodingProblem(
	value: string,
	encoding: TextEncodingName,
): EncodingProblem | undefined {
	const surrogate = LONE_SURROGATE.exec(value);
	if (surrogate) {
		return {
			character: surrogate[0],
			codePoint: describeCodePoint(surrogate[0]),
			reason: 'is half of a broken character pair',
		};
	}

	if (encoding === 'utf8') return undefined;

	for (const character of value) {
		if ((character.codePointAt(0) ?? 0) > 0xff) {
			return {
				character,
				codePoint: describeCodePoint(character),
				reason: `cannot be written in ${TEXT_ENCODING_LABELS.latin1}`,
			};
		}
	}
	return undefined;
}

/**
 * Encodes text to bytes. The caller must have checked the value with `findEncodingProblem`,
 * because Node's Latin-1 encoder silently keeps only the low byte of wider characters.
 */
export function encodeText(value: string, encoding: TextEncodingName): Buffer {
	return Buffer.from(value, encoding);
}

/** Percent-encodes every byte except RFC 3986 unreserved characters, so `&`, `=`, `+` and `#` stay data. */
export function percentEncodeBytes(bytes: Buffer): string {
	let encoded = '';
	for (const byte of bytes) {
		const character = String.fromCharCode(byte);
		encoded += UNRESERVED_BYTE.test(character)
			? character
			: `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
	}
	return encoded;
}

/** Builds `name=value&name=value` with names and values percent-encoded in the given encoding. */
export function encodeFormFields(
	fields: Array<[string, string]>,
	encoding: TextEncodingName,
): string {
	return fields
		.map(
			([name, value]) =>
				`${percentEncodeBytes(encodeText(name, encoding))}=${percentEncodeBytes(encodeText(value, encoding))}`,
		)
		.join('&');
}
