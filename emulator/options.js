// @ts-check
'use strict';

/** Default values and validation of the emulator options. */

/** @typedef {import('./types').EmulatorOptions} EmulatorOptions */
/** @typedef {import('./types').ResolvedOptions} ResolvedOptions */

const LOOPBACK_HOST = '127.0.0.1';

/** @type {ResolvedOptions} */
const DEFAULT_OPTIONS = Object.freeze({
	port: 0,
	host: LOOPBACK_HOST,
	username: 'reseller',
	password: 'emulator-secret',
	userField: 'API_95718',
	passField: 'API_84572',
	textEncoding: 'latin1',
	permissionMode: 'replace',
	latencyMs: 0,
	maxUploadBytes: 64 * 1024 * 1024,
	xmlDeclaration: false,
	charsetHeader: true,
	maxLoggedRequests: 10000,
});

/**
 * @param {string} name
 * @param {unknown} value
 * @param {number} min
 * @param {number} max
 */
function checkWholeNumber(name, value, min, max) {
	if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
		throw new RangeError(`Invalid emulator option ${name}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
	}
}

/**
 * @param {string} name
 * @param {unknown} value
 * @param {readonly unknown[]} allowed
 */
function checkOneOf(name, value, allowed) {
	if (!allowed.includes(value)) {
		throw new RangeError(
			`Invalid emulator option ${name}: expected one of ${allowed.map((item) => JSON.stringify(item)).join(', ')}, got ${JSON.stringify(value)}`,
		);
	}
}

/**
 * @param {string} name
 * @param {unknown} value
 */
function checkNonEmptyString(name, value) {
	if (typeof value !== 'string' || value === '') {
		throw new RangeError(`Invalid emulator option ${name}: expected a non-empty string, got ${JSON.stringify(value)}`);
	}
}

/**
 * Merges `changes` into `base` and validates the result. Unknown option names and
 * `undefined` values are rejected so that a misspelt option does not pass unnoticed.
 * @param {ResolvedOptions} base
 * @param {EmulatorOptions} changes
 * @returns {ResolvedOptions}
 */
function resolveOptions(base, changes) {
	if (typeof changes !== 'object' || changes === null) {
		throw new TypeError('Emulator options must be an object');
	}
	for (const [name, value] of Object.entries(changes)) {
		if (!Object.hasOwn(DEFAULT_OPTIONS, name)) {
			throw new RangeError(`Unknown emulator option: ${name} (known: ${Object.keys(DEFAULT_OPTIONS).join(', ')})`);
		}
		if (value === undefined) throw new RangeError(`Invalid emulator option ${name}: undefined`);
	}

	const options = { ...base, ...changes };
	if (options.host !== LOOPBACK_HOST) {
		throw new RangeError(`Invalid emulator option host: only ${LOOPBACK_HOST} is allowed, got ${JSON.stringify(options.host)}`);
	}
	checkWholeNumber('port', options.port, 0, 65535);
	checkNonEmptyString('username', options.username);
	checkNonEmptyString('password', options.password);
	checkNonEmptyString('userField', options.userField);
	checkNonEmptyString('passField', options.passField);
	checkOneOf('textEncoding', options.textEncoding, ['latin1', 'utf8']);
	checkOneOf('permissionMode', options.permissionMode, ['replace', 'add']);
	checkWholeNumber('latencyMs', options.latencyMs, 0, 600000);
	checkWholeNumber('maxUploadBytes', options.maxUploadBytes, 0, Number.MAX_SAFE_INTEGER);
	checkOneOf('xmlDeclaration', options.xmlDeclaration, [true, false]);
	checkOneOf('charsetHeader', options.charsetHeader, [true, false]);
	checkWholeNumber('maxLoggedRequests', options.maxLoggedRequests, 0, Number.MAX_SAFE_INTEGER);

	return options;
}

/**
 * Applies changes to a running emulator's options. Port and host cannot change.
 * @param {ResolvedOptions} current
 * @param {import('./types').MutableOptions} changes
 */
function changeOptions(current, changes) {
	for (const name of ['port', 'host']) {
		if (typeof changes === 'object' && changes !== null && name in changes) {
			throw new RangeError(`Emulator option ${name} cannot change while the emulator runs`);
		}
	}
	return resolveOptions(current, changes);
}

module.exports = { DEFAULT_OPTIONS, LOOPBACK_HOST, resolveOptions, changeOptions };
