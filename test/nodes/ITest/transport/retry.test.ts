import {
	backoffDelayMs,
	mayResend,
	parseRetryAfter,
	RETRY_TIMING,
	transientHttpFailure,
	transientNetworkFailure,
} from '../../../../nodes/ITest/transport/retry';

const timing = { firstDelayMs: 1_000, maxDelayMs: 30_000, maxRetryAfterMs: 60_000 };

describe('retry policy', () => {
	test('node defaults', () => {
		expect(RETRY_TIMING).toEqual(timing);
	});

	test('backoff doubles with jitter', () => {
		expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry, timing, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
		expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry, timing, () => 0.999_999))).toEqual([1_000, 2_000, 4_000, 8_000]);
		expect(backoffDelayMs(2, timing, () => 0.5)).toBe(1_500);
	});

	test('backoff is capped', () => {
		expect(backoffDelayMs(10, timing, () => 0)).toBe(15_000);
		expect(backoffDelayMs(10, timing, () => 0.999_999)).toBe(30_000);
	});

	test('Retry-After in seconds', () => {
		expect(parseRetryAfter('0', 0)).toBe(0);
		expect(parseRetryAfter(' 120 ', 0)).toBe(120_000);
	});

	test('Retry-After as a date', () => {
		const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

		expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
		expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
	});

	test('invalid Retry-After is ignored', () => {
		expect(parseRetryAfter(undefined, 0)).toBeUndefined();
		expect(parseRetryAfter('-5', 0)).toBeUndefined();
		expect(parseRetryAfter('1.5', 0)).toBeUndefined();
		expect(parseRetryAfter('soon', 0)).toBeUndefined();
		expect(parseRetryAfter('9'.repeat(30), 0)).toBeUndefined();
	});

	test('network errors by how far the request got', () => {
		expect(transientNetworkFailure('ECONNREFUSED')).toBe('notSent');
		expect(transientNetworkFailure('EAI_AGAIN')).toBe('notSent');
		expect(transientNetworkFailure('ECONNRESET')).toBe('mayHaveArrived');
		expect(transientNetworkFailure('EPIPE')).toBe('mayHaveArrived');
		expect(transientNetworkFailure('ENOTFOUND')).toBeUndefined();
		expect(transientNetworkFailure('ETIMEDOUT')).toBeUndefined();
		expect(transientNetworkFailure('CERT_HAS_EXPIRED')).toBeUndefined();
		expect(transientNetworkFailure(undefined)).toBeUndefined();
	});

	test('HTTP statuses that ask to come back later', () => {
		expect([429, 502, 503, 504].map(transientHttpFailure)).toEqual(['mayHaveArrived', 'mayHaveArrived', 'mayHaveArrived', 'mayHaveArrived']);
		expect([400, 401, 404, 413, 500, 501, 505].map(transientHttpFailure)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
	});

	test('uploads are resent only when never sent', () => {
		expect(mayResend('notSent', false)).toBe(true);
		expect(mayResend('mayHaveArrived', false)).toBe(false);
		expect(mayResend('mayHaveArrived', true)).toBe(true);
		expect(mayResend(undefined, true)).toBe(false);
	});
});
