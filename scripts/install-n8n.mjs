// @ts-check
// Installs the pinned n8n 2.41.1 and its Node 24 into .n8n-runtime/ (`npm run n8n:install`).
// Reuses a complete install; `--force` reinstalls.
import runtime from './lib/runtime.js';

const force = process.argv.includes('--force');
try {
	const result = await runtime.ensureRuntime({ force });
	if (!result.installed) {
		process.stdout.write(`n8n ${runtime.N8N_VERSION} is already installed in ${runtime.runtimeDir} (use --force to reinstall)\n`);
	}
} catch (error) {
	process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
	process.exitCode = 1;
}
