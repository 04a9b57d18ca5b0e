// @ts-check
'use strict';

// Runs the pinned n8n (from .n8n-runtime/, on its own Node 24) in a private user folder,
// bound to loopback and with every feature that calls out to the internet switched off.

const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');

const { node24Path, n8nBinPath, repoRoot } = require('./runtime');

const PACKAGE_NAME = 'n8n-nodes-itest';
const NODE_TYPE = `${PACKAGE_NAME}.iTest`;
const START_TIMEOUT_MS = 120000;
const STOP_TIMEOUT_MS = 15000;
const COMMAND_TIMEOUT_MS = 180000;

/**
 * Finds a free TCP port on 127.0.0.1.
 * @returns {Promise<number>}
 */
function findFreePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/**
 * Creates a fresh scratch folder `.tmp/<prefix>-<time>-<pid>` in the repository.
 * @param {string} prefix
 * @returns {string}
 */
function makeScratchDir(prefix) {
	const dir = path.join(repoRoot, '.tmp', `${prefix}-${Date.now()}-${process.pid}`);
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}

/**
 * @typedef {object} N8nInstance
 * @property {string} home the scratch folder: N8N_USER_FOLDER, TMPDIR and the logs are inside it
 * @property {string} userFolder the folder n8n keeps its `.n8n` data in
 * @property {number} port
 * @property {string} url e.g. http://127.0.0.1:5678/
 * @property {NodeJS.ProcessEnv} env
 */

/**
 * Prepares the folders and environment for one n8n instance. Nothing is started yet.
 * @param {{ home: string, port?: number, logLevel?: string }} options
 * @returns {Promise<N8nInstance>}
 */
async function prepareInstance(options) {
	const home = options.home;
	const userFolder = path.join(home, 'user');
	const tmpDir = path.join(home, 'tmp');
	for (const dir of [userFolder, tmpDir, path.join(home, 'compile-cache')]) {
		fs.mkdirSync(dir, { recursive: true });
	}
	const port = options.port ?? (await findFreePort());
	// The task runner broker listens on 5679 by default in every instance. A free port of its
	// own lets the demo, the editor and the tests run side by side.
	const brokerPort = await findFreePort();
	const url = `http://127.0.0.1:${port}/`;

	/** @type {NodeJS.ProcessEnv} */
	const env = {
		PATH: process.env.PATH,
		LANG: process.env.LANG ?? 'C.UTF-8',
		HOME: userFolder,
		TMPDIR: tmpDir,
		NODE_COMPILE_CACHE: path.join(home, 'compile-cache'),
		TZ: 'UTC',
		GENERIC_TIMEZONE: 'UTC',
		N8N_USER_FOLDER: userFolder,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: url,
		N8N_EDITOR_BASE_URL: url,
		// The session cookie is sent over plain http on loopback.
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		// Everything below would otherwise reach n8n's servers or third-party services.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_DISABLED_MODULES: 'mcp-registry',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_LOG_LEVEL: options.logLevel ?? 'info',
		N8N_LOG_OUTPUT: 'console',
		NODE_ENV: 'production',
	};
	return { home, userFolder, port, url, env };
}

/**
 * Installs the packed package into the instance the way n8n installs a community package:
 * unpacked under `.n8n/nodes/node_modules/<name>` with its package.json and no dev
 * dependencies, so the node type is `n8n-nodes-itest.iTest`.
 * @param {N8nInstance} instance
 * @param {string} tarballPath
 * @returns {Promise<string>} the package folder
 */
async function installPackage(instance, tarballPath) {
	const nodesDir = path.join(instance.userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(packageDir, { recursive: true, force: true });
	fs.mkdirSync(packageDir, { recursive: true });
	await runProcess('tar', ['-xzf', tarballPath, '--strip-components=1', '-C', packageDir], {
		cwd: repoRoot,
		env: { PATH: process.env.PATH },
		label: 'unpacking the package',
	});
	recordInstalledPackage(nodesDir, packageDir);
	return packageDir;
}

/**
 * Lists the package in `.n8n/nodes/package.json`, as n8n's own community-package installer does.
 * @param {string} nodesDir
 * @param {string} packageDir
 */
function recordInstalledPackage(nodesDir, packageDir) {
	const version = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version;
	const nodesManifest = path.join(nodesDir, 'package.json');
	const manifest = fs.existsSync(nodesManifest)
		? JSON.parse(fs.readFileSync(nodesManifest, 'utf8'))
		: { name: 'installed-nodes', private: true, dependencies: {} };
	manifest.dependencies = { ...manifest.dependencies, [PACKAGE_NAME]: version };
	fs.writeFileSync(nodesManifest, `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * Installs the package from the working tree (package.json and the built dist/) the same way
 * installPackage() installs a tarball, without packing it first. `npm run dev` calls it again
 * after every rebuild, and n8n's hot reload picks up the new files.
 * @param {N8nInstance} instance
 * @returns {string} the package folder
 */
function installPackageFromWorkingTree(instance) {
	const nodesDir = path.join(instance.userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.mkdirSync(packageDir, { recursive: true });
	fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(packageDir, 'package.json'));
	fs.cpSync(path.join(repoRoot, 'dist'), path.join(packageDir, 'dist'), { recursive: true, force: true });
	recordInstalledPackage(nodesDir, packageDir);
	return packageDir;
}

/**
 * Runs a process to completion and resolves with its output, rejecting with the output tail
 * when it exits non-zero or times out.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, label: string, timeoutMs?: number }} options
 * @returns {Promise<{ stdout: string, stderr: string }>}
 */
function runProcess(command, args, options) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
		/** @type {Buffer[]} */
		const out = [];
		/** @type {Buffer[]} */
		const err = [];
		child.stdout.on('data', (chunk) => out.push(chunk));
		child.stderr.on('data', (chunk) => err.push(chunk));
		const timeoutMs = options.timeoutMs ?? COMMAND_TIMEOUT_MS;
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(new Error(`${options.label}: could not start ${command}: ${error.message}`));
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			const stdout = Buffer.concat(out).toString('utf8');
			const stderr = Buffer.concat(err).toString('utf8');
			if (code === 0) {
				resolve({ stdout, stderr });
				return;
			}
			const reason = signal ? `was killed by ${signal} (time limit ${timeoutMs} ms)` : `exited with code ${code}`;
			const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-30).join('\n');
			reject(new Error(`${options.label} failed: ${path.basename(command)} ${args.join(' ')} ${reason}.\n${tail}`));
		});
	});
}

/**
 * Runs one n8n CLI command (import, publish, execute) in the instance and returns its output.
 * @param {N8nInstance} instance
 * @param {string[]} args e.g. ['import:workflow', '--input=file.json']
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<{ stdout: string, stderr: string }>}
 */
function runN8nCommand(instance, args, options = {}) {
	return runProcess(node24Path, [n8nBinPath, ...args], {
		cwd: instance.home,
		env: instance.env,
		label: `n8n ${args[0]}`,
		timeoutMs: options.timeoutMs,
	});
}

/**
 * Sends one HTTP request to a loopback URL and resolves with the status, headers and body text.
 * @param {string} method
 * @param {string} url
 * @param {{ headers?: Record<string, string>, body?: string | Buffer, timeoutMs?: number }} [options]
 * @returns {Promise<{ status: number, headers: http.IncomingHttpHeaders, body: string }>}
 */
function httpRequest(method, url, options = {}) {
	return new Promise((resolve, reject) => {
		const request = http.request(url, { method, headers: options.headers }, (response) => {
			/** @type {Buffer[]} */
			const chunks = [];
			response.on('data', (chunk) => chunks.push(chunk));
			response.on('end', () =>
				resolve({
					status: response.statusCode ?? 0,
					headers: response.headers,
					body: Buffer.concat(chunks).toString('utf8'),
				}),
			);
			response.on('error', reject);
		});
		request.setTimeout(options.timeoutMs ?? 60000, () => {
			request.destroy(new Error(`${method} ${url} timed out after ${options.timeoutMs ?? 60000} ms`));
		});
		request.on('error', reject);
		if (options.body !== undefined) request.write(options.body);
		request.end();
	});
}

/**
 * @typedef {object} RunningN8n
 * @property {number} pid
 * @property {string} logPath
 * @property {() => string} logTail returns the last lines n8n printed
 * @property {() => Promise<void>} stop
 * @property {Promise<number | null>} exited resolves with the exit code when the n8n process ends
 */

/**
 * Starts `n8n start` for the instance and waits until it has finished starting and serves
 * requests. Output goes to `<home>/n8n.log`.
 * @param {N8nInstance} instance
 * @param {{ timeoutMs?: number, echo?: (text: string) => void }} [options] echo also receives n8n's output as it arrives
 * @returns {Promise<RunningN8n>}
 */
async function startN8n(instance, options = {}) {
	const logPath = path.join(instance.home, 'n8n.log');
	const logFd = fs.openSync(logPath, 'a');
	const echo = options.echo;
	// detached puts n8n and its task runner in their own process group, so stop() ends both.
	const child = spawn(node24Path, [n8nBinPath, 'start'], {
		cwd: instance.home,
		env: instance.env,
		stdio: echo ? ['ignore', 'pipe', 'pipe'] : ['ignore', logFd, logFd],
		detached: true,
	});
	if (echo) {
		/** @param {Buffer} chunk */
		const record = (chunk) => {
			fs.appendFileSync(logPath, chunk);
			echo(chunk.toString('utf8'));
		};
		child.stdout?.on('data', record);
		child.stderr?.on('data', record);
	}
	fs.closeSync(logFd);
	const pid = child.pid;
	if (pid === undefined) throw new Error(`n8n could not be started with ${node24Path}`);

	/** @type {number | null} */
	let exitCode = null;
	let exited = false;
	/** @type {Promise<number | null>} */
	const exitPromise = new Promise((resolve) => {
		child.on('exit', (code) => {
			exited = true;
			exitCode = code;
			resolve(code);
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
		signalGroup(pid, 'SIGTERM');
		/** @type {NodeJS.Timeout | undefined} */
		let timer;
		const stopped = await Promise.race([
			exitPromise.then(() => true),
			new Promise((resolve) => {
				timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS);
			}),
		]);
		clearTimeout(timer);
		if (!stopped) {
			signalGroup(pid, 'SIGKILL');
			await exitPromise;
		}
		// The task runner is a child in the same group, so end it in case n8n exited without it.
		signalGroup(pid, 'SIGKILL');
	};

	const deadline = Date.now() + (options.timeoutMs ?? START_TIMEOUT_MS);
	while (Date.now() < deadline) {
		if (exited) {
			throw new Error(`n8n exited with code ${exitCode} while starting. Last lines of ${logPath}:\n${logTail()}`);
		}
		// n8n prints this line once its start-up is complete. The webhooks of published workflows
		// are registered a moment later: waitForWebhooks() waits for those.
		if (fs.readFileSync(logPath, 'utf8').includes('Editor is now accessible')) {
			try {
				const response = await httpRequest('GET', `${instance.url}healthz/readiness`, { timeoutMs: 2000 });
				if (response.status === 200) return { pid, logPath, logTail, stop, exited: exitPromise };
			} catch {
				// Not listening yet.
			}
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	await stop();
	throw new Error(`n8n did not become ready within ${(options.timeoutMs ?? START_TIMEOUT_MS) / 1000} s. Last lines of ${logPath}:\n${logTail()}`);
}

/**
 * Waits until n8n has registered the production webhooks of the published workflows. n8n
 * activates them in the background shortly after it starts listening, and a webhook called
 * before that gets 404. An OPTIONS request (CORS preflight) lists the methods of a registered
 * POST webhook without running its workflow.
 * @param {N8nInstance} instance
 * @param {string[]} webhookPaths e.g. ['itest/onboarding']
 * @param {{ timeoutMs?: number }} [options]
 */
async function waitForWebhooks(instance, webhookPaths, options = {}) {
	const timeoutMs = options.timeoutMs ?? 30000;
	const deadline = Date.now() + timeoutMs;
	for (const webhookPath of webhookPaths) {
		for (;;) {
			const response = await httpRequest('OPTIONS', `${instance.url}webhook/${webhookPath}`, {
				headers: { Origin: instance.url.replace(/\/$/, ''), 'Access-Control-Request-Method': 'POST' },
				timeoutMs: 5000,
			});
			// Before registration n8n still responds to the preflight, but lists no allowed methods.
			const allowed = String(response.headers['access-control-allow-methods'] ?? '');
			if (response.status < 300 && allowed.includes('POST')) break;
			if (Date.now() > deadline) {
				throw new Error(`The webhook ${webhookPath} was not registered within ${timeoutMs / 1000} s: is its workflow published?`);
			}
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}
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
 * @typedef {object} Owner
 * @property {string} email
 * @property {string} firstName
 * @property {string} lastName
 * @property {string} password n8n requires 8 or more characters with a digit and an upper-case letter
 */

/**
 * @typedef {object} RestSession
 * @property {string} cookie the `n8n-auth=...` cookie
 * @property {string} browserId n8n ties the session to this `browser-id` header
 */

// n8n binds a session to the browser-id header sent at login; any fixed value works here.
const BROWSER_ID = 'n8n-nodes-itest-scripts';

/**
 * Creates the owner account of a fresh n8n (possible once per user folder) or, when it
 * exists, logs in as it. Returns a session for n8n's REST API.
 * @param {N8nInstance} instance
 * @param {Owner} owner
 * @returns {Promise<RestSession>}
 */
async function openOwnerSession(instance, owner) {
	const headers = { 'Content-Type': 'application/json', 'browser-id': BROWSER_ID };
	let response = await httpRequest('POST', `${instance.url}rest/owner/setup`, {
		headers,
		body: JSON.stringify({ email: owner.email, firstName: owner.firstName, lastName: owner.lastName, password: owner.password }),
	});
	if (response.status !== 200) {
		response = await httpRequest('POST', `${instance.url}rest/login`, {
			headers,
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
		});
	}
	if (response.status !== 200) {
		throw new Error(`Logging in to n8n as ${owner.email} failed with HTTP ${response.status}: ${response.body}`);
	}
	const cookies = response.headers['set-cookie'] ?? [];
	const cookie = cookies.map((entry) => entry.split(';')[0]).find((entry) => entry.startsWith('n8n-auth='));
	if (!cookie) throw new Error('n8n returned no n8n-auth session cookie after login');
	return { cookie, browserId: BROWSER_ID };
}

/**
 * Calls n8n's internal REST API (the one the editor uses) and returns the parsed `data` field.
 * @param {N8nInstance} instance
 * @param {RestSession} session
 * @param {string} method
 * @param {string} restPath e.g. 'workflows/abc'
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function restRequest(instance, session, method, restPath, body) {
	const response = await httpRequest(method, `${instance.url}rest/${restPath}`, {
		headers: { 'Content-Type': 'application/json', Cookie: session.cookie, 'browser-id': session.browserId },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (response.status !== 200) {
		throw new Error(`n8n REST ${method} ${restPath} failed with HTTP ${response.status}: ${response.body}`);
	}
	return JSON.parse(response.body).data;
}

/**
 * Publishes imported workflows through the REST API of the running n8n, as the editor's
 * Publish button does. For many workflows this is much faster than one
 * `n8n publish:workflow` process each.
 * @param {N8nInstance} instance
 * @param {RestSession} session
 * @param {string[]} workflowIds
 */
async function publishWorkflows(instance, session, workflowIds) {
	for (const workflowId of workflowIds) {
		const workflow = await restRequest(instance, session, 'GET', `workflows/${workflowId}`);
		await restRequest(instance, session, 'POST', `workflows/${workflowId}/activate`, { versionId: workflow.versionId });
	}
}

/**
 * Builds the package with `npm run build` and packs it with `npm pack` into `destination`.
 * @param {string} destination
 * @returns {Promise<string>} the tarball path
 */
async function buildAndPack(destination) {
	fs.mkdirSync(destination, { recursive: true });
	const env = { ...process.env, npm_config_update_notifier: 'false' };
	await runProcess('npm', ['run', 'build', '--silent'], { cwd: repoRoot, env, label: 'npm run build', timeoutMs: 300000 });
	const { stdout } = await runProcess('npm', ['pack', '--json', '--pack-destination', destination], {
		cwd: repoRoot,
		env,
		label: 'npm pack',
	});
	const [result] = JSON.parse(stdout.slice(stdout.indexOf('[')));
	return path.join(destination, result.filename);
}

module.exports = {
	PACKAGE_NAME,
	NODE_TYPE,
	findFreePort,
	makeScratchDir,
	prepareInstance,
	installPackage,
	installPackageFromWorkingTree,
	runProcess,
	runN8nCommand,
	httpRequest,
	startN8n,
	waitForWebhooks,
	openOwnerSession,
	restRequest,
	publishWorkflows,
	buildAndPack,
};
