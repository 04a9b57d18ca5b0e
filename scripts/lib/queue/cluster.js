// @ts-check
'use strict';

// n8n in queue mode: one main instance that receives webhooks and puts executions on a Redis
// (Bull) queue, and worker processes that take them off the queue and run them. All share one
// PostgreSQL database, one encryption key and the database binary data mode, and each has its
// own user folder with this package installed as a community package, as separate machines would.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const n8n = require('../n8n');
const { node24Path, n8nBinPath } = require('../runtime');

const WORKER_START_TIMEOUT_MS = 120000;
const WORKER_STOP_TIMEOUT_MS = 30000;

/**
 * @typedef {object} SharedServices
 * @property {{ port: number, user: string, password: string, database: string }} postgres
 * @property {{ port: number }} redis
 * @property {string} encryptionKey the same key in every process, or workers cannot decrypt credentials
 * @property {'database' | 'filesystem'} binaryDataMode where n8n keeps binary data; only database
 *   works when the processes do not share a disk
 */

/**
 * Returns the settings that put an n8n process into queue mode on the shared services.
 * @param {SharedServices} shared
 * @returns {Record<string, string>}
 */
function queueModeEnvironment(shared) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(shared.redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(shared.postgres.port),
		DB_POSTGRESDB_DATABASE: shared.postgres.database,
		DB_POSTGRESDB_USER: shared.postgres.user,
		DB_POSTGRESDB_PASSWORD: shared.postgres.password,
		N8N_ENCRYPTION_KEY: shared.encryptionKey,
		// Binary data that a webhook receives on the main instance must be readable by the worker
		// that runs the execution. The filesystem mode keeps it on the receiving machine's disk.
		N8N_DEFAULT_BINARY_DATA_MODE: shared.binaryDataMode,
	};
}

/**
 * Generates a random encryption key for one run.
 * @returns {string}
 */
function newEncryptionKey() {
	return crypto.randomBytes(24).toString('hex');
}

/**
 * Prepares the user folder and environment of one process of the cluster and installs the
 * packed package into it. Workers also get n8n's worker server (health and readiness checks)
 * on a free loopback port.
 * @param {{ home: string, shared: SharedServices, tarball: string, worker?: boolean }} options
 * @returns {Promise<n8n.N8nInstance & { healthPort?: number }>}
 */
async function prepareQueueInstance(options) {
	const instance = await n8n.prepareInstance({ home: options.home });
	Object.assign(instance.env, queueModeEnvironment(options.shared));
	/** @type {number | undefined} */
	let healthPort;
	if (options.worker) {
		healthPort = await n8n.findFreePort();
		Object.assign(instance.env, {
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			// n8n 2.41.1's worker server listens on all interfaces (::) by default.
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		});
	}
	await n8n.installPackage(instance, options.tarball);
	return { ...instance, healthPort };
}

/**
 * @typedef {object} WorkerExecution
 * @property {string} executionId
 * @property {string} jobId
 * @property {boolean} finished whether the worker also logged the end of the execution
 */

/**
 * @typedef {object} RunningWorker
 * @property {string} name e.g. "worker-1"
 * @property {number} pid
 * @property {number} concurrency
 * @property {string} userFolder the worker's N8N_USER_FOLDER
 * @property {string} logPath
 * @property {() => string} logTail
 * @property {() => WorkerExecution[]} executions the executions this worker logged, in log order
 * @property {() => Promise<void>} stop
 */

/**
 * Reads the executions a worker logged. n8n 2.41.1 logs "Worker started execution 12 (job 7)"
 * and "Worker finished execution 12 (job 7)" at the info level.
 * @param {string} logPath
 * @returns {WorkerExecution[]}
 */
function readWorkerExecutions(logPath) {
	const text = fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8') : '';
	/** @type {Map<string, WorkerExecution>} */
	const executions = new Map();
	for (const match of text.matchAll(/Worker (started|finished) execution (\d+) \(job (\d+)\)/g)) {
		const [, event, executionId, jobId] = match;
		const entry = executions.get(executionId) ?? { executionId, jobId, finished: false };
		if (event === 'finished') entry.finished = true;
		executions.set(executionId, entry);
	}
	return [...executions.values()];
}

/**
 * Sends a signal to a process group, ignoring a group that has already gone.
 * @param {number} pid the group leader
 * @param {NodeJS.Signals} signal
 */
function signalGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch (error) {
		if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'ESRCH') throw error;
	}
}

/**
 * Starts `n8n worker` and waits until it logs that it is ready and its readiness check (database
 * and Redis connected) passes. Output goes to `<home>/n8n-worker.log`.
 * @param {n8n.N8nInstance & { healthPort?: number }} instance
 * @param {{ name: string, concurrency: number }} options
 * @returns {Promise<RunningWorker>}
 */
async function startWorker(instance, options) {
	if (instance.healthPort === undefined) throw new Error(`${options.name} was prepared without a health port`);
	const logPath = path.join(instance.home, 'n8n-worker.log');
	const logFd = fs.openSync(logPath, 'a');
	// detached puts the worker and its task runner in their own process group, so stop() ends both.
	const child = spawn(node24Path, [n8nBinPath, 'worker', `--concurrency=${options.concurrency}`], {
		cwd: instance.home,
		env: instance.env,
		stdio: ['ignore', logFd, logFd],
		detached: true,
	});
	fs.closeSync(logFd);
	const pid = child.pid;
	if (pid === undefined) throw new Error(`${options.name} could not be started with ${node24Path}`);

	let exited = false;
	/** @type {number | null} */
	let exitCode = null;
	/** @type {Promise<void>} */
	const exitPromise = new Promise((resolve) => {
		child.on('exit', (code) => {
			exited = true;
			exitCode = code;
			resolve();
		});
	});
	const logTail = () => {
		try {
			return fs.readFileSync(logPath, 'utf8').trim().split('\n').slice(-40).join('\n');
		} catch {
			return '(no log)';
		}
	};
	const stop = async () => {
		if (exited) return;
		// SIGTERM lets the worker finish its running executions first.
		signalGroup(pid, 'SIGTERM');
		/** @type {NodeJS.Timeout | undefined} */
		let timer;
		const stopped = await Promise.race([
			exitPromise.then(() => true),
			new Promise((resolve) => {
				timer = setTimeout(() => resolve(false), WORKER_STOP_TIMEOUT_MS);
			}),
		]);
		clearTimeout(timer);
		if (!stopped) {
			signalGroup(pid, 'SIGKILL');
			await exitPromise;
		}
		signalGroup(pid, 'SIGKILL');
	};

	const readinessUrl = `http://127.0.0.1:${instance.healthPort}/healthz/readiness`;
	const deadline = Date.now() + WORKER_START_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (exited) {
			throw new Error(`${options.name} exited with code ${exitCode} while starting. Last lines of ${logPath}:\n${logTail()}`);
		}
		if (fs.readFileSync(logPath, 'utf8').includes('n8n worker is now ready')) {
			try {
				const response = await n8n.httpRequest('GET', readinessUrl, { timeoutMs: 2000 });
				if (response.status === 200) {
					return {
						name: options.name,
						pid,
						concurrency: options.concurrency,
						userFolder: instance.userFolder,
						logPath,
						logTail,
						executions: () => readWorkerExecutions(logPath),
						stop,
					};
				}
			} catch {
				// The worker server is not listening yet.
			}
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	await stop();
	throw new Error(`${options.name} did not become ready within ${WORKER_START_TIMEOUT_MS / 1000} s. Last lines of ${logPath}:\n${logTail()}`);
}

module.exports = {
	queueModeEnvironment,
	newEncryptionKey,
	prepareQueueInstance,
	startWorker,
	readWorkerExecutions,
};
