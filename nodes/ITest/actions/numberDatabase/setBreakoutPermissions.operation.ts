import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ITestConnection } from '../../transport';
import { REQUEST_TYPE } from '../../transport';
import { companyIdField } from '../common/fields';
import { getId } from '../common/validate';
import type { AllItemsOperation, GroupResult } from '../node.type';
import { BreakoutFileBuilder } from './breakouts';
import { binaryPropertyField } from './file';
import { readItemField } from './itemFields';
import type { UploadReport } from './report';
import { describeInvalid, listRejected } from './report';
import type { UploadDefinition, UploadGroup, UploadProblem, UploadTarget } from './upload';
import { runUploads, safeFileNamePart } from './upload';
import { getFieldName, itemFieldParameter, sourceField, uploadOptionsField } from './uploadFields';

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
	sourceField(
		'A text or CSV file with one "COUNTRY, BREAKOUT" per line, in a binary field of each input item. Files for the same company and supplier are merged into one upload.',
		'One country and breakout per input item, in the fields named below. All items for the same company and supplier become one upload.',
	),
	{
		...binaryPropertyField,
		displayOptions: { show: { source: ['binary'] } },
		description:
			'Binary field of the input item that holds the breakout list: one "COUNTRY, BREAKOUT" per line, names exactly as in your Number Database. A header line and CSV quoting are accepted.',
	},
	itemFieldParameter(
		'countryField',
		'Country Field',
		'country',
		'Name of the input item field that holds the country name, exactly as in your Number Database. For a nested field, use dots: "route.country".',
	),
	itemFieldParameter(
		'breakoutField',
		'Breakout Field',
		'breakout',
		'Name of the input item field that holds the breakout name, exactly as in your Number Database. For a nested field, use dots: "route.breakout".',
	),
	uploadOptionsField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['numberDatabase'], operation: ['setBreakoutPermissions'] } },
	properties,
);

function describeSupplier(target: UploadTarget): string {
	return `supplier "${target.fields.supplierId}" of company "${target.fields.companyId}"`;
}

const definition: UploadDefinition<BreakoutFileBuilder> = {
	fileLabel: 'breakout list',
	entryLabel: 'breakouts',
	describeTarget: describeSupplier,
	// iTest may replace a supplier's permissions with each upload, so two uploads for one
	// supplier in a run would leave only the second: they are merged into one file instead.
	mergeBinaryItems: true,

	readTarget(this: IExecuteFunctions, itemIndex: number): UploadTarget {
		const companyId = getId.call(this, 'companyId', 'Company ID', itemIndex);
		const supplierId = getId.call(this, 'supplierId', 'Supplier ID', itemIndex);
		// JSON of both IDs as the key, so that no pair of IDs can produce the same key.
		return { key: JSON.stringify([companyId, supplierId]), fields: { companyId, supplierId } };
	},

	createBuilder(this: IExecuteFunctions, _group: UploadGroup, connection: ITestConnection): BreakoutFileBuilder {
		return new BreakoutFileBuilder(connection.textEncoding);
	},

	addItems(this: IExecuteFunctions, builder: BreakoutFileBuilder, group: UploadGroup): void {
		const firstItem = group.itemIndexes[0];
		const fieldNames = {
			country: getFieldName.call(this, 'countryField', 'Country Field', firstItem),
			breakout: getFieldName.call(this, 'breakoutField', 'Breakout Field', firstItem),
		};
		const items = this.getInputData();
		for (const itemIndex of group.itemIndexes) {
			const { json } = items[itemIndex];
			builder.addValues(
				itemIndex,
				readItemField(json, fieldNames.country),
				readItemField(json, fieldNames.breakout),
				fieldNames,
			);
		}
	},

	// Any rejected line fails the whole upload: if iTest replaces the list, sending the valid
	// lines alone would take away the permissions of the rejected breakouts.
	findRejectionProblem(this: IExecuteFunctions, group: UploadGroup, report: UploadReport): UploadProblem | undefined {
		if (report.rejected === 0) return undefined;
		return {
			message: `${describeInvalid(report, 'breakouts')}, so nothing is sent for ${describeSupplier(group.target)}`,
			description: `${listRejected(report)} A permission upload is sent whole or not at all: iTest may replace the supplier's permissions with the file, so sending only the valid lines could remove the rejected breakouts. Correct the lines and run again; turn on the Dry Run option to get the full list as a file.`,
			itemIndex: report.firstRejected[0].itemIndex,
		};
	},

	request(target: UploadTarget) {
		const { companyId, supplierId } = target.fields;
		return {
			type: REQUEST_TYPE.breakoutPermissions,
			action: `set the breakout permissions of supplier "${supplierId}"`,
			query: [
				{ field: 'cid', value: companyId, label: 'Company ID' },
				{ field: 'sid', value: supplierId, label: 'Supplier ID' },
			],
			expectedRoot: 'NDB',
			expect: 'status' as const,
		};
	},

	itemsFileName(target: UploadTarget): string {
		const { companyId, supplierId } = target.fields;
		return `breakouts-${safeFileNamePart(companyId)}-${safeFileNamePart(supplierId)}.txt`;
	},
};

async function execute(
	this: IExecuteFunctions,
	{ itemIndexes, connection }: { itemIndexes: number[]; connection: ITestConnection },
): Promise<GroupResult[]> {
	return await runUploads.call(this, definition, itemIndexes, connection);
}

export const setBreakoutPermissions: AllItemsOperation = { mode: 'allItems', description, execute };
