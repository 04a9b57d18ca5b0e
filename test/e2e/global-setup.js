// @ts-check
'use strict';

// Prepares the end-to-end tier once per jest run. It installs the pinned n8n runtime if it is
// missing, builds and packs this package and installs it as a community package in a fresh
// n8n user folder. Then it starts the iTest emulator and one `n8n start` that serves the
// example and per-operation workflows through webhooks. The tests read the connection details
// from the context file.

const fs = require('fs');

const n8n = require('../../scripts/lib/n8n');
const runtime = require('../../scripts/lib/runtime');
const workspace = require('../../scripts/lib/workspace');
const { startEmulator } = require('../../emulator');
const { OPERATION_CASES, buildOperationWorkflow } = require('./workflows');
const { CONTEXT_FILE, E2E_HOME, OWNER } = require('./paths');

const PUBLISHED_EXAMPLES = ['iTestOnboarding1', 'iTestBulkUsers01'];
const EXAMPLE_WEBHOOK_PATHS = ['itest/onboarding', 'itest/bulk-users'];

/** @param {string} line */
function log(line) {
	process.stderr.write(`[e2e setup] ${line}\n`);
}

module.exports = async function globalSetup() {
	const started = Date.now();
	await runtime.ensureRuntime({ log });

	fs.rmSync(E2E_HOME, { recursive: true, force: true });
	fs.mkdirSync(E2E_HOME, { recursive: true });

	log('building and packing the package');
	const tarball = await n8n.buildAndPack(E2E_HOME);

	const emulator = await startEmulator({ port: 0 });
	/** @type {{ emulator: typeof emulator, n8n?: import('../../scripts/lib/n8n').RunningN8n }} */
	const handles = { emulator };
	// jest runs globalTeardown in this process and documents globals as the way to reach it.
	/** @type {any} */ (globalThis).__ITEST_E2E__ = handles;

	try {
		const instance = await n8n.prepareInstance({ home: E2E_HOME });
		await n8n.installPackage(instance, tarball);

		log('importing credentials and workflows');
		const operationWorkflows = OPERATION_CASES.map(buildOperationWorkflow);
		await workspace.importIntoN8n(instance, {
			credentials: workspace.exampleCredentials(emulator.url),
			workflows: [...workspace.exampleWorkflows(), ...operationWorkflows],
			publish: [],
		});

		log(`starting n8n on ${instance.url}`);
		handles.n8n = await n8n.startN8n(instance);
		// The REST API publishes a dozen workflows in well under a second, where
		// `n8n publish:workflow` takes seconds per workflow.
		const session = await n8n.openOwnerSession(instance, OWNER);
		await n8n.publishWorkflows(instance, session, [...PUBLISHED_EXAMPLES, ...OPERATION_CASES.map((testCase) => testCase.id)]);
		await n8n.waitForWebhooks(instance, [
			...EXAMPLE_WEBHOOK_PATHS,
			...OPERATION_CASES.map((testCase) => testCase.path),
		]);

		fs.writeFileSync(
			CONTEXT_FILE,
			JSON.stringify(
				{
					n8nUrl: instance.url,
					emulatorUrl: emulator.url,
					instance,
					session,
					webhookHeader: workspace.exampleWebhookHeader(),
					logPath: handles.n8n.logPath,
				},
				null,
				2,
			),
		);
		log(`ready after ${Math.round((Date.now() - started) / 1000)} s`);
	} catch (error) {
		if (handles.n8n) {
			log(`set-up failed; last lines of ${handles.n8n.logPath}:\n${handles.n8n.logTail()}`);
			await handles.n8n.stop();
		}
		await emulator.close();
		throw error;
	}
};
