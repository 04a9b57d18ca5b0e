// @ts-check
'use strict';

// A jest reporter that records for the end-to-end teardown whether any end-to-end test failed, so
// the scratch folder with n8n's log is kept for inspection after a failed run. jest calls
// onRunComplete before globalTeardown, in the same process.

const path = require('path');

const e2eDir = __dirname + path.sep;

class E2eScratchReporter {
	/**
	 * @param {Set<unknown>} _contexts
	 * @param {import('@jest/test-result').AggregatedResult} results
	 */
	onRunComplete(_contexts, results) {
		const failed = results.testResults.some(
			(file) => file.testFilePath.startsWith(e2eDir) && (file.numFailingTests > 0 || file.testExecError !== undefined),
		);
		/** @type {any} */ (globalThis).__ITEST_E2E_FAILED__ = failed || results.numRuntimeErrorTestSuites > 0;
	}
}

module.exports = E2eScratchReporter;
