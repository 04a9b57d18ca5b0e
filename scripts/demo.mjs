// @ts-check
// `npm run demo`: runs the customer onboarding example in a real n8n 2.41.1 against the local
// iTest emulator and prints what n8n returned and what the emulator now stores.
//
// It installs the n8n runtime if missing, builds and packs this package and starts the emulator.
// Then it installs the tarball into a fresh n8n user folder as a community package, imports the
// example credentials and workflows, starts n8n, calls the onboarding webhook and stops everything.
// The scratch folder under .tmp/ is removed after a successful run and kept after a failure.

import fs from 'fs';
import path from 'path';

import n8n from './lib/n8n.js';
import runtime from './lib/runtime.js';
import workspace from './lib/workspace.js';
import emulatorModule from '../emulator/index.js';

const ONBOARDING_WORKFLOW_ID = 'iTestOnboarding1';
const ONBOARDING_PATH = 'itest/onboarding';
const DEMO_REQUEST = {
	companyId: 'C-1001',
	companyName: "Télécom Côte d'Ivoire",
	userId: 'U-2291',
	firstName: 'Ada',
	lastName: 'Lovelace',
	email: 'ada.lovelace@example.com',
};

const out = (/** @type {string} */ line = '') => process.stdout.write(`${line}\n`);
const seconds = (/** @type {number} */ started) => `${((Date.now() - started) / 1000).toFixed(1)} s`;

/**
 * Prints rows as an aligned text table.
 * @param {string[]} headers
 * @param {string[][]} rows
 */
function printTable(headers, rows) {
	if (rows.length === 0) {
		out('    (none)');
		return;
	}
	const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column].length)));
	const format = (/** @type {string[]} */ cells) => `    ${cells.map((cell, column) => cell.padEnd(widths[column])).join('  ')}`.trimEnd();
	out(format(headers));
	out(format(widths.map((width) => '-'.repeat(width))));
	for (const row of rows) out(format(row));
}

/**
 * Prints the emulator's account and the requests it received.
 * @param {import('../emulator/index.js').Emulator} emulator
 */
function printEmulator(emulator) {
	const snapshot = emulator.state.snapshot();
	out('What the iTest emulator now stores:');
	out('  Companies');
	printTable(
		['Company ID', 'Name', 'Enabled'],
		snapshot.companies.map((company) => [company.cid, company.name, String(company.enabled)]),
	);
	out('  Users');
	printTable(
		['User ID', 'Company ID', 'Name', 'Email', 'Role', 'Enabled'],
		snapshot.users.map((user) => [
			user.uid,
			user.cid,
			`${user.firstname} ${user.lastname}`,
			user.email,
			user.role,
			String(user.enabled),
		]),
	);
	out('  One-time passwords');
	printTable(['User ID', 'One-time password'], snapshot.otps.map((entry) => [entry.uid, entry.otp]));
	out();
	out(`Requests the emulator received from n8n: ${emulator.requests.length}`);
	printTable(
		['t', 'Query fields', 'HTTP status'],
		emulator.requests.map((request) => [
			String(request.t),
			Object.keys(request.query)
				.filter((name) => name !== 't')
				.join(', '),
			String(request.httpStatus),
		]),
	);
}

async function main() {
	const started = Date.now();
	out(`n8n-nodes-itest demo: the customer onboarding workflow in a real n8n ${runtime.N8N_VERSION}`);
	out();

	out('[1/6] n8n runtime');
	const install = await runtime.ensureRuntime({ log: (line) => out(`      ${line}`) });
	if (!install.installed) out(`      already installed in ${path.relative(runtime.repoRoot, runtime.runtimeDir)}/`);

	const home = n8n.makeScratchDir('demo');
	/** @type {Array<() => Promise<void>>} */
	const cleanups = [];
	/** @type {import('../scripts/lib/n8n.js').RunningN8n | undefined} */
	let running;
	let succeeded = false;
	try {
		let stepStarted = Date.now();
		out('[2/6] Building and packing n8n-nodes-itest');
		const tarball = await n8n.buildAndPack(home);
		out(`      ${path.basename(tarball)} (${seconds(stepStarted)})`);

		const emulator = await emulatorModule.startEmulator({ port: 0 });
		cleanups.push(() => emulator.close());
		out(`[3/6] iTest emulator listening on ${emulator.url} (API user "${emulator.options.username}")`);

		stepStarted = Date.now();
		out('[4/6] Installing the package into a fresh n8n user folder and importing the examples');
		const instance = await n8n.prepareInstance({ home });
		await n8n.installPackage(instance, tarball);
		await workspace.importIntoN8n(instance, {
			credentials: workspace.exampleCredentials(emulator.url),
			workflows: workspace.exampleWorkflows(),
			publish: [ONBOARDING_WORKFLOW_ID],
		});
		out(`      node type ${n8n.NODE_TYPE}, ${workspace.EXAMPLE_WORKFLOW_FILES.length} workflows imported, onboarding published (${seconds(stepStarted)})`);

		stepStarted = Date.now();
		out(`[5/6] Starting n8n on ${instance.url}`);
		running = await n8n.startN8n(instance);
		const n8nProcess = running;
		cleanups.push(() => n8nProcess.stop());
		await n8n.waitForWebhooks(instance, [ONBOARDING_PATH]);
		out(`      ready (${seconds(stepStarted)})`);

		const webhookUrl = `${instance.url}webhook/${ONBOARDING_PATH}`;
		const header = workspace.exampleWebhookHeader();
		const body = JSON.stringify(DEMO_REQUEST);
		out(`[6/6] POST ${webhookUrl}`);

		const rejected = await n8n.httpRequest('POST', webhookUrl, {
			headers: { 'Content-Type': 'application/json' },
			body,
		});
		out(`      without the ${header.name} header: HTTP ${rejected.status} ${rejected.body.trim()}`);
		if (rejected.status !== 401 && rejected.status !== 403) {
			throw new Error(`The onboarding webhook accepted a call without ${header.name} (HTTP ${rejected.status}); it must require header authentication.`);
		}

		stepStarted = Date.now();
		const response = await n8n.httpRequest('POST', webhookUrl, {
			headers: { 'Content-Type': 'application/json', [header.name]: header.value },
			body,
		});
		out(`      with the header: HTTP ${response.status} (${seconds(stepStarted)})`);
		if (response.status !== 201) {
			throw new Error(`The onboarding workflow failed with HTTP ${response.status}: ${response.body}`);
		}

		out();
		out('Request body sent to the webhook:');
		out(JSON.stringify(DEMO_REQUEST, null, 2).replace(/^/gm, '  '));
		out();
		const parsed = JSON.parse(response.body);
		const items = Array.isArray(parsed) ? parsed : [parsed];
		items.forEach((item, index) => {
			out(`Result item ${index + 1} of ${items.length}, answered by n8n:`);
			out(JSON.stringify(item, null, 2).replace(/^/gm, '  '));
		});
		out();
		printEmulator(emulator);
		succeeded = true;
	} catch (error) {
		out();
		out(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
		if (running) {
			out(`Last lines of the n8n log (${running.logPath}):`);
			out(running.logTail());
		}
		out(`The scratch folder ${path.relative(runtime.repoRoot, home)} is kept for inspection.`);
		process.exitCode = 1;
	} finally {
		for (const cleanup of cleanups.reverse()) await cleanup();
	}

	if (succeeded) {
		fs.rmSync(home, { recursive: true, force: true });
		out();
		out(`Stopped n8n and the emulator and removed the scratch folder. Total time: ${seconds(started)}.`);
	}
}

await main();
