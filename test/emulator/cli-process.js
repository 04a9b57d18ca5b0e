// @ts-check
'use strict';

/**
 * Runs `node emulator/cli.js` as a child process for the CLI tests. This lives in a .js
 * file because the lint rules for .ts files forbid child_process and process.
 */

const { spawn } = require('node:child_process');
const path = require('node:path');

const CLI_PATH = path.join(__dirname, '..', '..', 'emulator', 'cli.js');
const START_TIMEOUT_MS = 10000;

/**
 * @typedef {object} RunningCli
 * @property {string} firstLine The first line printed on stdout, without the line break.
 * @property {(signal: NodeJS.Signals) => Promise<{ code: number | null, stdout: string, stderr: string }>} stop
 *   Sends the signal and resolves with the exit code and all output once the process has ended.
 */

/**
 * Starts the CLI and resolves once it has printed its first stdout line. Rejects, after
 * killing the process, when it exits or prints nothing within 10 seconds.
 * @param {string[]} args
 * @returns {Promise<RunningCli>}
 */
function startCli(args) {
	const child = spawn(process.execPath, [CLI_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8');
	child.stderr.setEncoding('utf8');
	child.stdout.on('data', (/** @type {string} */ text) => {
		stdout += text;
	});
	child.stderr.on('data', (/** @type {string} */ text) => {
		stderr += text;
	});
	/** @type {Promise<number | null>} */
	const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));

	/** @type {RunningCli['stop']} */
	const stop = async (signal) => {
		if (child.exitCode === null && child.signalCode === null) child.kill(signal);
		const code = await exited;
		return { code, stdout, stderr };
	};

	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`The emulator CLI printed no line within ${START_TIMEOUT_MS} ms; stderr: ${stderr}`));
		}, START_TIMEOUT_MS);

		exited.then((code) => {
			clearTimeout(timer);
			reject(new Error(`The emulator CLI exited with code ${code} before printing a line; stderr: ${stderr}`));
		});

		child.stdout.on('data', () => {
			const lineEnd = stdout.indexOf('\n');
			if (lineEnd === -1) return;
			clearTimeout(timer);
			// A later reject from the exit handler has no effect once the promise is resolved.
			resolve({ firstLine: stdout.slice(0, lineEnd), stop });
		});
	});
}

/**
 * Runs the CLI to completion and resolves with its exit code and output.
 * @param {string[]} args
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
function runCli(args) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [CLI_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8');
		child.stderr.setEncoding('utf8');
		child.stdout.on('data', (/** @type {string} */ text) => {
			stdout += text;
		});
		child.stderr.on('data', (/** @type {string} */ text) => {
			stderr += text;
		});

		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`The emulator CLI did not exit within ${START_TIMEOUT_MS} ms`));
		}, START_TIMEOUT_MS);
		child.once('exit', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
}

module.exports = { startCli, runCli };
