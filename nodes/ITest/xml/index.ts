/**
 * Reads iTest's XML replies into plain data, rejecting anything that is not a well-formed reply.
 *
 * Every reply seen in the API guide has the shape Root > Record > Status (or OTP), where Record is
 * a fixed word (`Adminitration`, sic, `Number_Upload`, `Supplier_Permissions`) or the caller's own
 * id. Status and OTP are therefore looked up by their place in the tree, never by the id's name.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { IDataObject } from 'n8n-workflow';

import { decodeBody } from './decode';
import { sanitizeXml } from './sanitize';

export { decodeBody } from './decode';

export interface ITestReply {
	/** Name of the document element, e.g. `User`. */
	rootName: string;
	/** Name of the element under the root as the server wrote it: a fixed word or the caller's id. */
	recordName?: string;
	status?: string;
	otp?: string;
	/** The whole reply as nested objects, with the server's element names, for "Include Raw Response". */
	tree: IDataObject;
}

export type ReplyProblem = 'empty' | 'html' | 'notXml' | 'doctype' | 'truncated' | 'malformed' | 'tooComplex';

export type ReadReplyResult =
	| { ok: true; reply: ITestReply }
	| { ok: false; problem: ReplyProblem; detail: string };

const parser = new XMLParser({
	ignoreAttributes: true,
	ignoreDeclaration: true,
	ignorePiTags: true,
	// Keep every value a string: ids such as 04811849 and 32-digit OTPs must keep each digit.
	parseTagValue: false,
	trimValues: true,
	htmlEntities: true,
	processEntities: true,
});

const HTML_START = /^(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])/i;
const SAFE_KEY_PREFIX = 'xml:';
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const XML_ESCAPES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeName(name: string): string {
	return name.replace(/&(amp|lt|gt|quot|apos);/g, (_match, entity: string) => XML_ESCAPES[entity]);
}

/** Copies the parsed tree, putting back the element names that the sanitizer replaced. */
function restoreNames(value: unknown, originalNames: Map<string, string>): unknown {
	if (Array.isArray(value)) return value.map((entry) => restoreNames(entry, originalNames));
	if (value === null || typeof value !== 'object') return value;

	const restored: IDataObject = {};
	for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
		const original = originalNames.get(key);
		let name = original === undefined ? key : unescapeName(original);
		if (UNSAFE_KEYS.has(name)) name = `${SAFE_KEY_PREFIX}${name}`;
		restored[name] = restoreNames(child, originalNames) as IDataObject;
	}
	return restored;
}

function textOf(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (Array.isArray(value)) return textOf(value[0]);
	if (value && typeof value === 'object' && '#text' in value) return textOf((value as IDataObject)['#text']);
	return undefined;
}

function asObject(value: unknown): IDataObject | undefined {
	const first = Array.isArray(value) ? value[0] : value;
	return first !== null && typeof first === 'object' ? (first as IDataObject) : undefined;
}

/** Checks that the body looks like XML at all before the parser, which accepts almost anything. */
function classifyNonXml(text: string): ReadReplyResult | undefined {
	const start = text.trimStart();
	if (start.length === 0) return { ok: false, problem: 'empty', detail: 'the response body is empty' };
	if (HTML_START.test(start)) {
		const title = /<title[^>]*>([^<]{0,200})/i.exec(start)?.[1]?.trim();
		return {
			ok: false,
			problem: 'html',
			detail: title ? `an HTML page titled "${title}"` : 'an HTML page',
		};
	}
	if (!start.startsWith('<')) {
		return { ok: false, problem: 'notXml', detail: `text that is not XML: "${start.slice(0, 120)}"` };
	}
	return undefined;
}

/** Reads an already decoded reply text. Never throws: every failure comes back as a problem. */
export function readReplyText(text: string): ReadReplyResult {
	const nonXml = classifyNonXml(text);
	if (nonXml) return nonXml;

	const sanitized = sanitizeXml(text.trim());
	if (!sanitized.ok) return sanitized;

	const validation = XMLValidator.validate(sanitized.xml);
	if (validation !== true) {
		// The validator reports a cut-off document as one unclosed tag or as a list of open tags.
		const reason = validation.err.msg;
		if (/^Unclosed tag|^Invalid '\[/.test(reason)) {
			return { ok: false, problem: 'truncated', detail: 'the reply ends before all its elements are closed' };
		}
		return { ok: false, problem: 'malformed', detail: `${reason} (line ${validation.err.line})` };
	}

	let parsed: unknown;
	try {
		parsed = parser.parse(sanitized.xml);
	} catch (error) {
		return { ok: false, problem: 'malformed', detail: (error as Error).message };
	}

	const tree = restoreNames(parsed, sanitized.originalNames) as IDataObject;
	const rootNames = Object.keys(tree);
	if (rootNames.length !== 1) {
		return {
			ok: false,
			problem: 'malformed',
			detail: `expected one document element, found ${rootNames.length}`,
		};
	}

	const rootName = rootNames[0];
	const root = asObject(tree[rootName]);
	const reply: ITestReply = { rootName, tree };
	if (!root) return { ok: true, reply };

	// Status may sit directly under the root, or one level down inside the record element.
	reply.status = textOf(root.Status);
	reply.otp = textOf(root.OTP);
	const recordName = Object.keys(root).find((key) => key !== 'Status' && key !== 'OTP');
	if (recordName !== undefined) {
		reply.recordName = recordName;
		const record = asObject(root[recordName]);
		if (record) {
			reply.status ??= textOf(record.Status);
			reply.otp ??= textOf(record.OTP);
		}
	}
	return { ok: true, reply };
}

/** Decodes and reads a raw response body. */
export function readReply(body: Buffer, contentType: string | undefined): ReadReplyResult {
	return readReplyText(decodeBody(body, contentType));
}
