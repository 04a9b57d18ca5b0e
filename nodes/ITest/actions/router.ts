/**
 * The single loop over input items: it picks the operation, runs it per item or on all items,
 * pairs every output with its inputs, and applies Continue On Fail the same way for every
 * operation. Operations have no loop and no try/catch of their own.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { getConnection } from '../transport';
import * as company from './company';
import * as numberDatabase from './numberDatabase';
import type { GroupResult, ITestResource, Operation } from './node.type';
import * as profile from './profile';
import * as supplier from './supplier';
import * as user from './user';

const OPERATIONS: Record<ITestResource, Record<string, Operation>> = {
	company: company.operations,
	user: user.operations,
	profile: profile.operations,
	supplier: supplier.operations,
	numberDatabase: numberDatabase.operations,
};

type NodeFailure = NodeApiError | NodeOperationError;

function toNodeFailure(this: IExecuteFunctions, error: unknown, itemIndex: number): NodeFailure {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(this.getNode(), `${message} [item ${itemIndex}]`, { itemIndex });
}

/** The JSON an item carries when it failed and Continue On Fail is on. */
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

async function runEachItem(
	this: IExecuteFunctions,
	operation: Extract<Operation, { mode: 'eachItem' }>,
	itemCount: number,
): Promise<INodeExecutionData[]> {
	const connection = await getConnection.call(this);
	const results: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		try {
			const output = await operation.execute.call(this, { itemIndex, connection });
			results.push({ ...output, pairedItem: { item: itemIndex } });
		} catch (error) {
			const failure = toNodeFailure.call(this, error, itemIndex);
			if (!this.continueOnFail()) throw failure;
			results.push({ json: errorJson(failure, itemIndex), pairedItem: { item: itemIndex } });
		}
	}
	return results;
}

async function runAllItems(
	this: IExecuteFunctions,
	operation: Extract<Operation, { mode: 'allItems' }>,
	itemCount: number,
): Promise<INodeExecutionData[]> {
	const connection = await getConnection.call(this);
	const itemIndexes = Array.from({ length: itemCount }, (_unused, index) => index);
	const groups: GroupResult[] = await operation.execute.call(this, { itemIndexes, connection });

	return groups.map((group) => {
		const pairedItem = pairedItems(group.itemIndexes);
		if ('error' in group) {
			const failure = toNodeFailure.call(this, group.error, group.itemIndexes[0]);
			if (!this.continueOnFail()) throw failure;
			return { json: errorJson(failure, group.itemIndexes[0]), pairedItem };
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

	const results =
		operation.mode === 'eachItem'
			? await runEachItem.call(this, operation, itemCount)
			: await runAllItems.call(this, operation, itemCount);
	return [results];
}
