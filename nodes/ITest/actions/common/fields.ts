/** Parameters and output shaping shared by several operations. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ITestReply } from '../../xml';
import type { RequestSettings, RunDeadline } from '../../transport';
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from '../../transport';
import { getWholeNumber, invalidParameter } from './validate';

export const DEFAULT_RUN_DEADLINE_MINUTES = 60;
const MAX_RETRIES_LIMIT = 10;
const RUN_DEADLINE_RANGE = { min: 0.1, max: 1440 };
const REQUESTS_IN_PARALLEL_RANGE = { min: 1, max: 64 };
const BATCH_PAUSE_RANGE_MS = { min: 0, max: 600_000 };
// Uploads send one request for all items, so the per-item pacing options do not apply there.
const PER_ITEM_ONLY = { hide: { '/resource': ['numberDatabase'] } };

export const companyIdField: INodeProperties = {
	displayName: 'Company ID',
	name: 'companyId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'C-1017',
	description: 'Your own ID for the company, e.g. its ID in your CRM. iTest uses it to recognise the company in later calls.',
};

export const requestOptionsField: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Include Raw Response',
			name: 'includeRawResponse',
			type: 'boolean',
			default: false,
			description: 'Whether to add iTest\'s whole reply, converted from XML, to the output under rawResponse',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: MAX_RETRIES_LIMIT },
			default: DEFAULT_MAX_RETRIES,
			description:
				'How many times to send a request again after a temporary failure: connection refused or reset, or HTTP 429, 502, 503 or 504. Waits grow from about 1 second and follow the Retry-After header. Uploads are sent again only when they cannot have reached iTest: connection refused or a temporary DNS failure.',
		},
		{
			displayName: 'Pause Between Batches (Ms)',
			name: 'pauseBetweenBatchesMs',
			type: 'number',
			typeOptions: { minValue: BATCH_PAUSE_RANGE_MS.min, maxValue: BATCH_PAUSE_RANGE_MS.max },
			default: 0,
			displayOptions: PER_ITEM_ONLY,
			description:
				'Milliseconds to wait after each batch of items before the next one starts, to stay under an account\'s rate limit. A batch is as many items as Requests in Parallel, and the next batch starts once all of its requests have finished. 0 sends the next item as soon as any request finishes.',
		},
		{
			displayName: 'Requests in Parallel',
			name: 'requestsInParallel',
			type: 'number',
			typeOptions: { minValue: REQUESTS_IN_PARALLEL_RANGE.min, maxValue: REQUESTS_IN_PARALLEL_RANGE.max },
			default: 1,
			displayOptions: PER_ITEM_ONLY,
			description:
				'How many requests may wait for iTest at the same time. 1 sends the items one after another in input order. The output keeps the input order whatever the value.',
		},
		{
			displayName: 'Run Deadline (Minutes)',
			name: 'runDeadline',
			type: 'number',
			typeOptions: { minValue: RUN_DEADLINE_RANGE.min, maxValue: RUN_DEADLINE_RANGE.max, numberPrecision: 1 },
			default: DEFAULT_RUN_DEADLINE_MINUTES,
			description:
				'Longest time the node may spend on all items of one run. Items whose turn comes later fail without being sent, so a slow or unreachable server cannot hold the workflow for hours.',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 3600 },
			default: 60,
			description:
				'How long to wait for iTest to answer one request before failing the item. A request that timed out is not sent again, because iTest may still apply it.',
		},
	],
};

export interface OutputOptions {
	includeRawResponse: boolean;
	settings: RequestSettings;
}

export function getOutputOptions(this: IExecuteFunctions, itemIndex: number): OutputOptions {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const timeoutSeconds =
		options.timeout === undefined
			? DEFAULT_TIMEOUT_MS / 1000
			: getWholeNumber.call(this, 'options.timeout', 'Timeout (Seconds)', itemIndex, {
					min: 1,
					max: 3600,
					unit: 'seconds',
				});
	const maxRetries =
		options.maxRetries === undefined
			? DEFAULT_MAX_RETRIES
			: getWholeNumber.call(this, 'options.maxRetries', 'Max Retries', itemIndex, {
					min: 0,
					max: MAX_RETRIES_LIMIT,
				});
	return {
		includeRawResponse: options.includeRawResponse === true,
		settings: { timeoutMs: timeoutSeconds * 1000, maxRetries },
	};
}

/**
 * Reads Run Deadline (Minutes) from the first item's options and returns the deadline of a run
 * that starts at `startedAt`. The deadline belongs to the whole run, so other items' values are
 * ignored.
 */
export function getRunDeadline(this: IExecuteFunctions, startedAt: number): RunDeadline {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const value = options.runDeadline ?? DEFAULT_RUN_DEADLINE_MINUTES;
	const minutes = typeof value === 'number' ? value : Number(String(value).trim());
	if (!Number.isFinite(minutes) || minutes < RUN_DEADLINE_RANGE.min || minutes > RUN_DEADLINE_RANGE.max) {
		throw invalidParameter.call(
			this,
			0,
			`Invalid Run Deadline (Minutes) "${String(value)}": expected a number from ${RUN_DEADLINE_RANGE.min} to ${RUN_DEADLINE_RANGE.max} minutes`,
			`Enter the longest time the run may take, in minutes, such as ${DEFAULT_RUN_DEADLINE_MINUTES}.`,
		);
	}
	const ms = Math.round(minutes * 60_000);
	return { at: startedAt + ms, ms };
}

/** The pacing of a per-item operation's requests, read from its options. */
export interface ItemPacing {
	requestsInParallel: number;
	/** Milliseconds between batches. 0 starts the next item as soon as any request finishes. */
	pauseBetweenBatchesMs: number;
}

/**
 * Reads Requests in Parallel and Pause Between Batches (Ms) from the first item's options. They
 * shape the whole run, so other items' values are ignored.
 */
export function getItemPacing(this: IExecuteFunctions): ItemPacing {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const requestsInParallel =
		options.requestsInParallel === undefined
			? 1
			: getWholeNumber.call(this, 'options.requestsInParallel', 'Requests in Parallel', 0, REQUESTS_IN_PARALLEL_RANGE);
	const pauseBetweenBatchesMs =
		options.pauseBetweenBatchesMs === undefined
			? 0
			: getWholeNumber.call(this, 'options.pauseBetweenBatchesMs', 'Pause Between Batches (Ms)', 0, {
					...BATCH_PAUSE_RANGE_MS,
					unit: 'milliseconds',
				});
	return { requestsInParallel, pauseBetweenBatchesMs };
}

/** Builds the output JSON: the given fields, then the status, then the raw reply if asked for. */
export function toOutput(fields: IDataObject, reply: ITestReply, options: OutputOptions): IDataObject {
	const output: IDataObject = { ...fields };
	if (reply.status !== undefined) output.status = reply.status;
	output.success = true;
	if (options.includeRawResponse) output.rawResponse = reply.tree;
	return output;
}
