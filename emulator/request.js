// @ts-check
'use strict';

/**
 * Reading of API request bodies: form-urlencoded and multipart/form-data, with a size
 * limit, into decoded fields and the uploaded file.
 */

const { MultipartParser, MultipartError } = require('./multipart');
const {
	createFieldSet,
	setField,
	parseFormEncoded,
	parseContentType,
	decodeText,
	normaliseFieldName,
} = require('./protocol');
const { UPLOAD_FIELD } = require('./operations');

/** @typedef {import('./types').FieldSet} FieldSet */
/** @typedef {import('./types').UploadedFile} UploadedFile */
/** @typedef {import('./types').TextEncoding} TextEncoding */

/**
 * @typedef {object} ParsedBody
 * @property {FieldSet} fields
 * @property {UploadedFile | null} file
 */

/** Raised when a body cannot be accepted. `status` is the HTTP status of the response. */
class RequestBodyError extends Error {
	/**
	 * @param {number} status
	 * @param {string} message
	 */
	constructor(status, message) {
		super(message);
		this.name = 'RequestBodyError';
		this.status = status;
	}
}

/**
 * Feeds the request body to `onChunk`. Rejects with a 413 RequestBodyError once the body
 * is larger than `maxBytes`, and keeps reading and dropping the rest so the client can
 * finish sending and read the response.
 * @param {import('node:http').IncomingMessage} request
 * @param {number} maxBytes
 * @param {(chunk: Buffer) => void} onChunk
 * @returns {Promise<void>}
 */
function readBody(request, maxBytes, onChunk) {
	return new Promise((resolve, reject) => {
		let received = 0;
		let failed = false;

		/** @param {unknown} error */
		const fail = (error) => {
			if (failed) return;
			failed = true;
			reject(error);
		};

		request.on('data', (/** @type {Buffer} */ chunk) => {
			if (failed) return;
			received += chunk.length;
			if (received > maxBytes) {
				fail(tooLarge(maxBytes));
				return;
			}
			try {
				onChunk(chunk);
			} catch (error) {
				fail(error);
			}
		});
		request.on('end', () => {
			if (!failed) resolve();
		});
		request.on('error', fail);
	});
}

/** @param {number} maxBytes */
function tooLarge(maxBytes) {
	return new RequestBodyError(413, `Request body too large: the limit is ${maxBytes} bytes`);
}

/**
 * Reads and decodes the body of an API request. A body of another content type is read
 * and ignored, so its login fields are missing, as on a PHP server.
 * @param {import('node:http').IncomingMessage} request
 * @param {{ maxUploadBytes: number, textEncoding: TextEncoding }} options
 * @returns {Promise<ParsedBody>}
 */
async function readApiBody(request, options) {
	const declaredLength = Number(request.headers['content-length']);
	if (declaredLength > options.maxUploadBytes) {
		request.resume();
		throw tooLarge(options.maxUploadBytes);
	}

	const { mediaType, parameters } = parseContentType(request.headers['content-type']);

	if (mediaType === 'multipart/form-data') {
		return readMultipart(request, parameters.boundary, options);
	}

	if (mediaType === 'application/x-www-form-urlencoded') {
		/** @type {Buffer[]} */
		const chunks = [];
		await readBody(request, options.maxUploadBytes, (chunk) => chunks.push(chunk));
		return { fields: parseFormEncoded(Buffer.concat(chunks), options.textEncoding), file: null };
	}

	await readBody(request, options.maxUploadBytes, () => {});
	return { fields: createFieldSet(), file: null };
}

/**
 * Reads a multipart body into form fields and the `uploadfile` file.
 *
 * Parts with a non-empty `filename` are files. Of those only `uploadfile` is used, and a
 * repeated one replaces the earlier. Other parts are form fields. An empty filename means
 * that no file was chosen, as in PHP, so the part is dropped.
 * @param {import('node:http').IncomingMessage} request
 * @param {string | undefined} boundary
 * @param {{ maxUploadBytes: number, textEncoding: TextEncoding }} options
 * @returns {Promise<ParsedBody>}
 */
async function readMultipart(request, boundary, options) {
	let parser;
	try {
		if (boundary === undefined) {
			throw new MultipartError('Missing boundary parameter in the multipart/form-data Content-Type header');
		}
		parser = new MultipartParser(boundary);
	} catch (error) {
		request.resume();
		throw asBodyError(error);
	}

	let parts;
	try {
		await readBody(request, options.maxUploadBytes, (chunk) => parser.write(chunk));
		parts = parser.end();
	} catch (error) {
		throw asBodyError(error);
	}

	const fields = createFieldSet();
	/** @type {UploadedFile | null} */
	let file = null;
	const decodeHeaderText = (/** @type {string} */ text) => decodeText(Buffer.from(text, 'latin1'), options.textEncoding);

	for (const part of parts) {
		const name = normaliseFieldName(decodeHeaderText(/** @type {string} */ (part.name)));
		if (part.fileName === null) {
			setField(fields, name, part.content, options.textEncoding);
		} else if (part.fileName !== '' && name === UPLOAD_FIELD) {
			file = {
				fieldName: name,
				fileName: decodeHeaderText(part.fileName),
				contentType: part.contentType,
				bytes: part.content,
				byteLength: part.content.length,
			};
		}
	}

	return { fields, file };
}

/**
 * Turns a multipart syntax error into a 400 response. Other errors pass unchanged.
 * @param {unknown} error
 */
function asBodyError(error) {
	if (error instanceof MultipartError) return new RequestBodyError(400, error.message);
	return error;
}

module.exports = { readApiBody, RequestBodyError };
