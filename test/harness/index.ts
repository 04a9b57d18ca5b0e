import {
	BinaryDataService,
	ExternalSecretsProxy,
	isEngineRequest,
	prepareBinaryData,
	WorkflowExecute,
} from 'n8n-core';
import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IExecuteData,
	INode,
	INodeCredentials,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	NodeExecutionHint,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	createRunExecutionData,
	deepCopy,
	NodeHelpers,
	UnexpectedError,
	Workflow,
} from 'n8n-workflow';

import { HarnessCredentialsHelper } from './credentials-helper';
import { CapturingLogger } from './log-capture';
import { installBinaryDataService, installInstanceSettings, installLogger } from './n8n-services';
import { createTempDir, joinPath, removeTempDir } from './tmp-dir';

/** Where n8n keeps binary data: `default` in memory, `filesystem` in files (the 2.x default). */
export type BinaryDataMode = 'default' | 'filesystem';

export interface ExecuteNodeOptions {
	nodeType: INodeType | IVersionedNodeType;
	/** Credential types the node may use, such as `new ITestApi()`. */
	credentialTypes?: ICredentialType[];
	/** Credential data by credential type name. Each type given is attached to the node. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Node parameters as n8n stores them. Values may be expressions such as `={{ $json.id }}`. */
	parameters?: INodeParameters;
	/** Input items. Defaults to one empty item, as a manual trigger produces. */
	items?: INodeExecutionData[];
	/** Sets the node's "On Error" setting to "Continue", which `this.continueOnFail()` reports. */
	continueOnFail?: boolean;
	/** Defaults to `filesystem`, the default of n8n 2.x. */
	binaryDataMode?: BinaryDataMode;
}

export interface ExecuteNodeResult {
	/**
	 * The value `execute` returned, or `undefined` when it threw. Also `undefined` when there
	 * were no input items: n8n then skips the node without calling `execute`.
	 */
	output: INodeExecutionData[][] | null | undefined;
	/** The error `execute` threw, exactly as thrown, or `undefined`. */
	error: unknown;
	/** Hints the node added with `this.addExecutionHints`. */
	hints: NodeExecutionHint[];
	/** Each call n8n's loggers received during the run, as JSON with `level`, `message`, `meta`. */
	logs: string[];
	/** How many times n8n read and decrypted a credential for the node during the run. */
	credentialReads: number;
}

const WORKFLOW_ID = 'harness-workflow';
const EXECUTION_MODE: WorkflowExecuteMode = 'manual';
// A community package's nodes get the package name as type prefix, as in `n8n-nodes-itest.iTest`.
const NODE_TYPE_PREFIX = 'n8n-nodes-itest';
// n8n-core builds resume and webhook URLs for expressions from these. Nothing is sent there.
const INSTANCE_BASE_URL = 'http://127.0.0.1:5678';

const logger = new CapturingLogger();
let harnessDir: string | undefined;
let binaryDataService: BinaryDataService | undefined;
let executionCount = 0;

// Jest loads a fresh copy of this module, n8n-core and its DI container for each test file,
// so every test file gets its own folder, removed when its tests are done.
if (typeof afterAll === 'function') {
	afterAll(() => {
		if (harnessDir !== undefined) removeTempDir(harnessDir);
		harnessDir = undefined;
		binaryDataService = undefined;
	});
}

/** Creates the file's temporary folder and registers the services that last for the whole file. */
function setUpOnce(): string {
	if (harnessDir === undefined) {
		harnessDir = createTempDir('n8n-harness-');
		installLogger(logger);
		installInstanceSettings(joinPath(harnessDir, 'n8n-user-folder'), logger);
	}
	return harnessDir;
}

// Binaries made by `binaryItem`, with the content that `executeNode` stores in its run's mode.
const pendingBinaries = new WeakMap<IBinaryData, { buffer: Buffer; fileName: string }>();

/**
 * Returns an input item with one binary property, to pass in `items`. `executeNode` stores
 * the file with n8n-core's `prepareBinaryData` in the run's binary data mode, as a preceding
 * node calling `this.helpers.prepareBinaryData` would. So the node receives base64 in `data` in
 * `default` mode, and the placeholder `filesystem-v2` with an `id` in `filesystem` mode.
 *
 * NOTE: before `executeNode` prepares it, the binary only has `data`, `mimeType` and `fileName`.
 */
export function binaryItem(
	buffer: Buffer,
	fileName: string,
	mimeType: string,
	property = 'data',
): INodeExecutionData {
	const binary: IBinaryData = { data: buffer.toString('base64'), mimeType, fileName };
	pendingBinaries.set(binary, { buffer, fileName });
	return { json: {}, binary: { [property]: binary } };
}

/**
 * Returns the content of a binary from a run's input or output, in either binary data mode.
 * Files of filesystem mode stay readable until the test file's tests are done.
 */
export async function readBinary(binaryData: IBinaryData): Promise<Buffer> {
	if (binaryDataService === undefined) {
		throw new UnexpectedError('No binary data exists yet: call executeNode first');
	}
	return await binaryDataService.getAsBuffer(binaryData);
}

async function prepareInputItem(
	item: INodeExecutionData,
	executionId: string,
): Promise<INodeExecutionData> {
	if (item.binary === undefined) return { ...item };

	const binary: Record<string, IBinaryData> = {};
	for (const [property, data] of Object.entries(item.binary)) {
		const pending = pendingBinaries.get(data);
		binary[property] =
			pending === undefined
				? data
				: await prepareBinaryData(
						pending.buffer,
						executionId,
						WORKFLOW_ID,
						pending.fileName,
						data.mimeType,
					);
	}
	return { ...item, binary };
}

/** Returns the registry of node types that the workflow and n8n-core look the node up in. */
function createNodeTypes(nodeType: INodeType | IVersionedNodeType, typeName: string): INodeTypes {
	const assertKnown = (name: string) => {
		if (name !== typeName) {
			throw new UnexpectedError(
				`Node type "${name}" is unknown to the harness, which knows only "${typeName}"`,
			);
		}
	};
	return {
		getByName: (name: string) => {
			assertKnown(name);
			return nodeType;
		},
		getByNameAndVersion: (name: string, version?: number) => {
			assertKnown(name);
			return NodeHelpers.getVersionedNodeType(nodeType, version);
		},
		getKnownTypes: () => ({
			[typeName]: { className: nodeType.constructor.name, sourcePath: '' },
		}),
	};
}

function getLatestVersion(nodeType: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in nodeType) return nodeType.currentVersion;
	const { version } = nodeType.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

/**
 * Returns a one-node workflow holding the node under test, with one credential entry per
 * credential type in `credentials`. The Workflow constructor fills in the node type's
 * parameter defaults, as n8n does when it loads a workflow.
 */
function createWorkflow(
	nodeType: INodeType | IVersionedNodeType,
	parameters: INodeParameters,
	credentials: Record<string, ICredentialDataDecryptedObject>,
	continueOnFail: boolean,
): { workflow: Workflow; node: INode } {
	const { description } = nodeType;
	const typeName = `${NODE_TYPE_PREFIX}.${description.name}`;
	const nodeName =
		('defaults' in description && description.defaults.name) || description.displayName;

	const nodeCredentials: INodeCredentials = {};
	Object.keys(credentials).forEach((type, index) => {
		nodeCredentials[type] = { id: String(index + 1), name: `${type} account` };
	});

	const workflow = new Workflow({
		id: WORKFLOW_ID,
		name: 'Harness workflow',
		nodes: [
			{
				id: 'harness-node',
				name: nodeName,
				type: typeName,
				typeVersion: getLatestVersion(nodeType),
				position: [0, 0],
				parameters: deepCopy(parameters),
				credentials: nodeCredentials,
				...(continueOnFail && { onError: 'continueRegularOutput' as const }),
			},
		],
		connections: {},
		active: false,
		nodeTypes: createNodeTypes(nodeType, typeName),
		settings: { executionOrder: 'v1' },
	});
	return { workflow, node: workflow.nodes[nodeName] };
}

/**
 * Returns the run's `additionalData`: the services and URLs that n8n's CLI passes to the
 * execution engine. Sub-workflows, task runners and AI event logging are not available.
 */
function createAdditionalData(
	executionId: string,
	credentialsHelper: HarnessCredentialsHelper,
): IWorkflowExecuteAdditionalData {
	const notAvailable = (feature: string) =>
		new UnexpectedError(`${feature} is not available in the test harness`);

	return {
		credentialsHelper,
		executionId,
		currentNodeExecutionIndex: 0,
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		instanceBaseUrl: `${INSTANCE_BASE_URL}/`,
		restApiUrl: `${INSTANCE_BASE_URL}/rest`,
		formBaseUrl: `${INSTANCE_BASE_URL}/form`,
		formWaitingBaseUrl: `${INSTANCE_BASE_URL}/form-waiting`,
		formTestBaseUrl: `${INSTANCE_BASE_URL}/form-test`,
		webhookBaseUrl: `${INSTANCE_BASE_URL}/webhook`,
		webhookWaitingBaseUrl: `${INSTANCE_BASE_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${INSTANCE_BASE_URL}/webhook-test`,
		mcpBaseUrl: `${INSTANCE_BASE_URL}/mcp`,
		mcpTestBaseUrl: `${INSTANCE_BASE_URL}/mcp-test`,
		executeWorkflow: async () => {
			throw notAvailable('Running a sub-workflow');
		},
		getRunExecutionData: async () => {
			throw notAvailable('Loading another execution');
		},
		getRuntimeCredential: async () => {
			throw notAvailable('A runtime credential');
		},
		startRunnerTask: async () => {
			throw notAvailable('Running code in a task runner');
		},
		logAiEvent: () => {
			throw notAvailable('Logging an AI event');
		},
	};
}

/**
 * Runs the node's `execute` once, through n8n-core's `WorkflowExecute.runNode`: a real
 * `ExecuteContext` with n8n's request and binary helpers, parameters resolved per item, and
 * credentials applied by a helper that follows n8n's CLI. The node is the only node of a
 * one-node workflow, and runs in manual mode (as "Execute step" in the editor).
 *
 * NOTE: runs must not overlap, because the log capture and the binary data service are
 * shared by the whole test file.
 */
export async function executeNode(options: ExecuteNodeOptions): Promise<ExecuteNodeResult> {
	const { nodeType, credentialTypes = [], credentials = {}, parameters = {} } = options;
	const { items = [{ json: {} }], continueOnFail = false, binaryDataMode = 'filesystem' } = options;

	const dir = setUpOnce();
	const logs: string[] = [];
	logger.lines = logs;
	binaryDataService = await installBinaryDataService(
		binaryDataMode,
		joinPath(dir, 'binary-data'),
		logger,
	);
	executionCount += 1;
	const executionId = String(executionCount);

	const { workflow, node } = createWorkflow(nodeType, parameters, credentials, continueOnFail);
	const credentialsHelper = new HarnessCredentialsHelper(
		new Map(credentialTypes.map((credentialType) => [credentialType.name, credentialType])),
		credentials,
		workflow,
		node,
	);
	const additionalData = createAdditionalData(executionId, credentialsHelper);

	const inputItems = await Promise.all(items.map((item) => prepareInputItem(item, executionId)));
	const executeData: IExecuteData = { node, data: { main: [inputItems] }, source: null };
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [executeData] },
	});
	const workflowExecute = new WorkflowExecute(additionalData, EXECUTION_MODE, runExecutionData);

	let response: Awaited<ReturnType<WorkflowExecute['runNode']>>;
	try {
		response = await workflowExecute.runNode(
			workflow,
			executeData,
			runExecutionData,
			0,
			additionalData,
			EXECUTION_MODE,
		);
	} catch (error) {
		return { output: undefined, error, hints: [], logs, credentialReads: credentialsHelper.reads };
	} finally {
		// Lines logged after the run, by work the node left running, do not belong to it.
		logger.lines = [];
	}

	if (isEngineRequest(response)) {
		throw new UnexpectedError(
			'The node asked the engine to run sub-nodes, which the harness cannot do',
		);
	}
	return { output: response.data, error: undefined, hints: response.hints ?? [], logs, credentialReads: credentialsHelper.reads };
}
