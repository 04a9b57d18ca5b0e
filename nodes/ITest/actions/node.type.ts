import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { ITestConnection } from '../transport';

/** Every resource with its operations, so a misspelt operation name fails to compile. */
export type ITestMap = {
	company: 'upsert';
	user: 'upsert' | 'requestOtp' | 'setOtp';
	profile: 'upsert';
	supplier: 'upsert';
	numberDatabase: 'importNumbers' | 'setBreakoutPermissions';
};

export type ITestResource = keyof ITestMap;

/** What an operation gets besides `this`: the item it works on and the connection settings. */
export interface ItemContext {
	itemIndex: number;
	connection: ITestConnection;
}

/** An operation that sends one request per input item and returns one output for it. */
export interface ItemOperation {
	mode: 'eachItem';
	description: INodeProperties[];
	execute(this: IExecuteFunctions, context: ItemContext): Promise<INodeExecutionData>;
}

/** One output of an all-items operation, paired with every input item it was built from. */
export type GroupResult =
	| { json: IDataObject; binary?: INodeExecutionData['binary']; itemIndexes: number[] }
	| { error: Error; itemIndexes: number[] };

/**
 * An operation that reads all input items at once and returns fewer outputs, e.g. one upload
 * built from many rows. It reports failures per output instead of throwing.
 */
export interface AllItemsOperation {
	mode: 'allItems';
	description: INodeProperties[];
	execute(
		this: IExecuteFunctions,
		context: { itemIndexes: number[]; connection: ITestConnection },
	): Promise<GroupResult[]>;
}

export type Operation = ItemOperation | AllItemsOperation;

export type OperationsOf<R extends ITestResource> = Record<ITestMap[R], Operation>;
