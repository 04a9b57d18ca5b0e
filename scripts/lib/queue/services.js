// @ts-check
'use strict';

// PostgreSQL and Redis for the queue-mode check, from Debian's packages, each started as a
// private server on 127.0.0.1 with its data inside the run's scratch folder. The system
// services that the packages install are never started or touched.

const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const { findFreePort } = require('../n8n');

const START_TIMEOUT_MS = 60000;
const STOP_TIMEOUT_MS = 20000;
const POSTGRES_USER = 'n8n';
const POSTGRES_DATABASE = 'n8n';

/** @typedef {(line: string) => void} Logger */

/**
 * @typedef {object} RunningService
 * @property {number} pid
 * @property {number} port
 * @property {string} logPath
 * @property {() => string} logTail returns the last lines the server printed
 * @property {() => Promise<void>} stop
 */

/**
 * Finds an executable on PATH.
 * @param {string} name
 * @returns {string | undefined} its full path
 */
function findOnPath(name) {
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		const candidate = path.join(dir, name);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			return candidate;
		} catch {
			// Not in this folder.
		}
	}
	return undefined;
}

/**
 * Finds the folder of PostgreSQL's server programs. Debian keeps them in
 * /usr/lib/postgresql/<major>/bin, outside PATH; the newest major version wins.
 * @returns {string | undefined}
 */
function findPostgresBinDir() {
	const root = '/usr/lib/postgresql';
	const majors = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((name) => /^\d+$/.test(name))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	for (const major of majors) {
		const dir = path.join(root, major, 'bin');
		if (fs.existsSync(path.join(dir, 'postgres')) && fs.existsSync(path.join(dir, 'initdb'))) return dir;
	}
	const onPath = findOnPath('postgres');
	if (onPath && findOnPath('initdb') && findOnPath('psql')) return path.dirname(fs.realpathSync(onPath));
	return undefined;
}

/**
 * Installs Debian's `postgresql` and `redis-server` packages when their programs are missing.
 * Installing needs root, as on CI; anyone else is told which command to run.
 * @param {Logger} log
 * @returns {{ postgresBinDir: string, redisServer: string, installed: string[], seconds: number }}
 */
function ensureDebianPackages(log) {
	const started = Date.now();
	/** @type {string[]} */
	const missing = [];
	if (!findPostgresBinDir()) missing.push('postgresql');
	if (!findOnPath('redis-server')) missing.push('redis-server');

	if (missing.length > 0) {
		const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
		if (!isRoot || !findOnPath('apt-get')) {
			throw new Error(
				`The queue-mode check needs ${missing.join(' and ')}, which cannot be found. ` +
					`Install them with: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`,
			);
		}
		log(`installing ${missing.join(' and ')} with apt-get`);
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		for (const args of [['update', '-q'], ['install', '-y', '-q', '--no-install-recommends', ...missing]]) {
			const result = spawnSync('apt-get', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
			if (result.status !== 0) {
				const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-20).join('\n');
				throw new Error(`apt-get ${args.join(' ')} failed with exit code ${result.status}:\n${tail}`);
			}
		}
	}

	const postgresBinDir = findPostgresBinDir();
	const redisServer = findOnPath('redis-server');
	if (!postgresBinDir || !redisServer) {
		throw new Error('PostgreSQL or redis-server is still missing after apt-get install.');
	}
	return { postgresBinDir, redisServer, installed: missing, seconds: Math.round((Date.now() - started) / 1000) };
}

/**
 * Reads the numeric user and group ID of a system account from `id`.
 * @param {string} name
 * @returns {{ uid: number, gid: number } | undefined}
 */
function lookUpAccount(name) {
	const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
	const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
	if (uid.status !== 0 || gid.status !== 0) return undefined;
	return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Tells whether an account can create files in a folder, which needs search permission on every
 * parent folder too.
 * @param {string} dir
 * @param {{ uid: number, gid: number }} account
 * @returns {boolean}
 */
function canWriteAs(dir, account) {
	return spawnSync('test', ['-w', dir, '-a', '-x', dir], { uid: account.uid, gid: account.gid }).status === 0;
}

/**
 * Starts a server process whose output goes to a log file.
 * @param {string} command
 * @param {string[]} args
 * @param {{ logPath: string, env: NodeJS.ProcessEnv, cwd: string, account?: { uid: number, gid: number } }} options
 */
function spawnLogged(command, args, options) {
	const logFd = fs.openSync(options.logPath, 'a');
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env,
		stdio: ['ignore', logFd, logFd],
		...(options.account ?? {}),
	});
	fs.closeSync(logFd);
	if (child.pid === undefined) throw new Error(`${command} could not be started`);
	/** @type {Promise<number | null>} */
	const exited = new Promise((resolve) => {
		child.on('exit', (code) => resolve(code));
		child.on('error', () => resolve(null));
	});
	let hasExited = false;
	void exited.then(() => {
		hasExited = true;
	});
	const logTail = () => {
		try {
			return fs.readFileSync(options.logPath, 'utf8').trim().split('\n').slice(-30).join('\n');
		} catch {
			return '(no log)';
		}
	};
	return { pid: child.pid, exited, hasExited: () => hasExited, logTail };
}

/**
 * Sends `signal` to the process and waits for it to exit, then SIGKILL after the stop timeout.
 * @param {number} pid
 * @param {Promise<unknown>} exited
 * @param {NodeJS.Signals} signal
 */
async function stopProcess(pid, exited, signal) {
	try {
		process.kill(pid, signal);
	} catch (error) {
		if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ESRCH') return;
		throw error;
	}
	/** @type {NodeJS.Timeout | undefined} */
	let timer;
	const stopped = await Promise.race([
		exited.then(() => true),
		new Promise((resolve) => {
			timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS);
		}),
	]);
	clearTimeout(timer);
	if (!stopped) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			// It exited in the meantime.
		}
		await exited;
	}
}

/**
 * Polls `check` every 250 ms until it returns true, the process exits or the start timeout passes.
 * @param {string} label
 * @param {() => Promise<boolean>} check
 * @param {{ hasExited: () => boolean, logTail: () => string, logPath: string }} server
 */
async function waitUntilReady(label, check, server) {
	const deadline = Date.now() + START_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (server.hasExited()) {
			throw new Error(`${label} exited while starting. Last lines of ${server.logPath}:\n${server.logTail()}`);
		}
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`${label} did not become ready within ${START_TIMEOUT_MS / 1000} s. Last lines of ${server.logPath}:\n${server.logTail()}`);
}

/**
 * @typedef {RunningService & {
 *   user: string,
 *   password: string,
 *   database: string,
 *   query: (sql: string) => Promise<string>,
 * }} RunningPostgres
 */

/**
 * Creates a fresh PostgreSQL cluster in `<home>/postgres` and starts it on 127.0.0.1, with the
 * superuser `n8n` (password authentication over TCP) and an empty database `n8n`. PostgreSQL
 * refuses to run as root, so under root the cluster belongs to Debian's `postgres` account. When
 * that account cannot write inside the scratch folder (a checkout under /root, say), the cluster
 * goes to a private folder under the system temporary directory, which stop() removes.
 * @param {{ home: string, binDir: string, log: Logger }} options
 * @returns {Promise<RunningPostgres>}
 */
async function startPostgres(options) {
	const { binDir, log } = options;
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const account = isRoot ? lookUpAccount('postgres') : undefined;
	if (isRoot && !account) {
		throw new Error('PostgreSQL cannot run as root and the postgres account does not exist: reinstall Debian\'s postgresql package.');
	}

	let clusterRoot = path.join(options.home, 'postgres');
	fs.mkdirSync(clusterRoot, { recursive: true });
	let temporaryRoot = false;
	if (account) {
		fs.chownSync(clusterRoot, account.uid, account.gid);
		if (!canWriteAs(clusterRoot, account)) {
			fs.rmSync(clusterRoot, { recursive: true, force: true });
			clusterRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'itest-queue-postgres-'));
			fs.chownSync(clusterRoot, account.uid, account.gid);
			temporaryRoot = true;
			log(`the postgres account cannot write in ${options.home}, so the cluster is in ${clusterRoot}`);
		}
	}
	const dataDir = path.join(clusterRoot, 'data');
	const socketDir = path.join(clusterRoot, 'socket');
	const password = crypto.randomBytes(18).toString('base64url');
	const passwordFile = path.join(clusterRoot, 'password');
	fs.mkdirSync(socketDir, { recursive: true });
	fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
	if (account) {
		fs.chownSync(socketDir, account.uid, account.gid);
		fs.chownSync(passwordFile, account.uid, account.gid);
	}

	const env = { PATH: process.env.PATH, LANG: 'C.UTF-8', HOME: clusterRoot, TZ: 'UTC' };
	const initdb = spawnSync(
		path.join(binDir, 'initdb'),
		[
			'--pgdata', dataDir,
			'--username', POSTGRES_USER,
			`--pwfile=${passwordFile}`,
			'--auth-local=trust',
			'--auth-host=scram-sha-256',
			'--encoding=UTF8',
			'--locale=C.UTF-8',
			'--no-sync',
		],
		{ cwd: clusterRoot, env, encoding: 'utf8', ...(account ?? {}) },
	);
	fs.rmSync(passwordFile, { force: true });
	if (initdb.status !== 0) {
		throw new Error(`initdb failed with exit code ${initdb.status}:\n${`${initdb.stdout}\n${initdb.stderr}`.trim()}`);
	}

	const port = await findFreePort();
	const logPath = path.join(options.home, 'postgres.log');
	const server = spawnLogged(
		path.join(binDir, 'postgres'),
		['-D', dataDir, '-h', '127.0.0.1', '-p', String(port), '-k', socketDir, '-c', 'max_connections=60'],
		{ logPath, env, cwd: clusterRoot, account },
	);

	const psqlEnv = { ...env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' };
	/**
	 * Runs one SQL statement with psql over TCP and returns its unaligned output without headers.
	 * @param {string} sql
	 * @param {string} [database]
	 * @returns {Promise<string>}
	 */
	const query = (sql, database = POSTGRES_DATABASE) =>
		new Promise((resolve, reject) => {
			const child = spawn(
				path.join(binDir, 'psql'),
				['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', POSTGRES_USER, '-d', database, '-c', sql],
				{ env: psqlEnv, stdio: ['ignore', 'pipe', 'pipe'] },
			);
			/** @type {Buffer[]} */
			const out = [];
			/** @type {Buffer[]} */
			const err = [];
			child.stdout.on('data', (chunk) => out.push(chunk));
			child.stderr.on('data', (chunk) => err.push(chunk));
			child.on('error', reject);
			child.on('close', (code) => {
				if (code === 0) resolve(Buffer.concat(out).toString('utf8').trim());
				else reject(new Error(`psql exited with code ${code} for "${sql}": ${Buffer.concat(err).toString('utf8').trim()}`));
			});
		});

	const stop = async () => {
		await stopProcess(server.pid, server.exited, 'SIGINT');
		if (temporaryRoot) fs.rmSync(clusterRoot, { recursive: true, force: true });
	};

	try {
		await waitUntilReady(
			'PostgreSQL',
			() => query('SELECT 1', 'postgres').then((output) => output === '1', () => false),
			{ hasExited: server.hasExited, logTail: server.logTail, logPath },
		);
		await query(`CREATE DATABASE ${POSTGRES_DATABASE}`, 'postgres');
	} catch (error) {
		await stop();
		throw error;
	}

	return {
		pid: server.pid,
		port,
		logPath,
		logTail: server.logTail,
		stop,
		user: POSTGRES_USER,
		password,
		database: POSTGRES_DATABASE,
		query: (sql) => query(sql),
	};
}

/**
 * Sends PING to a Redis server and tells whether it answered PONG within two seconds.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function pingRedis(port) {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		let reply = '';
		const finish = (/** @type {boolean} */ result) => {
			socket.destroy();
			resolve(result);
		};
		socket.setTimeout(2000, () => finish(false));
		socket.on('error', () => finish(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			reply += chunk.toString('latin1');
			if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
		});
	});
}

/**
 * Starts a private Redis on 127.0.0.1 without persistence, with its working folder in
 * `<home>/redis`.
 * @param {{ home: string, redisServer: string }} options
 * @returns {Promise<RunningService>}
 */
async function startRedis(options) {
	const dir = path.join(options.home, 'redis');
	fs.mkdirSync(dir, { recursive: true });
	const port = await findFreePort();
	const logPath = path.join(options.home, 'redis.log');
	const server = spawnLogged(
		options.redisServer,
		[
			'--bind', '127.0.0.1',
			'--port', String(port),
			'--protected-mode', 'yes',
			'--save', '',
			'--appendonly', 'no',
			'--daemonize', 'no',
			'--dir', dir,
			'--logfile', '',
		],
		{ logPath, env: { PATH: process.env.PATH, LANG: 'C.UTF-8' }, cwd: dir },
	);
	const stop = () => stopProcess(server.pid, server.exited, 'SIGTERM');
	try {
		await waitUntilReady('Redis', () => pingRedis(port), { hasExited: server.hasExited, logTail: server.logTail, logPath });
	} catch (error) {
		await stop();
		throw error;
	}
	return { pid: server.pid, port, logPath, logTail: server.logTail, stop };
}

module.exports = { ensureDebianPackages, startPostgres, startRedis, stopProcess, spawnLogged, waitUntilReady };
