// @ts-check
// `npm run screenshots`: takes the README's screenshots from the real n8n 2.41.1 editor in
// headless Chromium and writes them to docs/images/.
//
// It builds and packs this package, installs it into a fresh n8n user folder as a community
// package, imports the example workflows, starts the iTest emulator and n8n on 127.0.0.1, and
// drives Debian's /usr/bin/chromium through playwright-core. The two example runs shown happen
// in the editor against the emulator. Chromium gets a fresh profile, and its own background
// connections (updates, sign-in, autofill) go to a loopback proxy that rejects every request,
// so nothing leaves the machine. Rerun it after changing the node.
//
// Options: --keep (keep the scratch folder under .tmp/ after a successful run).

import fs from 'fs';
import http from 'http';
import path from 'path';
import { chromium } from 'playwright-core';

import n8n from './lib/n8n.js';
import runtime from './lib/runtime.js';
import workspace from './lib/workspace.js';
import emulatorModule from '../emulator/index.js';

const CHROMIUM_PATH = '/usr/bin/chromium';
const OUTPUT_DIR = path.join(runtime.repoRoot, 'docs', 'images');
const VIEWPORT = { width: 1440, height: 900 };
// The user upsert panel gets a taller window, so that all of its parameters are visible.
const PANEL_VIEWPORT = { width: 1440, height: 1250 };
// The README embeds every image, so each should stay small enough for a quick page load.
const MAX_IMAGE_BYTES = 300 * 1024;
const UI_TIMEOUT_MS = 30_000;
// Time for n8n's panel and canvas animations to finish before a screenshot.
const SETTLE_MS = 800;

/** The owner account of the throwaway n8n user folder. */
const OWNER = {
	email: 'screenshots@example.com',
	firstName: 'Screen',
	lastName: 'Shots',
	password: 'Screenshots-owner-2026',
};
const ONBOARDING = {
	workflowId: 'iTestOnboarding1',
	webhookPath: 'itest/onboarding',
	userNode: 'Create admin user',
	request: {
		companyId: 'C-1001',
		companyName: 'Acme Telecom',
		userId: 'U-2291',
		firstName: 'Ada',
		lastName: 'Lovelace',
		email: 'ada.lovelace@example.com',
	},
};
const BREAKOUTS = {
	workflowId: 'iTestBreakouts01',
	trigger: 'Run now',
	uploadNode: 'Set breakout permissions',
	// The example's "Breakout list" node names this supplier of the onboarding company, so the
	// script creates it first with an iTest supplier upsert (t=5020).
	supplierQuery: { t: '5020', cid: 'C-1001', sid: 'S-12', name: 'Carrier Route A', type: 'std', codec: 'alaw' },
};

const out = (/** @type {string} */ line = '') => process.stdout.write(`${line}\n`);
const seconds = (/** @type {number} */ started) => `${((Date.now() - started) / 1000).toFixed(1)} s`;

/** Throws with the install command when Debian's chromium is missing. */
function checkChromium() {
	if (!fs.existsSync(CHROMIUM_PATH)) {
		throw new Error(
			`${CHROMIUM_PATH} not found. The screenshots use Debian's chromium package, never a downloaded browser. ` +
				'Install it with: sudo apt-get update && sudo apt-get install -y chromium',
		);
	}
}

/**
 * @typedef {object} RejectingProxy
 * @property {number} port
 * @property {Map<string, number>} attempts requests per target host
 * @property {() => Promise<void>} close
 */

/**
 * Starts an HTTP proxy on 127.0.0.1 that rejects every request and CONNECT tunnel with 403,
 * so Chromium's background connections fail at once instead of reaching the internet. The
 * editor on 127.0.0.1 does not go through it, because Chromium bypasses the proxy for
 * loopback addresses by default.
 * @returns {Promise<RejectingProxy>}
 */
async function startRejectingProxy() {
	/** @type {Map<string, number>} */
	const attempts = new Map();
	const count = (/** @type {string} */ host) => attempts.set(host, (attempts.get(host) ?? 0) + 1);

	const server = http.createServer((request, response) => {
		let host = request.headers.host ?? '(no host)';
		try {
			host = new URL(request.url ?? '').host;
		} catch {
			// A request line without an absolute URL: keep the Host header.
		}
		count(host);
		response.writeHead(403, { 'Content-Type': 'text/plain', Connection: 'close' });
		response.end('Rejected: this proxy lets nothing leave the machine.\n');
	});
	server.on('connect', (request, socket) => {
		count(request.url ?? '(no target)');
		socket.on('error', () => {});
		socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(undefined));
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	const close = () =>
		new Promise((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve(undefined));
		});
	return { port, attempts, close };
}

/**
 * Creates a fresh Chromium profile whose preferences turn off autofill, the password manager
 * and its leak check, which would otherwise call Google's servers after the sign-in.
 * @param {string} dir
 */
function createProfile(dir) {
	const preferences = {
		autofill: { profile_enabled: false, credit_card_enabled: false },
		credentials_enable_service: false,
		profile: { password_manager_enabled: false, password_manager_leak_detection: false },
		safebrowsing: { enabled: false },
		translate: { enabled: false },
	};
	fs.mkdirSync(path.join(dir, 'Default'), { recursive: true });
	fs.writeFileSync(path.join(dir, 'Default', 'Preferences'), JSON.stringify(preferences));
}

/**
 * Starts headless Chromium with the profile and the rejecting proxy.
 * @param {string} profileDir
 * @param {number} proxyPort
 */
async function launchBrowser(profileDir, proxyPort) {
	return chromium.launchPersistentContext(profileDir, {
		executablePath: CHROMIUM_PATH,
		headless: true,
		viewport: VIEWPORT,
		locale: 'en-US',
		timezoneId: 'UTC',
		args: [
			`--proxy-server=http://127.0.0.1:${proxyPort}`,
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--disable-domain-reliability',
			'--disable-client-side-phishing-detection',
			'--no-first-run',
			'--no-pings',
		],
	});
}

/**
 * Signs in to the editor with the owner account.
 * @param {import('playwright-core').Page} page
 * @param {string} baseUrl
 */
async function signIn(page, baseUrl) {
	await page.goto(`${baseUrl}signin`);
	await page.fill('#emailOrLdapLoginId', OWNER.email);
	await page.fill('#password', OWNER.password);
	await page.click('[data-test-id="form-submit-button"]');
	await page.waitForURL((url) => !url.pathname.includes('signin'), { timeout: UI_TIMEOUT_MS });
}

/**
 * Opens a workflow in the editor and waits until its canvas shows the nodes.
 * @param {import('playwright-core').Page} page
 * @param {string} baseUrl
 * @param {string} workflowId
 */
async function openWorkflow(page, baseUrl, workflowId) {
	await page.goto(`${baseUrl}workflow/${workflowId}`);
	await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: UI_TIMEOUT_MS });
	await page.waitForTimeout(SETTLE_MS);
}

/**
 * Closes the editor's pop-up notifications ("Workflow executed successfully"), so they do not
 * cover the canvas in a screenshot.
 * @param {import('playwright-core').Page} page
 */
async function closeNotifications(page) {
	for (const button of await page.locator('.el-notification__closeBtn').all()) {
		await button.click().catch(() => {});
	}
	await page.waitForTimeout(SETTLE_MS);
}

/**
 * Opens a node's parameter panel by double-clicking it on the canvas.
 * @param {import('playwright-core').Page} page
 * @param {string} nodeName
 */
async function openNode(page, nodeName) {
	await page.locator('[data-test-id="canvas-node"]', { hasText: nodeName }).first().dblclick();
	const panel = page.locator('[data-test-id="ndv"]');
	await panel.waitFor({ timeout: UI_TIMEOUT_MS });
	// The pointer stays where the node was, over a parameter, whose hover controls would show.
	const box = await panel.boundingBox();
	if (box) await page.mouse.move(box.x + box.width / 2, box.y + 5);
	await page.waitForTimeout(SETTLE_MS);
}

/**
 * Switches the parameter panel's output view, for example to the JSON of the output items.
 * @param {import('playwright-core').Page} page
 * @param {'Schema' | 'Table' | 'JSON' | 'Binary'} mode
 */
async function showOutputAs(page, mode) {
	await page.locator('[data-test-id="output-panel"] [data-test-id="ndv-run-data-display-mode"]').getByText(mode, { exact: true }).click();
	await page.waitForTimeout(SETTLE_MS);
}

/**
 * Waits until the canvas marks every node of the workflow as run successfully, and throws
 * with the editor's error text when a node failed instead.
 * @param {import('playwright-core').Page} page
 * @param {string} label
 */
async function waitForSuccessfulRun(page, label) {
	const success = page.getByText('Workflow executed successfully');
	const failure = page.getByText(/Problem in node|Workflow execution had an error/);
	await Promise.race([
		success.first().waitFor({ timeout: UI_TIMEOUT_MS }),
		failure.first().waitFor({ timeout: UI_TIMEOUT_MS }).then(async () => {
			throw new Error(`${label} failed in the editor: ${await failure.first().innerText()}`);
		}),
	]);
}

/**
 * Saves a screenshot of the page under docs/images/ and returns its size in bytes.
 * @param {import('playwright-core').Page} page
 * @param {string} fileName
 */
async function save(page, fileName) {
	const file = path.join(OUTPUT_DIR, fileName);
	await page.screenshot({ path: file });
	return fs.statSync(file).size;
}

/**
 * Sends one request to a webhook that the editor registers for a test run. n8n responds with
 * 404 until the editor has registered it, so the request is repeated until then.
 * @param {import('../scripts/lib/n8n.js').N8nInstance} instance
 * @param {string} webhookPath
 * @param {unknown} body
 */
async function callTestWebhook(instance, webhookPath, body) {
	const header = workspace.exampleWebhookHeader();
	const deadline = Date.now() + UI_TIMEOUT_MS;
	for (;;) {
		const response = await n8n.httpRequest('POST', `${instance.url}webhook-test/${webhookPath}`, {
			headers: { 'Content-Type': 'application/json', [header.name]: header.value },
			body: JSON.stringify(body),
		});
		if (response.status !== 404) {
			if (response.status >= 300) {
				throw new Error(`The test webhook ${webhookPath} responded with HTTP ${response.status}: ${response.body}`);
			}
			return;
		}
		if (Date.now() > deadline) {
			throw new Error(`The editor did not register the test webhook ${webhookPath} within ${UI_TIMEOUT_MS / 1000} s`);
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/**
 * Creates a supplier in the emulator through its iTest API, with the login in the POST body as
 * the node sends it.
 * @param {import('../emulator/index.js').Emulator} emulator
 * @param {Record<string, string>} query the request type and the supplier's fields
 */
async function createSupplier(emulator, query) {
	const { userField, passField, username, password } = emulator.options;
	const response = await n8n.httpRequest('POST', `${emulator.url}?${new URLSearchParams(query)}`, {
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ [userField]: username, [passField]: password }).toString(),
	});
	if (response.status !== 200 || !response.body.includes('<Status>Success</Status>')) {
		throw new Error(`Creating supplier ${query.sid} in the emulator failed with HTTP ${response.status}: ${response.body}`);
	}
}

/**
 * @typedef {object} Shot
 * @property {string} file
 * @property {string} shows
 * @property {number} bytes
 */

/**
 * Takes every screenshot and returns what each file shows.
 * @param {import('playwright-core').Page} page
 * @param {import('../scripts/lib/n8n.js').N8nInstance} instance
 * @param {import('../scripts/lib/n8n.js').RestSession} session
 * @param {import('../emulator/index.js').Emulator} emulator
 * @returns {Promise<Shot[]>}
 */
async function takeScreenshots(page, instance, session, emulator) {
	/** @type {Shot[]} */
	const shots = [];
	const record = async (/** @type {string} */ file, /** @type {string} */ shows) => {
		const bytes = await save(page, file);
		shots.push({ file, shows, bytes });
		out(`      ${file}: ${shows} (${Math.round(bytes / 1024)} KB)`);
	};

	// The node picker after a trigger: the list a user searches to add an action node.
	const pickerWorkflow = await n8n.restRequest(instance, session, 'POST', 'workflows', {
		name: 'Add the iTest node',
		nodes: [
			{
				id: '3a1c52d0-0d7e-4b5e-9c55-1f0a4b3f9e01',
				name: 'When clicking Execute workflow',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	});
	await openWorkflow(page, instance.url, pickerWorkflow.id);
	await page.click('[data-test-id="node-creator-plus-button"]');
	await page.locator('input[data-test-id="node-creator-search-bar"]').fill('iTest');
	const pickerItem = page.locator('[data-test-id="node-creator-item-name"]', { hasText: /^iTest$/ }).first();
	await pickerItem.waitFor({ timeout: UI_TIMEOUT_MS });
	await page.waitForTimeout(SETTLE_MS);
	await record('node-picker.png', 'the iTest node found by name in the node picker');

	await pickerItem.click();
	await page.getByText('Create or update a company').first().waitFor({ timeout: UI_TIMEOUT_MS });
	await page.waitForTimeout(SETTLE_MS);
	await record('operations.png', "the iTest node's operations, grouped by resource");

	// The onboarding example, run from the editor: "Execute workflow" waits for one test call
	// of its webhook, which this script sends.
	await openWorkflow(page, instance.url, ONBOARDING.workflowId);
	await page.click('[data-test-id="execute-workflow-button"]');
	await callTestWebhook(instance, ONBOARDING.webhookPath, ONBOARDING.request);
	await waitForSuccessfulRun(page, 'The onboarding example');
	await closeNotifications(page);
	await page.click('[data-test-id="zoom-to-fit"]');
	await page.waitForTimeout(SETTLE_MS);
	await record('onboarding-workflow.png', 'the customer onboarding example after a run against the emulator');

	await page.setViewportSize(PANEL_VIEWPORT);
	await openNode(page, ONBOARDING.userNode);
	await record('user-upsert.png', 'the user Create or Update parameters, with that run\'s input and output');

	// The breakout-permission example, started with its manual trigger. The emulator needs the
	// supplier it names, as the real iTest account would.
	await createSupplier(emulator, BREAKOUTS.supplierQuery);
	await page.setViewportSize(VIEWPORT);
	await openWorkflow(page, instance.url, BREAKOUTS.workflowId);
	await page.hover(`[data-test-id="canvas-node"]:has-text("${BREAKOUTS.trigger}")`);
	await page.click(`[data-test-id="execute-workflow-button-${BREAKOUTS.trigger}"]`);
	await waitForSuccessfulRun(page, 'The breakout-permission example');
	await closeNotifications(page);
	await openNode(page, BREAKOUTS.uploadNode);
	// The output item carries the uploaded file, so the panel opens on it. The JSON shows the result.
	await showOutputAs(page, 'JSON');
	await record('breakout-permissions.png', 'the Set Breakout Permissions parameters, with that run\'s input file and output');

	return shots;
}

async function main() {
	const started = Date.now();
	const keep = process.argv.includes('--keep');
	checkChromium();

	out(`Screenshots of the n8n ${runtime.N8N_VERSION} editor with n8n-nodes-itest`);
	out('[1/5] n8n runtime');
	const install = await runtime.ensureRuntime({ log: (line) => out(`      ${line}`) });
	if (!install.installed) out(`      already installed in ${path.relative(runtime.repoRoot, runtime.runtimeDir)}/`);

	const home = n8n.makeScratchDir('screenshots');
	/** @type {Array<() => Promise<void>>} */
	const cleanups = [];
	/** @type {import('../scripts/lib/n8n.js').RunningN8n | undefined} */
	let running;
	/** @type {RejectingProxy | undefined} */
	let proxy;
	let succeeded = false;
	try {
		let stepStarted = Date.now();
		out('[2/5] Building and packing n8n-nodes-itest');
		const tarball = await n8n.buildAndPack(home);
		out(`      ${path.basename(tarball)} (${seconds(stepStarted)})`);

		stepStarted = Date.now();
		out('[3/5] Starting the iTest emulator and n8n with the package and the example workflows');
		const emulator = await emulatorModule.startEmulator({ port: 0 });
		cleanups.push(() => emulator.close());
		const instance = await n8n.prepareInstance({ home });
		await n8n.installPackage(instance, tarball);
		await workspace.importIntoN8n(instance, {
			credentials: workspace.exampleCredentials(emulator.url),
			workflows: workspace.exampleWorkflows(),
			publish: [],
		});
		running = await n8n.startN8n(instance);
		const n8nProcess = running;
		cleanups.push(() => n8nProcess.stop());
		const session = await n8n.openOwnerSession(instance, OWNER);
		out(`      n8n on ${instance.url}, emulator on ${emulator.url} (${seconds(stepStarted)})`);

		stepStarted = Date.now();
		out(`[4/5] Starting ${CHROMIUM_PATH} (headless, fresh profile, background connections rejected)`);
		const activeProxy = await startRejectingProxy();
		proxy = activeProxy;
		cleanups.push(() => activeProxy.close());
		const profileDir = path.join(home, 'chromium-profile');
		createProfile(profileDir);
		const browser = await launchBrowser(profileDir, activeProxy.port);
		cleanups.push(() => browser.close());
		const page = browser.pages()[0] ?? (await browser.newPage());
		await signIn(page, instance.url);
		out(`      signed in as ${OWNER.email} (${seconds(stepStarted)})`);

		stepStarted = Date.now();
		out(`[5/5] Taking the screenshots into ${path.relative(runtime.repoRoot, OUTPUT_DIR)}/`);
		fs.mkdirSync(OUTPUT_DIR, { recursive: true });
		const shots = await takeScreenshots(page, instance, session, emulator);
		out(`      ${shots.length} screenshots (${seconds(stepStarted)})`);
		const large = shots.filter((shot) => shot.bytes > MAX_IMAGE_BYTES);
		for (const shot of large) {
			out(`      warning: ${shot.file} is ${Math.round(shot.bytes / 1024)} KB, over the ${MAX_IMAGE_BYTES / 1024} KB budget for README images`);
		}
		succeeded = true;
	} catch (error) {
		out();
		out(`Screenshots failed: ${error instanceof Error ? error.message : String(error)}`);
		if (running) {
			out(`Last lines of the n8n log (${running.logPath}):`);
			out(running.logTail());
		}
		out(`The scratch folder ${path.relative(runtime.repoRoot, home)} is kept for inspection.`);
		process.exitCode = 1;
	} finally {
		for (const cleanup of cleanups.reverse()) await cleanup();
	}

	if (proxy) {
		const rejected = [...proxy.attempts].map(([host, count]) => `${host} (${count})`);
		out(`Chromium's background connections rejected by the loopback proxy: ${rejected.length === 0 ? 'none' : rejected.join(', ')}`);
	}
	if (succeeded) {
		if (!keep) fs.rmSync(home, { recursive: true, force: true });
		out(`Done in ${seconds(started)}.${keep ? ` Scratch folder kept: ${path.relative(runtime.repoRoot, home)}` : ''}`);
	}
}

await main();
