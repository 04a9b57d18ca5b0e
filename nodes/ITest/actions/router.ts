/**
 * The single loop over input items: it picks the operation, runs it per item or on all items,
 * pairs every output with its inputs, and applies Continue On Fail the same way for every
 * operation. Operations have no loop and no try/catch of their own.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { ITestConnection } from '../transport';
import { getConnection } from '../transport';
import { deadlinePassedError } from '../transport/errors';
import type { ItemPacing } from './common/fields';
import { getItemPacing, getRunDeadline } from './common/fields';
import { startInputMapping } from './common/mapping';
import * as company from './company';
import * as numberDatabase from './numberDatabase';
import type { GroupResult, ITestResource, ItemOperation, Operation } from './node.type';
import * as profile from './profile';
import type { ItemOutcome, NodeFailure } from './runSummary';
import { describeStoppedRun } from './runSummary';
import * as supplier from './supplier';
import * as user from './user';

const OPERATIONS: Record<ITestResource, Record<string, Operation>> = {
	company: company.operations,
	user: user.operations,
	profile: profile.operations,
	supplier: supplier.operations,
	numberDatabase: numberDatabase.operations,
};


function toNodeFailure(this: IExecuteFunctions, error: unknown, itemIndex: number): NodeFailure {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(this.getNode(), `${message} [item ${itemIndex}]`, { itemIndex });
}

/** Builds the JSON of a failed item's output when Continue On Fail is on. */
function errorJson(error: NodeFailure, itemIndex: number): IDataObject {
	const json: IDataObject = { success: false, error: error.message };
	if (error.description) json.errorDescription = error.description;
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	json.itemIndex = itemIndex;
	return json;
}

function pairedItems(itemIndexes: number[]): INodeExecutionData['pairedItem'] {
	return itemIndexes.length === 1
		? { item: itemIndexes[0] }
		: itemIndexes.map((item) => ({ item }));
}

/** Runs one item, or fails it unsent when the run deadline has passed. */
async function runItem(
	this: IExecuteFunctions,
	operation: ItemOperation,
	itemIndex: number,
	connection: ITestConnection,
): Promise<ItemOutcome> {
	if (connection.deadline !== undefined && Date.now() >= connection.deadline.at) {
		return { ok: false, failure: deadlinePassedError(this.getNode(), itemIndex, connection.deadline) };
	}
	try {
		const output = await operation.execute.call(this, { itemIndex, connection });
		return { ok: true, output: { ...output, pairedItem: { item: itemIndex } } };
	} catch (error) {
		return { ok: false, failure: toNodeFailure.call(this, error, itemIndex) };
	}
}

/**
 * Runs the items with up to Requests in Parallel requests in flight, starting them in input
 * order. Without Continue On Fail a failure stops the start of further items, but the requests
 * already in flight finish. Then the failure of the lowest failed item is thrown, with a
 * description of which items were applied (later ones included) and which were not sent.
 */
async function runEachItem(
	this: IExecuteFunctions,
	operation: ItemOperation,
	itemCount: number,
	connection: ITestConnection,
	pacing: ItemPacing,
): Promise<INodeExecutionData[]> {
	const continueOnFail = this.continueOnFail();
	const outcomes: Array<ItemOutcome | undefined> = new Array<ItemOutcome | undefined>(itemCount).fill(undefined);
	let nextIndex = 0;
	let stopped = false;

	// Each worker takes the next unstarted item below `endIndex`, so with one worker the items
	// run one after another in input order, as they did before the option existed.
	const worker = async (endIndex: number): Promise<void> => {
		while (!stopped && nextIndex < endIndex) {
			const itemIndex = nextIndex++;
			const outcome = await runItem.call(this, operation, itemIndex, connection);
			outcomes[itemIndex] = outcome;
			if (!outcome.ok && !continueOnFail) stopped = true;
		}
	};

	// Without a pause the whole input is one batch: a request starts as soon as a slot is free.
	const batchSize = pacing.pauseBetweenBatchesMs > 0 ? pacing.requestsInParallel : itemCount;
	for (let batchStart = 0; batchStart < itemCount && !stopped; batchStart += batchSize) {
		if (batchStart > 0) await sleep(pacing.pauseBetweenBatchesMs);
		const batchEnd = Math.min(itemCount, batchStart + batchSize);
		const workerCount = Math.min(pacing.requestsInParallel, batchEnd - batchStart);
		await Promise.all(Array.from({ length: workerCount }, async () => await worker(batchEnd)));
	}

	if (!continueOnFail) {
		const failedIndex = outcomes.findIndex((outcome) => outcome !== undefined && !outcome.ok);
		const failed = outcomes[failedIndex];
		if (failed !== undefined && !failed.ok) {
			const { failure } = failed;
			if (itemCount > 1) {
				const summary = describeStoppedRun(outcomes, failedIndex, itemCount);
				failure.description = failure.description ? `${failure.description} ${summary}` : summary;
			}
			throw failure;
		}
	}

	return outcomes.map((outcome, itemIndex) => {
		if (outcome === undefined) throw new NodeOperationError(this.getNode(), `Item ${itemIndex} was never run`, { itemIndex });
		if (outcome.ok) return outcome.output;
		return { json: errorJson(outcome.failure, itemIndex), pairedItem: { item: itemIndex } };
	});
}

async function runAllItems(
	this: IExecuteFunctions,
	operation: Extract<Operation, { mode: 'allItems' }>,
	itemCount: number,
	connection: ITestConnection,
): Promise<INodeExecutionData[]> {
	const itemIndexes = Array.from({ length: itemCount }, (_unused, index) => index);
	const groups: GroupResult[] = await operation.execute.call(this, { itemIndexes, connection });

	return groups.map((group) => {
		const pairedItem = pairedItems(group.itemIndexes);
		if ('error' in group) {
			const failure = toNodeFailure.call(this, group.error, group.itemIndexes[0]);
			if (!this.continueOnFail()) throw failure;
			// The output pairs with every item of the group. Its itemIndex names the item at fault,
			// such as the one with the first rejected line, as the message does.
			const failedItem = failure.context.itemIndex;
			const itemIndex = typeof failedItem === 'number' ? failedItem : group.itemIndexes[0];
			return { json: errorJson(failure, itemIndex), pairedItem };
		}
		return { json: group.json, binary: group.binary, pairedItem };
	});
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const itemCount = this.getInputData().length;
	const resource = this.getNodeParameter('resource', 0) as ITestResource;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = OPERATIONS[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" is not supported for resource "${resource}"`,
			{ description: 'Open the node and choose a resource and operation from the lists.' },
		);
	}

	const startedAt = Date.now();
	const deadline = getRunDeadline.call(this, startedAt);
	const connection: ITestConnection = { ...(await getConnection.call(this)), deadline };
	if (operation.mode === 'allItems') return [await runAllItems.call(this, operation, itemCount, connection)];

	startInputMapping.call(this, operation.description);
	return [await runEachItem.call(this, operation, itemCount, connection, getItemPacing.call(this))];
}
