// @ts-check
'use strict';

// Temporary folders for the harness. This lives in a CommonJS file because the
// community-node lint forbids Node built-ins such as fs, os and path in `.ts` files.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/**
 * Creates a new, empty folder under the system temp directory.
 * @param {string} prefix start of the folder name, such as `n8n-harness-`
 * @returns {string} absolute path of the folder
 */
function createTempDir(prefix) {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Deletes a folder made by `createTempDir` together with everything in it.
 * @param {string} dir absolute path returned by `createTempDir`
 */
function removeTempDir(dir) {
	fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Joins path segments with the platform separator.
 * @param {...string} segments
 * @returns {string}
 */
function joinPath(...segments) {
	return path.join(...segments);
}

module.exports = { createTempDir, removeTempDir, joinPath };
