/** Shared set-up for tests that run the iTest node against the local emulator. */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { ITestApi } from '../../../credentials/ITestApi.credentials';
import { ITest } from '../../../nodes/ITest/ITest.node';
import type { Emulator, EmulatorOptions } from '../../../emulator';
import { startEmulator } from '../../../emulator';
import type { BinaryDataMode, ExecuteNodeResult } from '../../harness';
import { executeNode } from '../../harness';

export const API_USER = 'reseller';
// The emulator's default login; a test value, not a real secret.
export const API_LOGIN_SECRET = 'emulator-secret';

export interface RunOptions {
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	binaryDataMode?: BinaryDataMode;
	credentials?: Record<string, unknown>;
}

/** Starts an emulator for the test file and stops it after the file's tests. */
export function useEmulator(options: EmulatorOptions = {}): () => Emulator {
	let emulator: Emulator | undefined;
	beforeAll(async () => {
		emulator = await startEmulator(options);
	});
	afterAll(async () => {
		await emulator?.close();
	});
	beforeEach(() => {
		emulator?.reset();
	});
	return () => {
		if (!emulator) throw new Error('The emulator has not started');
		return emulator;
	};
}

export function credentialsFor(emulator: Emulator, overrides: Record<string, unknown> = {}) {
	return {
		username: API_USER,
		password: API_LOGIN_SECRET,
		baseUrl: emulator.url,
		userFieldName: 'API_95718',
		passFieldName: 'API_84572',
		textEncoding: 'latin1',
		...overrides,
	};
}

/** Runs the iTest node once with the given parameters against the emulator. */
export async function runITest(
	emulator: Emulator,
	parameters: INodeParameters,
	options: RunOptions = {},
): Promise<ExecuteNodeResult> {
	return await executeNode({
		nodeType: new ITest(),
		credentialTypes: [new ITestApi()],
		credentials: { iTestApi: credentialsFor(emulator, options.credentials) as Record<string, string> },
		parameters,
		items: options.items,
		continueOnFail: options.continueOnFail,
		binaryDataMode: options.binaryDataMode,
	});
}

/** Returns the JSON of the first output, failing with the node's error if it threw. */
export function outputJson(result: ExecuteNodeResult): Array<Record<string, unknown>> {
	if (result.error) throw result.error;
	return (result.output?.[0] ?? []).map((item) => item.json);
}

/** Returns the error the node threw, failing if it did not throw. */
export function thrownError(result: ExecuteNodeResult): Error & { description?: string; httpCode?: string } {
	if (!result.error) throw new Error(`Expected the node to fail, it output ${JSON.stringify(result.output)}`);
	return result.error as Error;
}

/** Creates a company in the emulator through the node, for tests of operations that need one. */
export async function createCompany(emulator: Emulator, companyId = 'C-1'): Promise<void> {
	outputJson(await runITest(emulator, { resource: 'company', operation: 'upsert', companyId, name: 'Acme', enabled: true }));
}
