// @ts-check
'use strict';

/**
 * The request types of the iTest Reseller API: validation, state changes and results.
 *
 * The real server's error format is not documented, so failures use an invented one:
 * the success envelope of the request type with a Status text other than `Success`.
 * Checks run in a fixed order and the first failure is returned: login fields in the
 * query, login, request type, POST-only fields in the query, required fields (in the
 * documented order), values, the uploaded file, then references to other records.
 */

const { randomInt } = require('node:crypto');
const { isIP } = require('node:net');
const { normaliseFieldName, decodeText } = require('./protocol');

/** @typedef {import('./types').FieldSet} FieldSet */
/** @typedef {import('./types').UploadedFile} UploadedFile */
/** @typedef {import('./types').ResolvedOptions} ResolvedOptions */
/** @typedef {import('./types').BreakoutPermission} BreakoutPermission */
/** @typedef {import('./state').EmulatorState} EmulatorState */
/** @typedef {import('./xml').Envelope} Envelope */
/** @typedef {import('./xml').ResultElement} ResultElement */

/**
 * @typedef {object} ApiRequest
 * @property {FieldSet} query
 * @property {FieldSet} body
 * @property {UploadedFile | null} file
 */

/**
 * @typedef {object} OperationContext
 * @property {Record<string, string>} query
 * @property {Record<string, string>} body
 * @property {UploadedFile | null} file
 * @property {EmulatorState} state
 * @property {ResolvedOptions} options
 */

/**
 * @typedef {object} OperationSpec
 * @property {string} root Root element of every response to this type.
 * @property {string} [wrapper] Fixed element below the root.
 * @property {string} [idField] Query field whose value names the element below the root.
 * @property {string[]} [postOnlyFields] Fields that must come in the body, never in the query.
 * @property {string[]} required Query fields that must be present and non-empty, in documented order.
 * @property {Record<string, string[]>} [choices] Allowed values of enumerated query fields.
 * @property {(context: OperationContext) => ResultElement} run Performs remaining checks and the state change.
 */

/** Raised inside this module to reject a request with a failure Status. Callers never see it. */
class RequestRejected extends Error {}

const SUCCESS = /** @type {ResultElement} */ ({ element: 'Status', text: 'Success' });
const UPLOAD_FIELD = 'uploadfile';
const OTP_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const OTP_LENGTH = 32;
const MIN_SET_OTP_LENGTH = 32;
const NUMBER_PATTERN = /^\+?[0-9]+$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

/** @type {Record<string, OperationSpec>} */
const OPERATIONS = {
	4010: {
		root: 'Company',
		// "Adminitration" is the element name printed in the API guide's sample, kept as it is.
		wrapper: 'Adminitration',
		required: ['cid', 'name', 'enable'],
		choices: { enable: ['0', '1'] },
		run: upsertCompany,
	},
	4020: {
		root: 'User',
		idField: 'uid',
		postOnlyFields: ['pass'],
		required: ['cid', 'uid', 'firstname', 'lastname', 'email', 'role', 'state'],
		choices: { role: ['admin', 'user'], state: ['0', '1'] },
		run: upsertUser,
	},
	4024: { root: 'User', idField: 'uid', required: ['uid'], run: requestOtp },
	4025: { root: 'User', idField: 'uid', postOnlyFields: ['otp'], required: ['uid'], run: setOtp },
	5010: {
		root: 'Profile',
		idField: 'pid',
		required: ['cid', 'pid', 'name', 'type', 'ip', 'port', 'srcn', 'call', 'ring'],
		choices: { type: ['std', 'sms'] },
		run: upsertProfile,
	},
	5020: {
		root: 'Supplier',
		idField: 'sid',
		required: ['cid', 'sid', 'name', 'type', 'codec'],
		choices: { type: ['std', 'sms'], codec: ['alaw', 'ulaw', '729'] },
		run: upsertSupplier,
	},
	5110: { root: 'NDB', wrapper: 'Number_Upload', required: ['cid'], run: importNumbers },
	5150: { root: 'NDB', wrapper: 'Supplier_Permissions', required: ['cid', 'sid'], run: setPermissions },
};

/**
 * Returns the response envelope of a request type. An unknown or missing type gets the
 * `<Error>` root. An id that is missing or would break the tag (contains `<` or `>`) puts
 * the result directly under the root.
 * @param {string | undefined} t
 * @param {Record<string, string>} query
 * @returns {Envelope}
 */
function envelopeFor(t, query) {
	const spec = operationFor(t);
	if (!spec) return { root: 'Error', wrapper: null };
	if (spec.wrapper) return { root: spec.root, wrapper: spec.wrapper };

	const id = spec.idField ? query[spec.idField] : undefined;
	return { root: spec.root, wrapper: id && isTagSafe(id) ? id : null };
}

/**
 * Returns the operation of a request type, or undefined for an unknown type.
 * @param {string | undefined} t
 */
function operationFor(t) {
	return t !== undefined && Object.hasOwn(OPERATIONS, t) ? OPERATIONS[t] : undefined;
}

/** @param {string} value */
function isTagSafe(value) {
	return !value.includes('<') && !value.includes('>');
}

/**
 * Handles one API request: checks the login and fields, changes the state on success,
 * and returns the envelope and result element to send.
 * @param {ApiRequest} request
 * @param {EmulatorState} state
 * @param {ResolvedOptions} options
 * @returns {{ envelope: Envelope, result: ResultElement }}
 */
function runApiRequest(request, state, options) {
	const query = request.query.values;
	const t = query.t;
	const envelope = envelopeFor(t, query);

	try {
		return { envelope, result: checkAndRun(request, state, options) };
	} catch (error) {
		if (error instanceof RequestRejected) {
			return { envelope, result: { element: 'Status', text: error.message } };
		}
		throw error;
	}
}

/**
 * @param {ApiRequest} request
 * @param {EmulatorState} state
 * @param {ResolvedOptions} options
 * @returns {ResultElement}
 */
function checkAndRun(request, state, options) {
	const query = request.query.values;
	const body = request.body.values;
	const userField = normaliseFieldName(options.userField);
	const passField = normaliseFieldName(options.passField);

	rejectPostOnlyInQuery(query, [userField, passField]);
	if (body[userField] !== options.username || body[passField] !== options.password) {
		throw new RequestRejected('Invalid API login');
	}

	const t = query.t;
	if (t === undefined || t === '') throw new RequestRejected('Missing field: t');
	const spec = operationFor(t);
	if (!spec) throw new RequestRejected(`Unknown request type: ${t}`);

	rejectPostOnlyInQuery(query, spec.postOnlyFields ?? []);
	requireFields(query, spec.required);
	if (spec.idField && !isTagSafe(query[spec.idField])) {
		throw new RequestRejected(`Invalid value for ${spec.idField}: ${query[spec.idField]} (< and > are not allowed)`);
	}
	for (const [field, allowed] of Object.entries(spec.choices ?? {})) {
		if (!allowed.includes(query[field])) throw new RequestRejected(`Invalid value for ${field}: ${query[field]}`);
	}

	return spec.run({ query, body, file: request.file, state, options });
}

/**
 * Rejects fields that the API reads only from the POST body. The real server would
 * silently ignore them in the query, but the emulator names them so a client bug shows.
 * @param {Record<string, string>} query
 * @param {string[]} fields
 */
function rejectPostOnlyInQuery(query, fields) {
	for (const field of fields) {
		if (field in query) {
			throw new RequestRejected(`Field ${field} must be sent in the POST body, not in the query string`);
		}
	}
}

/**
 * Rejects the first field that is absent or empty.
 * @param {Record<string, string>} fields
 * @param {string[]} names
 */
function requireFields(fields, names) {
	for (const name of names) {
		if (fields[name] === undefined || fields[name] === '') throw new RequestRejected(`Missing field: ${name}`);
	}
}

/**
 * @param {OperationContext} context
 * @param {string} cid
 */
function requireCompany(context, cid) {
	if (!context.state.companies.has(cid)) throw new RequestRejected(`Unknown company: ${cid}`);
}

/**
 * @param {OperationContext} context
 * @param {string} uid
 */
function requireUser(context, uid) {
	if (!context.state.users.has(uid)) throw new RequestRejected(`Unknown user: ${uid}`);
}

/**
 * @param {string} field
 * @param {string} value
 */
function requireEmail(field, value) {
	if (!EMAIL_PATTERN.test(value)) throw new RequestRejected(`Invalid value for ${field}: ${value}`);
}

/**
 * Parses a decimal integer field within a range.
 * @param {Record<string, string>} query
 * @param {string} field
 * @param {number} min
 * @param {number} max
 */
function requireInteger(query, field, min, max) {
	const value = query[field];
	const number = /^[0-9]+$/.test(value) ? Number(value) : NaN;
	if (!(number >= min && number <= max)) {
		throw new RequestRejected(`Invalid value for ${field}: ${value} (expected a whole number from ${min} to ${max})`);
	}
	return number;
}

/** @param {OperationContext} context */
function upsertCompany({ query, state }) {
	state.companies.set(query.cid, { cid: query.cid, name: query.name, enabled: query.enable === '1' });
	return SUCCESS;
}

/**
 * Creates or updates a user. Sending the user's uid with another cid moves the user. An
 * absent or empty `pass` keeps the stored password.
 * @param {OperationContext} context
 */
function upsertUser(context) {
	const { query, body, state } = context;
	requireEmail('email', query.email);
	requireCompany(context, query.cid);

	const previous = state.users.get(query.uid);
	const password = body.pass ? body.pass : (previous?.password ?? null);
	state.users.set(query.uid, {
		uid: query.uid,
		cid: query.cid,
		firstname: query.firstname,
		lastname: query.lastname,
		email: query.email,
		role: /** @type {'admin' | 'user'} */ (query.role),
		enabled: query.state === '1',
		password,
	});
	return SUCCESS;
}

/** Returns a random one-time password of 32 characters from [a-z0-9]. */
function generateOtp() {
	let otp = '';
	for (let i = 0; i < OTP_LENGTH; i++) otp += OTP_ALPHABET[randomInt(OTP_ALPHABET.length)];
	return otp;
}

/**
 * Issues a new OTP, which replaces the user's previous one.
 * @param {OperationContext} context
 * @returns {ResultElement}
 */
function requestOtp(context) {
	requireUser(context, context.query.uid);

	const otp = generateOtp();
	context.state.otps.set(context.query.uid, otp);
	return { element: 'OTP', text: otp };
}

/** @param {OperationContext} context */
function setOtp(context) {
	const otp = context.body.otp;
	if (otp === undefined || otp === '') throw new RequestRejected('Missing field: otp');
	const length = [...otp].length;
	if (length < MIN_SET_OTP_LENGTH) {
		throw new RequestRejected(
			`Invalid value for otp: ${length} characters, at least ${MIN_SET_OTP_LENGTH} required`,
		);
	}
	requireUser(context, context.query.uid);

	context.state.otps.set(context.query.uid, otp);
	return SUCCESS;
}

/** @param {OperationContext} context */
function upsertProfile(context) {
	const { query, state } = context;
	if (isIP(query.ip) === 0) throw new RequestRejected(`Invalid value for ip: ${query.ip} (expected an IPv4 or IPv6 address)`);
	const port = requireInteger(query, 'port', 1, 65535);
	if (query.srcn !== 'xxx' && !NUMBER_PATTERN.test(query.srcn)) {
		throw new RequestRejected(`Invalid value for srcn: ${query.srcn} (expected xxx or a number)`);
	}
	const call = requireInteger(query, 'call', 0, Number.MAX_SAFE_INTEGER);
	const ring = requireInteger(query, 'ring', 0, Number.MAX_SAFE_INTEGER);
	requireCompany(context, query.cid);

	state.putProfile({
		cid: query.cid,
		pid: query.pid,
		name: query.name,
		type: /** @type {'std' | 'sms'} */ (query.type),
		ip: query.ip,
		port,
		srcn: query.srcn,
		call,
		ring,
	});
	return SUCCESS;
}

/**
 * Creates or updates a supplier. An absent `prefix` or `email` keeps the stored value and
 * an empty one clears it.
 * @param {OperationContext} context
 */
function upsertSupplier(context) {
	const { query, state } = context;
	if (query.email) requireEmail('email', query.email);
	requireCompany(context, query.cid);

	const previous = state.getSupplier(query.cid, query.sid);
	state.putSupplier({
		cid: query.cid,
		sid: query.sid,
		name: query.name,
		type: /** @type {'std' | 'sms'} */ (query.type),
		codec: /** @type {'alaw' | 'ulaw' | '729'} */ (query.codec),
		prefix: optionalValue(query, 'prefix', previous?.prefix ?? null),
		email: optionalValue(query, 'email', previous?.email ?? null),
	});
	return SUCCESS;
}

/**
 * @param {Record<string, string>} query
 * @param {string} field
 * @param {string | null} previous
 */
function optionalValue(query, field, previous) {
	if (query[field] === undefined) return previous;
	return query[field] === '' ? null : query[field];
}

/**
 * Returns the lines of the uploaded file, decoded in the text encoding, with line
 * ends (LF or CRLF) removed.
 * @param {OperationContext} context
 */
function readUploadLines(context) {
	const file = context.file;
	if (!file) throw new RequestRejected(`Missing file: ${UPLOAD_FIELD}`);
	return decodeText(file.bytes, context.options.textEncoding).split('\n');
}

/**
 * Adds the file's numbers to the company's set. Each non-blank line is one number: digits
 * with an optional leading +. The whole file is checked before anything is stored.
 * @param {OperationContext} context
 */
function importNumbers(context) {
	const lines = readUploadLines(context);
	const numbers = [];
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i].trim();
		if (line === '') continue;
		if (!NUMBER_PATTERN.test(line)) {
			throw new RequestRejected(`Invalid number on line ${i + 1} of ${UPLOAD_FIELD}: ${line}`);
		}
		numbers.push(line);
	}
	requireCompany(context, context.query.cid);

	context.state.addNumbers(context.query.cid, numbers);
	return SUCCESS;
}

/**
 * Sets a supplier's breakout permissions from `COUNTRY, BREAKOUT` lines. Duplicate lines
 * count once. In 'replace' mode the file becomes the whole list, so an empty file clears
 * it. In 'add' mode new entries are appended to the stored ones.
 *
 * NOTE: the line is split at its first comma, so a country name containing a comma
 * cannot be sent. The real server's rule is not documented. The emulator also cannot
 * check names against the account's NDB breakouts, as the real server does, because
 * t=5110 uploads carry no country or breakout.
 * @param {OperationContext} context
 */
function setPermissions(context) {
	const { query, state, options } = context;
	const lines = readUploadLines(context);

	/** @type {BreakoutPermission[]} */
	const entries = [];
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i].trim();
		if (line === '') continue;
		const comma = line.indexOf(',');
		const country = comma === -1 ? '' : line.slice(0, comma).trim();
		const breakout = comma === -1 ? '' : line.slice(comma + 1).trim();
		if (country === '' || breakout === '') {
			throw new RequestRejected(`Invalid line ${i + 1} of ${UPLOAD_FIELD}: expected COUNTRY, BREAKOUT but got ${line}`);
		}
		entries.push({ country, breakout });
	}

	requireCompany(context, query.cid);
	if (!state.getSupplier(query.cid, query.sid)) {
		throw new RequestRejected(`Unknown supplier: ${query.sid} (company ${query.cid})`);
	}

	const base = options.permissionMode === 'add' ? state.getPermissions(query.cid, query.sid) : [];
	state.setPermissions(query.cid, query.sid, uniquePermissions([...base, ...entries]));
	return SUCCESS;
}

/**
 * Removes repeated country and breakout pairs, keeping the first occurrence.
 * @param {BreakoutPermission[]} entries
 */
function uniquePermissions(entries) {
	const seen = new Set();
	return entries.filter((entry) => {
		const key = `${entry.country}\n${entry.breakout}`;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

/**
 * Returns the success response of a request without checking or changing anything,
 * for faults that send a damaged copy of it. t=4024 gets a fresh OTP that is not stored.
 * @param {Record<string, string>} query
 * @returns {{ envelope: Envelope, result: ResultElement }}
 */
function previewSuccess(query) {
	const t = query.t;
	const envelope = envelopeFor(t, query);
	if (envelope.root === 'Error') {
		const text = t === undefined || t === '' ? 'Missing field: t' : `Unknown request type: ${t}`;
		return { envelope, result: { element: 'Status', text } };
	}
	return { envelope, result: t === '4024' ? { element: 'OTP', text: generateOtp() } : SUCCESS };
}

module.exports = { OPERATIONS, UPLOAD_FIELD, envelopeFor, runApiRequest, previewSuccess, generateOtp };
