/**
 * Turns every way an iTest call can fail into a NodeApiError with a plain message, a description
 * that says what to do next, and no secret. Caught errors are never passed on as the cause:
 * n8n's HTTP errors carry the request options, whose body holds the API password.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ReplyProblem } from '../xml';
import type { RunDeadline } from './connection';

export const REDACTED = '***';

/** Replaces every secret in `text` by a fixed mask. */
/**
 * Secrets shorter than this are not masked: masking every "e" of a one-letter password would
 * garble the message and reveal the password by the pattern of masks.
 */
export const MIN_MASKED_SECRET_LENGTH = 4;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Forms in which a server may echo a secret: as sent, percent-encoded, or HTML-escaped. */
function secretForms(secret: string): string[] {
	const forms = new Set([secret, encodeURIComponent(secret), secret.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character])]);
	return [...forms].sort((a, b) => b.length - a.length);
}

/** Replaces every secret in `text`, in each form a server may echo it, by a fixed mask. */
export function redact(text: string, secrets: string[]): string {
	let result = text;
	for (const secret of secrets) {
		if (secret.length < MIN_MASKED_SECRET_LENGTH) continue;
		for (const form of secretForms(secret)) result = result.split(form).join(REDACTED);
	}
	return result;
}

export interface FailureContext {
	node: INode;
	itemIndex: number;
	/** What the call was doing, e.g. `create or update company "C-17"`. */
	action: string;
	host: string;
	secrets: string[];
	/** How many times the request has been sent so far, counting the first; shown when above 1. */
	attempts?: number;
}

/** Writes a duration as `1 second`, `90 seconds` or `2.5 minutes`. */
export function formatDuration(ms: number): string {
	if (ms < 120_000) {
		const seconds = Math.round(ms / 100) / 10;
		return `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
	}
	const minutes = Math.round(ms / 6_000) / 10;
	return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

/**
 * Replaces the control characters a server's text may carry (NUL, escape sequences) with U+FFFD,
 * and line breaks and tabs with a space, so a message shows as one readable line.
 */
function printable(text: string): string {
	return text.replace(/[\t\n\r]+/g, ' ').replace(/\p{Cc}/gu, '\uFFFD');
}

function apiError(
	context: FailureContext,
	message: string,
	description: string,
	extra: { httpCode?: number; iTestStatus?: string } = {},
): NodeApiError {
	const attempts = (context.attempts ?? 1) > 1 ? ` (${context.attempts} attempts)` : '';
	const safeMessage = printable(redact(`${message}${attempts} [item ${context.itemIndex}]`, context.secrets));
	const safeDescription = printable(redact(description, context.secrets));
	const response: JsonObject = { message: safeMessage, description: safeDescription };
	if (extra.httpCode !== undefined) response.httpCode = String(extra.httpCode);
	if (extra.iTestStatus !== undefined) response.iTestStatus = redact(extra.iTestStatus, context.secrets);

	return new NodeApiError(context.node, response, {
		message: safeMessage,
		description: safeDescription,
		httpCode: extra.httpCode === undefined ? undefined : String(extra.httpCode),
		itemIndex: context.itemIndex,
	});
}

const NETWORK_REASONS: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ECONNRESET: 'the connection was closed before iTest answered',
	EPIPE: 'the connection was closed while the request was being sent',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be looked up',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	CERT_HAS_EXPIRED: 'its TLS certificate has expired',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate could not be verified',
	ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
};

/** Finds a Node.js error code such as ECONNREFUSED on an error or on the errors it wraps. */
export function findErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && code.length > 0) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** Returns whether a caught request error is the client's timeout rather than a network failure. */
export function isTimeoutError(error: unknown): boolean {
	const code = findErrorCode(error);
	if (code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ESOCKETTIMEDOUT') return true;
	const message = error instanceof Error ? error.message : '';
	return /timeout/i.test(message);
}

/** Builds the error for a request that got no response: refused, reset, timed out, DNS or TLS failure. */
export function networkError(context: FailureContext, error: unknown, timeoutMs: number): NodeApiError {
	if (isTimeoutError(error)) return timeoutError(context, timeoutMs);
	const code = findErrorCode(error);

	const reason = (code && NETWORK_REASONS[code]) ?? 'the request failed before iTest answered';
	const detail = code ? ` (${code})` : '';
	return apiError(
		context,
		`Could not reach iTest at ${context.host} to ${context.action}: ${reason}`,
		`Check the Base URL in the iTest credential and that the server is reachable from n8n, then run the workflow again${detail}.`,
	);
}

/** Builds the error for a request that got no complete response within the Timeout option. */
export function timeoutError(context: FailureContext, timeoutMs: number): NodeApiError {
	return apiError(
		context,
		`iTest did not answer within ${formatDuration(timeoutMs)} while trying to ${context.action}`,
		`The request to ${context.host} timed out and was not sent again. iTest may still have applied it. Try again later, or raise the Timeout option if the server is known to be slow.`,
	);
}

/** Builds the error for a request whose response was still pending when the run deadline passed. */
export function deadlineTimeoutError(context: FailureContext, deadline: RunDeadline): NodeApiError {
	return apiError(
		context,
		`The run deadline of ${formatDuration(deadline.ms)} passed while waiting for iTest to ${context.action}`,
		`iTest may still have applied this request. Later items were not sent. Run the workflow again for the items that failed, or raise Run Deadline (Minutes) in the node's options.`,
	);
}

/** Builds the error for an item whose turn came after the run deadline, so nothing was sent. */
export function deadlinePassedError(node: INode, itemIndex: number, deadline: RunDeadline): NodeOperationError {
	return new NodeOperationError(
		node,
		`Not sent: the run deadline of ${formatDuration(deadline.ms)} passed before this item's turn [item ${itemIndex}]`,
		{
			itemIndex,
			description:
				"Nothing was sent to iTest for this item. The node stops sending when Run Deadline (Minutes) in the node's options is reached, so that a slow or unreachable server cannot hold the workflow. Run the workflow again for the items that were not sent, or raise the deadline.",
		},
	);
}

function formatBytes(bytes: number): string {
	const mebibytes = bytes / (1024 * 1024);
	return Number.isInteger(mebibytes) ? `${mebibytes} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/** Builds the error for a reply larger than the node reads. */
export function replyTooLargeError(context: FailureContext, maxBytes: number, httpCode: number): NodeApiError {
	return apiError(
		context,
		`iTest sent a reply larger than ${formatBytes(maxBytes)} while trying to ${context.action}, so the node stopped reading it`,
		"iTest's replies are a few hundred bytes, so this is not an iTest reply. Check that the Base URL in the iTest credential points at the iTest API.",
		{ httpCode },
	);
}

function httpAdvice(status: number): string {
	if (status === 401 || status === 403) {
		return 'iTest rejected the login. Check the API User and API Password in the iTest credential, and that this account may use the Reseller API.';
	}
	if (status === 404) {
		return 'The address was not found. Check the Base URL in the iTest credential; it should be the API address, such as https://api.i-test.net/.';
	}
	if (status === 413) return 'The request is larger than iTest accepts. Send a smaller file.';
	if (status === 429) {
		return 'iTest is limiting how fast requests may be sent. Wait a few minutes, or send fewer requests at a time, then run the workflow again.';
	}
	if (status >= 500) {
		return 'The iTest server had a problem. Try again later; if it keeps happening, contact iTest support.';
	}
	return 'Check the values sent for this item and the iTest credential, then try again.';
}

/** Builds the error for an HTTP status other than 2xx. */
export function httpStatusError(
	context: FailureContext,
	status: number,
	statusText: string | undefined,
	bodyPreview: string,
	location?: string,
): NodeApiError {
	const label = statusText ? `${status} ${statusText}` : String(status);
	const preview = bodyPreview ? ` The server said: "${bodyPreview}"` : '';
	const advice =
		status >= 300 && status <= 399
			? `The server redirected the request${location ? ` to "${location.slice(0, 200)}"` : ''}. The node does not follow redirects, so that the API password is sent to the Base URL only. If the new address belongs to iTest, enter it as the Base URL in the iTest credential.`
			: httpAdvice(status);
	return apiError(
		context,
		`iTest answered with HTTP ${label} while trying to ${context.action}`,
		`${advice}${preview}`,
		{ httpCode: status },
	);
}

const REPLY_ADVICE: Record<ReplyProblem, string> = {
	empty: 'The server sent nothing back. Try again; if it keeps happening, contact iTest support.',
	html: 'A web page came back instead of an API reply, usually from a proxy or a maintenance page. Check the Base URL in the iTest credential, or try again later.',
	notXml: 'The server sent something other than XML. Check the Base URL in the iTest credential points at the iTest API.',
	doctype: 'The reply contains a document type declaration, which the iTest API never sends, so it was not read. Check the Base URL in the iTest credential.',
	truncated: 'The reply was cut off before its end, probably by a network problem. iTest may still have applied the request. A create-or-update request can simply run again; for an upload, check in iTest whether it arrived before you send it again.',
	malformed: 'The reply is not well-formed XML. Try again; if it keeps happening, contact iTest support.',
	tooComplex: "iTest's replies have a handful of elements, so this is not an iTest reply and it was not read. Check that the Base URL in the iTest credential points at the iTest API.",
};

/** Builds the error for a body that cannot be read as an iTest reply. */
export function unreadableReplyError(
	context: FailureContext,
	problem: ReplyProblem,
	detail: string,
	httpCode: number,
): NodeApiError {
	return apiError(
		context,
		`iTest sent a reply that could not be read while trying to ${context.action}: ${detail}`,
		REPLY_ADVICE[problem],
		{ httpCode },
	);
}

/** The reply is XML but not the one this request should get, e.g. another root element. */
export function unexpectedReplyError(context: FailureContext, detail: string): NodeApiError {
	return apiError(
		context,
		`iTest sent an unexpected reply while trying to ${context.action}: ${detail}`,
		'Check the Base URL in the iTest credential points at the iTest Reseller API. If it does, contact iTest support with this message.',
	);
}

/** Maximum number of characters of iTest's status quoted in a message. The error keeps the whole status as iTestStatus. */
export const MAX_SHOWN_STATUS = 300;

/**
 * Quotes a status for a message: control characters, which a message cannot show, become
 * U+FFFD, and a long status is cut. Secrets are masked before the cut, so none is cut in two.
 */
function showStatus(status: string, secrets: string[]): string {
	if (status === '') return '(an empty status)';
	const characters = [...printable(redact(status, secrets))];
	if (characters.length <= MAX_SHOWN_STATUS) return `"${characters.join('')}"`;
	return `"${characters.slice(0, MAX_SHOWN_STATUS).join('')}…" (${[...status].length} characters in all)`;
}

/** Builds the error for a reply whose status is not Success. */
export function statusError(context: FailureContext, status: string): NodeApiError {
	const quotedStatus = showStatus(status, context.secrets);
	return apiError(
		context,
		`iTest could not ${context.action}: ${quotedStatus}`,
		'iTest answered with this status instead of Success. Check the values of this item against the message; if the status mentions the login, check the iTest credential.',
		{ iTestStatus: status },
	);
}
