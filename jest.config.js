'use strict';

// Two tiers: `unit` (the node against the emulator over real HTTP, in-process) and `e2e`
// (a real n8n 2.41.1 process). `npm test` runs both; `npm run test:unit` only the first.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];

module.exports = {
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			roots: ['<rootDir>/test'],
			testMatch: ['**/*.test.ts'],
			testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
			transform: { '^.+\\.ts$': tsJest },
		},
		{
			// One n8n process and one emulator serve every e2e test file: the global set-up
			// starts them (installing n8n first when .n8n-runtime/ is missing) and the global
			// teardown stops them. Tests use their own record IDs, so files do not interfere.
			displayName: 'e2e',
			testEnvironment: 'node',
			roots: ['<rootDir>/test/e2e'],
			testMatch: ['**/*.test.ts'],
			transform: { '^.+\\.ts$': tsJest },
			globalSetup: '<rootDir>/test/e2e/global-setup.js',
			globalTeardown: '<rootDir>/test/e2e/global-teardown.js',
		},
	],
	// The e2e reporter only records whether an e2e test failed, so the teardown keeps n8n's log.
	reporters: ['default', '<rootDir>/test/e2e/scratch-reporter.js'],
};
