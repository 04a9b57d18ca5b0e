/**
 * The only module that talks to iTest. Every request goes through n8n's HTTP helper with the
 * `iTestApi` credential, whose `authenticate` adds the login to the POST body.
 *
 * iTest reads the documented fields from the query string and the login, `pass` and `otp` from
 * the POST body, so secrets never appear in a URL that proxies and server logs keep.
 */
import type { IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import type { ITestReply } from '../xml';
import { ERROR_PAGE_BYTES, MAX_REPLY_BYTES, readBody } from './body';
import type { ITestConnection } from './connection';
import { CREDENTIAL_NAME } from './connection';
import type { FailureContext } from './errors';
import {
	deadlinePassedError,
	deadlineTimeoutError,
	findErrorCode,
	formatDuration,
	isTimeoutError,
	networkError,
	replyTooLargeError,
	timeoutError,
	unexpectedReplyError,
} from './errors';
import type { ITestRequest } from './request';
import { prepareRequest } from './request';
import { httpFailure, interpretReply } from './reply';
import type { TransientFailure } from './retry';
import {
	backoffDelayMs,
	DEFAULT_MAX_RETRIES,
	mayResend,
	parseRetryAfter,
	RETRY_TIMING,
	transientHttpFailure,
	transientNetworkFailure,
} from './retry';

export type { ITestConnection, RunDeadline } from './connection';
export { getConnection } from './connection';
export type { ITestRequest, RequestField, RequestType, UploadFile } from './request';
export { MAX_URL_BYTES, REQUEST_TYPE } from './request';
export { DEFAULT_MAX_RETRIES, RETRY_TIMING } from './retry';

export interface RequestSettings {
	timeoutMs: number;
	/** How many times a transient failure is retried after the first attempt. */
	maxRetries?: number;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

/** The outcome of one attempt: the reply, or the error with what it allows. */
type AttemptResult =
	| { ok: true; reply: ITestReply }
	| { ok: false; error: NodeApiError; transient?: TransientFailure; retryAfterMs?: number };

function headerValue(headers: IN8nHttpFullResponse['headers'], name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	if (Array.isArray(value)) return String(value[0]);
	return value === undefined ? undefined : String(value);
}

/** Sends the request once and reads the whole response within `timeoutMs`. */
async function attemptRequest(
	this: IExecuteFunctions,
	connection: ITestConnection,
	failure: FailureContext,
	request: ITestRequest,
	buildOptions: (timeoutMs: number) => ReturnType<ReturnType<typeof prepareRequest>>,
	timeoutMs: number,
	timeoutErrorFor: () => NodeApiError,
): Promise<AttemptResult> {
	const startedAt = Date.now();
	let response: IN8nHttpFullResponse;
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_NAME, buildOptions(timeoutMs), {
			credentialsDecrypted: connection.credential,
		})) as IN8nHttpFullResponse;
	} catch (error) {
		if (isTimeoutError(error)) return { ok: false, error: timeoutErrorFor() };
		return { ok: false, error: networkError(failure, error, timeoutMs), transient: transientNetworkFailure(findErrorCode(error)) };
	}

	const isSuccess = response.statusCode >= 200 && response.statusCode <= 299;
	const contentType = headerValue(response.headers, 'content-type');
	// A declared length over the limit fails on the first chunk: destroying a stream that was never
	// read would not close the connection under it.
	const declaredTooLarge = Number(headerValue(response.headers, 'content-length')) > MAX_REPLY_BYTES;
	let maxBytes = ERROR_PAGE_BYTES;
	if (isSuccess) maxBytes = declaredTooLarge ? 0 : MAX_REPLY_BYTES;

	let read: Awaited<ReturnType<typeof readBody>>;
	try {
		read = await readBody(response.body, {
			maxBytes,
			overLimit: isSuccess ? 'fail' : 'cut',
			timeoutMs: timeoutMs - (Date.now() - startedAt),
		});
	} catch (error) {
		// The connection broke while the body arrived, after the response had started.
		return { ok: false, error: networkError(failure, error, timeoutMs), transient: transientNetworkFailure(findErrorCode(error)) };
	}
	if (!read.ok && read.problem === 'timeout') return { ok: false, error: timeoutErrorFor() };
	if (!read.ok) return { ok: false, error: replyTooLargeError(failure, MAX_REPLY_BYTES, response.statusCode) };

	const received = {
		statusCode: response.statusCode,
		statusMessage: response.statusMessage,
		contentType,
		location: headerValue(response.headers, 'location'),
		body: read.body,
	};
	if (!isSuccess) {
		return {
			ok: false,
			error: httpFailure(failure, received),
			transient: transientHttpFailure(response.statusCode),
			retryAfterMs: parseRetryAfter(headerValue(response.headers, 'retry-after'), Date.now()),
		};
	}

	try {
		return { ok: true, reply: interpretReply(failure, request, received) };
	} catch (error) {
		// interpretReply throws only NodeApiError; anything else is a bug worth reporting as it is.
		const apiError = error instanceof NodeApiError ? error : unexpectedReplyError(failure, String(error));
		return { ok: false, error: apiError };
	}
}

/** Explains in the error's description why a transient failure was not retried. */
function addNote(error: NodeApiError, note: string): NodeApiError {
	error.description = error.description ? `${error.description} ${note}` : note;
	return error;
}

/**
 * Sends one request to iTest and returns its reply once it has checked it is a success.
 * Transient failures are retried as `retry.ts` describes, within the run deadline.
 */
export async function sendRequest(
	this: IExecuteFunctions,
	itemIndex: number,
	connection: ITestConnection,
	request: ITestRequest,
	settings: RequestSettings,
): Promise<ITestReply> {
	const formSecrets = (request.form ?? []).map((field) => field.value);
	const failure: FailureContext = {
		node: this.getNode(),
		itemIndex,
		action: request.action,
		host: connection.host,
		secrets: [...connection.secrets, ...formSecrets],
	};
	const buildOptions = prepareRequest.call(this, itemIndex, connection, request);
	const maxRetries = settings.maxRetries ?? DEFAULT_MAX_RETRIES;
	const idempotent = request.idempotent ?? true;
	const { deadline } = connection;

	for (let attempt = 1; ; attempt++) {
		failure.attempts = attempt;
		const remainingMs = deadline === undefined ? Infinity : deadline.at - Date.now();
		if (remainingMs <= 0 && deadline !== undefined) throw deadlinePassedError(this.getNode(), itemIndex, deadline);

		// A request never runs past the deadline: its timeout is cut to the time that is left.
		const cutByDeadline = remainingMs < settings.timeoutMs && deadline !== undefined;
		const timeoutMs = Math.min(settings.timeoutMs, remainingMs);
		const result = await attemptRequest.call(this, connection, failure, request, buildOptions, timeoutMs, () =>
			cutByDeadline ? deadlineTimeoutError(failure, deadline) : timeoutError(failure, timeoutMs),
		);
		if (result.ok) return result.reply;

		const { error } = result;
		if (!mayResend(result.transient, idempotent)) {
			// A transient failure that is not resent can only be one that may have reached iTest.
			if (result.transient !== undefined) {
				addNote(error, 'It was not sent again, because iTest may have received it and this request must not be applied twice.');
			}
			throw error;
		}
		if (attempt > maxRetries) throw error;

		if (result.retryAfterMs !== undefined && result.retryAfterMs > RETRY_TIMING.maxRetryAfterMs) {
			throw addNote(
				error,
				`It was not sent again, because iTest asked to wait ${formatDuration(result.retryAfterMs)}, longer than the ${formatDuration(RETRY_TIMING.maxRetryAfterMs)} the node waits at most.`,
			);
		}
		const delayMs = result.retryAfterMs ?? backoffDelayMs(attempt, RETRY_TIMING);
		if (deadline !== undefined && Date.now() + delayMs >= deadline.at) {
			throw addNote(error, `It was not sent again, because the run deadline of ${formatDuration(deadline.ms)} would pass first.`);
		}

		this.logger.warn(`iTest request failed, retrying in ${delayMs} ms: ${error.message}`, {
			itemIndex,
			attempt,
			maxRetries,
			delayMs,
			httpCode: error.httpCode ?? undefined,
		});
		try {
			await sleep(delayMs, this.getExecutionCancelSignal?.());
		} catch {
			// The execution was cancelled during the wait: report the failure that led to it.
			throw addNote(error, 'It was not sent again, because the workflow execution was cancelled.');
		}
	}
}
