// @ts-check
'use strict';

// Makes host name lookups fail without asking any DNS server, so tests of DNS failures send
// nothing off the machine. Node's net module calls `dns.lookup` from the `dns` module object
// at connect time, so replacing that property reaches every HTTP client in the process.

const dns = require('node:dns');

/**
 * @typedef {object} LookupStub
 * @property {string[]} lookups host names looked up through the stub, in order
 * @property {() => void} restore puts the real `dns.lookup` back
 */

/**
 * Until `restore()` is called, looking up `hostname` fails with the error code `code`
 * (ENOTFOUND: no such host; EAI_AGAIN: temporary failure). Other names resolve as usual.
 * @param {string} hostname
 * @param {'ENOTFOUND' | 'EAI_AGAIN'} code
 * @returns {LookupStub}
 */
function failLookups(hostname, code) {
	const realLookup = dns.lookup;
	/** @type {string[]} */
	const lookups = [];

	/** @type {any} */
	const stub = (/** @type {string} */ name, /** @type {any} */ options, /** @type {any} */ callback) => {
		if (name !== hostname) return realLookup(name, options, callback);
		lookups.push(name);
		const done = typeof options === 'function' ? options : callback;
		const error = Object.assign(new Error(`getaddrinfo ${code} ${name}`), {
			code,
			errno: code === 'ENOTFOUND' ? -3008 : -3001,
			syscall: 'getaddrinfo',
			hostname: name,
		});
		process.nextTick(() => done(error));
	};
	dns.lookup = stub;

	return {
		lookups,
		restore: () => {
			dns.lookup = realLookup;
		},
	};
}

module.exports = { failLookups };
