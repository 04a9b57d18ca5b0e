/**
 * Turns a complete HTTP response into an iTest reply or a NodeApiError. It reads nothing from
 * the network, so tests can feed it any bytes; whatever the bytes, it either returns a reply or
 * throws a NodeApiError.
 */
import type { NodeApiError } from 'n8n-workflow';

import type { ITestReply } from '../xml';
import { decodeBody, readReply } from '../xml';
import type { FailureContext } from './errors';
import { httpStatusError, redact, statusError, unexpectedReplyError, unreadableReplyError } from './errors';

const BODY_PREVIEW_LENGTH = 200;

/** The shape that the reply to a request must have. */
export interface ReplyExpectation {
	/** The document element the reply must have, e.g. `User`. */
	expectedRoot: string;
	/** The id the reply's record element must carry, for replies named after the caller's id. */
	expectedRecord?: string;
	/** `status` needs `<Status>Success</Status>`; `otp` needs a non-empty `<OTP>`. */
	expect: 'status' | 'otp';
}

export interface ReceivedResponse {
	statusCode: number;
	statusMessage?: string;
	contentType?: string;
	/** The Location header, kept to show where a redirect pointed. */
	location?: string;
	body: Buffer;
}

function bodyPreview(body: Buffer, contentType: string | undefined, secrets: string[]): string {
	// Masks before tags are removed, spaces collapsed and the text cut, any of which could
	// change an echoed secret so that it no longer matches.
	const text = redact(decodeBody(body, contentType), secrets)
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return text.slice(0, BODY_PREVIEW_LENGTH);
}

/** Replaces every secret in the keys and string values of a parsed reply. */
function redactTree(value: unknown, secrets: string[]): unknown {
	if (typeof value === 'string') return redact(value, secrets);
	if (Array.isArray(value)) return value.map((entry) => redactTree(entry, secrets));
	if (value === null || typeof value !== 'object') return value;

	const copy: Record<string, unknown> = {};
	for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
		// defineProperty, unlike assignment, cannot change the copy's prototype whatever the key.
		Object.defineProperty(copy, redact(key, secrets), {
			value: redactTree(child, secrets),
			enumerable: true,
			writable: true,
			configurable: true,
		});
	}
	return copy;
}

/** Returns the error for a response with an HTTP status other than 2xx. */
export function httpFailure(failure: FailureContext, response: ReceivedResponse): NodeApiError {
	return httpStatusError(
		failure,
		response.statusCode,
		response.statusMessage,
		bodyPreview(response.body, response.contentType, failure.secrets),
		response.location,
	);
}

/**
 * Checks a response and returns its reply once it is a success. Throws a NodeApiError for
 * anything else: a non-2xx status, a body that is not an iTest reply, a reply for another
 * request, or a status other than Success. Secrets in the reply's tree are masked.
 */
export function interpretReply(
	failure: FailureContext,
	expectation: ReplyExpectation,
	response: ReceivedResponse,
): ITestReply {
	if (response.statusCode < 200 || response.statusCode > 299) throw httpFailure(failure, response);

	const result = readReply(response.body, response.contentType);
	if (!result.ok) {
		throw unreadableReplyError(failure, result.problem, result.detail, response.statusCode);
	}

	const { secrets } = failure;
	const reply: ITestReply = {
		...result.reply,
		tree: redactTree(result.reply.tree, secrets) as ITestReply['tree'],
		recordName: result.reply.recordName === undefined ? undefined : redact(result.reply.recordName, secrets),
		status: result.reply.status === undefined ? undefined : redact(result.reply.status, secrets),
	};
	if (reply.rootName !== expectation.expectedRoot) {
		// iTest may reply to any request type with its own error document, so its status is shown if it has one.
		if (reply.status !== undefined && reply.status !== 'Success') throw statusError(failure, reply.status);
		throw unexpectedReplyError(
			failure,
			`expected a <${expectation.expectedRoot}> document but got <${reply.rootName}>`,
		);
	}

	if (reply.status !== undefined && reply.status !== 'Success') throw statusError(failure, reply.status);
	if (expectation.expect === 'status' && reply.status === undefined) {
		throw unexpectedReplyError(failure, 'the reply has no <Status> element');
	}
	if (expectation.expect === 'otp' && !reply.otp) {
		throw unexpectedReplyError(failure, 'the reply has no one-time password (<OTP> element)');
	}

	if (expectation.expectedRecord !== undefined && reply.recordName !== expectation.expectedRecord) {
		throw unexpectedReplyError(
			failure,
			`the reply is for "${reply.recordName ?? ''}" but the request was for "${expectation.expectedRecord}"`,
		);
	}
	return reply;
}
