#!/usr/bin/env node
// @ts-check
/**
 * Throughput of bulk user upserts, measured side by side in one run:
 *
 *   1. the iTest node in n8n-core (the test harness, bundled with esbuild) on Node 20;
 *   2. a raw Node client, with keep-alive (the floor) and with a new connection per request
 *      (what n8n 2.41.1's HTTP helper does);
 *   3. a real n8n 2.41.1 on Node 24: webhook workflows with the iTest node, and with HTTP
 *      Request + a tag fix + the XML node, unbounded and inside Loop Over Items.
 *
 * Every series upserts the same users into the emulator (another process) with a fixed latency
 * per request, at 1, 4 and 16 requests in flight, runs after run so that drift hits them alike,
 * and the table shows medians. Then the emulator responds without delay and the CPU time per item is
 * measured: the harness process's own CPU, and n8n's process group (n8n and its task runner).
 *
 *   npm run bench
 *   npm run bench -- --items 200 --runs 1 --latency-ms 20 --skip-n8n
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import n8n from './lib/n8n.js';
import runtime from './lib/runtime.js';
import workspace from './lib/workspace.js';
import clients from './lib/bench/clients.js';
import processes from './lib/bench/processes.js';
import workflows from './lib/bench/workflows.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scriptPath = fileURLToPath(import.meta.url);
const require = createRequire(import.meta.url);

const DEFAULTS = { items: 1000, runs: 3, latencyMs: 20, cpuItems: 1000, skipN8n: false };
const CONCURRENCIES = [1, 4, 16];
const WARM_UP_ITEMS = 20;
/**
 * The two ways the iTest node gets the users' fields: an expression per field, as most
 * workflows map them, or Mapping Mode set to Map Automatically, which evaluates no expression.
 * @type {Array<'expressions' | 'automatic'>}
 */
const MAPPINGS = ['expressions', 'automatic'];
const MAPPING_LABELS = { expressions: 'fields mapped with expressions', automatic: 'Map Automatically' };
/** The option of the iTest node that sets how many requests it keeps in flight. */
const PARALLEL_OPTION = 'requestsInParallel';
const WEBHOOK_TIMEOUT_MS = 600_000;

const out = (/** @type {string} */ line = '') => process.stdout.write(`${line}\n`);

/** @param {string[]} argv */
function parseArguments(argv) {
	const options = { ...DEFAULTS, child: /** @type {string | undefined} */ (undefined) };
	for (let index = 0; index < argv.length; index++) {
		const name = argv[index];
		if (name === '--skip-n8n') {
			options.skipN8n = true;
			continue;
		}
		const value = argv[++index];
		if (value === undefined) throw new Error(`${name} needs a value`);
		if (name === '--child') {
			options.child = value;
			continue;
		}
		const number = Number(value);
		const key = { '--items': 'items', '--runs': 'runs', '--latency-ms': 'latencyMs', '--cpu-items': 'cpuItems' }[name];
		if (key === undefined) throw new Error(`Unknown argument ${name}; expected --items, --runs, --latency-ms, --cpu-items or --skip-n8n`);
		if (!Number.isInteger(number) || number < (key === 'latencyMs' ? 0 : 1)) throw new Error(`${name} must be a whole number, got ${value}`);
		/** @type {Record<string, number>} */ (/** @type {unknown} */ (options))[key] = number;
	}
	return options;
}

// ---------------------------------------------------------------------------------------------
// Emulator, in its own process so that its CPU time is not counted with any client's.


// ---------------------------------------------------------------------------------------------
// The node in n8n-core, in a child process per run.


/**
 * @typedef {object} HarnessConfig
 * @property {string} bundlePath
 * @property {string} url
 * @property {number} items
 * @property {Array<number | undefined>} concurrencies undefined runs the node without the option
 * @property {'expressions' | 'automatic'} mapping
 */

/**
 * @param {HarnessConfig} config
 * @param {string} scratchDir
 * @returns {Promise<Array<{ seconds: number, cpuMs: number }>>} one result per concurrency
 */
function runHarnessChild(config, scratchDir) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [scriptPath, '--child', JSON.stringify(config)], {
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
			if (code !== 0) return reject(new Error(`The harness process exited with code ${code}: ${output}`));
			resolve(JSON.parse(output.trim().split('\n').pop() ?? '[]'));
		});
	});
}

/** @param {string} configText */
async function runHarnessMeasurements(configText) {
	/** @type {HarnessConfig} */
	const config = JSON.parse(configText);
	const { executeNode, ITest, ITestApi } = require(config.bundlePath);
	const nodeType = new ITest();
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
	/** @param {number} count @param {number | undefined} concurrency */
	const upsert = async (count, concurrency) => {
		const items = clients.benchUsers(count).map((user) => ({ json: { ...user } }));
		const options = concurrency === undefined || concurrency === null ? {} : { [PARALLEL_OPTION]: concurrency };
		const parameters = workflows.userUpsertParameters(config.mapping, options);
		const cpuBefore = process.cpuUsage();
		const started = performance.now();
		const result = await executeNode({ nodeType, credentialTypes: [new ITestApi()], credentials, parameters, items });
		const seconds = (performance.now() - started) / 1000;
		const cpu = process.cpuUsage(cpuBefore);
		if (result.error) throw result.error;
		const output = result.output[0];
		const succeeded = output.filter((/** @type {{ json: { success?: boolean } }} */ item) => item.json.success === true).length;
		if (output.length !== count || succeeded !== count) {
			throw new Error(`The node upserted ${succeeded} of ${count} users: ${JSON.stringify(output.find((/** @type {{ json: { success?: boolean } }} */ item) => item.json.success !== true))}`);
		}
		return { seconds, cpuMs: (cpu.user + cpu.system) / 1000 };
	};

	await upsert(WARM_UP_ITEMS, config.concurrencies[0]);
	const results = [];
	for (const concurrency of config.concurrencies) results.push(await upsert(config.items, concurrency));
	process.stdout.write(`${JSON.stringify(results)}\n`);
}

// ---------------------------------------------------------------------------------------------
// The real n8n.

/**
 * @typedef {object} N8nBench
 * @property {(webhookPath: string, count: number) => Promise<{ seconds: number, cpuMs: number }>} call
 * @property {() => Promise<void>} stop
 * @property {string} logPath
 */

/**
 * Installs the packed node into a fresh n8n, imports and publishes the benchmark workflows and
 * starts n8n.
 * @param {{ home: string, tarball: string, emulatorUrl: string, workflowList: object[] }} setup
 * @returns {Promise<N8nBench>}
 */
async function startBenchN8n(setup) {
	const instance = await n8n.prepareInstance({ home: setup.home, logLevel: 'info' });
	await n8n.installPackage(instance, setup.tarball);
	await workspace.importIntoN8n(instance, {
		credentials: workflows.benchCredentials(setup.emulatorUrl),
		workflows: setup.workflowList,
		publish: [],
	});
	const running = await n8n.startN8n(instance);
	try {
		const session = await n8n.openOwnerSession(instance, {
			email: 'bench@example.com',
			firstName: 'Bench',
			lastName: 'Owner',
			password: 'Bench-owner-1',
		});
		const ids = setup.workflowList.map((workflow) => /** @type {{ id: string }} */ (workflow).id);
		await n8n.publishWorkflows(instance, session, ids);
		const paths = setup.workflowList.map(
			(workflow) => /** @type {{ nodes: Array<{ parameters: { path?: string } }> }} */ (workflow).nodes[0].parameters.path ?? '',
		);
		await n8n.waitForWebhooks(instance, paths, { timeoutMs: 60_000 });
	} catch (error) {
		await running.stop();
		throw error;
	}

	const call = async (/** @type {string} */ webhookPath, /** @type {number} */ count) => {
		const body = JSON.stringify({ users: clients.benchUsers(count) });
		const cpuBefore = clients.groupCpuMs(running.pid);
		const started = performance.now();
		const response = await n8n.httpRequest('POST', `${instance.url}webhook/${webhookPath}`, {
			headers: { 'Content-Type': 'application/json' },
			body,
			timeoutMs: WEBHOOK_TIMEOUT_MS,
		});
		const seconds = (performance.now() - started) / 1000;
		const cpuMs = clients.groupCpuMs(running.pid) - cpuBefore;
		if (response.status !== 200) throw new Error(`The webhook ${webhookPath} failed with HTTP ${response.status}: ${response.body.slice(0, 500)}`);
		const summary = JSON.parse(response.body);
		if (summary.items !== count || summary.succeeded !== count) {
			throw new Error(`The workflow behind ${webhookPath} upserted ${summary.succeeded} of ${summary.items} items, expected ${count}: ${response.body.slice(0, 500)}`);
		}
		return { seconds, cpuMs };
	};
	return { call, stop: running.stop, logPath: running.logPath };
}

// ---------------------------------------------------------------------------------------------
// Results.

/** @param {number[]} values */
function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Collects the durations of every series and concurrency over the runs. */
class Results {
	constructor() {
		/** @type {Map<string, Map<string, number[]>>} */
		this.seconds = new Map();
		/** @type {string[]} */
		this.order = [];
	}

	/** @param {string} series @param {string} concurrency @param {number} seconds */
	add(series, concurrency, seconds) {
		if (!this.seconds.has(series)) {
			this.seconds.set(series, new Map());
			this.order.push(series);
		}
		const bySeries = /** @type {Map<string, number[]>} */ (this.seconds.get(series));
		bySeries.set(concurrency, [...(bySeries.get(concurrency) ?? []), seconds]);
	}

	/** @param {string} series @param {string} concurrency @returns {number | undefined} */
	median(series, concurrency) {
		const values = this.seconds.get(series)?.get(concurrency);
		return values === undefined ? undefined : median(values);
	}
}

/**
 * @param {string[]} headers
 * @param {string[][]} rows
 */
function markdownTable(headers, rows) {
	const align = headers.map((_header, column) => (column === 0 ? '---' : '---:'));
	return [headers, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** @param {number | undefined} value @param {number} digits */
const format = (value, digits) => (value === undefined ? 'n/a' : value.toFixed(digits));

function describeMachine() {
	const cpus = os.cpus();
	return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} logical cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()} (${os.arch()})`;
}

// ---------------------------------------------------------------------------------------------
// The run.

/** @param {ReturnType<typeof parseArguments>} options */
async function runParent(options) {
	const started = Date.now();
	const home = n8n.makeScratchDir('bench');
	out(`Throughput benchmark: ${options.items} user upserts, emulator latency ${options.latencyMs} ms, ${options.runs} runs, medians`);
	out(`Machine: ${describeMachine()}`);

	if (!options.skipN8n) await runtime.ensureRuntime({ log: (line) => out(`  ${line}`) });
	out('Building and packing the package ...');
	const tarball = await n8n.buildAndPack(home);
	// The built node's description shows whether it has the concurrency option. Without it, only 1 is measured.
	const { ITest } = require(path.join(repoRoot, 'dist', 'nodes', 'ITest', 'ITest.node.js'));
	const hasParallelOption = JSON.stringify(new ITest().description.properties).includes(`"${PARALLEL_OPTION}"`);
	const nodeConcurrencies = hasParallelOption ? CONCURRENCIES : [undefined];
	if (!hasParallelOption) out(`The node has no "${PARALLEL_OPTION}" option: it is measured at 1 request in flight only.`);

	const bundlePath = path.join(home, 'harness.cjs');
	await processes.bundleHarness(bundlePath);
	const emulator = await processes.startEmulatorProcess();
	/** @type {N8nBench | undefined} */
	let bench;
	const results = new Results();
	/** @type {Record<string, number>} */
	const cpuPerItem = {};
	let succeeded = false;
	try {
		await clients.createBenchCompany(emulator.url);
		/** @type {Array<{ series: string, concurrency: string, path: string }>} */
		const n8nCases = [];
		/** @type {object[]} */
		const workflowList = [workflows.emptyWorkflow('bench/empty')];
		for (const mapping of MAPPINGS) {
			for (const concurrency of nodeConcurrencies) {
				const webhookPath = `bench/itest-${mapping}-${concurrency ?? 1}`;
				workflowList.push(workflows.iTestWorkflow(webhookPath, concurrency, mapping));
				n8nCases.push({ series: `n8n: iTest node, ${MAPPING_LABELS[mapping]}`, concurrency: String(concurrency ?? 1), path: webhookPath });
			}
		}
		workflowList.push(workflows.httpUnboundedWorkflow('bench/http-all', emulator.url));
		n8nCases.push({ series: 'n8n: HTTP Request + tag fix + XML', concurrency: 'unbounded', path: 'bench/http-all' });
		for (const concurrency of CONCURRENCIES) {
			const webhookPath = `bench/http-loop-${concurrency}`;
			workflowList.push(workflows.httpBoundedWorkflow(webhookPath, emulator.url, concurrency));
			n8nCases.push({ series: 'n8n: HTTP Request + tag fix + XML', concurrency: String(concurrency), path: webhookPath });
		}
		if (!options.skipN8n) {
			out(`Starting n8n ${runtime.N8N_VERSION} with ${workflowList.length} benchmark workflows ...`);
			bench = await startBenchN8n({ home, tarball, emulatorUrl: emulator.url, workflowList });
			// One small call per workflow loads its nodes before anything is timed.
			for (const benchCase of n8nCases) await bench.call(benchCase.path, WARM_UP_ITEMS);
			await bench.call('bench/empty', WARM_UP_ITEMS);
		}

		await emulator.setLatency(options.latencyMs);
		const users = clients.benchUsers(options.items);
		for (let run = 1; run <= options.runs; run++) {
			out(`Run ${run} of ${options.runs} (${((Date.now() - started) / 1000).toFixed(0)} s so far)`);
			for (const concurrency of CONCURRENCIES) {
				const keepAlive = await clients.rawUpserts({ baseUrl: emulator.url, users, concurrency, keepAlive: true });
				results.add('raw client, keep-alive', String(concurrency), keepAlive.seconds);
				const fresh = await clients.rawUpserts({ baseUrl: emulator.url, users, concurrency, keepAlive: false });
				results.add('raw client, new connection per request', String(concurrency), fresh.seconds);
			}
			for (const mapping of MAPPINGS) {
				const harness = await runHarnessChild({ bundlePath, url: emulator.url, items: options.items, concurrencies: nodeConcurrencies, mapping }, home);
				harness.forEach((result, index) => results.add(`iTest node in n8n-core, ${MAPPING_LABELS[mapping]}`, String(nodeConcurrencies[index] ?? 1), result.seconds));
			}
			if (bench) {
				for (const benchCase of n8nCases) {
					const result = await bench.call(benchCase.path, options.items);
					results.add(benchCase.series, benchCase.concurrency, result.seconds);
				}
			}
		}

		out(`CPU time per item, emulator answering at once (${options.cpuItems} items, ${options.runs} runs, medians) ...`);
		await emulator.setLatency(0);
		const cpuUsers = clients.benchUsers(options.cpuItems);
		/** @type {Record<string, number[]>} */
		const cpuRuns = {};
		const record = (/** @type {string} */ name, /** @type {number} */ cpuMs) => {
			cpuRuns[name] = [...(cpuRuns[name] ?? []), cpuMs / options.cpuItems];
		};
		for (let run = 1; run <= options.runs; run++) {
			record('raw client, keep-alive, 1 in flight (Node 20)', (await clients.rawUpserts({ baseUrl: emulator.url, users: cpuUsers, concurrency: 1, keepAlive: true })).cpuMs);
			record('raw client, new connection per request, 1 in flight (Node 20)', (await clients.rawUpserts({ baseUrl: emulator.url, users: cpuUsers, concurrency: 1, keepAlive: false })).cpuMs);
			for (const mapping of MAPPINGS) {
				const [harness] = await runHarnessChild({ bundlePath, url: emulator.url, items: options.cpuItems, concurrencies: [nodeConcurrencies[0]], mapping }, home);
				record(`iTest node in n8n-core, ${MAPPING_LABELS[mapping]}, 1 in flight (Node 20)`, harness.cpuMs);
			}
			if (bench) {
				const empty = await bench.call('bench/empty', options.cpuItems);
				record('n8n: webhook, Split Out and summary only', empty.cpuMs);
				for (const mapping of MAPPINGS) {
					const iTest = await bench.call(`bench/itest-${mapping}-${nodeConcurrencies[0] ?? 1}`, options.cpuItems);
					record(`n8n: iTest workflow, ${MAPPING_LABELS[mapping]}, 1 in flight`, iTest.cpuMs);
					record(`n8n: iTest node share, ${MAPPING_LABELS[mapping]} (minus the empty workflow)`, iTest.cpuMs - empty.cpuMs);
				}
				const http = await bench.call('bench/http-all', options.cpuItems);
				record('n8n: HTTP Request + tag fix + XML workflow, unbounded', http.cpuMs);
				record('n8n: HTTP Request + tag fix + XML share (minus the empty one)', http.cpuMs - empty.cpuMs);
				const loop = await bench.call('bench/http-loop-1', options.cpuItems);
				record('n8n: HTTP Request + tag fix + XML workflow, 1 at a time', loop.cpuMs);
			}
		}
		for (const [name, values] of Object.entries(cpuRuns)) cpuPerItem[name] = median(values);
		succeeded = true;
	} catch (error) {
		out(`Benchmark failed: ${error instanceof Error ? error.stack : String(error)}`);
		if (bench) out(`The n8n log is ${bench.logPath}.`);
		out(`The scratch folder ${path.relative(repoRoot, home)} is kept for inspection.`);
		process.exitCode = 1;
	} finally {
		if (bench) await bench.stop();
		await emulator.stop();
	}
	if (!succeeded) return;
	fs.rmSync(home, { recursive: true, force: true });

	printReport(results, cpuPerItem, options);
	out();
	out(`Total time: ${((Date.now() - started) / 1000).toFixed(0)} s.`);
}

/**
 * @param {Results} results
 * @param {Record<string, number>} cpuPerItem
 * @param {ReturnType<typeof parseArguments>} options
 */
function printReport(results, cpuPerItem, options) {
	const columns = ['1', '4', '16', 'unbounded'];
	out();
	out(`Seconds for ${options.items} user upserts, median of ${options.runs} runs, emulator latency ${options.latencyMs} ms:`);
	out();
	out(
		markdownTable(
			['series \\ requests in flight', ...columns],
			results.order.map((series) => [series, ...columns.map((column) => format(results.median(series, column), 2))]),
		),
	);

	/** @param {string} numerator @param {string} denominator @param {string} column */
	const ratio = (numerator, denominator, column) => {
		const top = results.median(numerator, column);
		const bottom = results.median(denominator, column);
		return top === undefined || bottom === undefined ? undefined : top / bottom;
	};
	out();
	out('Ratios of the medians at equal concurrency (time / time; below 1 means the first is faster):');
	out();
	out(
		markdownTable(
			['ratio', '1', '4', '16'],
			[
				...MAPPINGS.map((mapping) => [
					`iTest node in n8n-core, ${MAPPING_LABELS[mapping]} / raw client, keep-alive`,
					...['1', '4', '16'].map((column) => format(ratio(`iTest node in n8n-core, ${MAPPING_LABELS[mapping]}`, 'raw client, keep-alive', column), 3)),
				]),
				['raw client, new connection / keep-alive', ...['1', '4', '16'].map((column) => format(ratio('raw client, new connection per request', 'raw client, keep-alive', column), 3))],
				...MAPPINGS.map((mapping) => [
					`n8n: iTest workflow, ${MAPPING_LABELS[mapping]} / HTTP Request workflow in Loop Over Items`,
					...['1', '4', '16'].map((column) => format(ratio(`n8n: iTest node, ${MAPPING_LABELS[mapping]}`, 'n8n: HTTP Request + tag fix + XML', column), 3)),
				]),
			],
		),
	);

	out();
	out(`CPU milliseconds per item, emulator answering at once, median of ${options.runs} runs of ${options.cpuItems} items:`);
	out();
	out(markdownTable(['what ran', 'CPU ms per item'], Object.entries(cpuPerItem).map(([name, value]) => [name, format(value, 3)])));
	out();
	out(`Node.js ${process.version} for the scripts and the harness; n8n ${runtime.N8N_VERSION} on its own Node 24.`);
}

const options = parseArguments(process.argv.slice(2));
if (options.child !== undefined) {
	await runHarnessMeasurements(options.child);
} else {
	await runParent(options);
}
