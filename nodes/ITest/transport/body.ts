/**
 * Reads a response body as it arrives, with a size limit and a time limit.
 *
 * n8n's request options have no size limit, so the transport asks for the body as a stream
 * (`encoding: 'stream'`) and counts bytes itself: a hostile or broken server cannot make the
 * node buffer more than the limit. With a stream, n8n 2.41's HTTP client (axios) stops its
 * own timeout once the headers have arrived, so the time limit here covers the rest of the body.
 */
import { sleep } from 'n8n-workflow';

/**
 * Largest reply the node reads. iTest's replies are a few hundred bytes, and reading a reply of
 * this size as XML already takes a noticeable fraction of a second of CPU.
 */
export const MAX_REPLY_BYTES = 1024 * 1024;
/** How much of an error page (non-2xx) is read, to quote its start in the error. */
export const ERROR_PAGE_BYTES = 4096;

/** A response body stream, as n8n's helper returns it (a Node.js Readable). */
interface BodyStream extends AsyncIterable<unknown> {
	destroy(error?: Error): unknown;
}

export type BodyReadResult =
	| { ok: true; body: Buffer; cut: boolean }
	| { ok: false; problem: 'tooLarge' | 'timeout'; bytesRead: number };

export interface BodyLimits {
	maxBytes: number;
	/** `fail` rejects a longer body; `cut` keeps its first `maxBytes` bytes and stops reading. */
	overLimit: 'fail' | 'cut';
	timeoutMs: number;
}

const TIMED_OUT = Symbol('timed out');

function isBodyStream(body: unknown): body is BodyStream {
	return (
		body !== null &&
		typeof body === 'object' &&
		Symbol.asyncIterator in body &&
		typeof (body as { destroy?: unknown }).destroy === 'function'
	);
}

function chunkToBuffer(chunk: unknown): Buffer {
	if (Buffer.isBuffer(chunk)) return chunk;
	if (chunk instanceof Uint8Array) return Buffer.from(chunk);
	return Buffer.from(String(chunk), 'latin1');
}

/** A body that some n8n versions or mocks return already read. */
function bufferedBody(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (typeof body === 'string') return Buffer.from(body, 'latin1');
	return Buffer.alloc(0);
}

function applyLimit(body: Buffer, limits: BodyLimits): BodyReadResult {
	if (body.length <= limits.maxBytes) return { ok: true, body, cut: false };
	if (limits.overLimit === 'cut') return { ok: true, body: body.subarray(0, limits.maxBytes), cut: true };
	return { ok: false, problem: 'tooLarge', bytesRead: body.length };
}

/** Abort reason for the timer of a finished read. */
const READ_FINISHED = new Error('The reply was read before its timeout');

/**
 * Reads `body` up to the limits. Destroys the stream, which closes the connection, as soon as a
 * limit is reached. Throws the stream's own error, e.g. ECONNRESET when the server hangs up.
 */
export async function readBody(body: unknown, limits: BodyLimits): Promise<BodyReadResult> {
	if (!isBodyStream(body)) return applyLimit(bufferedBody(body), limits);

	const iterator = body[Symbol.asyncIterator]();
	const timer = new AbortController();
	const expired = sleep(Math.max(0, limits.timeoutMs), timer.signal).then(
		(): typeof TIMED_OUT => TIMED_OUT,
		() => undefined,
	);
	const chunks: Buffer[] = [];
	let size = 0;

	try {
		for (;;) {
			const next = iterator.next();
			// After a limit is hit the stream is destroyed, which may reject this pending read.
			next.catch(() => undefined);
			const step = await Promise.race([next, expired]);
			if (step === TIMED_OUT) {
				body.destroy();
				return { ok: false, problem: 'timeout', bytesRead: size };
			}
			if (step === undefined || step.done) break;

			const chunk = chunkToBuffer(step.value);
			if (size + chunk.length > limits.maxBytes) {
				body.destroy();
				if (limits.overLimit === 'fail') {
					return { ok: false, problem: 'tooLarge', bytesRead: size + chunk.length };
				}
				chunks.push(chunk.subarray(0, limits.maxBytes - size));
				return { ok: true, body: Buffer.concat(chunks), cut: true };
			}
			chunks.push(chunk);
			size += chunk.length;
		}
	} finally {
		// Cancels the pending sleep, so no timer outlives the read. A reason made once spares
		// abort() a new DOMException, and sleep() a new Error, on every read.
		timer.abort(READ_FINISHED);
	}
	return { ok: true, body: Buffer.concat(chunks), cut: false };
}
