import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemContext, ItemOperation } from '../node.type';
import { REQUEST_TYPE, sendRequest } from '../../transport';
import { companyIdField, getOutputOptions, requestOptionsField, toOutput } from '../common/fields';
import { getId } from '../common/validate';
import { binaryPropertyField, loadInputFile } from './file';

const properties: INodeProperties[] = [
	{ ...companyIdField, description: 'Your own ID of the company the supplier belongs to' },
	{
		displayName: 'Supplier ID',
		name: 'supplierId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'S-12',
		description: 'Your own ID of the supplier whose breakout permissions are set. The supplier must exist in iTest.',
	},
	{
		...binaryPropertyField,
		description: 'Binary field of the input item that holds the breakout list: a text file with one "COUNTRY, BREAKOUT" per line, names exactly as in your Number Database',
	},
	requestOptionsField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['numberDatabase'], operation: ['setBreakoutPermissions'] } },
	properties,
);

async function execute(this: IExecuteFunctions, { itemIndex, connection }: ItemContext): Promise<INodeExecutionData> {
	const companyId = getId.call(this, 'companyId', 'Company ID', itemIndex);
	const supplierId = getId.call(this, 'supplierId', 'Supplier ID', itemIndex);
	const file = await loadInputFile.call(this, itemIndex, 'breakout list');
	const options = getOutputOptions.call(this, itemIndex);

	const reply = await sendRequest.call(
		this,
		itemIndex,
		connection,
		{
			type: REQUEST_TYPE.breakoutPermissions,
			action: `set the breakout permissions of supplier "${supplierId}"`,
			query: [
				{ field: 'cid', value: companyId, label: 'Company ID' },
				{ field: 'sid', value: supplierId, label: 'Supplier ID' },
			],
			upload: file,
			expectedRoot: 'NDB',
			expect: 'status',
		},
		options.settings,
	);

	const fields = {
		companyId,
		supplierId,
		fileName: file.fileName,
		fileSize: file.data.length,
		lineCount: file.lineCount,
	};
	return { json: toOutput(fields, reply, options) };
}

export const setBreakoutPermissions: ItemOperation = { mode: 'eachItem', description, execute };
