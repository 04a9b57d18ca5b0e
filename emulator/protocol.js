// @ts-check
'use strict';

/**
 * Byte-level decoding of the iTest request format: percent-encoded query strings and
 * form bodies in a configured text encoding, field-name rules of the PHP server, and
 * encoding of response text.
 */

/** @typedef {import('./types').TextEncoding} TextEncoding */
/** @typedef {import('./types').FieldSet} FieldSet */

const PERCENT = 0x25;
const PLUS = 0x2b;
const SPACE = 0x20;
const AMPERSAND = 0x26;
const EQUALS = 0x3d;

/**
 * Returns the value of an ASCII hex digit, or -1 for any other byte.
 * @param {number} byte
 */
function hexDigitValue(byte) {
	if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
	if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
	if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
	return -1;
}

/**
 * Decodes form-urlencoded bytes the way PHP's urldecode does: `%XX` becomes byte XX, `+`
 * becomes a space, and a `%` without two hex digits after it is kept as it is.
 *
 * `+` means a space because the iTest server is PHP, which decodes `$_GET` and
 * `$_POST` with form rules. A client that means a literal plus must send `%2B`.
 * @param {Buffer} encoded
 * @returns {Buffer}
 */
function percentDecode(encoded) {
	const decoded = Buffer.alloc(encoded.length);
	let length = 0;

	for (let i = 0; i < encoded.length; i++) {
		const byte = encoded[i];
		if (byte === PERCENT && i + 2 < encoded.length) {
			const high = hexDigitValue(encoded[i + 1]);
			const low = hexDigitValue(encoded[i + 2]);
			if (high !== -1 && low !== -1) {
				decoded[length++] = high * 16 + low;
				i += 2;
				continue;
			}
		}
		decoded[length++] = byte === PLUS ? SPACE : byte;
	}

	return decoded.subarray(0, length);
}

/**
 * Decodes bytes as text. Invalid UTF-8 sequences become U+FFFD, so a client that sends
 * Latin-1 bytes to a UTF-8 emulator stores visibly damaged values instead of failing.
 * @param {Buffer} bytes
 * @param {TextEncoding} encoding
 */
function decodeText(bytes, encoding) {
	return bytes.toString(encoding === 'utf8' ? 'utf8' : 'latin1');
}

/**
 * Encodes text for a response body. In Latin-1, characters outside ISO-8859-1 become '?'
 * because Node's 'latin1' encoder would otherwise keep only their low byte.
 * @param {string} text
 * @param {TextEncoding} encoding
 */
function encodeText(text, encoding) {
	if (encoding === 'utf8') return Buffer.from(text, 'utf8');
	return Buffer.from(text.replace(/[^\u0000-\u00ff]/gu, '?'), 'latin1');
}

/**
 * Applies PHP's rule for request variable names: a space or a dot in a field name
 * becomes `_`, so `API 84572` arrives as `API_84572`.
 * @param {string} name
 */
function normaliseFieldName(name) {
	return name.replace(/[ .]/g, '_');
}

/** @returns {FieldSet} */
function createFieldSet() {
	return { values: Object.create(null), bytes: Object.create(null) };
}

/**
 * Stores one field. A repeated name replaces the earlier value, as in PHP.
 * @param {FieldSet} fields
 * @param {string} name
 * @param {Buffer} valueBytes
 * @param {TextEncoding} encoding
 */
function setField(fields, name, valueBytes, encoding) {
	fields.values[name] = decodeText(valueBytes, encoding);
	fields.bytes[name] = valueBytes;
}

/**
 * Parses `name=value&name=value` bytes (a query string or a form-urlencoded body).
 * Names and values are percent-decoded, then decoded in `encoding`. A pair without `=`
 * gets an empty value, and an empty name is skipped.
 * @param {Buffer} encoded
 * @param {TextEncoding} encoding
 * @returns {FieldSet}
 */
function parseFormEncoded(encoded, encoding) {
	const fields = createFieldSet();
	let start = 0;

	while (start <= encoded.length) {
		let end = encoded.indexOf(AMPERSAND, start);
		if (end === -1) end = encoded.length;

		const pair = encoded.subarray(start, end);
		if (pair.length > 0) {
			const equals = pair.indexOf(EQUALS);
			const rawName = equals === -1 ? pair : pair.subarray(0, equals);
			const rawValue = equals === -1 ? Buffer.alloc(0) : pair.subarray(equals + 1);
			const name = normaliseFieldName(decodeText(percentDecode(rawName), encoding));
			if (name !== '') setField(fields, name, percentDecode(rawValue), encoding);
		}

		start = end + 1;
	}

	return fields;
}

/**
 * Splits a Content-Type header into its lower-cased media type and parameters.
 * Parameter names are lower-cased and quoted values unquoted.
 * @param {string | undefined} header
 * @returns {{ mediaType: string, parameters: Record<string, string> }}
 */
function parseContentType(header) {
	/** @type {Record<string, string>} */
	const parameters = Object.create(null);
	if (!header) return { mediaType: '', parameters };

	const [mediaType, ...rest] = splitHeaderParameters(header);
	for (const item of rest) {
		const equals = item.indexOf('=');
		if (equals === -1) continue;
		const name = item.slice(0, equals).trim().toLowerCase();
		parameters[name] = unquote(item.slice(equals + 1).trim());
	}

	return { mediaType: mediaType.trim().toLowerCase(), parameters };
}

/**
 * Splits a header value at semicolons that are outside quoted strings.
 * @param {string} header
 * @returns {string[]}
 */
function splitHeaderParameters(header) {
	const items = [];
	let current = '';
	let quoted = false;

	for (let i = 0; i < header.length; i++) {
		const char = header[i];
		if (quoted && char === '\\' && i + 1 < header.length) {
			current += char + header[i + 1];
			i++;
		} else if (char === '"') {
			quoted = !quoted;
			current += char;
		} else if (char === ';' && !quoted) {
			items.push(current);
			current = '';
		} else {
			current += char;
		}
	}
	items.push(current);

	return items;
}

/**
 * Removes the quotes and backslash escapes of an HTTP quoted string. Other values are returned as they are.
 * @param {string} value
 */
function unquote(value) {
	if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
	return value.slice(1, -1).replace(/\\(.)/g, '$1');
}

module.exports = {
	percentDecode,
	decodeText,
	encodeText,
	normaliseFieldName,
	createFieldSet,
	setField,
	parseFormEncoded,
	parseContentType,
	splitHeaderParameters,
	unquote,
};
