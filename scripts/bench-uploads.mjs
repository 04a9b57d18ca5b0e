#!/usr/bin/env node
// @ts-check
/**
 * Measures how much memory the iTest node adds while it imports 10,000, 100,000 and 1,000,000
 * phone numbers into the local emulator, from a binary file and from input items.
 *
 *   npm run bench:uploads
 *   npm run bench:uploads -- --sizes 10000,1000000 --runs 1 --cases binary-filesystem
 *
 * Method: the node runs inside n8n-core through the test harness (bundled here with esbuild), in
 * a fresh Node process per measurement started with --expose-gc, against an emulator in another
 * process, so the emulator's memory is not counted. Each process first runs one warm-up import of
 * 10,000 numbers. Right before the measured `execute` starts, the wrapper runs a full garbage
 * collection and takes the process RSS as the baseline. A worker thread then reads the RSS every
 * millisecond until `execute` returns, because the checks run synchronously and no timer of the
 * main thread would fire during them. The figure is the highest RSS seen minus the baseline. It
 * includes everything the node allocates (the file read, the duplicate table, the upload request,
 * the output binary) and garbage not yet collected. The input items and the stored input file
 * exist before the baseline, so they are not counted.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import processes from './lib/bench/processes.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scriptPath = fileURLToPath(import.meta.url);
const require = createRequire(import.meta.url);

const WARM_UP_NUMBERS = 10_000;
const DEFAULT_SIZES = [10_000, 100_000, 1_000_000];
const DEFAULT_RUNS = 3;
/** Each line is a 12-digit number and LF: 13 bytes, so a million numbers make 13,000,000 bytes. */
const LINE_BYTES = 13;

/**
 * @typedef {object} BenchCase
 * @property {string} id
 * @property {'binary' | 'items'} source
 * @property {'filesystem' | 'default'} binaryDataMode
 * @property {boolean} dryRun
 * @property {string} label
 */

/** @type {BenchCase[]} */
const CASES = [
	{ id: 'binary-filesystem', source: 'binary', binaryDataMode: 'filesystem', dryRun: false, label: 'binary file, filesystem mode' },
	{ id: 'binary-dry-run', source: 'binary', binaryDataMode: 'filesystem', dryRun: true, label: 'binary file, filesystem mode, dry run' },
	{ id: 'binary-default', source: 'binary', binaryDataMode: 'default', dryRun: false, label: 'binary file, in-memory mode' },
	{ id: 'items', source: 'items', binaryDataMode: 'filesystem', dryRun: false, label: 'input items' },
];

/**
 * @typedef {object} ChildResult
 * @property {number} numbers
 * @property {number} fileBytes size of the file sent
 * @property {number} baselineRss
 * @property {number} addedPeakRss highest RSS during execute minus the baseline
 * @property {number} addedHeapUsed V8 heap growth when execute returned, before any collection
 * @property {number} addedArrayBuffers Buffer and ArrayBuffer growth when execute returned
 * @property {number} seconds duration of execute
 */

/** @param {string[]} argv */
function parseArguments(argv) {
	const options = { sizes: DEFAULT_SIZES, runs: DEFAULT_RUNS, cases: CASES, child: /** @type {string | undefined} */ (undefined) };
	for (let index = 0; index < argv.length; index++) {
		const name = argv[index];
		const value = argv[index + 1];
		if (value === undefined) throw new Error(`${name} needs a value`);
		index++;
		if (name === '--sizes') {
			options.sizes = value.split(',').map((size) => Number(size));
			if (options.sizes.some((size) => !Number.isInteger(size) || size < 1 || size > 10_000_000)) {
				throw new Error(`--sizes must be whole numbers from 1 to 10000000, got ${value}`);
			}
		} else if (name === '--runs') {
			options.runs = Number(value);
			if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error(`--runs must be a whole number of at least 1, got ${value}`);
		} else if (name === '--cases') {
			const ids = value.split(',');
			options.cases = CASES.filter((benchCase) => ids.includes(benchCase.id));
			if (options.cases.length !== ids.length) {
				throw new Error(`--cases takes a list of ${CASES.map((benchCase) => benchCase.id).join(', ')}; got ${value}`);
			}
		} else if (name === '--child') {
			options.child = value;
		} else {
			throw new Error(`Unknown argument ${name}`);
		}
	}
	return options;
}

// ---------------------------------------------------------------------------------------------
// Parent: bundle the harness, start the emulator, run one child process per measurement.

/**
 * Runs one measurement in a fresh process and returns its result.
 * @param {object} config
 * @param {string} scratchDir
 * @returns {Promise<ChildResult>}
 */
function runChild(config, scratchDir) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--expose-gc', scriptPath, '--child', JSON.stringify(config)], {
			stdio: ['ignore', 'pipe', 'inherit'],
			// The harness keeps n8n's files under the temporary folder: keep them in the scratch folder.
			env: { ...process.env, TMPDIR: scratchDir },
		});
		let output = '';
		child.stdout.on('data', (chunk) => {
			output += chunk;
		});
		child.once('error', reject);
		child.once('exit', (code) => {
			if (code !== 0) return reject(new Error(`The measurement process exited with code ${code}: ${output}`));
			const lastLine = output.trim().split('\n').pop() ?? '';
			resolve(JSON.parse(lastLine));
		});
	});
}

/** @param {number} bytes */
function megabytes(bytes) {
	return (bytes / 1_000_000).toFixed(2);
}

/** @param {number[]} values */
function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor((sorted.length - 1) / 2)];
}

function describeMachine() {
	const cpus = os.cpus();
	return [
		`CPU: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} logical cores`,
		`memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
		`OS: ${os.type()} ${os.release()} (${os.arch()})`,
		`Node.js ${process.version}`,
	].join('; ');
}

/** @param {ReturnType<typeof parseArguments>} options */
async function runParent(options) {
	const scratchDir = path.join(repoRoot, '.tmp', `bench-uploads-${Date.now()}-${process.pid}`);
	fs.mkdirSync(scratchDir, { recursive: true });
	const bundlePath = path.join(scratchDir, 'harness.cjs');
	await processes.bundleHarness(bundlePath);
	const emulator = await processes.startEmulatorProcess();

	try {
		console.log(`Machine: ${describeMachine()}`);
		console.log(`Runs per row: ${options.runs} (each in a fresh process); figures are the median and the maximum.\n`);
		console.log('| source | numbers | file sent (MB) | added peak RSS, median (MB) | max (MB) | max / file size | execute time, median (s) |');
		console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
		for (const benchCase of options.cases) {
			for (const size of options.sizes) {
				/** @type {ChildResult[]} */
				const results = [];
				for (let run = 0; run < options.runs; run++) {
					const config = { bundlePath, url: emulator.url, size, source: benchCase.source, binaryDataMode: benchCase.binaryDataMode, dryRun: benchCase.dryRun };
					results.push(await runChild(config, scratchDir));
				}
				const peaks = results.map((result) => result.addedPeakRss);
				const maxPeak = Math.max(...peaks);
				const fileBytes = results[0].fileBytes;
				console.log(
					`| ${benchCase.label} | ${size.toLocaleString('en-US')} | ${megabytes(fileBytes)} | ${megabytes(median(peaks))} | ${megabytes(maxPeak)} | ${(maxPeak / fileBytes).toFixed(2)} | ${median(results.map((result) => result.seconds)).toFixed(2)} |`,
				);
			}
		}
	} finally {
		await emulator.stop();
		fs.rmSync(scratchDir, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------------------------------------
// Child: one warm-up and one measured import in this process.

const SAMPLER_SOURCE = `
const { workerData } = require('node:worker_threads');
const stop = new Int32Array(workerData.stop);
const peak = new Float64Array(workerData.peak);
while (Atomics.load(stop, 0) === 0) {
	const rss = process.memoryUsage.rss();
	if (rss > peak[0]) peak[0] = rss;
	Atomics.wait(stop, 0, 0, 1);
}
`;

/** @param {number} count @param {number} offset */
function numbersFile(count, offset) {
	const file = Buffer.alloc(count * LINE_BYTES);
	for (let index = 0; index < count; index++) {
		file.write(`44770${String(offset + index).padStart(7, '0')}\n`, index * LINE_BYTES, 'latin1');
	}
	return file;
}

/** @param {number} count @param {number} offset */
function numberItems(count, offset) {
	return Array.from({ length: count }, (_unused, index) => ({ json: { msisdn: `44770${String(offset + index).padStart(7, '0')}` } }));
}

/** @param {string} configText */
async function runChildMeasurement(configText) {
	const config = JSON.parse(configText);
	const gc = /** @type {() => void} */ (globalThis.gc);
	if (typeof gc !== 'function') throw new Error('Run the measurement with node --expose-gc');
	const { executeNode, binaryItem, ITest, ITestApi } = require(config.bundlePath);

	const stopFlag = new Int32Array(new SharedArrayBuffer(4));
	const peakRss = new Float64Array(new SharedArrayBuffer(8));
	const sampler = new Worker(SAMPLER_SOURCE, { eval: true, workerData: { stop: stopFlag.buffer, peak: peakRss.buffer } });

	/** @type {{ baselineRss: number, baseline: NodeJS.MemoryUsage, after: NodeJS.MemoryUsage, seconds: number } | undefined} */
	let window;
	let measuring = false;
	const nodeType = new ITest();
	const execute = nodeType.execute;
	nodeType.execute = async function measuredExecute() {
		if (!measuring) return await execute.call(this);
		gc();
		gc();
		const baseline = process.memoryUsage();
		peakRss[0] = baseline.rss;
		const started = performance.now();
		const output = await execute.call(this);
		const seconds = (performance.now() - started) / 1000;
		const after = process.memoryUsage();
		window = { baselineRss: baseline.rss, baseline, after, seconds };
		return output;
	};

	const credentials = {
		iTestApi: {
			username: 'reseller',
			password: 'emulator-secret',
			baseUrl: config.url,
			userFieldName: 'API_95718',
			passFieldName: 'API_84572',
			textEncoding: 'latin1',
		},
	};
	/** @param {Record<string, unknown>} parameters @param {unknown[]} items */
	const run = async (parameters, items) => {
		const result = await executeNode({
			nodeType,
			credentialTypes: [new ITestApi()],
			credentials,
			parameters,
			items,
			binaryDataMode: config.binaryDataMode,
		});
		if (result.error) throw result.error;
		return result.output[0];
	};

	await run({ resource: 'company', operation: 'upsert', companyId: 'C-1', name: 'Benchmark', enabled: true }, [{ json: {} }]);
	const sourceParameters = config.source === 'binary' ? { source: 'binary', binaryPropertyName: 'data' } : { source: 'items', numberField: 'msisdn' };
	const parameters = {
		resource: 'numberDatabase',
		operation: 'importNumbers',
		companyId: 'C-1',
		...sourceParameters,
		options: { dryRun: config.dryRun },
	};
	/** @param {number} count @param {number} offset */
	const input = (count, offset) =>
		config.source === 'binary' ? [binaryItem(numbersFile(count, offset), 'numbers.txt', 'text/plain')] : numberItems(count, offset);

	await run(parameters, input(WARM_UP_NUMBERS, 0));

	measuring = true;
	const output = await run(parameters, input(config.size, WARM_UP_NUMBERS));
	Atomics.store(stopFlag, 0, 1);
	Atomics.notify(stopFlag, 0);
	await sampler.terminate();

	const json = output[0].json;
	if (json.linesSent !== config.size || json.sent === config.dryRun || !window) {
		throw new Error(`The measured import did not send ${config.size} numbers: ${JSON.stringify(json).slice(0, 500)}`);
	}
	/** @type {ChildResult} */
	const result = {
		numbers: config.size,
		fileBytes: json.fileSize,
		baselineRss: window.baselineRss,
		addedPeakRss: peakRss[0] - window.baselineRss,
		addedHeapUsed: window.after.heapUsed - window.baseline.heapUsed,
		addedArrayBuffers: window.after.arrayBuffers - window.baseline.arrayBuffers,
		seconds: window.seconds,
	};
	process.stdout.write(`${JSON.stringify(result)}\n`);
}

const options = parseArguments(process.argv.slice(2));
if (options.child !== undefined) {
	await runChildMeasurement(options.child);
} else {
	await runParent(options);
}
