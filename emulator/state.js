// @ts-check
'use strict';

/**
 * In-memory account of the emulated reseller.
 *
 * Companies are keyed by cid and users by uid alone, because t=4024 and t=4025 name a
 * user without its company. Every call on profiles, suppliers and permissions names the
 * company, so those are keyed by company first: the same pid or sid under two
 * companies gives two records.
 */

/** @typedef {import('./types').CompanyRecord} CompanyRecord */
/** @typedef {import('./types').UserRecord} UserRecord */
/** @typedef {import('./types').ProfileRecord} ProfileRecord */
/** @typedef {import('./types').SupplierRecord} SupplierRecord */
/** @typedef {import('./types').BreakoutPermission} BreakoutPermission */
/** @typedef {import('./types').StateSnapshot} StateSnapshot */

/** @typedef {import('./types').EmulatorState} EmulatorStateContract */

/** @implements {EmulatorStateContract} */
class EmulatorState {
	constructor() {
		/** @type {Map<string, CompanyRecord>} */
		this.companies = new Map();
		/** @type {Map<string, UserRecord>} */
		this.users = new Map();
		/** @type {Map<string, string>} */
		this.otps = new Map();
		/** @type {Map<string, Map<string, ProfileRecord>>} */
		this.profiles = new Map();
		/** @type {Map<string, Map<string, SupplierRecord>>} */
		this.suppliers = new Map();
		/** @type {Map<string, Set<string>>} */
		this.numbers = new Map();
		/** @type {Map<string, Map<string, BreakoutPermission[]>>} */
		this.permissions = new Map();
	}

	/** Removes every record. */
	reset() {
		this.companies.clear();
		this.users.clear();
		this.otps.clear();
		this.profiles.clear();
		this.suppliers.clear();
		this.numbers.clear();
		this.permissions.clear();
	}

	/** @param {ProfileRecord} profile */
	putProfile(profile) {
		innerMap(this.profiles, profile.cid).set(profile.pid, profile);
	}

	/**
	 * @param {string} cid
	 * @param {string} pid
	 */
	getProfile(cid, pid) {
		return this.profiles.get(cid)?.get(pid);
	}

	/** @param {SupplierRecord} supplier */
	putSupplier(supplier) {
		innerMap(this.suppliers, supplier.cid).set(supplier.sid, supplier);
	}

	/**
	 * @param {string} cid
	 * @param {string} sid
	 */
	getSupplier(cid, sid) {
		return this.suppliers.get(cid)?.get(sid);
	}

	/** @param {string} cid */
	getNumbers(cid) {
		return this.numbers.get(cid) ?? new Set();
	}

	/**
	 * Adds numbers to a company's set. Numbers already present are kept once.
	 * @param {string} cid
	 * @param {string[]} numbers
	 */
	addNumbers(cid, numbers) {
		let set = this.numbers.get(cid);
		if (!set) {
			set = new Set();
			this.numbers.set(cid, set);
		}
		for (const number of numbers) set.add(number);
	}

	/**
	 * @param {string} cid
	 * @param {string} sid
	 * @returns {BreakoutPermission[]}
	 */
	getPermissions(cid, sid) {
		return this.permissions.get(cid)?.get(sid) ?? [];
	}

	/**
	 * @param {string} cid
	 * @param {string} sid
	 * @param {BreakoutPermission[]} entries
	 */
	setPermissions(cid, sid, entries) {
		innerMap(this.permissions, cid).set(sid, entries);
	}

	/** @returns {StateSnapshot} */
	snapshot() {
		return {
			companies: [...this.companies.values()].map((company) => ({ ...company })),
			users: [...this.users.values()].map(({ password, ...user }) => ({
				...user,
				hasPassword: password !== null,
			})),
			otps: [...this.otps].map(([uid, otp]) => ({ uid, otp })),
			profiles: flatten(this.profiles).map((profile) => ({ ...profile })),
			suppliers: flatten(this.suppliers).map((supplier) => ({ ...supplier })),
			numbers: [...this.numbers].map(([cid, set]) => ({ cid, count: set.size })),
			permissions: [...this.permissions].flatMap(([cid, bySupplier]) =>
				[...bySupplier].map(([sid, entries]) => ({
					cid,
					sid,
					entries: entries.map((entry) => ({ ...entry })),
				})),
			),
		};
	}
}

/**
 * Returns the map stored under `key`, creating it when missing.
 * @template T
 * @param {Map<string, Map<string, T>>} outer
 * @param {string} key
 * @returns {Map<string, T>}
 */
function innerMap(outer, key) {
	let inner = outer.get(key);
	if (!inner) {
		inner = new Map();
		outer.set(key, inner);
	}
	return inner;
}

/**
 * @template T
 * @param {Map<string, Map<string, T>>} outer
 * @returns {T[]}
 */
function flatten(outer) {
	return [...outer.values()].flatMap((inner) => [...inner.values()]);
}

module.exports = { EmulatorState };
