// @ts-check
'use strict';

// CPU time per process tree, read from Linux's /proc, so the throughput record shows which
// process (main instance, workers, PostgreSQL, Redis) kept the cores busy.

const fs = require('fs');
const { execFileSync } = require('child_process');

/** Clock ticks per second of /proc/<pid>/stat times, from `getconf CLK_TCK` (100 when it fails). */
const CLOCK_TICKS = readClockTicks();

/** @returns {number} */
function readClockTicks() {
	try {
		const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
		return Number.isFinite(value) && value > 0 ? value : 100;
	} catch {
		return 100;
	}
}

/**
 * @typedef {object} ProcessTimes
 * @property {number} pid
 * @property {number} parentPid
 * @property {number} ticks user and system time of the process and of its children that exited
 */

/**
 * Reads the CPU times of every process on the machine.
 * @returns {ProcessTimes[]}
 */
function readAllProcesses() {
	if (!fs.existsSync('/proc/self/stat')) return [];
	/** @type {ProcessTimes[]} */
	const processes = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		let stat;
		try {
			stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
		} catch {
			continue;
		}
		// The command name (field 2) is in parentheses and may contain spaces, so split after it.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// Counted from field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
		const parentPid = Number(fields[1]);
		const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
		processes.push({ pid: Number(entry), parentPid, ticks });
	}
	return processes;
}

/**
 * Returns the CPU seconds used so far by each process tree: the root and all its live
 * descendants, plus children of theirs that have exited and were waited for. Time of a
 * descendant that exited before its parent waited for it is not counted.
 * @param {Record<string, number>} roots name to root PID
 * @returns {Record<string, number>}
 */
function cpuSecondsByTree(roots) {
	const processes = readAllProcesses();
	/** @type {Map<number, ProcessTimes[]>} */
	const children = new Map();
	for (const entry of processes) children.set(entry.parentPid, [...(children.get(entry.parentPid) ?? []), entry]);
	const byPid = new Map(processes.map((entry) => [entry.pid, entry]));

	/** @type {Record<string, number>} */
	const result = {};
	for (const [name, rootPid] of Object.entries(roots)) {
		let ticks = 0;
		const pending = byPid.has(rootPid) ? [/** @type {ProcessTimes} */ (byPid.get(rootPid))] : [];
		while (pending.length > 0) {
			const current = /** @type {ProcessTimes} */ (pending.pop());
			ticks += current.ticks;
			pending.push(...(children.get(current.pid) ?? []));
		}
		result[name] = ticks / CLOCK_TICKS;
	}
	return result;
}

/**
 * Returns the CPU seconds all cores of the machine have spent busy since boot, from the first
 * line of /proc/stat (every state except idle and iowait), or NaN where /proc is missing.
 * @returns {number}
 */
function machineBusySeconds() {
	if (!fs.existsSync('/proc/stat')) return Number.NaN;
	const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
	const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
	return (user + nice + system + irq + softirq + (steal ?? 0)) / CLOCK_TICKS;
}

/**
 * Subtracts two readings of cpuSecondsByTree().
 * @param {Record<string, number>} before
 * @param {Record<string, number>} after
 * @returns {Record<string, number>}
 */
function cpuSecondsBetween(before, after) {
	/** @type {Record<string, number>} */
	const result = {};
	for (const name of Object.keys(after)) result[name] = Math.round(((after[name] ?? 0) - (before[name] ?? 0)) * 100) / 100;
	return result;
}

module.exports = { cpuSecondsByTree, cpuSecondsBetween, machineBusySeconds };
