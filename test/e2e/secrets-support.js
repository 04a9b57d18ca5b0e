// @ts-check
'use strict';

// File searches for the end-to-end secrets test: it looks for a value in the bytes of every
// file n8n wrote (its user folder with the SQLite database, and its log). They live in
// CommonJS because the lint of .ts files rejects Node built-ins.

const fs = require('fs');
const path = require('path');

/**
 * Lists the regular files under a folder, recursively, as absolute paths.
 * @param {string} root
 * @returns {string[]}
 */
function listFiles(root) {
	const entries = /** @type {string[]} */ (fs.readdirSync(root, { recursive: true }));
	return entries.map((entry) => path.join(root, entry)).filter((file) => fs.lstatSync(file).isFile());
}

/**
 * Returns a finding for each encoding in which the file contains the text: UTF-8 (which is
 * also what ASCII and Latin-1 give for a plain ASCII value), UTF-16LE and UTF-16BE.
 * @param {string} file
 * @param {string} text
 * @returns {string[]} e.g. ['/path/database.sqlite (utf16le)']
 */
function findInFile(file, text) {
	const content = fs.readFileSync(file);
	const utf16be = Buffer.from(text, 'utf16le').swap16();
	/** @type {Array<[string, Buffer]>} */
	const encodings = [
		['utf8', Buffer.from(text, 'utf8')],
		['utf16le', Buffer.from(text, 'utf16le')],
		['utf16be', utf16be],
	];
	return encodings.filter(([, needle]) => content.includes(needle)).map(([name]) => `${file} (${name})`);
}

/**
 * Returns a finding ("<file> (<encoding>)") for every file under the folders, or given
 * directly, whose bytes contain the text in UTF-8, UTF-16LE or UTF-16BE.
 * @param {string[]} locations folders (searched recursively) and files
 * @param {string} text
 * @returns {string[]}
 */
function findInFiles(locations, text) {
	/** @type {string[]} */
	const findings = [];
	for (const location of locations) {
		const files = fs.statSync(location).isDirectory() ? listFiles(location) : [location];
		for (const file of files) findings.push(...findInFile(file, text));
	}
	return findings;
}

/**
 * Lists the SQLite files n8n keeps in its user folder: the database and, while n8n runs,
 * its write-ahead log and journal when they exist.
 * @param {string} userFolder
 * @returns {string[]}
 */
function databaseFiles(userFolder) {
	const dir = path.join(userFolder, '.n8n');
	return fs
		.readdirSync(dir)
		.filter((name) => name.startsWith('database.sqlite'))
		.map((name) => path.join(dir, name));
}

/**
 * Decodes execution data that n8n stores in the "flatted" format. The format is a JSON array
 * whose first entry is the root value. A string inside an object or array in the array is the
 * index of the entry that holds the real value, so shared and circular references survive.
 * @param {string} text
 * @returns {any}
 */
function parseFlatted(text) {
	/** @type {unknown[]} */
	const table = JSON.parse(text);
	/** @type {Map<number, unknown>} */
	const decoded = new Map();

	/** @param {number} index */
	const decode = (index) => {
		const entry = table[index];
		if (entry === null || typeof entry !== 'object') return entry;
		if (decoded.has(index)) return decoded.get(index);
		/** @type {Record<string, unknown>} */
		const copy = Array.isArray(entry) ? /** @type {any} */ ([]) : {};
		decoded.set(index, copy);
		for (const [key, value] of Object.entries(entry)) {
			copy[key] = typeof value === 'string' ? decode(Number(value)) : value;
		}
		return copy;
	};
	return decode(0);
}

module.exports = { findInFiles, databaseFiles, parseFlatted };
