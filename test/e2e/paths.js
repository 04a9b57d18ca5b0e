// @ts-check
'use strict';

// Locations and fixed values shared by the end-to-end set-up, teardown and tests.

const path = require('path');

const { repoRoot } = require('../../scripts/lib/runtime');

/** Scratch folder of the running tier: the n8n user folder, its log and the context file. */
const E2E_HOME = path.join(repoRoot, '.tmp', 'e2e');
/** Written by the global set-up: URLs, the n8n instance's environment and a REST session. */
const CONTEXT_FILE = path.join(E2E_HOME, 'context.json');

/** The n8n owner account created in the throwaway user folder, for n8n's REST API. */
const OWNER = {
	email: 'e2e-owner@example.com',
	firstName: 'End',
	lastName: 'ToEnd',
	password: 'E2e-owner-password-1',
};

module.exports = { E2E_HOME, CONTEXT_FILE, OWNER };
