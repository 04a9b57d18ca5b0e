/**
 * Turns every way an iTest call can fail into a NodeApiError with a plain message, a description
 * that says what to do next, and no secret. Caught errors are never passed on as the cause:
 * n8n's HTTP errors carry the request options, whose body holds the API password.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { ReplyProblem } from '../xml';

export const REDACTED = '***';

/** Replaces every secret in `text` by a fixed mask. */
export function redact(text: string, secrets: string[]): string {
	let result = text;
	for (const secret of secrets) {
		if (secret.length > 0) result = result.split(secret).join(REDACTED);
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
}

function apiError(
	context: FailureContext,
	message: string,
	description: string,
	extra: { httpCode?: number; iTestStatus?: string } = {},
): NodeApiError {
	const safeMessage = redact(`${message} [item ${context.itemIndex}]`, context.secrets);
	const safeDescription = redact(description, context.secrets);
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

function isTimeout(error: unknown, code: string | undefined): boolean {
	if (code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ESOCKETTIMEDOUT') return true;
	const message = error instanceof Error ? error.message : '';
	return /timeout/i.test(message);
}

/** The request never got an answer: refused, reset, timed out, DNS or TLS failure. */
export function networkError(context: FailureContext, error: unknown, timeoutMs: number): NodeApiError {
	const code = findErrorCode(error);
	if (isTimeout(error, code)) {
		return apiError(
			context,
			`iTest did not answer within ${timeoutMs / 1000} seconds while trying to ${context.action}`,
			`The request to ${context.host} timed out. iTest may still have applied it. Try again later, or raise the Timeout option if the server is known to be slow.`,
		);
	}

	const reason = (code && NETWORK_REASONS[code]) ?? 'the request failed before iTest answered';
	const detail = code ? ` (${code})` : '';
	return apiError(
		context,
		`Could not reach iTest at ${context.host} to ${context.action}: ${reason}`,
		`Check the Base URL in the iTest credential and that the server is reachable from n8n, then run the workflow again${detail}.`,
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

/** iTest answered with an HTTP status other than 2xx. */
export function httpStatusError(
	context: FailureContext,
	status: number,
	statusText: string | undefined,
	bodyPreview: string,
): NodeApiError {
	const label = statusText ? `${status} ${statusText}` : String(status);
	const preview = bodyPreview ? ` The server said: "${bodyPreview}"` : '';
	return apiError(
		context,
		`iTest answered with HTTP ${label} while trying to ${context.action}`,
		`${httpAdvice(status)}${preview}`,
		{ httpCode: status },
	);
}

const REPLY_ADVICE: Record<ReplyProblem, string> = {
	empty: 'The server sent nothing back. Try again; if it keeps happening, contact iTest support.',
	html: 'A web page came back instead of an API reply, usually from a proxy or a maintenance page. Check the Base URL in the iTest credential, or try again later.',
	notXml: 'The server sent something other than XML. Check the Base URL in the iTest credential points at the iTest API.',
	doctype: 'The reply contains a document type declaration, which the iTest API never sends, so it was not read. Check the Base URL in the iTest credential.',
	truncated: 'The reply was cut off before its end, probably by a network problem. iTest may still have applied the request. Try again.',
	malformed: 'The reply is not well-formed XML. Try again; if it keeps happening, contact iTest support.',
};

/** The body could not be read as an iTest reply. */
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

/** iTest read the request and answered with a status other than Success. */
export function statusError(context: FailureContext, status: string): NodeApiError {
	const shown = status === '' ? '(an empty status)' : `"${status}"`;
	return apiError(
		context,
		`iTest could not ${context.action}: ${shown}`,
		'iTest answered with this status instead of Success. Check the values of this item against the message; if the status mentions the login, check the iTest credential.',
		{ iTestStatus: status },
	);
}
