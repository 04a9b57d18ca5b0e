import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemContext, ItemOperation } from '../node.type';
import { REQUEST_TYPE, sendRequest } from '../../transport';
import { getOutputOptions, requestOptionsField } from '../common/fields';
import { mappingModeField, recordFields } from '../common/mapping';
import { getId } from '../common/validate';
import { userIdField } from './fields';

const properties: INodeProperties[] = [mappingModeField, ...recordFields([userIdField]), requestOptionsField];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['requestOtp'] } },
	properties,
);

async function execute(this: IExecuteFunctions, { itemIndex, connection }: ItemContext): Promise<INodeExecutionData> {
	const userId = getId.call(this, 'userId', 'User ID', itemIndex);
	const options = getOutputOptions.call(this, itemIndex);

	const reply = await sendRequest.call(
		this,
		itemIndex,
		connection,
		{
			type: REQUEST_TYPE.userRequestOtp,
			action: `get a one-time password for user "${userId}"`,
			query: [{ field: 'uid', value: userId, label: 'User ID' }],
			expectedRoot: 'User',
			expectedRecord: userId,
			expect: 'otp',
		},
		options.settings,
	);

	const json: INodeExecutionData['json'] = { userId, otp: reply.otp, success: true };
	if (options.includeRawResponse) json.rawResponse = reply.tree;
	return { json };
}

export const requestOtp: ItemOperation = { mode: 'eachItem', description, execute };
