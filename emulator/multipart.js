// @ts-check
'use strict';

/**
 * Streaming multipart/form-data parser (RFC 7578) over Buffers.
 *
 * Part contents are kept as views into the received chunks and joined once when the
 * part ends, so a file is copied a single time however large it is. Only the few
 * bytes that may start a boundary are carried from one chunk to the next.
 */

const { splitHeaderParameters, unquote } = require('./protocol');

/** Raised for a body that does not follow the multipart syntax. */
class MultipartError extends Error {
	/** @param {string} message */
	constructor(message) {
		super(message);
		this.name = 'MultipartError';
	}
}

/**
 * @typedef {object} MultipartPart
 * @property {string | null} name Field name from Content-Disposition (header bytes read as Latin-1), or null.
 * @property {string | null} fileName The `filename` parameter, or null when the part is not a file.
 * @property {string | null} contentType The part's Content-Type header, or null.
 * @property {Buffer} content
 */

/**
 * @typedef {object} OpenPart
 * @property {string | null} name
 * @property {string | null} fileName
 * @property {string | null} contentType
 * @property {Buffer[]} chunks
 * @property {number} byteLength
 */

const PREAMBLE = 0;
const HEADERS = 1;
const BODY = 2;
const AFTER_BOUNDARY = 3;
const DONE = 4;

const CR = 0x0d;
const LF = 0x0a;
const HYPHEN = 0x2d;
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
/** @type {Buffer} */
const EMPTY = Buffer.alloc(0);

/** Maximum size in bytes of one part's header block. A longer block is rejected. */
const MAX_HEADER_BYTES = 16 * 1024;
/** Maximum length of the optional whitespace allowed between a boundary and its CRLF. */
const MAX_BOUNDARY_PADDING = 256;

/**
 * Checks a boundary parameter against RFC 2046 (1 to 70 characters from a fixed set,
 * not ending in a space).
 * @param {string | undefined} boundary
 * @returns {boundary is string}
 */
function isValidBoundary(boundary) {
	return (
		typeof boundary === 'string' &&
		/^[0-9A-Za-z'()+_,\-./:=? ]{1,70}$/.test(boundary) &&
		!boundary.endsWith(' ')
	);
}

class MultipartParser {
	/** @param {string} boundary The boundary parameter of the Content-Type header. */
	constructor(boundary) {
		if (!isValidBoundary(boundary)) {
			throw new MultipartError(`Invalid multipart boundary: ${JSON.stringify(boundary)}`);
		}

		/** Each boundary after the first is preceded by CRLF, which belongs to the delimiter. */
		this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
		/**
		 * Unprocessed bytes from the end of the previous chunk. It starts as a CRLF so that
		 * a body opening directly with `--boundary` matches the same delimiter.
		 * @type {Buffer}
		 */
		this.carry = Buffer.from('\r\n', 'latin1');
		this.state = PREAMBLE;
		/** @type {MultipartPart[]} */
		this.parts = [];
		/** @type {OpenPart | null} */
		this.current = null;
	}

	/**
	 * Consumes the next chunk of the body.
	 * @param {Buffer} chunk
	 */
	write(chunk) {
		if (this.state === DONE || chunk.length === 0) return;

		let data = chunk;
		if (this.carry.length > 0) {
			data = this.joinCarry(chunk);
			this.carry = EMPTY;
		}
		this.consume(data);
	}

	/**
	 * Finishes parsing and returns the parts.
	 * @returns {MultipartPart[]}
	 */
	end() {
		if (this.state !== DONE) {
			throw new MultipartError('Malformed multipart body: the closing boundary is missing');
		}
		return this.parts;
	}

	/**
	 * Returns the bytes to process next: the carried bytes followed by `chunk`.
	 *
	 * Inside a part body, the large chunk is not copied. Only the carried tail plus the
	 * first bytes of the chunk are searched for a delimiter that spans the two, because a
	 * delimiter lying wholly inside the chunk is found later by `consume`.
	 * @param {Buffer} chunk
	 */
	joinCarry(chunk) {
		const inContent = this.state === BODY || this.state === PREAMBLE;
		if (!inContent || chunk.length < this.delimiter.length) {
			return Buffer.concat([this.carry, chunk]);
		}

		const window = Buffer.concat([this.carry, chunk.subarray(0, this.delimiter.length - 1)]);
		const index = window.indexOf(this.delimiter);
		if (index === -1) {
			this.emitContent(this.carry);
			return chunk;
		}

		// The window contains fewer than a full delimiter's bytes of the chunk, so a match starts in the carry.
		this.emitContent(this.carry.subarray(0, index));
		this.closePart();
		this.state = AFTER_BOUNDARY;
		return chunk.subarray(index + this.delimiter.length - this.carry.length);
	}

	/** @param {Buffer} input */
	consume(input) {
		let data = input;

		while (data.length > 0 && this.state !== DONE) {
			if (this.state === PREAMBLE || this.state === BODY) {
				const index = data.indexOf(this.delimiter);
				if (index === -1) {
					// Keep the bytes that might be the start of a delimiter completed by the next chunk.
					const keep = Math.min(this.delimiter.length - 1, data.length);
					this.emitContent(data.subarray(0, data.length - keep));
					this.carry = data.subarray(data.length - keep);
					return;
				}
				this.emitContent(data.subarray(0, index));
				this.closePart();
				this.state = AFTER_BOUNDARY;
				data = data.subarray(index + this.delimiter.length);
			} else if (this.state === AFTER_BOUNDARY) {
				const rest = this.readBoundaryEnding(data);
				if (rest === null) {
					this.carry = data;
					return;
				}
				data = rest;
			} else if (this.state === HEADERS) {
				const rest = this.readHeaders(data);
				if (rest === null) {
					this.carry = data;
					return;
				}
				data = rest;
			}
		}
	}

	/**
	 * Reads what follows a boundary: `--` closes the body, and otherwise optional spaces or
	 * tabs and a CRLF open the next part. Returns the remaining bytes, or null when more
	 * bytes are needed.
	 * @param {Buffer} data
	 * @returns {Buffer | null}
	 */
	readBoundaryEnding(data) {
		if (data.length < 2) return null;
		if (data[0] === HYPHEN && data[1] === HYPHEN) {
			this.state = DONE;
			return EMPTY;
		}

		let index = 0;
		while (index < data.length && (data[index] === 0x20 || data[index] === 0x09)) index++;
		if (index > MAX_BOUNDARY_PADDING) {
			throw new MultipartError('Malformed multipart body: too much whitespace after a boundary');
		}
		if (index + 2 > data.length) return null;
		if (data[index] !== CR || data[index + 1] !== LF) {
			throw new MultipartError('Malformed multipart body: a boundary is not followed by CRLF');
		}

		this.state = HEADERS;
		return data.subarray(index + 2);
	}

	/**
	 * Reads a part's header block up to the empty line. Returns the remaining bytes, or
	 * null when more bytes are needed.
	 * @param {Buffer} data
	 * @returns {Buffer | null}
	 */
	readHeaders(data) {
		let headerBlock;
		let rest;

		if (data[0] === CR && (data.length === 1 || data[1] === LF)) {
			// A part with no header lines starts with the empty line itself.
			if (data.length === 1) return null;
			headerBlock = EMPTY;
			rest = data.subarray(2);
		} else {
			const index = data.indexOf(HEADER_END);
			if (index === -1) {
				if (data.length > MAX_HEADER_BYTES) {
					throw new MultipartError(`Malformed multipart body: a part header is longer than ${MAX_HEADER_BYTES} bytes`);
				}
				return null;
			}
			if (index > MAX_HEADER_BYTES) {
				throw new MultipartError(`Malformed multipart body: a part header is longer than ${MAX_HEADER_BYTES} bytes`);
			}
			headerBlock = data.subarray(0, index);
			rest = data.subarray(index + HEADER_END.length);
		}

		this.openPart(parsePartHeaders(headerBlock));
		this.state = BODY;
		return rest;
	}

	/** @param {{ name: string | null, fileName: string | null, contentType: string | null }} headers */
	openPart(headers) {
		this.current = { ...headers, chunks: [], byteLength: 0 };
	}

	/** @param {Buffer} content */
	emitContent(content) {
		// Preamble bytes and parts without a field name are read and dropped, as PHP drops them.
		if (this.state !== BODY || !this.current || this.current.name === null || content.length === 0) return;
		this.current.chunks.push(content);
		this.current.byteLength += content.length;
	}

	closePart() {
		const part = this.current;
		this.current = null;
		if (!part || part.name === null) return;

		const content = part.chunks.length === 1 ? part.chunks[0] : Buffer.concat(part.chunks, part.byteLength);
		this.parts.push({ name: part.name, fileName: part.fileName, contentType: part.contentType, content });
	}
}

/**
 * Extracts the field name, file name and content type from a part's header block.
 * Header bytes are read as Latin-1 so that every byte survives, and callers re-decode names.
 * @param {Buffer} block
 */
function parsePartHeaders(block) {
	/** @type {{ name: string | null, fileName: string | null, contentType: string | null }} */
	const headers = { name: null, fileName: null, contentType: null };
	if (block.length === 0) return headers;

	for (const line of block.toString('latin1').split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon === -1) {
			throw new MultipartError(`Malformed multipart body: invalid part header line ${JSON.stringify(line)}`);
		}
		const headerName = line.slice(0, colon).trim().toLowerCase();
		const value = line.slice(colon + 1).trim();

		if (headerName === 'content-type') {
			headers.contentType = value;
		} else if (headerName === 'content-disposition') {
			const [disposition, ...parameters] = splitHeaderParameters(value);
			if (disposition.trim().toLowerCase() !== 'form-data') continue;
			for (const parameter of parameters) {
				const equals = parameter.indexOf('=');
				if (equals === -1) continue;
				const key = parameter.slice(0, equals).trim().toLowerCase();
				const parameterValue = unquote(parameter.slice(equals + 1).trim());
				if (key === 'name') headers.name = parameterValue;
				if (key === 'filename') headers.fileName = parameterValue;
			}
		}
	}

	return headers;
}

module.exports = { MultipartParser, MultipartError, isValidBoundary };
