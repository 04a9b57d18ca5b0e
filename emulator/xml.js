// @ts-check
'use strict';

/**
 * Response writing in the style of the iTest server.
 *
 * The server names an element after the caller's id (`<04811849>`), which is not a legal
 * XML name, and writes `&` in text without escaping it. The emulator does the same: ids
 * and text are written raw, except that `<` and `>` in text become `&lt;` and `&gt;` so the
 * element structure stays recognisable. Ids that contain `<` or `>` are rejected before
 * they reach a tag (see operations.js).
 */

const { encodeText } = require('./protocol');

/** @typedef {import('./types').ResolvedOptions} ResolvedOptions */

/**
 * Position of a result: the root element and, below it, the element that contains the
 * result. A null wrapper puts the result directly under the root.
 * @typedef {object} Envelope
 * @property {string} root
 * @property {string | null} wrapper
 */

/**
 * @typedef {object} ResultElement
 * @property {'Status' | 'OTP'} element
 * @property {string} text
 */

const INDENT = '    ';

/** @param {string} text */
function escapeText(text) {
	return text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Writes an envelope with one result element, indented by four spaces per level.
 * @param {Envelope} envelope
 * @param {ResultElement} result
 */
function renderEnvelope(envelope, result) {
	const lines = [`<${envelope.root}>`];
	let depth = 1;

	if (envelope.wrapper !== null) {
		lines.push(`${INDENT}<${envelope.wrapper}>`);
		depth = 2;
	}
	lines.push(`${INDENT.repeat(depth)}<${result.element}>${escapeText(result.text)}</${result.element}>`);
	if (envelope.wrapper !== null) lines.push(`${INDENT}</${envelope.wrapper}>`);
	lines.push(`</${envelope.root}>`);

	return lines.join('\n') + '\n';
}

/**
 * Returns the charset name for a text encoding, as written in headers and declarations.
 * @param {import('./types').TextEncoding} encoding
 */
function charsetName(encoding) {
	return encoding === 'utf8' ? 'UTF-8' : 'ISO-8859-1';
}

/**
 * Encodes an XML document for sending, with the declaration and Content-Type the options ask for.
 * @param {string} xml
 * @param {Pick<ResolvedOptions, 'textEncoding' | 'xmlDeclaration' | 'charsetHeader'>} options
 * @returns {{ contentType: string, body: Buffer }}
 */
function encodeXmlResponse(xml, options) {
	const charset = charsetName(options.textEncoding);
	const declaration = options.xmlDeclaration ? `<?xml version="1.0" encoding="${charset}"?>\n` : '';

	return {
		contentType: options.charsetHeader ? `text/xml; charset=${charset}` : 'text/xml',
		body: encodeText(declaration + xml, options.textEncoding),
	};
}

module.exports = { renderEnvelope, encodeXmlResponse, charsetName, escapeText };
