// @ts-check
// `npm run dev`: the pinned n8n 2.41.1 with its editor on http://127.0.0.1:5678, this package
// loaded as a community package and rebuilt on every change, and the iTest emulator running,
// so that workflows can be built by hand. Stop it with Ctrl+C.
//
// The n8n user folder .tmp/dev/ is kept between runs, so hand-made workflows survive a
// restart. The first run creates the owner account printed below and imports the examples.
// Options: --port N (editor, default 5678), --emulator-port N (default 5681), --fresh
// (delete .tmp/dev/ first), --quiet (do not echo n8n's log).

import fs from 'fs';
import path from 'path';
import { spawn } from 'child_process';

import n8n from './lib/n8n.js';
import runtime from './lib/runtime.js';
import workspace from './lib/workspace.js';
import emulatorModule from '../emulator/index.js';

const DEV_OWNER = {
	email: 'dev@example.com',
	firstName: 'Local',
	lastName: 'Developer',
	password: 'Itest-dev-2026',
};
const PUBLISHED_EXAMPLES = ['iTestOnboarding1', 'iTestBulkUsers01'];
const WATCHED_FOLDERS = ['nodes', 'credentials'];
const REBUILD_DELAY_MS = 300;

const out = (/** @type {string} */ line = '') => process.stdout.write(`${line}\n`);

/**
 * Reads `--name value` from the command line as a port number.
 * @param {string} name
 * @param {number} fallback
 */
function portOption(name, fallback) {
	const index = process.argv.indexOf(name);
	if (index === -1) return fallback;
	const value = Number(process.argv[index + 1]);
	if (!Number.isInteger(value) || value < 1 || value > 65535) {
		throw new Error(`Invalid ${name} "${process.argv[index + 1]}": expected a port number from 1 to 65535`);
	}
	return value;
}

/**
 * Runs `npm run build` and resolves with whether it succeeded, printing its output on failure.
 * @returns {Promise<boolean>}
 */
function build() {
	return new Promise((resolve) => {
		const child = spawn('npm', ['run', 'build', '--silent'], { cwd: runtime.repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
		/** @type {Buffer[]} */
		const output = [];
		child.stdout.on('data', (chunk) => output.push(chunk));
		child.stderr.on('data', (chunk) => output.push(chunk));
		child.on('close', (code) => {
			if (code !== 0) out(Buffer.concat(output).toString('utf8'));
			resolve(code === 0);
		});
	});
}

async function main() {
	const editorPort = portOption('--port', 5678);
	const emulatorPort = portOption('--emulator-port', 5681);
	const quiet = process.argv.includes('--quiet');
	const home = path.join(runtime.repoRoot, '.tmp', 'dev');
	if (process.argv.includes('--fresh')) fs.rmSync(home, { recursive: true, force: true });

	await runtime.ensureRuntime({ log: out });

	out('Building n8n-nodes-itest');
	if (!(await build())) throw new Error('npm run build failed; fix the errors above and run npm run dev again.');

	const emulator = await emulatorModule.startEmulator({ port: emulatorPort });
	out(`iTest emulator listening on ${emulator.url} (API user "reseller", password "emulator-secret")`);

	/** @type {import('./lib/n8n.js').RunningN8n | undefined} */
	let running;
	try {
		const instance = await n8n.prepareInstance({ home, port: editorPort });
		// n8n reloads a community package's files when they change only with this set.
		instance.env.N8N_DEV_RELOAD = 'true';
		const firstRun = !fs.existsSync(path.join(instance.userFolder, '.n8n', 'database.sqlite'));
		n8n.installPackageFromWorkingTree(instance);
		if (firstRun) {
			out('First run: importing the example credentials and workflows');
			await workspace.importIntoN8n(instance, {
				credentials: workspace.exampleCredentials(emulator.url),
				workflows: workspace.exampleWorkflows(),
				publish: [],
			});
		}

		out(`Starting n8n ${runtime.N8N_VERSION} on ${instance.url} (log: ${path.relative(runtime.repoRoot, path.join(home, 'n8n.log'))})`);
		running = await n8n.startN8n(instance, { echo: quiet ? undefined : (text) => process.stdout.write(text) });
		const session = await n8n.openOwnerSession(instance, DEV_OWNER);
		if (firstRun) await n8n.publishWorkflows(instance, session, PUBLISHED_EXAMPLES);
		await devLoop(instance, emulator, running);
	} catch (error) {
		if (running) await running.stop();
		await emulator.close();
		throw error;
	}
}

/**
 * Prints how to use the running editor, then rebuilds and reinstalls the package on every
 * change under nodes/ and credentials/ until Ctrl+C or until n8n exits.
 * @param {import('./lib/n8n.js').N8nInstance} instance
 * @param {import('../emulator/index.js').Emulator} emulator
 * @param {import('./lib/n8n.js').RunningN8n} running
 */
async function devLoop(instance, emulator, running) {
	const header = workspace.exampleWebhookHeader();
	out();
	out(`n8n editor:  ${instance.url}`);
	out(`  log in as  ${DEV_OWNER.email} / ${DEV_OWNER.password}`);
	out(`iTest emulator: ${emulator.url}  (state: ${emulator.url}__emulator/state)`);
	out(`Example webhooks need the header "${header.name}: ${header.value}", e.g.`);
	out(`  curl -X POST ${instance.url}webhook/itest/onboarding -H '${header.name}: ${header.value}' \\`);
	out(`    -H 'Content-Type: application/json' -d '{"companyId":"C-1","companyName":"Acme","userId":"U-1","firstName":"Ada","lastName":"Lovelace","email":"ada@example.com"}'`);
	out(`Watching ${WATCHED_FOLDERS.join('/ and ')}/ for changes. Press Ctrl+C to stop.`);
	out();

	/** @type {NodeJS.Timeout | undefined} */
	let pending;
	let building = false;
	let again = false;
	let stopping = false;
	const rebuild = async () => {
		if (stopping) return;
		if (building) {
			again = true;
			return;
		}
		building = true;
		const started = Date.now();
		out('[dev] change detected, rebuilding');
		const built = await build();
		if (stopping) return;
		if (built) {
			n8n.installPackageFromWorkingTree(instance);
			out(`[dev] rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s; n8n reloads the node, then refresh the editor`);
		} else {
			out('[dev] build failed; n8n keeps the previous build');
		}
		building = false;
		if (again) {
			again = false;
			await rebuild();
		}
	};
	const watchers = WATCHED_FOLDERS.map((folder) =>
		fs.watch(path.join(runtime.repoRoot, folder), { recursive: true }, () => {
			clearTimeout(pending);
			pending = setTimeout(rebuild, REBUILD_DELAY_MS);
		}),
	);

	const stop = async () => {
		if (stopping) return;
		stopping = true;
		out('\n[dev] stopping n8n and the emulator');
		clearTimeout(pending);
		for (const watcher of watchers) watcher.close();
		await running.stop();
		await emulator.close();
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	running.exited.then(async (code) => {
		if (stopping) return;
		out(`[dev] n8n exited unexpectedly with code ${code}; see ${running.logPath}`);
		process.exitCode = 1;
		await stop();
	});
}

try {
	await main();
} catch (error) {
	process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
	process.exitCode = 1;
}
