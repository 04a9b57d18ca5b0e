import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemContext, ItemOperation } from '../node.type';
import { REQUEST_TYPE, sendRequest } from '../../transport';
import { companyIdField, getOutputOptions, requestOptionsField, toOutput } from '../common/fields';
import { getId } from '../common/validate';
import { binaryPropertyField, loadInputFile } from './file';

const properties: INodeProperties[] = [
	{ ...companyIdField, description: 'Your own ID of the company whose Number Database receives the numbers. The company must exist in iTest.' },
	{
		...binaryPropertyField,
		description: 'Binary field of the input item that holds the numbers file: a text file with one phone number per line',
	},
	requestOptionsField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['numberDatabase'], operation: ['importNumbers'] } },
	properties,
);

async function execute(this: IExecuteFunctions, { itemIndex, connection }: ItemContext): Promise<INodeExecutionData> {
	const companyId = getId.call(this, 'companyId', 'Company ID', itemIndex);
	const file = await loadInputFile.call(this, itemIndex, 'numbers file');
	const options = getOutputOptions.call(this, itemIndex);

	const reply = await sendRequest.call(
		this,
		itemIndex,
		connection,
		{
			type: REQUEST_TYPE.numberImport,
			action: `import numbers for company "${companyId}"`,
			query: [{ field: 'cid', value: companyId, label: 'Company ID' }],
			upload: file,
			expectedRoot: 'NDB',
			expect: 'status',
		},
		options.settings,
	);

	const fields = { companyId, fileName: file.fileName, fileSize: file.data.length, lineCount: file.lineCount };
	return { json: toOutput(fields, reply, options) };
}

export const importNumbers: ItemOperation = { mode: 'eachItem', description, execute };
