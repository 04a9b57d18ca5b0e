// @ts-check
'use strict';

// Pieces of the throughput benchmark that need Node built-ins: the user records, the raw HTTP
// client that sets the floor, and the CPU time of a process group read from /proc.

const fs = require('fs');
const http = require('http');

const COMPANY_ID = 'C-BENCH';
/** The emulator's default login, as the credential sends it: form fields in the POST body. */
const LOGIN_FORM = 'API_95718=reseller&API_84572=emulator-secret';
/** Linux reports process CPU times in clock ticks of 1/100 s (USER_HZ on x86-64). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * @typedef {object} BenchUser
 * @property {string} companyId
 * @property {string} userId digits only, so the reply's element is `<90000001>` like the real API's numeric ids
 * @property {string} firstName
 * @property {string} lastName
 * @property {string} email
 */

/**
 * Returns `count` distinct users of the benchmark company.
 * @param {number} count
 * @returns {BenchUser[]}
 */
function benchUsers(count) {
	return Array.from({ length: count }, (_unused, index) => ({
		companyId: COMPANY_ID,
		userId: String(90_000_001 + index),
		firstName: 'Bench',
		lastName: `User ${index + 1}`,
		email: `bench.user${index + 1}@example.com`,
	}));
}

/**
 * Returns the request target of a user upsert (t=4020), with the fields in the order the iTest
 * node sends them.
 * @param {BenchUser} user
 */
function upsertTarget(user) {
	const query = new URLSearchParams({
		t: '4020',
		cid: user.companyId,
		uid: user.userId,
		firstname: user.firstName,
		lastname: user.lastName,
		email: user.email,
		role: 'user',
		state: '1',
	});
	return `/?${query.toString()}`;
}

/**
 * Sends one POST with the login form and resolves with the response body.
 * @param {string} baseUrl
 * @param {string} target
 * @param {http.Agent | false} agent false opens a new connection for this request only
 * @returns {Promise<string>}
 */
function postForm(baseUrl, target, agent) {
	return new Promise((resolve, reject) => {
		const request = http.request(new URL(target, baseUrl), {
			method: 'POST',
			agent,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(LOGIN_FORM) },
		});
		request.on('response', (response) => {
			/** @type {Buffer[]} */
			const chunks = [];
			response.on('data', (chunk) => chunks.push(chunk));
			response.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
			response.on('error', reject);
		});
		request.on('error', reject);
		request.end(LOGIN_FORM);
	});
}

/**
 * Upserts every user with at most `concurrency` requests in flight and checks each reply's
 * status. With keepAlive the agent reuses at most `concurrency` connections; without it every
 * request opens and closes its own connection, as n8n 2.41.1's HTTP helper does.
 * @param {{ baseUrl: string, users: BenchUser[], concurrency: number, keepAlive: boolean }} options
 * @returns {Promise<{ seconds: number, cpuMs: number }>}
 */
async function rawUpserts(options) {
	const agent = options.keepAlive ? new http.Agent({ keepAlive: true, maxSockets: options.concurrency }) : false;
	const targets = options.users.map(upsertTarget);
	let next = 0;
	const worker = async () => {
		while (next < targets.length) {
			const index = next++;
			const body = await postForm(options.baseUrl, targets[index], agent);
			if (!body.includes('<Status>Success</Status>')) {
				throw new Error(`The raw upsert of user ${options.users[index].userId} failed: ${body}`);
			}
		}
	};
	const cpuBefore = process.cpuUsage();
	const started = performance.now();
	await Promise.all(Array.from({ length: options.concurrency }, worker));
	const seconds = (performance.now() - started) / 1000;
	const cpu = process.cpuUsage(cpuBefore);
	if (agent) agent.destroy();
	return { seconds, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/**
 * Creates the benchmark company in the emulator, which user upserts require.
 * @param {string} baseUrl
 */
async function createBenchCompany(baseUrl) {
	const target = `/?${new URLSearchParams({ t: '4010', cid: COMPANY_ID, name: 'Benchmark', enable: '1' })}`;
	const body = await postForm(baseUrl, target, false);
	if (!body.includes('<Status>Success</Status>')) throw new Error(`Creating the benchmark company failed: ${body}`);
}

/**
 * Returns the CPU time, in milliseconds, used so far by the live processes of a process group
 * (n8n and its task runner). Exited children are not counted, which is fine for n8n's
 * long-lived processes.
 * @param {number} groupId
 */
function groupCpuMs(groupId) {
	let ticks = 0;
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^[0-9]+$/.test(entry)) continue;
		let stat;
		try {
			stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
		} catch {
			continue;
		}
		// The command name in brackets may contain spaces, so split after its closing bracket.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// After the name: state, ppid, pgrp, ..., utime (11th) and stime (12th).
		if (Number(fields[2]) !== groupId) continue;
		ticks += Number(fields[11]) + Number(fields[12]);
	}
	return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

module.exports = { COMPANY_ID, benchUsers, upsertTarget, rawUpserts, createBenchCompany, groupCpuMs };
