import type { Logger, LogMetadata } from 'n8n-workflow';

type LogLevel = keyof Logger;

// Deeper values are replaced by a marker. Errors from the HTTP client carry request and
// socket objects whose graphs are far deeper than any field a test looks for.
const MAX_DEPTH = 10;

/**
 * Converts a log metadata value into plain JSON data. Unlike `JSON.stringify`, it keeps an
 * error's message, stack and cause (all non-enumerable) and survives circular references,
 * so a secret inside an error still shows up in the captured line.
 */
function toJsonValue(value: unknown, ancestors: object[]): unknown {
	if (typeof value === 'bigint') return value.toString();
	if (typeof value === 'function' || typeof value === 'symbol') return undefined;
	if (value === null || typeof value !== 'object') return value;

	if (ancestors.includes(value)) return '[Circular]';
	if (ancestors.length >= MAX_DEPTH) return '[Max depth]';
	const nested = [...ancestors, value];

	if (Buffer.isBuffer(value)) return value.toString('utf8');
	if (value instanceof Date) return value.toISOString();
	if (Array.isArray(value)) return value.map((entry) => toJsonValue(entry, nested));

	const source: Record<string, unknown> = { ...value };
	if (value instanceof Error) {
		source.name = value.name;
		source.message = value.message;
		source.stack = value.stack;
		if (value.cause !== undefined) source.cause = value.cause;
	}

	const result: Record<string, unknown> = {};
	for (const [key, entry] of Object.entries(source)) {
		result[key] = toJsonValue(entry, nested);
	}
	return result;
}

/** Serialises one log call as a single JSON line with `level`, `message` and `meta`. */
export function formatLogLine(level: LogLevel, message: string, meta?: LogMetadata): string {
	return JSON.stringify({ level, message, meta: toJsonValue(meta, []) });
}

/**
 * A logger that appends each call, as a JSON line, to the array in `lines`. The harness
 * installs one for the whole test file and swaps `lines` for a fresh array at each run.
 */
export class CapturingLogger implements Logger {
	lines: string[] = [];

	error = (message: string, meta?: LogMetadata) => this.record('error', message, meta);

	warn = (message: string, meta?: LogMetadata) => this.record('warn', message, meta);

	info = (message: string, meta?: LogMetadata) => this.record('info', message, meta);

	debug = (message: string, meta?: LogMetadata) => this.record('debug', message, meta);

	private record(level: LogLevel, message: string, meta?: LogMetadata) {
		this.lines.push(formatLogLine(level, message, meta));
	}
}
