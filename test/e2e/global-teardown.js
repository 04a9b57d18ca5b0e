// @ts-check
'use strict';

// Stops the n8n process and the emulator that the global set-up started, and removes the
// scratch folder when every test passed (it keeps n8n's log for a failed run).

const fs = require('fs');

const { E2E_HOME } = require('./paths');

/**
 * @param {import('@jest/types').Config.GlobalConfig} _globalConfig
 */
module.exports = async function globalTeardown(_globalConfig) {
	/** @type {{ emulator?: { close(): Promise<void> }, n8n?: { stop(): Promise<void>, logPath: string } } | undefined} */
	const handles = /** @type {any} */ (globalThis).__ITEST_E2E__;
	if (handles?.n8n) await handles.n8n.stop();
	if (handles?.emulator) await handles.emulator.close();

	const failed = /** @type {any} */ (globalThis).__ITEST_E2E_FAILED__ === true;
	if (!failed) fs.rmSync(E2E_HOME, { recursive: true, force: true });
};
