// @ts-check
'use strict';

/**
 * Command-line start of the emulator:
 *   node emulator/cli.js [--port N] [--latency-ms N] [--permission-mode replace|add] [--text-encoding latin1|utf8]
 * Prints one line with the URL once listening, and stops on SIGINT or SIGTERM.
 */

const { startEmulator } = require('./index');

const USAGE = `Usage: node emulator/cli.js [options]

Starts the iTest Reseller API emulator on 127.0.0.1.

Options:
  --port N                  TCP port to listen on; 0 picks a free port (default 0)
  --latency-ms N            delay in milliseconds added before every API response (default 0)
  --permission-mode MODE    t=5150 behaviour: replace (default) or add
  --text-encoding ENCODING  latin1 (default) or utf8, for request values and responses
  --help                    print this help
`;

/** Raised for invalid command-line arguments. */
class UsageError extends Error {}

/**
 * @param {string} flag
 * @param {string | undefined} value
 */
function parseWholeNumber(flag, value) {
	if (value === undefined || !/^[0-9]+$/.test(value)) {
		throw new UsageError(`${flag} needs a whole number, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
	}
	return Number(value);
}

/**
 * Parses the arguments into emulator options, or returns null when --help was given.
 * @param {string[]} args
 * @returns {import('./types').EmulatorOptions | null}
 */
function parseArguments(args) {
	/** @type {import('./types').EmulatorOptions} */
	const options = {};

	for (let i = 0; i < args.length; i++) {
		const flag = args[i];
		const value = args[i + 1];
		switch (flag) {
			case '--help':
				return null;
			case '--port':
				options.port = parseWholeNumber(flag, value);
				i++;
				break;
			case '--latency-ms':
				options.latencyMs = parseWholeNumber(flag, value);
				i++;
				break;
			case '--permission-mode':
				if (value !== 'replace' && value !== 'add') throw new UsageError(`--permission-mode must be replace or add, got ${JSON.stringify(value)}`);
				options.permissionMode = value;
				i++;
				break;
			case '--text-encoding':
				if (value !== 'latin1' && value !== 'utf8') throw new UsageError(`--text-encoding must be latin1 or utf8, got ${JSON.stringify(value)}`);
				options.textEncoding = value;
				i++;
				break;
			default:
				throw new UsageError(`Unknown argument: ${flag}`);
		}
	}

	return options;
}

async function main() {
	let options;
	try {
		options = parseArguments(process.argv.slice(2));
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		process.stderr.write(`iTest emulator: ${error.message}\n\n${USAGE}`);
		process.exitCode = 2;
		return;
	}
	if (options === null) {
		process.stdout.write(USAGE);
		return;
	}

	const emulator = await startEmulator(options);
	process.stdout.write(`iTest emulator listening on ${emulator.url} (user ${emulator.options.username})\n`);

	/** @param {NodeJS.Signals} signal */
	const stop = (signal) => {
		process.off('SIGINT', stop);
		process.off('SIGTERM', stop);
		emulator.close().then(
			() => process.stderr.write(`iTest emulator stopped (${signal})\n`),
			(/** @type {Error} */ error) => {
				process.stderr.write(`iTest emulator: stopping failed: ${error.message}\n`);
				process.exitCode = 1;
			},
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((/** @type {Error} */ error) => {
	process.stderr.write(`iTest emulator: start failed: ${error.message}\n`);
	process.exitCode = 1;
});
