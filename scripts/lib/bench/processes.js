// @ts-check
'use strict';

// What both benchmarks start. The emulator runs in a process of its own, so that its memory and
// CPU time are not counted with the node's. The bundle lets a plain Node process run the
// TypeScript node inside the test harness.

const { spawn } = require('child_process');
const path = require('path');

const n8n = require('../n8n.js');

const repoRoot = path.resolve(__dirname, '..', '..', '..');

/**
 * @typedef {object} EmulatorProcess
 * @property {string} url
 * @property {(ms: number) => Promise<void>} setLatency sets the delay before each response
 * @property {() => Promise<void>} stop
 */

/**
 * Starts the emulator CLI on a free loopback port and resolves once it listens.
 * @returns {Promise<EmulatorProcess>}
 */
function startEmulatorProcess() {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [path.join(repoRoot, 'emulator', 'cli.js'), '--port', '0'], {
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let output = '';
		child.once('error', reject);
		child.once('exit', (code) => reject(new Error(`The emulator exited with code ${code} before it listened`)));
		child.stdout.on('data', (chunk) => {
			output += chunk;
			const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
			if (!match) return;
			child.removeAllListeners('exit');
			const url = match[1];
			const setLatency = async (/** @type {number} */ ms) => {
				const response = await n8n.httpRequest('POST', `${url}__emulator/options`, {
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ latencyMs: ms }),
				});
				if (response.status !== 200) throw new Error(`Setting the emulator's latency failed: HTTP ${response.status} ${response.body}`);
			};
			const stop = () =>
				new Promise((done) => {
					child.once('exit', () => done(undefined));
					child.kill('SIGTERM');
				});
			resolve({ url, setLatency, stop });
		});
	});
}

/**
 * Bundles the test harness with the node and credential into one CommonJS file, with packages
 * left as imports, so a plain Node process can run the TypeScript sources.
 * @param {string} outFile
 */
async function bundleHarness(outFile) {
	const esbuild = require('esbuild');
	await esbuild.build({
		stdin: {
			contents: [
				"export { executeNode, binaryItem } from './test/harness/index.ts';",
				"export { ITest } from './nodes/ITest/ITest.node.ts';",
				"export { ITestApi } from './credentials/ITestApi.credentials.ts';",
			].join('\n'),
			resolveDir: repoRoot,
			loader: 'ts',
		},
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		packages: 'external',
		outfile: outFile,
		logLevel: 'warning',
	});
}

module.exports = { startEmulatorProcess, bundleHarness };
