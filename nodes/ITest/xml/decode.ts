/**
 * Turns a response body into text. iTest's server answers in ISO-8859-1 and may say so only in
 * the Content-Type header, only in the XML declaration, or nowhere.
 */

const CHARSET_IN_HEADER = /charset\s*=\s*"?([A-Za-z0-9._-]+)"?/i;
const ENCODING_IN_DECLARATION = /^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/i;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

type BodyCharset = 'utf8' | 'latin1';

function charsetFromLabel(label: string | undefined): BodyCharset | undefined {
	if (!label) return undefined;
	const normalised = label.toLowerCase().replace(/[^a-z0-9]/g, '');
	if (normalised === 'utf8') return 'utf8';
	// WHATWG maps these labels to windows-1252, a superset of Latin-1 for printable text.
	if (['iso88591', 'latin1', 'l1', 'cp1252', 'windows1252', 'usascii', 'ascii'].includes(normalised)) {
		return 'latin1';
	}
	return undefined;
}

function isValidUtf8(bytes: Buffer): boolean {
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(bytes);
		return true;
	} catch {
		return false;
	}
}

/** Decodes `bytes` using the header's charset, then the XML declaration's, then a UTF-8 check. */
export function decodeBody(bytes: Buffer, contentType: string | undefined): string {
	if (bytes.subarray(0, 3).equals(UTF8_BOM)) {
		return bytes.subarray(3).toString('utf8');
	}

	const fromHeader = charsetFromLabel(CHARSET_IN_HEADER.exec(contentType ?? '')?.[1]);
	const head = bytes.subarray(0, 200).toString('latin1').trimStart();
	const fromDeclaration = charsetFromLabel(ENCODING_IN_DECLARATION.exec(head)?.[1]);
	const declared = fromHeader ?? fromDeclaration;

	if (declared === 'latin1') return bytes.toString('latin1');
	if (declared === 'utf8' || isValidUtf8(bytes)) return bytes.toString('utf8');
	// Bytes that are not valid UTF-8 are almost always Latin-1, the server's own character set.
	return bytes.toString('latin1');
}
