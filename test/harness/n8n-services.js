// @ts-check
'use strict';

// Registers the n8n-core services that node execution looks up in the `@n8n/di` container.
// This lives in a CommonJS file because `@n8n/di` and `@n8n/backend-common` are not dev
// dependencies of this package, and the community-node lint rejects such imports in `.ts`.

const path = require('node:path');
const {
	BinaryDataConfig,
	BinaryDataService,
	ErrorReporter,
	InstanceSettings,
} = require('n8n-core');
const { LoggerProxy } = require('n8n-workflow');

// n8n-core 2.41.1 ships its own copies of these packages in n8n-core/node_modules, and
// the container keeps its registry per module copy. Only the copies that n8n-core itself
// loads see the registrations, so resolve them from n8n-core's folder.
const n8nCoreDir = path.dirname(require.resolve('n8n-core/package.json'));
const requireFromN8nCore = (/** @type {string} */ moduleName) =>
	require(require.resolve(moduleName, { paths: [n8nCoreDir] }));

/**
 * @type {{
 *   set(type: unknown, instance: unknown): void,
 *   get<T>(type: new (...args: any[]) => T): T,
 * }}
 */
const Container = requireFromN8nCore('@n8n/di').Container;
/** @type {Function} */
const LoggerToken = requireFromN8nCore('@n8n/backend-common').Logger;

/**
 * Routes every log line of n8n to `logger`: `LoggerProxy` (used by n8n-core and n8n-workflow)
 * and the `Logger` service (`this.logger` in a node, and the loggers of core services).
 * Must run before anything requests `Logger` from the container, because otherwise n8n builds its real
 * winston logger, which also re-points `LoggerProxy` at itself.
 * @param {import('n8n-workflow').Logger} logger
 */
function installLogger(logger) {
	// Core services call `logger.scoped(...)` for a child logger. All scopes share one sink.
	/** @type {import('n8n-workflow').Logger & { scoped: () => unknown }} */
	const serviceLogger = {
		error: (message, meta) => logger.error(message, meta),
		warn: (message, meta) => logger.warn(message, meta),
		info: (message, meta) => logger.info(message, meta),
		debug: (message, meta) => logger.debug(message, meta),
		scoped: () => serviceLogger,
	};
	Container.set(LoggerToken, serviceLogger);
	LoggerProxy.init(logger);
}

/**
 * Registers `InstanceSettings` for an n8n user folder. The constructor writes a `config`
 * file with the encryption key into `n8nFolder`, so give it a temporary folder: by default
 * n8n would use `~/.n8n`.
 * @param {string} n8nFolder
 * @param {import('n8n-workflow').Logger} logger
 */
function installInstanceSettings(n8nFolder, logger) {
	const config = { n8nFolder, userHome: n8nFolder, encryptionKey: 'n8n-harness-encryption-key' };
	Container.set(
		InstanceSettings,
		new InstanceSettings(/** @type {any} */ (config), /** @type {any} */ (logger)),
	);
}

/**
 * Registers a fresh `BinaryDataService` in the given mode, as n8n's start-up does, and
 * initialises it. `default` keeps binary data in memory as base64 in the item's `data`
 * field. `filesystem` stores each file under `storagePath` and leaves the placeholder
 * `filesystem-v2` in `data`, as n8n 2.x does by default.
 * @param {'default' | 'filesystem'} mode
 * @param {string} storagePath
 * @param {import('n8n-workflow').Logger} logger
 * @returns {Promise<BinaryDataService>}
 */
async function installBinaryDataService(mode, storagePath, logger) {
	const instanceSettings = Container.get(InstanceSettings);
	const config = new BinaryDataConfig(
		instanceSettings,
		/** @type {any} */ ({ mode: 'regular' }),
		/** @type {any} */ ({ storagePath }),
	);
	config.mode = mode;
	Container.set(BinaryDataConfig, config);

	const service = new BinaryDataService(
		config,
		Container.get(ErrorReporter),
		/** @type {any} */ (logger),
	);
	await service.init();
	Container.set(BinaryDataService, service);
	return service;
}

module.exports = { installLogger, installInstanceSettings, installBinaryDataService };
