import { buildAndPack, loadPackedNode, runPublishCheck, runScanner } from './pack';

// Building and packing takes several seconds.
jest.setTimeout(120_000);

let packed: ReturnType<typeof buildAndPack>;

beforeAll(() => {
	packed = buildAndPack();
});

afterAll(() => {
	packed?.cleanUp();
});

describe('packed package', () => {
	test('contains exactly what n8n needs', () => {
		expect(packed.files).toEqual([
			'LICENSE',
			'README.md',
			'dist/THIRD_PARTY_LICENSES.md',
			'dist/credentials/ITestApi.credentials.js',
			'dist/nodes/ITest/ITest.node.js',
			'dist/nodes/ITest/ITest.node.json',
			'dist/nodes/ITest/itest.dark.svg',
			'dist/nodes/ITest/itest.svg',
			'package.json',
		]);
	});

	test('has no runtime dependencies', () => {
		expect(packed.manifest.dependencies).toBeUndefined();
		expect(packed.manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(packed.manifest.license).toBe('MIT');
	});

	test('has no install lifecycle scripts', () => {
		const scripts = Object.keys((packed.manifest.scripts ?? {}) as Record<string, string>);
		const lifecycle = ['preinstall', 'install', 'postinstall', 'prepare'];
		expect(scripts.filter((name) => lifecycle.includes(name))).toEqual([]);
	});

	test('registers the node and credential', () => {
		expect(packed.manifest.n8n).toEqual({
			n8nNodesApiVersion: 1,
			strict: true,
			credentials: ['dist/credentials/ITestApi.credentials.js'],
			nodes: ['dist/nodes/ITest/ITest.node.js'],
		});
	});

	test('node loads with nothing but n8n-workflow', () => {
		expect(loadPackedNode(packed.directory)).toBe('iTest/iTestApi');
	});

	test('bundled licences are listed', () => {
		const headings = packed.licenseNotices.split('\n').filter((line) => line.startsWith('## '));
		expect(headings.map((line) => line.split(' ')[1])).toEqual([
			'@nodable/entities',
			'anynum',
			'fast-xml-builder',
			'fast-xml-parser',
			'is-unsafe',
			'path-expression-matcher',
			'strnum',
			'xml-naming',
		]);
		expect(headings.every((line) => line.endsWith('(MIT)'))).toBe(true);
	});

	test('scanner passes on the tarball', () => {
		expect(runScanner(packed.directory, ['**/*.js', 'package.json'])).toEqual({ passed: true });
	});

	test('scanner passes on the source tree', () => {
		expect(runScanner('.', ['package.json', '{nodes,credentials}/**/*.{js,ts,json}'])).toEqual({ passed: true });
	});
});

describe('publishing', () => {
	test('placeholder metadata blocks a release', () => {
		expect(runPublishCheck()).toEqual({
			status: 1,
			output:
				'Publishing refused: package.json still has placeholder values in author, homepage, repository.\n' +
				'Set your own author, homepage and GitHub repository URL, then release again.\n',
		});
	});

	test('release scripts run the check first', () => {
		const scripts = packed.manifest.scripts as Record<string, string>;
		expect(scripts.release).toBe('node scripts/check-publish-metadata.mjs && n8n-node release');
		expect(scripts.prepublishOnly).toBe('node scripts/check-publish-metadata.mjs && n8n-node prerelease');
	});
});
