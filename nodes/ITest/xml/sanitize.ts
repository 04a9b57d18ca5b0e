/**
 * Rewrites an iTest response into XML that a strict parser accepts, without changing its meaning.
 *
 * iTest names an element after the caller's own id (`<04811849>`, and for ids from a CRM even
 * `<ACME+17>` or `<R&D 7>`), and writes a bare `&` in text. Both are illegal XML. Each illegal
 * element name is swapped for a placeholder that is mapped back after parsing, and each bare `&`
 * is escaped. Document type declarations are rejected because their entities can expand without
 * limit and the API has no use for them.
 */

export type SanitizeResult =
	| { ok: true; xml: string; originalNames: Map<string, string> }
	| { ok: false; problem: 'doctype' | 'truncated' | 'tooComplex'; detail: string };

/**
 * Limits far above any iTest reply (three levels and three elements in the API guide's samples).
 * They keep a hostile reply from costing seconds of CPU: fast-xml-parser 5.12 took about
 * 0.8 s for 40,000 sibling elements on the machine the tests were written on.
 */
export const MAX_ELEMENTS = 1_000;
export const MAX_DEPTH = 32;

const PLAIN_ELEMENT = /^[A-Za-z_][A-Za-z0-9_.-]*(\s+[A-Za-z_][A-Za-z0-9_.:-]*\s*=\s*("[^"<]*"|'[^'<]*'))*\s*$/;
// Names that parse as XML but would collide with JavaScript object internals.
const UNSAFE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const BARE_AMPERSAND = /&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);)/g;

export const PLACEHOLDER_PREFIX = '_itest_name_';

function escapeBareAmpersands(text: string): string {
	return text.replace(BARE_AMPERSAND, '&amp;');
}

function isPlainElement(inner: string): boolean {
	if (!PLAIN_ELEMENT.test(inner)) return false;
	const name = inner.split(/\s/, 1)[0];
	return !UNSAFE_NAMES.has(name) && !name.startsWith(PLACEHOLDER_PREFIX);
}

/** Copies a `<?…?>`, `<!--…-->` or CDATA section unchanged; returns the index after it, or -1. */
function findSectionEnd(text: string, start: number): number {
	const endMarkers: Array<[string, string]> = [
		['<?', '?>'],
		['<!--', '-->'],
		['<![CDATA[', ']]>'],
	];
	for (const [open, close] of endMarkers) {
		if (text.startsWith(open, start)) {
			const end = text.indexOf(close, start + open.length);
			return end < 0 ? -1 : end + close.length;
		}
	}
	return -2;
}

export function sanitizeXml(text: string): SanitizeResult {
	const parts: string[] = [];
	const placeholders = new Map<string, string>();
	const originalNames = new Map<string, string>();
	let position = 0;
	let elements = 0;
	let depth = 0;

	while (position < text.length) {
		const open = text.indexOf('<', position);
		if (open < 0) {
			parts.push(escapeBareAmpersands(text.slice(position)));
			break;
		}
		parts.push(escapeBareAmpersands(text.slice(position, open)));

		const sectionEnd = findSectionEnd(text, open);
		if (sectionEnd === -1) {
			return { ok: false, problem: 'truncated', detail: 'a comment or CDATA section never ends' };
		}
		if (sectionEnd >= 0) {
			parts.push(text.slice(open, sectionEnd));
			position = sectionEnd;
			continue;
		}
		if (text.startsWith('<!', open)) {
			return { ok: false, problem: 'doctype', detail: 'it contains a document type or entity declaration' };
		}

		const close = text.indexOf('>', open);
		if (close < 0) {
			return { ok: false, problem: 'truncated', detail: 'the last tag never ends' };
		}

		let inner = text.slice(open + 1, close);
		const isEndTag = inner.startsWith('/');
		const isEmptyTag = !isEndTag && inner.endsWith('/');
		if (isEndTag) inner = inner.slice(1);
		if (isEmptyTag) inner = inner.slice(0, -1);
		inner = inner.trim();

		if (!isEndTag) elements++;
		if (!isEndTag && !isEmptyTag) depth++;
		if (isEndTag) depth--;
		if (elements > MAX_ELEMENTS) {
			return { ok: false, problem: 'tooComplex', detail: `it has more than ${MAX_ELEMENTS} elements` };
		}
		if (depth > MAX_DEPTH) {
			return { ok: false, problem: 'tooComplex', detail: `its elements nest more than ${MAX_DEPTH} levels deep` };
		}

		if (!isPlainElement(inner)) {
			let placeholder = placeholders.get(inner);
			if (placeholder === undefined) {
				placeholder = `${PLACEHOLDER_PREFIX}${placeholders.size}`;
				placeholders.set(inner, placeholder);
				originalNames.set(placeholder, inner);
			}
			inner = placeholder;
		}

		parts.push(`<${isEndTag ? '/' : ''}${inner}${isEmptyTag ? '/' : ''}>`);
		position = close + 1;
	}

	return { ok: true, xml: parts.join(''), originalNames };
}
