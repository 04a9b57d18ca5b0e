/** Parameters that both uploads share: where the lines come from, and the options. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requestOptionsField } from '../common/fields';
import { getText, invalidParameter } from '../common/validate';

export type UploadSource = 'binary' | 'items';

/** Returns the Source parameter, with descriptions of how each source becomes uploads. */
export function sourceField(binaryDescription: string, itemsDescription: string): INodeProperties {
	return {
		displayName: 'Source',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Binary File', value: 'binary', description: binaryDescription },
			{ name: 'Input Items', value: 'items', description: itemsDescription },
		],
		default: 'binary',
		description: 'Where the lines to upload come from',
	};
}

/** Returns a parameter for the name of an input item field, shown for the Input Items source. */
export function itemFieldParameter(
	name: string,
	displayName: string,
	defaultValue: string,
	description: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'string',
		required: true,
		default: defaultValue,
		placeholder: defaultValue,
		displayOptions: { show: { source: ['items'] } },
		description,
	};
}

export const uploadOptionsField: INodeProperties = {
	...requestOptionsField,
	options: [
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			default: false,
			description:
				'Whether to only build and check the file, and return it with the report without sending anything to iTest',
		},
		...(requestOptionsField.options ?? []),
	],
};

export function getSource(this: IExecuteFunctions): UploadSource {
	return this.getNodeParameter('source', 0, 'binary') === 'items' ? 'items' : 'binary';
}

export function getDryRun(this: IExecuteFunctions, itemIndex: number): boolean {
	return this.getNodeParameter('options.dryRun', itemIndex, false) === true;
}

/** Reads the name of an input item field; surrounding spaces are removed. */
export function getFieldName(this: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	const value = getText.call(this, name, itemIndex).trim();
	if (value === '') {
		throw invalidParameter.call(
			this,
			itemIndex,
			`${label} is empty`,
			`Enter the name of the input item field that holds the value, such as the column name of your spreadsheet.`,
		);
	}
	return value;
}
