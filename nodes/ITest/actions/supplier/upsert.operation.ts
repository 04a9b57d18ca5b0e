import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemContext, ItemOperation } from '../node.type';
import type { RequestField } from '../../transport';
import { REQUEST_TYPE, sendRequest } from '../../transport';
import { companyIdField, getOutputOptions, requestOptionsField, toOutput } from '../common/fields';
import { mappingModeField, recordFields } from '../common/mapping';
import { TEST_TYPES } from '../common/choices';
import { checkEmail, getChoice, getId, getRequiredText, getText } from '../common/validate';

const CODECS: Array<[string, string]> = [
	['alaw', 'G.711 A-Law'],
	['ulaw', 'G.711 µ-Law'],
	['729', 'G.729'],
];

const properties: INodeProperties[] = [
	mappingModeField,
	...recordFields([
		{ ...companyIdField, description: 'Your own ID of the company the supplier belongs to. The company must exist in iTest.' },
		{
			displayName: 'Supplier ID',
			name: 'supplierId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'S-12',
			description: 'Your own ID for the supplier (the carrier whose routes are tested). iTest uses it to recognise the supplier in later calls.',
			hint: 'Use the same ID every time for the same supplier: a new ID creates another supplier',
		},
		{
			displayName: 'Supplier Name',
			name: 'name',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'Carrier Route A',
			description: 'The name shown for the supplier in iTest',
		},
		{
			displayName: 'Type',
			name: 'type',
			type: 'options',
			default: 'std',
			options: [
				{ name: 'Voice', value: 'std', description: 'A voice route' },
				{ name: 'SMS', value: 'sms', description: 'An SMS route' },
			],
			description: 'What the supplier carries',
		},
		{
			displayName: 'Codec',
			name: 'codec',
			type: 'options',
			default: 'alaw',
			options: [
				{ name: 'G.711 A-Law', value: 'alaw', description: 'Usual in Europe and most of the world (iTest\'s guide calls it G.729 Alaw)' },
				{ name: 'G.711 µ-Law', value: 'ulaw', description: 'Usual in North America and Japan (iTest\'s guide calls it G.729 Ulaw)' },
				{ name: 'G.729', value: '729', description: 'Compressed, low-bandwidth voice' },
			],
			description: 'The voice codec test calls through this supplier use by default',
		},
		{
			displayName: 'Prefix',
			name: 'prefix',
			type: 'string',
			default: '',
			placeholder: '9901#',
			description: 'Optional. Digits added in front of every number dialled through this supplier, e.g. a technical routing prefix.',
			hint: 'Leave empty unless the supplier needs a routing prefix',
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			description: 'Optional. The supplier\'s email address, so test results can be shared with them quickly.',
		},
	]),
	requestOptionsField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['supplier'], operation: ['upsert'] } },
	properties,
);

async function execute(this: IExecuteFunctions, { itemIndex, connection }: ItemContext): Promise<INodeExecutionData> {
	const companyId = getId.call(this, 'companyId', 'Company ID', itemIndex);
	const supplierId = getId.call(this, 'supplierId', 'Supplier ID', itemIndex);
	const name = getRequiredText.call(this, 'name', 'Supplier Name', itemIndex);
	const type = getChoice.call(this, 'type', 'Type', itemIndex, TEST_TYPES);
	const codec = getChoice.call(this, 'codec', 'Codec', itemIndex, CODECS);
	const optional: RequestField[] = [];
	const prefix = getText.call(this, 'prefix', itemIndex).trim();
	if (prefix !== '') optional.push({ field: 'prefix', value: prefix, label: 'Prefix' });
	const emailText = getText.call(this, 'email', itemIndex);
	if (emailText.trim() !== '') {
		optional.push({ field: 'email', value: checkEmail.call(this, emailText, 'Email', itemIndex), label: 'Email' });
	}
	const options = getOutputOptions.call(this, itemIndex);

	const reply = await sendRequest.call(
		this,
		itemIndex,
		connection,
		{
			type: REQUEST_TYPE.supplierUpsert,
			action: `create or update supplier "${supplierId}"`,
			query: [
				{ field: 'cid', value: companyId, label: 'Company ID' },
				{ field: 'sid', value: supplierId, label: 'Supplier ID' },
				{ field: 'name', value: name, label: 'Supplier Name' },
				{ field: 'type', value: type, label: 'Type' },
				{ field: 'codec', value: codec, label: 'Codec' },
				...optional,
			],
			expectedRoot: 'Supplier',
			expectedRecord: supplierId,
			expect: 'status',
		},
		options.settings,
	);

	return { json: toOutput({ companyId, supplierId }, reply, options) };
}

export const upsert: ItemOperation = { mode: 'eachItem', description, execute };
