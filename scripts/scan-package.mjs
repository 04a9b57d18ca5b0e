// @ts-check
// Runs n8n's community package scanner (the checks n8n applies before it verifies a package)
// on a local folder. n8n's own CLI only scans packages already published with provenance.
//
//   node scripts/scan-package.mjs [--json] FOLDER [PATTERN...]
//
// Without patterns it scans the way n8n scans a tarball: every .js file and package.json.
// Exits 1 when the scanner reports violations.
import path from 'node:path';

import { analyzePackage } from '@n8n/scan-community-package/scanner/scanner.mjs';

const args = process.argv.slice(2);
const json = args[0] === '--json';
const [folder, ...patterns] = json ? args.slice(1) : args;
if (!folder) {
	process.stderr.write('Usage: node scripts/scan-package.mjs [--json] FOLDER [PATTERN...]\n');
	process.exit(2);
}

const result = await analyzePackage(path.resolve(folder), patterns.length > 0 ? patterns : ['**/*.js', 'package.json']);
const report = { passed: result.passed, message: result.message, details: result.details };
if (json) {
	process.stdout.write(JSON.stringify(report));
} else {
	process.stdout.write(result.passed ? `Scanner passed: ${folder}\n` : `Scanner failed: ${result.message}\n${result.details ?? ''}\n`);
}
process.exit(result.passed ? 0 : 1);
