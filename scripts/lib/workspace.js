// @ts-check
'use strict';

// Reads the example credentials and workflows in examples/ and imports them into a real n8n.
// Shared by the demo, `npm run dev` and the end-to-end tests.

const fs = require('fs');
const path = require('path');

const n8n = require('./n8n');
const { repoRoot } = require('./runtime');

const examplesDir = path.join(repoRoot, 'examples');

const EXAMPLE_WORKFLOW_FILES = [
	'customer-onboarding.json',
	'breakout-permission-refresh.json',
	'bulk-user-import.json',
];
const ITEST_CREDENTIAL_TYPE = 'iTestApi';
const WEBHOOK_CREDENTIAL_TYPE = 'httpHeaderAuth';

/**
 * Reads examples/credentials.json and points the iTest credential at the given emulator URL.
 * @param {string} emulatorUrl
 * @returns {Array<{ id: string, name: string, type: string, data: Record<string, unknown> }>}
 */
function exampleCredentials(emulatorUrl) {
	/** @type {Array<{ id: string, name: string, type: string, data: Record<string, unknown> }>} */
	const credentials = JSON.parse(fs.readFileSync(path.join(examplesDir, 'credentials.json'), 'utf8'));
	return credentials.map((credential) =>
		credential.type === ITEST_CREDENTIAL_TYPE
			? { ...credential, data: { ...credential.data, baseUrl: emulatorUrl } }
			: credential,
	);
}

/**
 * Returns the header name and value that the example webhooks require.
 * @returns {{ name: string, value: string }}
 */
function exampleWebhookHeader() {
	const credential = exampleCredentials('').find((entry) => entry.type === WEBHOOK_CREDENTIAL_TYPE);
	if (!credential) throw new Error(`examples/credentials.json has no ${WEBHOOK_CREDENTIAL_TYPE} credential`);
	return { name: String(credential.data.name), value: String(credential.data.value) };
}

/**
 * Reads the example workflows.
 * @returns {Array<Record<string, any>>}
 */
function exampleWorkflows() {
	return EXAMPLE_WORKFLOW_FILES.map((file) => JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8')));
}

/**
 * Imports credentials and workflows into the instance and publishes the listed workflows, with
 * one n8n CLI call each (a few seconds apiece). Published workflows are active, so their
 * webhooks run once `n8n start` has registered them. The import's own `--activeState=fromJson` is rejected
 * outside queue mode, hence the separate publish calls.
 * @param {import('./n8n').N8nInstance} instance
 * @param {{ credentials: object[], workflows: object[], publish: string[] }} content
 */
async function importIntoN8n(instance, content) {
	const importDir = path.join(instance.home, 'import');
	fs.mkdirSync(importDir, { recursive: true });
	const credentialsFile = path.join(importDir, 'credentials.json');
	const workflowsFile = path.join(importDir, 'workflows.json');
	fs.writeFileSync(credentialsFile, JSON.stringify(content.credentials, null, 2));
	fs.writeFileSync(workflowsFile, JSON.stringify(content.workflows, null, 2));

	await n8n.runN8nCommand(instance, ['import:credentials', `--input=${credentialsFile}`]);
	await n8n.runN8nCommand(instance, ['import:workflow', `--input=${workflowsFile}`]);
	for (const workflowId of content.publish) {
		await n8n.runN8nCommand(instance, ['publish:workflow', `--id=${workflowId}`]);
	}
}

module.exports = {
	examplesDir,
	EXAMPLE_WORKFLOW_FILES,
	exampleCredentials,
	exampleWebhookHeader,
	exampleWorkflows,
	importIntoN8n,
};
