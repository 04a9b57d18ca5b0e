import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemContext, ItemOperation } from '../node.type';
import { REQUEST_TYPE, sendRequest } from '../../transport';
import { companyIdField, getOutputOptions, requestOptionsField, toOutput } from '../common/fields';
import { mappingModeField, recordFields } from '../common/mapping';
import { getFlag, getId, getRequiredText } from '../common/validate';

const properties: INodeProperties[] = [
	mappingModeField,
	...recordFields([
		{ ...companyIdField, hint: 'Use the same ID every time for the same company: a new ID creates another company' },
		{
			displayName: 'Company Name',
			name: 'name',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'Acme Telecom Ltd',
			description: 'The name shown for the company in iTest',
		},
		{
			displayName: 'Enabled',
			name: 'enabled',
			type: 'boolean',
			default: true,
			description: 'Whether the company can use iTest. Turn off to disable it without deleting it.',
		},
	]),
	requestOptionsField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['company'], operation: ['upsert'] } },
	properties,
);

async function execute(this: IExecuteFunctions, { itemIndex, connection }: ItemContext): Promise<INodeExecutionData> {
	const companyId = getId.call(this, 'companyId', 'Company ID', itemIndex);
	const name = getRequiredText.call(this, 'name', 'Company Name', itemIndex);
	const enable = getFlag.call(this, 'enabled', 'Enabled', itemIndex);
	const options = getOutputOptions.call(this, itemIndex);

	const reply = await sendRequest.call(
		this,
		itemIndex,
		connection,
		{
			type: REQUEST_TYPE.companyUpsert,
			action: `create or update company "${companyId}"`,
			query: [
				{ field: 'cid', value: companyId, label: 'Company ID' },
				{ field: 'name', value: name, label: 'Company Name' },
				{ field: 'enable', value: enable, label: 'Enabled' },
			],
			expectedRoot: 'Company',
			expect: 'status',
		},
		options.settings,
	);

	return { json: toOutput({ companyId }, reply, options) };
}

export const upsert: ItemOperation = { mode: 'eachItem', description, execute };
