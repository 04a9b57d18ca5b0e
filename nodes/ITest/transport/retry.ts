/**
 * Which failed requests are sent again, and how long to wait first.
 *
 * A failure is transient when waiting can help: the connection was refused or reset, or the
 * server or a gateway in front of it answered 429, 502, 503 or 504. Everything else is final:
 * a host name that does not exist, a TLS problem, HTTP 500 and other statuses, a reply that cannot
 * be read, and a timeout. A timeout is final because the user chose how long to wait, and
 * resending would multiply that wait while the server may still be working on the first request.
 *
 * Resending is only safe when iTest cannot apply a request twice. The create-or-update calls
 * are idempotent: a second copy writes the same values again. An upload is not known to be: a
 * second copy of a number list may be imported twice. So an upload is resent only when the
 * request provably never reached iTest, i.e. the connection was refused or the host name could
 * not be looked up for the moment (EAI_AGAIN). A reset, a 429 or a 5xx can come after iTest
 * has read the whole request.
 */

/** How far a failed request got, which decides whether it may be sent again. */
export type TransientFailure = 'notSent' | 'mayHaveArrived';

/** HTTP statuses that ask the client to come back later. */
export const TRANSIENT_HTTP_STATUSES: readonly number[] = [429, 502, 503, 504];

const NOT_SENT_CODES = ['ECONNREFUSED', 'EAI_AGAIN'];
const CLOSED_CONNECTION_CODES = ['ECONNRESET', 'EPIPE'];

/** Delays of the retry loop, in milliseconds. */
export interface RetryTiming {
	/** Wait before the first retry; each further retry doubles it. */
	firstDelayMs: number;
	/** Upper bound of one backoff wait. */
	maxDelayMs: number;
	/** Longest Retry-After the node waits for. When iTest asks for longer, the request is not retried. */
	maxRetryAfterMs: number;
}

/**
 * The delays the node uses.
 * NOTE: tests shorten these through this object to keep retries fast; the node never changes them.
 */
export const RETRY_TIMING: RetryTiming = {
	firstDelayMs: 1_000,
	maxDelayMs: 30_000,
	maxRetryAfterMs: 60_000,
};

export const DEFAULT_MAX_RETRIES = 3;

/** Classifies a Node.js network error code such as ECONNREFUSED; `undefined` means final. */
export function transientNetworkFailure(code: string | undefined): TransientFailure | undefined {
	if (code === undefined) return undefined;
	if (NOT_SENT_CODES.includes(code)) return 'notSent';
	if (CLOSED_CONNECTION_CODES.includes(code)) return 'mayHaveArrived';
	return undefined;
}

/** Classifies an HTTP status; `undefined` means final. */
export function transientHttpFailure(status: number): TransientFailure | undefined {
	return TRANSIENT_HTTP_STATUSES.includes(status) ? 'mayHaveArrived' : undefined;
}

/** Whether a request that failed this way may be sent again. */
export function mayResend(failure: TransientFailure | undefined, idempotent: boolean): boolean {
	if (failure === 'notSent') return true;
	return failure === 'mayHaveArrived' && idempotent;
}

/**
 * Returns the wait before retry number `retry` (1 for the first retry): exponential backoff
 * with jitter, a random wait between half and all of `firstDelayMs * 2^(retry - 1)`, capped at
 * `maxDelayMs`. The jitter keeps many workflows that failed together from retrying together.
 */
export function backoffDelayMs(retry: number, timing: RetryTiming, random: () => number = Math.random): number {
	const ceiling = Math.min(timing.firstDelayMs * 2 ** (retry - 1), timing.maxDelayMs);
	return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Parses a Retry-After header: a number of seconds or an HTTP date (RFC 9110, section 10.2.3).
 * Returns the wait in milliseconds, or `undefined` when the header is missing or invalid.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
	if (value === undefined) return undefined;
	const text = value.trim();
	if (/^\d+$/.test(text)) {
		const ms = Number(text) * 1000;
		return Number.isSafeInteger(ms) ? ms : undefined;
	}
	if (!/[A-Za-z]/.test(text)) return undefined;
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
