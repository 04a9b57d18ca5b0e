// @ts-check
'use strict';
// Builds and packs the package the way `npm publish` would, for the package tests. CommonJS,
// because the community-node lint forbids child_process and fs in .ts files.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * @typedef {object} PackResult
 * @property {string[]} files paths inside the tarball, sorted
 * @property {Record<string, unknown>} manifest the packed package.json
 * @property {string} directory the unpacked tarball, removed by `cleanUp`
 * @property {string} licenseNotices the text of dist/THIRD_PARTY_LICENSES.md
 * @property {() => void} cleanUp
 */

/**
 * Runs the build, then `npm pack` into a temporary folder, and unpacks the tarball.
 * @returns {PackResult}
 */
function buildAndPack() {
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	execFileSync(npm, ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'pipe' });

	const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'itest-pack-'));
	const output = execFileSync(npm, ['pack', '--json', '--pack-destination', directory], {
		cwd: ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const [{ filename }] = JSON.parse(output);
	execFileSync('tar', ['-xzf', path.join(directory, filename), '-C', directory]);

	const unpacked = path.join(directory, 'package');
	/** @type {string[]} */
	const files = [];
	/** @param {string} folder */
	const walk = (folder) => {
		for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
			const full = path.join(folder, entry.name);
			if (entry.isDirectory()) walk(full);
			else files.push(path.relative(unpacked, full).split(path.sep).join('/'));
		}
	};
	walk(unpacked);

	return {
		files: files.sort(),
		manifest: JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8')),
		directory: unpacked,
		licenseNotices: fs.readFileSync(path.join(unpacked, 'dist', 'THIRD_PARTY_LICENSES.md'), 'utf8'),
		cleanUp: () => fs.rmSync(directory, { recursive: true, force: true }),
	};
}

/**
 * Runs n8n's community package scanner on a folder, in a child process because it is an ES
 * module that jest cannot import. Returns the scanner's result object.
 * @param {string} folder
 * @param {string[]} patterns glob patterns of the files to scan
 * @returns {{ passed: boolean, message?: string, details?: string }}
 */
function runScanner(folder, patterns) {
	const args = [path.join(ROOT, 'scripts', 'scan-package.mjs'), '--json', folder, ...patterns];
	// eslint-plugin-n8n-nodes-base applies every rule to every file when NODE_ENV is `test`,
	// which jest sets, so the scanner gets the environment a real scan has.
	const env = { ...process.env };
	delete env.NODE_ENV;
	try {
		return JSON.parse(
			execFileSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
		);
	} catch (error) {
		// The scanner exits 1 on violations; its JSON report is still on stdout.
		const stdout = /** @type {{ stdout?: string }} */ (error).stdout;
		if (stdout) return JSON.parse(stdout);
		throw error;
	}
}

/**
 * Loads the packed node in a fresh Node process with no node_modules beside it except
 * n8n-workflow, the peer n8n provides, and returns the node's display name.
 * @param {string} unpacked the unpacked package folder
 * @returns {string}
 */
function loadPackedNode(unpacked) {
	const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'itest-load-'));
	try {
		const modules = path.join(sandbox, 'node_modules');
		fs.mkdirSync(modules);
		fs.cpSync(unpacked, path.join(modules, 'n8n-nodes-itest'), { recursive: true });
		fs.symlinkSync(path.join(ROOT, 'node_modules', 'n8n-workflow'), path.join(modules, 'n8n-workflow'));
		const script = [
			"const { ITest } = require('n8n-nodes-itest/dist/nodes/ITest/ITest.node.js');",
			"const { ITestApi } = require('n8n-nodes-itest/dist/credentials/ITestApi.credentials.js');",
			'process.stdout.write(new ITest().description.displayName + "/" + new ITestApi().name);',
		].join('\n');
		return execFileSync(process.execPath, ['-e', script], { cwd: sandbox, encoding: 'utf8' });
	} finally {
		fs.rmSync(sandbox, { recursive: true, force: true });
	}
}

/**
 * Runs the check that release and prepublishOnly run before publishing.
 * @returns {{ status: number | null, output: string }}
 */
function runPublishCheck() {
	const { spawnSync } = require('node:child_process');
	const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'check-publish-metadata.mjs')], {
		cwd: ROOT,
		encoding: 'utf8',
	});
	return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

module.exports = { buildAndPack, runScanner, loadPackedNode, runPublishCheck };
