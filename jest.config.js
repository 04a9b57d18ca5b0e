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
	],
};
