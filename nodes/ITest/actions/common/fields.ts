/** Parameters and output shaping shared by several operations. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ITestReply } from '../../xml';
import type { RequestSettings } from '../../transport';
import { DEFAULT_TIMEOUT_MS } from '../../transport';
import { getWholeNumber } from './validate';

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
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 3600 },
			default: 60,
			description: 'How long to wait for iTest to answer one request before failing the item',
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
	return {
		includeRawResponse: options.includeRawResponse === true,
		settings: { timeoutMs: timeoutSeconds * 1000 },
	};
}

/** Builds the output JSON: the given fields, then the status, then the raw reply if asked for. */
export function toOutput(fields: IDataObject, reply: ITestReply, options: OutputOptions): IDataObject {
	const output: IDataObject = { ...fields };
	if (reply.status !== undefined) output.status = reply.status;
	output.success = true;
	if (options.includeRawResponse) output.rawResponse = reply.tree;
	return output;
}
