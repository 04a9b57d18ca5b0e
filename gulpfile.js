// @ts-check
'use strict';
/**
 * Build pipeline: type-check, bundle, licence notices, icons and codex files.
 *
 * The published package must have no runtime dependencies (n8n Cloud installs community nodes
 * without them), so esbuild bundles fast-xml-parser and its dependencies into each entry file.
 * n8n-workflow stays external: n8n provides it, and a second copy would break `instanceof` checks
 * on its error classes.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { series, src, dest } = require('gulp');

const ROOT = __dirname;
const DIST = path.join(ROOT, 'dist');
const ENTRY_POINTS = ['nodes/ITest/ITest.node.ts', 'credentials/ITestApi.credentials.ts'];
const NOTICES_FILE = 'THIRD_PARTY_LICENSES.md';

async function clean() {
	await fs.promises.rm(DIST, { recursive: true, force: true });
}

async function typecheck() {
	execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'], {
		cwd: ROOT,
		stdio: 'inherit',
	});
}

/** Finds the package a bundled input file belongs to, e.g. node_modules/strnum/strnum.js → strnum. */
function packageDirOf(inputPath) {
	const parts = inputPath.split('/');
	const index = parts.lastIndexOf('node_modules');
	if (index < 0) return undefined;
	const nameLength = parts[index + 1].startsWith('@') ? 2 : 1;
	return parts.slice(0, index + 1 + nameLength).join('/');
}

function findLicenseFile(packageDir) {
	const names = fs.readdirSync(packageDir);
	return names.find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name));
}

function authorOf(manifest) {
	const author = manifest.author;
	if (typeof author === 'string') return author;
	if (author && author.name) return author.name;
	return `the authors of ${manifest.name}`;
}

/** The MIT licence text, for a package that declares MIT in package.json but ships no licence file. */
function mitNotice(holder) {
	return [
		`Copyright (c) ${holder}. The package ships no licence file; its package.json declares MIT, whose terms are:`,
		'',
		'Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the "Software"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:',
		'',
		'The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.',
		'',
		'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.',
	].join('\n');
}

/** Writes the licence text of every package esbuild put into the bundle. */
function writeNotices(metafile) {
	const packageDirs = new Set();
	for (const input of Object.keys(metafile.inputs)) {
		const packageDir = packageDirOf(input);
		if (packageDir) packageDirs.add(packageDir);
	}

	const sections = [...packageDirs].sort().map((packageDir) => {
		const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, packageDir, 'package.json'), 'utf8'));
		const licenseFile = findLicenseFile(path.join(ROOT, packageDir));
		const heading = `## ${manifest.name} ${manifest.version} (${manifest.license})`;
		if (licenseFile) {
			const text = fs.readFileSync(path.join(ROOT, packageDir, licenseFile), 'utf8').trim();
			return `${heading}\n\n${text}\n`;
		}
		// Some packages declare a licence in package.json but ship no licence file.
		if (manifest.license !== 'MIT') {
			throw new Error(`Bundled package ${manifest.name} has no licence file and is not MIT; add its notice by hand.`);
		}
		return `${heading}\n\n${mitNotice(authorOf(manifest))}\n`;
	});

	const header = '# Third-party licences\n\nThe built files in dist/ contain the following packages, bundled by the build.\n';
	fs.writeFileSync(path.join(DIST, NOTICES_FILE), [header, ...sections].join('\n'));
	return [...packageDirs];
}

async function bundle() {
	const esbuild = require('esbuild');
	const result = await esbuild.build({
		entryPoints: ENTRY_POINTS,
		outdir: DIST,
		outbase: ROOT,
		bundle: true,
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		external: ['n8n-workflow'],
		legalComments: 'inline',
		metafile: true,
		logLevel: 'warning',
	});
	const bundled = writeNotices(result.metafile);
	console.log(`Bundled ${ENTRY_POINTS.length} entry points with ${bundled.length} packages: ${bundled.map((dir) => path.basename(dir)).join(', ')}`);
}

function copyAssets() {
	return src(['nodes/**/*.svg', 'nodes/**/*.png', 'nodes/**/*.node.json'], { base: ROOT, encoding: false }).pipe(
		dest(DIST),
	);
}

exports.clean = clean;
exports.build = series(clean, typecheck, bundle, copyAssets);
exports.default = exports.build;
