import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ITestConnection } from '../../transport';
import { REQUEST_TYPE } from '../../transport';
import { companyIdField } from '../common/fields';
import { getId } from '../common/validate';
import type { AllItemsOperation, GroupResult } from '../node.type';
import { binaryPropertyField } from './file';
import { readItemField } from './itemFields';
import { NumberFileBuilder } from './numbers';
import type { UploadReport } from './report';
import { describeInvalid, listRejected } from './report';
import type { UploadDefinition, UploadGroup, UploadProblem, UploadTarget } from './upload';
import { runUploads, safeFileNamePart } from './upload';
import { getFieldName, itemFieldParameter, sourceField, uploadOptionsField } from './uploadFields';

const properties: INodeProperties[] = [
	{ ...companyIdField, description: 'Your own ID of the company whose Number Database receives the numbers. The company must exist in iTest.' },
	sourceField(
		'A text or CSV file with one phone number per line, in a binary field of each input item. Each item is one upload.',
		'One phone number per input item, in the field named below. All items for the same company become one upload.',
	),
	{
		...binaryPropertyField,
		displayOptions: { show: { source: ['binary'] } },
		description: 'Binary field of the input item that holds the numbers file: one phone number per line, with an optional header line such as "number"',
	},
	itemFieldParameter(
		'numberField',
		'Number Field',
		'number',
		'Name of the input item field that holds the phone number, such as "msisdn". For a nested field, use dots: "contact.phone".',
	),
	{
		displayName: 'Normalize Numbers',
		name: 'normalizeNumbers',
		type: 'boolean',
		default: true,
		description:
			'Whether to remove spaces, dashes, dots and brackets and a leading + or 00 international prefix, so that numbers written as "+44 (0)20 7946-0000" are sent as plain digits. When off, each number must already be digits with an optional leading +.',
	},
	{
		displayName: 'On Invalid Lines',
		name: 'onInvalidLines',
		type: 'options',
		options: [
			{
				name: 'Fail the Upload',
				value: 'fail',
				description: 'Send nothing and fail with the invalid lines listed',
			},
			{
				name: 'Send Valid Lines',
				value: 'sendValid',
				description: 'Send the valid numbers and list the invalid lines in the output',
			},
		],
		default: 'fail',
		description: 'What to do when some lines are not valid phone numbers',
	},
	uploadOptionsField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['numberDatabase'], operation: ['importNumbers'] } },
	properties,
);

const definition: UploadDefinition<NumberFileBuilder> = {
	fileLabel: 'numbers file',
	entryLabel: 'numbers',
	describeTarget: (target) => `company "${target.fields.companyId}"`,
	// Imports add numbers to the company's set, so two files for one company can go separately.
	mergeBinaryItems: false,

	readTarget(this: IExecuteFunctions, itemIndex: number): UploadTarget {
		const companyId = getId.call(this, 'companyId', 'Company ID', itemIndex);
		return { key: companyId, fields: { companyId } };
	},

	createBuilder(this: IExecuteFunctions, group: UploadGroup): NumberFileBuilder {
		const normalize = this.getNodeParameter('normalizeNumbers', group.itemIndexes[0], true) !== false;
		return new NumberFileBuilder({ normalize });
	},

	addItems(this: IExecuteFunctions, builder: NumberFileBuilder, group: UploadGroup): void {
		// The field name is read once per upload: reading a parameter for each of a million items is slow.
		const fieldName = getFieldName.call(this, 'numberField', 'Number Field', group.itemIndexes[0]);
		const items = this.getInputData();
		builder.reserveValues(group.itemIndexes.length);
		for (const itemIndex of group.itemIndexes) {
			builder.addValue(itemIndex, readItemField(items[itemIndex].json, fieldName), fieldName);
		}
	},

	findRejectionProblem(this: IExecuteFunctions, group: UploadGroup, report: UploadReport): UploadProblem | undefined {
		if (report.rejected === 0) return undefined;
		if (this.getNodeParameter('onInvalidLines', group.itemIndexes[0], 'fail') === 'sendValid') return undefined;
		return {
			message: `${describeInvalid(report, 'numbers')}, so nothing is sent for company "${group.target.fields.companyId}"`,
			description: `${listRejected(report)} Correct these lines, or set On Invalid Lines to "Send Valid Lines" to send the others and list these in the output. Turn on the Dry Run option to get the full list as a file.`,
			itemIndex: report.firstRejected[0].itemIndex,
		};
	},

	request(target: UploadTarget) {
		const { companyId } = target.fields;
		return {
			type: REQUEST_TYPE.numberImport,
			action: `import numbers for company "${companyId}"`,
			query: [{ field: 'cid', value: companyId, label: 'Company ID' }],
			expectedRoot: 'NDB',
			expect: 'status' as const,
		};
	},

	itemsFileName(target: UploadTarget): string {
		return `numbers-${safeFileNamePart(target.fields.companyId)}.txt`;
	},
};

async function execute(
	this: IExecuteFunctions,
	{ itemIndexes, connection }: { itemIndexes: number[]; connection: ITestConnection },
): Promise<GroupResult[]> {
	return await runUploads.call(this, definition, itemIndexes, connection);
}

export const importNumbers: AllItemsOperation = { mode: 'allItems', description, execute };
