// @ts-check
// `npm run test:queue`: runs this package in n8n 2.41.1 queue mode and checks that it scales out.
//
// It starts PostgreSQL and Redis on 127.0.0.1 with their data under .tmp/queue-mode/run/,
// installing Debian's packages with apt-get when they are missing. Then it starts the iTest
// emulator, one n8n main instance and up to two `n8n worker` processes. Each n8n process has the
// packed package installed as a community package and keeps binary data in the database.
// Three phases follow:
//
//   1. one worker: bulk user imports through the example workflow, timed;
//   2. two workers: the same bulk imports again, timed;
//   3. two workers: breakout-permission refreshes (the example, started by a webhook) and
//      number imports from files uploaded to a webhook, so binary data crosses from the main
//      instance to the workers.
//
// After each phase it checks that every webhook call succeeded and that the emulator received
// every iTest request exactly once. It also checks that every execution n8n recorded succeeded
// and ran on exactly one worker, and in phases 2 and 3 that both workers ran executions. It stops every
// process it started, prints the throughput with one and two workers and writes it to
// .tmp/queue-mode/result.json. It exits with 1 when a check failed, and keeps the logs in
// .tmp/queue-mode/run/ then.

import fs from 'fs';
import os from 'os';
import path from 'path';
import { parseArgs } from 'util';

import n8n from './lib/n8n.js';
import runtime from './lib/runtime.js';
import workspace from './lib/workspace.js';
import services from './lib/queue/services.js';
import cluster from './lib/queue/cluster.js';
import workloads from './lib/queue/workloads.js';
import checks from './lib/queue/checks.js';
import cpu from './lib/queue/cpu.js';
import emulatorModule from '../emulator/index.js';

const SCRATCH_DIR = path.join(runtime.repoRoot, '.tmp', 'queue-mode');
const RUN_DIR = path.join(SCRATCH_DIR, 'run');
const RESULT_PATH = path.join(SCRATCH_DIR, 'result.json');
const COMPANY_ID = 'QC-1';
const OWNER = { email: 'queue-owner@example.com', firstName: 'Queue', lastName: 'Owner', password: 'Queue-owner-password-1' };
// n8n writes an execution's final status, and the worker logs its end, a moment after the webhook
// response, so the checks wait up to this long for both.
const SETTLE_TIMEOUT_MS = 30000;

const USAGE = `Usage: npm run test:queue -- [options]

  --executions N     timed bulk imports per phase (default 40)
  --rows N           users per bulk import (default 10)
  --warm-up N        untimed bulk imports before each timed batch (default 6)
  --in-flight N      webhook calls waiting for a response at once (default 16)
  --concurrency N    executions each worker runs at once, n8n's --concurrency (default 5)
  --breakouts N      breakout-permission refreshes in phase 3 (default 20)
  --uploads N        number files uploaded in phase 3 (default 10)
  --latency-ms N     delay the emulator adds to every iTest response (default 0)
  --requests-in-parallel N
                     the iTest node's Requests in Parallel option in the bulk import example
                     (default 1, the example's own setting)
  --binary-data-mode database|filesystem
                     n8n's N8N_DEFAULT_BINARY_DATA_MODE (default database); with filesystem
                     the workers cannot read files that the main instance received, and the
                     phase 3 checks fail
  --keep             keep .tmp/queue-mode/run/ (logs, database) after a successful run
  --help             print this text`;

/**
 * Reads the command-line options.
 * @returns {{ binaryDataMode: 'database' | 'filesystem', executions: number, rows: number, warmUp: number,
 *   inFlight: number, concurrency: number, breakouts: number, uploads: number, latencyMs: number,
 *   requestsInParallel: number, keep: boolean }}
 */
function readOptions() {
	const { values } = parseArgs({
		options: {
			executions: { type: 'string', default: '40' },
			rows: { type: 'string', default: '10' },
			'warm-up': { type: 'string', default: '6' },
			'in-flight': { type: 'string', default: '16' },
			concurrency: { type: 'string', default: '5' },
			breakouts: { type: 'string', default: '20' },
			uploads: { type: 'string', default: '10' },
			'latency-ms': { type: 'string', default: '0' },
			'requests-in-parallel': { type: 'string', default: '1' },
			'binary-data-mode': { type: 'string', default: 'database' },
			keep: { type: 'boolean', default: false },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		process.stdout.write(`${USAGE}\n`);
		process.exit(0);
	}
	/**
	 * @param {string} name
	 * @param {number} min
	 * @param {number} max
	 */
	const whole = (name, min, max) => {
		const text = /** @type {string} */ (values[/** @type {keyof typeof values} */ (name)]);
		const value = Number(text);
		if (!Number.isInteger(value) || value < min || value > max) {
			process.stderr.write(`Invalid --${name} "${text}": expected a whole number from ${min} to ${max}.\n\n${USAGE}\n`);
			process.exit(2);
		}
		return value;
	};
	const binaryDataMode = values['binary-data-mode'];
	if (binaryDataMode !== 'database' && binaryDataMode !== 'filesystem') {
		process.stderr.write(`Invalid --binary-data-mode "${binaryDataMode}": expected database or filesystem.\n\n${USAGE}\n`);
		process.exit(2);
	}
	return {
		binaryDataMode,
		executions: whole('executions', 1, 10000),
		rows: whole('rows', 1, 1000),
		warmUp: whole('warm-up', 0, 1000),
		inFlight: whole('in-flight', 1, 200),
		concurrency: whole('concurrency', 1, 100),
		breakouts: whole('breakouts', 1, 1000),
		uploads: whole('uploads', 1, 1000),
		latencyMs: whole('latency-ms', 0, 60000),
		requestsInParallel: whole('requests-in-parallel', 1, 64),
		keep: values.keep === true,
	};
}

const started = Date.now();
// The one-minute load average before this script adds its own processes: other work on the machine.
const loadAverageAtStart = os.loadavg().map((value) => Math.round(value * 100) / 100);
const out = (/** @type {string} */ line = '') => process.stdout.write(`${line}\n`);
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
/**
 * The signal that interrupted the run, if one did.
 * @type {NodeJS.Signals | undefined}
 */
let interruptedBy;

/**
 * Prints the start of a step, or throws when a signal interrupted the run, so that main() ends
 * at the next step and the run stops only the processes it has.
 * @param {string} line
 */
function step(line) {
	if (interruptedBy) throw new Error(`Interrupted by ${interruptedBy}`);
	out(`[${elapsed()}] ${line}`);
}

/** @type {Array<{ label: string, stop: () => Promise<void> }>} */
const running = [];
/** @type {Promise<void> | undefined} */
let stopped;
/**
 * Stops of processes that finished starting after stopEverything() began.
 * @type {Promise<void>[]}
 */
const lateStops = [];

/**
 * Stops every process this script started, newest first. A second call, from a signal handler
 * or the error path, waits for the same stop instead of returning early.
 * @returns {Promise<void>}
 */
function stopEverything() {
	stopped ??= (async () => {
		for (let entry = running.pop(); entry !== undefined; entry = running.pop()) {
			await stopOne(entry);
		}
	})();
	return stopped.then(() => Promise.all(lateStops)).then(() => undefined);
}

/**
 * Stops one process and reports a failure instead of throwing, so the others still get stopped.
 * @param {{ label: string, stop: () => Promise<void> }} entry
 */
async function stopOne(entry) {
	try {
		await entry.stop();
	} catch (error) {
		out(`Failed to stop ${entry.label}: ${error instanceof Error ? error.message : String(error)}`);
	}
}

/**
 * Registers a started process for stopEverything(). A process that finished starting after the
 * stop began (a signal arrived meanwhile) is stopped at once.
 * @param {string} label
 * @param {() => Promise<void>} stop
 */
function track(label, stop) {
	if (stopped) {
		lateStops.push(stopOne({ label, stop }));
		return;
	}
	running.push({ label, stop });
}

for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM'])) {
	process.on(signal, () => {
		if (interruptedBy) {
			out(`${signal} received again: exiting without waiting for the processes to stop`);
			process.exit(130);
		}
		interruptedBy = signal;
		out(`\n${signal} received: stopping everything this script started`);
		// The run then fails at its next request or step, and its error path waits for the stop.
		void stopEverything();
	});
}

/**
 * @typedef {object} PhaseContext
 * @property {import('../emulator/index.js').Emulator} emulator
 * @property {import('./lib/queue/services.js').RunningPostgres} postgres
 * @property {string} n8nUrl
 * @property {import('./lib/queue/cluster.js').RunningWorker[]} workers the workers running in this phase
 * @property {InstanceType<typeof checks.Checker>} checker
 * @property {Record<string, number>} processTrees name to PID of each server process tree, for CPU accounting
 */

/**
 * @typedef {object} PhaseMark
 * @property {number} requestId the emulator's newest request ID before the phase
 * @property {number} executionId n8n's newest execution ID before the phase
 */

/**
 * Records where the emulator log and the execution table stand before a phase.
 * @param {PhaseContext} context
 * @returns {Promise<PhaseMark>}
 */
async function markPhase(context) {
	const requests = context.emulator.requests;
	return {
		requestId: requests.length === 0 ? 0 : requests[requests.length - 1].id,
		executionId: await checks.lastExecutionId(context.postgres),
	};
}

/**
 * Waits until n8n has recorded `expected` executions after the mark, all finished, and the
 * workers have logged their end. Returns the executions.
 * @param {PhaseContext} context
 * @param {PhaseMark} mark
 * @param {number} expected
 */
async function settledExecutions(context, mark, expected) {
	const deadline = Date.now() + SETTLE_TIMEOUT_MS;
	for (;;) {
		const executions = await checks.readExecutions(context.postgres, mark.executionId);
		const finishedOnWorkers = new Set(
			context.workers.flatMap((worker) => worker.executions().filter((entry) => entry.finished).map((entry) => Number(entry.executionId))),
		);
		const settled =
			executions.length >= expected &&
			executions.every((execution) => !['new', 'running', 'waiting'].includes(execution.status) && finishedOnWorkers.has(execution.id));
		if (settled || Date.now() > deadline) return executions;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/**
 * Checks what n8n and the workers recorded for the executions of a phase: the number per
 * workflow, that all succeeded, and that each ran on exactly one worker. Returns the number of
 * executions each worker ran.
 * @param {PhaseContext} context
 * @param {string} phase
 * @param {Awaited<ReturnType<typeof checks.readExecutions>>} executions
 * @param {Record<string, number>} expectedPerWorkflow
 * @returns {Record<string, number>}
 */
function checkExecutions(context, phase, executions, expectedPerWorkflow) {
	const { checker } = context;
	/** @type {Record<string, number>} */
	const perWorkflow = {};
	for (const execution of executions) perWorkflow[execution.workflowId] = (perWorkflow[execution.workflowId] ?? 0) + 1;
	checker.equal(`${phase}: executions recorded per workflow`, perWorkflow, expectedPerWorkflow);

	const notSucceeded = executions.filter((execution) => execution.status !== 'success');
	checker.ok(
		`${phase}: all ${executions.length} executions have status success`,
		notSucceeded.length === 0,
		`not successful: ${checks.describe(notSucceeded.map((execution) => ({ id: execution.id, workflowId: execution.workflowId, status: execution.status })))}`,
	);
	const notWebhook = executions.filter((execution) => execution.mode !== 'webhook');
	checker.ok(`${phase}: every execution was started by a webhook`, notWebhook.length === 0, `other modes: ${checks.describe(notWebhook)}`);

	/** @type {Map<number, string[]>} */
	const ranOn = new Map();
	/** @type {Record<string, number>} */
	const perWorker = {};
	for (const worker of context.workers) {
		perWorker[worker.name] = 0;
		for (const entry of worker.executions()) {
			const id = Number(entry.executionId);
			if (!executions.some((execution) => execution.id === id)) continue;
			ranOn.set(id, [...(ranOn.get(id) ?? []), worker.name]);
			perWorker[worker.name] += 1;
		}
	}
	const wrong = executions
		.map((execution) => ({ id: execution.id, workers: ranOn.get(execution.id) ?? [] }))
		.filter((entry) => entry.workers.length !== 1);
	checker.ok(
		`${phase}: each execution ran on exactly one worker`,
		wrong.length === 0,
		`executions run by no worker or by several: ${checks.describe(wrong)}`,
	);
	return perWorker;
}

/**
 * Counts requests by their request type `t`.
 * @param {import('../emulator/types.js').RequestLogEntry[]} requests
 * @returns {Record<string, number>}
 */
function countByType(requests) {
	/** @type {Record<string, number>} */
	const counts = {};
	for (const entry of requests) counts[String(entry.t)] = (counts[String(entry.t)] ?? 0) + 1;
	return counts;
}

/**
 * Checks the responses of the bulk import calls and what iTest received for them.
 * @param {PhaseContext} context
 * @param {string} phase
 * @param {workloads.WebhookCall[]} calls
 * @param {workloads.WebhookResult[]} results
 * @param {import('../emulator/types.js').RequestLogEntry[]} requests the emulator's requests of the phase
 */
function checkBulkImports(context, phase, calls, results, requests) {
	const { checker } = context;
	const rowsPerCall = calls.map((call) => /** @type {{ users: unknown[] }} */ (call.json).users.length);
	const wrongAnswers = results.filter(
		(result, index) =>
			result.status !== 200 ||
			JSON.stringify(result.json) !== JSON.stringify({ rows: rowsPerCall[index], succeeded: rowsPerCall[index], failed: 0, failures: [] }),
	);
	checker.ok(
		`${phase}: ${results.length} bulk imports answered 200 with every row succeeded`,
		wrongAnswers.length === 0,
		`unexpected answers: ${checks.describe(wrongAnswers.map((result) => ({ call: result.call.label, status: result.status, body: result.text })))}`,
	);

	const expectedUsers = calls.flatMap((call) => /** @type {{ users: Array<{ userId: string }> }} */ (call.json).users.map((user) => user.userId));
	checker.equal(`${phase}: iTest requests by type`, countByType(requests), { 4020: expectedUsers.length });
	const userRequests = requests.filter((entry) => entry.t === '4020');
	checks.checkExactlyOnce(checker, `${phase} user upserts (t=4020)`, userRequests.map((entry) => entry.query.uid), expectedUsers);
	const admins = calls.flatMap((call) =>
		/** @type {{ users: Array<{ userId: string, role?: string }> }} */ (call.json).users.filter((user) => user.role === 'admin').map((user) => user.userId),
	);
	checker.equal(
		`${phase}: rows with role admin were sent as admin, all others as user`,
		userRequests.filter((entry) => entry.query.role === 'admin').map((entry) => entry.query.uid).sort(),
		[...admins].sort(),
	);
}

/**
 * Prints a table with aligned columns.
 * @param {string[]} headers
 * @param {string[][]} rows
 */
function printTable(headers, rows) {
	const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column].length)));
	const format = (/** @type {string[]} */ cells) => `  ${cells.map((cell, column) => cell.padEnd(widths[column])).join('  ')}`.trimEnd();
	out(format(headers));
	out(format(widths.map((width) => '-'.repeat(width))));
	for (const row of rows) out(format(row));
}

/**
 * @typedef {object} Throughput
 * @property {string} phase
 * @property {number} workers
 * @property {number} executions
 * @property {number} requests iTest requests sent by the timed executions
 * @property {number} wallSeconds
 * @property {number} executionsPerSecond
 * @property {number} requestsPerSecond
 * @property {number} p50ResponseMs
 * @property {number} p95ResponseMs
 * @property {number} medianQueueMs median time from enqueueing to a worker starting the execution
 * @property {number} medianRunMs median run time on the worker
 * @property {Record<string, number>} cpuSeconds CPU time each process tree used during the timed batch
 * @property {number} cpuBusyPercent the machine's busy CPU time during the timed batch, as a share of every core's wall time
 */

/**
 * Runs one timed bulk import phase: untimed warm-up calls, then the timed batch, then the checks.
 * @param {PhaseContext} context
 * @param {{ phase: string, label: string, options: ReturnType<typeof readOptions>, requireEveryWorker: boolean }} settings
 * @returns {Promise<{ throughput: Throughput, perWorker: Record<string, number> }>}
 */
async function runBulkPhase(context, settings) {
	const { phase, options } = settings;
	const mark = await markPhase(context);

	const warmUpCalls = workloads.bulkImportCalls({ phase: `${phase}W`, executions: options.warmUp, rows: options.rows, companyId: COMPANY_ID });
	const warmUp = await workloads.sendWebhookCalls(context.n8nUrl, warmUpCalls, options.inFlight);
	const timedMark = await markPhase(context);
	const timedCalls = workloads.bulkImportCalls({ phase, executions: options.executions, rows: options.rows, companyId: COMPANY_ID });
	const cpuBefore = cpu.cpuSecondsByTree(context.processTrees);
	const scriptBefore = process.cpuUsage();
	const machineBefore = cpu.machineBusySeconds();
	const timed = await workloads.sendWebhookCalls(context.n8nUrl, timedCalls, options.inFlight);
	const machineBusy = cpu.machineBusySeconds() - machineBefore;
	const cpuSeconds = cpu.cpuSecondsBetween(cpuBefore, cpu.cpuSecondsByTree(context.processTrees));
	const scriptUsage = process.cpuUsage(scriptBefore);
	cpuSeconds['this script (client and emulator)'] = Math.round((scriptUsage.user + scriptUsage.system) / 1e4) / 100;
	// Whatever else ran on the machine meanwhile (other tests, builds) competed for the same cores.
	const ownSeconds = Object.values(cpuSeconds).reduce((sum, value) => sum + value, 0);
	cpuSeconds['other processes on the machine'] = Math.max(0, Math.round((machineBusy - ownSeconds) * 100) / 100);
	step(`${settings.label}: ${timedCalls.length} timed bulk imports of ${options.rows} rows in ${(timed.wallMs / 1000).toFixed(1)} s`);

	const calls = [...warmUpCalls, ...timedCalls];
	const executions = await settledExecutions(context, mark, calls.length);
	const requests = context.emulator.requests.filter((entry) => entry.id > mark.requestId);
	checkBulkImports(context, phase, calls, [...warmUp.results, ...timed.results], requests);
	checks.checkAllAnsweredSuccess(context.checker, phase, requests);
	const perWorker = checkExecutions(context, phase, executions, { [workloads.BULK_IMPORT.id]: calls.length });
	if (settings.requireEveryWorker) {
		context.checker.ok(
			`${phase}: every worker ran bulk imports (${Object.entries(perWorker).map(([name, count]) => `${name}: ${count}`).join(', ')})`,
			Object.values(perWorker).every((count) => count > 0),
			'a worker ran no execution',
		);
	}

	const timedExecutions = executions.filter((execution) => execution.id > timedMark.executionId);
	const timedRequests = context.emulator.requests.filter((entry) => entry.id > timedMark.requestId && entry.t === '4020').length;
	const wallSeconds = timed.wallMs / 1000;
	const responseTimes = timed.results.map((result) => result.durationMs);
	return {
		perWorker,
		throughput: {
			phase: settings.label,
			workers: context.workers.length,
			executions: timedCalls.length,
			requests: timedRequests,
			wallSeconds,
			executionsPerSecond: timedCalls.length / wallSeconds,
			requestsPerSecond: timedRequests / wallSeconds,
			p50ResponseMs: checks.percentile(responseTimes, 0.5),
			p95ResponseMs: checks.percentile(responseTimes, 0.95),
			medianQueueMs: checks.percentile(timedExecutions.map((execution) => execution.queueMs ?? Number.NaN), 0.5),
			medianRunMs: checks.percentile(timedExecutions.map((execution) => execution.runMs ?? Number.NaN), 0.5),
			cpuSeconds,
			cpuBusyPercent: Math.round((Object.values(cpuSeconds).reduce((sum, value) => sum + value, 0) / (wallSeconds * os.cpus().length)) * 100),
		},
	};
}

/**
 * Runs phase 3: breakout-permission refreshes and number uploads together on both workers, and
 * checks the binary data that crossed between the processes.
 * @param {PhaseContext} context
 * @param {ReturnType<typeof readOptions>} options
 * @returns {Promise<Record<string, number>>} executions per worker
 */
async function runBinaryPhase(context, options) {
	const { checker } = context;
	const phase = 'phase 3';
	const mark = await markPhase(context);
	const breakoutCalls = workloads.breakoutRefreshCalls({ count: options.breakouts, companyId: COMPANY_ID });
	const uploadCalls = workloads.importNumbersCalls({ count: options.uploads, numbersPerFile: 50, companyId: COMPANY_ID });
	// Interleaved, so both kinds are in the queue at the same time.
	/** @type {workloads.WebhookCall[]} */
	const calls = [];
	for (let index = 0; index < Math.max(breakoutCalls.length, uploadCalls.length); index++) {
		if (index < breakoutCalls.length) calls.push(breakoutCalls[index]);
		if (index < uploadCalls.length) calls.push(uploadCalls[index]);
	}
	const sent = await workloads.sendWebhookCalls(context.n8nUrl, calls, options.inFlight);
	step(`phase 3: ${breakoutCalls.length} breakout refreshes and ${uploadCalls.length} number uploads in ${(sent.wallMs / 1000).toFixed(1)} s`);
	const results = new Map(sent.results.map((result) => [result.call, result]));

	const executions = await settledExecutions(context, mark, calls.length);
	const requests = context.emulator.requests.filter((entry) => entry.id > mark.requestId);
	checks.checkAllAnsweredSuccess(checker, phase, requests);
	checker.equal(`${phase}: iTest requests by type`, countByType(requests), { 5110: uploadCalls.length, 5150: breakoutCalls.length });

	// Breakout refreshes: the webhook returns the iTest node's output; iTest stores the list.
	const wrongBreakoutAnswers = breakoutCalls
		.map((call) => /** @type {workloads.WebhookResult} */ (results.get(call)))
		.filter((result) => {
			const body = /** @type {Record<string, unknown> | undefined} */ (result.json);
			const request = /** @type {{ supplierId: string }} */ (result.call.json);
			return result.status !== 200 || body?.success !== true || body?.status !== 'Success' || body?.companyId !== COMPANY_ID || body?.supplierId !== request.supplierId;
		});
	checker.ok(
		`${phase}: ${breakoutCalls.length} breakout refreshes answered 200 with success for their own supplier`,
		wrongBreakoutAnswers.length === 0,
		`unexpected answers: ${checks.describe(wrongBreakoutAnswers.map((result) => ({ call: result.call.label, status: result.status, body: result.text })))}`,
	);
	const permissionRequests = requests.filter((entry) => entry.t === '5150');
	checks.checkExactlyOnce(
		checker,
		`${phase} breakout permission uploads (t=5150)`,
		permissionRequests.map((entry) => entry.query.sid),
		breakoutCalls.map((_, offset) => workloads.breakoutSupplierId(offset + 1)),
	);
	const wrongLists = breakoutCalls
		.map((_, offset) => {
			const supplierId = workloads.breakoutSupplierId(offset + 1);
			return { supplierId, stored: context.emulator.state.getPermissions(COMPANY_ID, supplierId), expected: workloads.breakoutList(offset + 1) };
		})
		.filter((entry) => JSON.stringify(entry.stored) !== JSON.stringify(entry.expected));
	checker.ok(
		`${phase}: iTest stores each supplier's breakout list exactly as sent, Côte d'Ivoire included`,
		wrongLists.length === 0,
		`different lists: ${checks.describe(wrongLists)}`,
	);

	// Number uploads: the file went from the webhook on the main instance through the database to a worker.
	const wrongUploadAnswers = uploadCalls
		.map((call) => /** @type {workloads.WebhookResult} */ (results.get(call)))
		.filter((result) => {
			const items = /** @type {Array<Record<string, unknown>> | undefined} */ (result.json);
			const row = result.call.multipart?.fields.row;
			return (
				result.status !== 200 ||
				!Array.isArray(items) ||
				items.length !== 1 ||
				items[0].success !== true ||
				items[0].status !== 'Success' ||
				items[0].companyId !== COMPANY_ID ||
				items[0].inputRow !== row
			);
		});
	checker.ok(
		`${phase}: ${uploadCalls.length} number uploads answered 200 with success, paired to their own request`,
		wrongUploadAnswers.length === 0,
		`unexpected answers: ${checks.describe(wrongUploadAnswers.map((result) => ({ call: result.call.label, status: result.status, body: result.text })))}`,
	);
	const uploadRequests = requests.filter((entry) => entry.t === '5110');
	const receivedFiles = uploadRequests.map((entry) => (entry.file ? entry.file.bytes.toString('latin1').split(/\r?\n/).filter((line) => line !== '').join(',') : '(no file)'));
	checks.checkExactlyOnce(
		checker,
		`${phase} number uploads (t=5110), compared line by line`,
		receivedFiles,
		uploadCalls.map((call) => call.numbers.join(',')),
	);
	checker.equal(
		`${phase}: iTest stores every uploaded number`,
		[...context.emulator.state.getNumbers(COMPANY_ID)].sort(),
		uploadCalls.flatMap((call) => call.numbers).sort(),
	);

	// n8n's database binary data mode: each uploaded file is a row of the binary_data table that
	// belongs to the execution that imported it.
	const stored = await checks.readStoredBinaries(context.postgres);
	const uploadWorkflowExecutions = executions.filter((execution) => execution.workflowId === workloads.IMPORT_NUMBERS.id).map((execution) => String(execution.id));
	const uploadsInDatabase = uploadCalls.filter((call) =>
		stored.some((row) => row.sourceType === 'execution' && row.sha256 === call.sha256 && uploadWorkflowExecutions.includes(row.sourceId)),
	);
	checker.equal(`${phase}: every uploaded file is stored in PostgreSQL under its execution`, uploadsInDatabase.length, uploadCalls.length);

	const perWorker = checkExecutions(context, phase, executions, {
		[workloads.BREAKOUT_REFRESH.id]: breakoutCalls.length,
		[workloads.IMPORT_NUMBERS.id]: uploadCalls.length,
	});
	const breakoutExecutionIds = new Set(executions.filter((execution) => execution.workflowId === workloads.BREAKOUT_REFRESH.id).map((execution) => String(execution.id)));
	/** @type {Record<string, number>} */
	const breakoutsPerWorker = {};
	for (const worker of context.workers) {
		breakoutsPerWorker[worker.name] = worker.executions().filter((entry) => breakoutExecutionIds.has(entry.executionId)).length;
	}
	checker.ok(
		`${phase}: every worker ran breakout refreshes (${Object.entries(breakoutsPerWorker).map(([name, count]) => `${name}: ${count}`).join(', ')})`,
		Object.values(breakoutsPerWorker).every((count) => count > 0),
		'a worker ran no breakout refresh',
	);
	return perWorker;
}

/**
 * Describes this machine for the throughput record.
 * @returns {{ cpus: number, cpuModel: string, memoryGiB: number, node: string, loadAverageAtStart: number[] }}
 */
function describeMachine() {
	const cpus = os.cpus();
	return {
		cpus: cpus.length,
		cpuModel: cpus[0]?.model ?? 'unknown',
		memoryGiB: Math.round(os.totalmem() / 2 ** 30),
		node: process.version,
		loadAverageAtStart,
	};
}

async function main() {
	const options = readOptions();
	const checker = new checks.Checker((line) => out(`  ${line}`));
	out(`n8n-nodes-itest in n8n ${runtime.N8N_VERSION} queue mode: PostgreSQL, Redis, one main instance, two workers`);
	out(`  worker concurrency ${options.concurrency}, ${options.executions} timed bulk imports of ${options.rows} rows per phase, ` +
		`${options.inFlight} webhook calls in flight, emulator latency ${options.latencyMs} ms, ` +
		`${options.requestsInParallel} iTest request${options.requestsInParallel === 1 ? '' : 's'} in parallel per execution`);

	step('n8n runtime');
	const install = await runtime.ensureRuntime({ log: (line) => out(`      ${line}`) });
	if (!install.installed) out(`      already installed in ${path.relative(runtime.repoRoot, runtime.runtimeDir)}/`);

	step('PostgreSQL and Redis packages');
	const packages = services.ensureDebianPackages((line) => out(`      ${line}`));
	out(`      ${packages.installed.length === 0 ? 'already installed' : `installed ${packages.installed.join(', ')} in ${packages.seconds} s`}: ` +
		`${packages.postgresBinDir}, ${packages.redisServer}`);

	fs.rmSync(SCRATCH_DIR, { recursive: true, force: true });
	fs.mkdirSync(RUN_DIR, { recursive: true });

	step('starting PostgreSQL and Redis on 127.0.0.1');
	const postgres = await services.startPostgres({ home: RUN_DIR, binDir: packages.postgresBinDir, log: (line) => out(`      ${line}`) });
	track('PostgreSQL', postgres.stop);
	const redis = await services.startRedis({ home: RUN_DIR, redisServer: packages.redisServer });
	track('Redis', redis.stop);
	out(`      PostgreSQL on port ${postgres.port} (PID ${postgres.pid}), Redis on port ${redis.port} (PID ${redis.pid})`);

	step('building and packing the package');
	const tarball = await n8n.buildAndPack(RUN_DIR);
	out(`      ${path.basename(tarball)}`);

	const emulator = await emulatorModule.startEmulator({ port: 0, latencyMs: options.latencyMs, maxLoggedRequests: 1000000 });
	track('iTest emulator', () => emulator.close());
	step(`iTest emulator on ${emulator.url}`);

	step('n8n main instance: installing the package, importing workflows, starting');
	const shared = { postgres, redis, encryptionKey: cluster.newEncryptionKey(), binaryDataMode: options.binaryDataMode };
	const mainInstance = await cluster.prepareQueueInstance({ home: path.join(RUN_DIR, 'main'), shared, tarball });
	await workspace.importIntoN8n(mainInstance, {
		credentials: workspace.exampleCredentials(emulator.url),
		workflows: workloads.queueModeWorkflows({ requestsInParallel: options.requestsInParallel }),
		publish: [],
	});
	const main = await n8n.startN8n(mainInstance);
	track('n8n main', main.stop);
	const session = await n8n.openOwnerSession(mainInstance, OWNER);
	await n8n.publishWorkflows(mainInstance, session, workloads.PUBLISHED.map((workflow) => workflow.id));
	await n8n.waitForWebhooks(mainInstance, workloads.PUBLISHED.map((workflow) => workflow.path));
	out(`      ${mainInstance.url} (PID ${main.pid}), ${workloads.PUBLISHED.length} webhook workflows published`);

	/** @type {Record<string, number>} */
	const processTrees = { 'n8n main': main.pid, PostgreSQL: postgres.pid, Redis: redis.pid };
	/** @type {import('./lib/queue/cluster.js').RunningWorker[]} */
	const workers = [];
	const startWorker = async (/** @type {string} */ name) => {
		const instance = await cluster.prepareQueueInstance({ home: path.join(RUN_DIR, name), shared, tarball, worker: true });
		const worker = await cluster.startWorker(instance, { name, concurrency: options.concurrency });
		track(name, worker.stop);
		workers.push(worker);
		processTrees[`n8n ${name}`] = worker.pid;
		step(`${name} ready (PID ${worker.pid}, concurrency ${options.concurrency})`);
	};
	await startWorker('worker-1');

	/** @type {PhaseContext} */
	const context = { emulator, postgres, n8nUrl: mainInstance.url, workers, checker, processTrees };

	step('set-up through the queue: onboarding the company and creating the suppliers');
	const setUpMark = await markPhase(context);
	const onboarding = await workloads.sendWebhookCall(mainInstance.url, {
		path: workloads.ONBOARDING.path,
		label: 'onboarding',
		authenticated: true,
		json: { companyId: COMPANY_ID, companyName: 'Queue Mode Telecom', userId: 'QU-ADMIN', firstName: 'Queue', lastName: 'Admin', email: 'queue.admin@example.com' },
	});
	checker.equal('set-up: onboarding answered 201', onboarding.status, 201);
	const suppliers = await workloads.sendWebhookCall(mainInstance.url, workloads.supplierSetupCall({ count: options.breakouts, companyId: COMPANY_ID }));
	const supplierItems = /** @type {Array<{ success?: boolean }>} */ (Array.isArray(suppliers.json) ? suppliers.json : []);
	checker.ok(
		`set-up: ${options.breakouts} suppliers created`,
		suppliers.status === 200 && supplierItems.length === options.breakouts && supplierItems.every((item) => item.success === true),
		`HTTP ${suppliers.status}: ${suppliers.text.slice(0, 400)}`,
	);
	const setUpExecutions = await settledExecutions(context, setUpMark, 2);
	checker.equal(
		'set-up: iTest requests by type',
		countByType(context.emulator.requests.filter((entry) => entry.id > setUpMark.requestId)),
		{ 4010: 1, 4020: 1, 4025: 1, 5020: options.breakouts },
	);
	checkExecutions(context, 'set-up', setUpExecutions, { [workloads.ONBOARDING.id]: 1, [workloads.SUPPLIER_UPSERT.id]: 1 });

	step('phase 1: bulk imports with one worker');
	const oneWorker = await runBulkPhase(context, { phase: 'Q1', label: 'phase 1 (one worker)', options, requireEveryWorker: false });

	await startWorker('worker-2');
	step('phase 2: bulk imports with two workers');
	const twoWorkers = await runBulkPhase(context, { phase: 'Q2', label: 'phase 2 (two workers)', options, requireEveryWorker: true });

	step('phase 3: breakout refreshes and number uploads with two workers');
	const binaryPerWorker = await runBinaryPhase(context, options);

	const filesOnDisk = [mainInstance.userFolder, ...workers.map((worker) => worker.userFolder)].flatMap((folder) =>
		checks.listFiles(path.join(folder, '.n8n', 'storage')),
	);
	checker.equal('no process wrote binary data to its own disk', filesOnDisk, []);

	const allExecutions = await checks.readExecutions(postgres, 0);
	const failedOverall = allExecutions.filter((execution) => execution.status !== 'success');
	checker.equal('all executions of the run succeeded', failedOverall.length, 0);
	const mainLog = fs.readFileSync(main.logPath, 'utf8');
	checker.equal('the main instance ran no execution itself', /Worker started execution/.test(mainLog), false);

	out();
	out(`Throughput of the timed bulk imports (Requests in Parallel: ${options.requestsInParallel}):`);
	printTable(
		['workers', 'executions', 'iTest requests', 'seconds', 'executions/s', 'requests/s', 'response p50', 'response p95', 'queue wait p50', 'run time p50'],
		[oneWorker.throughput, twoWorkers.throughput].map((entry) => [
			String(entry.workers),
			String(entry.executions),
			String(entry.requests),
			entry.wallSeconds.toFixed(1),
			entry.executionsPerSecond.toFixed(2),
			entry.requestsPerSecond.toFixed(1),
			`${entry.p50ResponseMs} ms`,
			`${entry.p95ResponseMs} ms`,
			`${entry.medianQueueMs} ms`,
			`${entry.medianRunMs} ms`,
		]),
	);
	out();
	out('CPU seconds used during the timed bulk imports, by process tree:');
	const treeNames = Object.keys(twoWorkers.throughput.cpuSeconds);
	printTable(
		['process', ...[oneWorker.throughput, twoWorkers.throughput].map((entry) => `${entry.workers} worker${entry.workers === 1 ? '' : 's'}`)],
		[
			...treeNames.map((name) => [name, ...[oneWorker.throughput, twoWorkers.throughput].map((entry) => (entry.cpuSeconds[name] ?? 0).toFixed(2))]),
			[`machine busy, as a share of ${os.cpus().length} cores`, ...[oneWorker.throughput, twoWorkers.throughput].map((entry) => `${entry.cpuBusyPercent} %`)],
		],
	);
	out(`Executions per worker: phase 2 ${JSON.stringify(twoWorkers.perWorker)}, phase 3 ${JSON.stringify(binaryPerWorker)}`);

	const result = {
		finishedAt: new Date().toISOString(),
		n8nVersion: runtime.N8N_VERSION,
		machine: describeMachine(),
		options,
		throughput: [oneWorker.throughput, twoWorkers.throughput],
		executionsPerWorker: { phase2: twoWorkers.perWorker, phase3: binaryPerWorker },
		checks: { passed: checker.passed, failed: checker.failed, failures: checker.results.filter((entry) => !entry.ok) },
		totalSeconds: Math.round((Date.now() - started) / 1000),
	};
	fs.writeFileSync(RESULT_PATH, `${JSON.stringify(result, null, 2)}\n`);
	return { checker, options };
}

let exitCode = 1;
try {
	const { checker, options } = await main();
	await stopEverything();
	out(`[${elapsed()}] stopped every process this script started`);
	out(`Result written to ${path.relative(process.cwd(), RESULT_PATH)}`);
	if (checker.failed === 0 && !options.keep) fs.rmSync(RUN_DIR, { recursive: true, force: true });
	if (checker.failed > 0) out(`Logs, database and worker folders kept in ${path.relative(process.cwd(), RUN_DIR)}/`);
	out(`queue: ${checker.passed} passed, ${checker.failed} failed`);
	exitCode = checker.failed === 0 ? 0 : 1;
} catch (error) {
	out(`\nThe queue-mode check stopped with an error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
	await stopEverything();
	out(`Logs kept in ${path.relative(process.cwd(), RUN_DIR)}/`);
	if (interruptedBy) exitCode = 130;
}
process.exit(exitCode);
