/** Reading an upload file from an input item's binary data. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getText, invalidParameter } from '../common/validate';

export const binaryPropertyField: INodeProperties = {
	displayName: 'Input Binary Field',
	name: 'binaryPropertyName',
	type: 'string',
	required: true,
	default: 'data',
	placeholder: 'data',
	hint: 'The name of the input binary field containing the file to upload',
	description: 'Binary field of the input item that holds the file, as set by the node that read or downloaded it (usually "data")',
};

export interface InputFile {
	data: Buffer;
	fileName: string;
	propertyName: string;
}

/**
 * Loads the file through n8n's binary helpers, which work in every binary data mode
 * (filesystem, database, in memory). The item's `data` field is never decoded directly:
 * outside memory mode it contains a placeholder, not the file.
 */
export async function readInputFile(this: IExecuteFunctions, itemIndex: number, fileLabel: string): Promise<InputFile> {
	const propertyName = getText.call(this, 'binaryPropertyName', itemIndex).trim();
	const binaries = this.getInputData()[itemIndex]?.binary ?? {};
	const available = Object.keys(binaries);
	if (propertyName === '' || !(propertyName in binaries)) {
		const missing = propertyName === '' ? 'Input Binary Field is empty' : `The input item has no binary field "${propertyName}"`;
		const list = available.length > 0 ? `It has: ${available.map((name) => `"${name}"`).join(', ')}.` : 'It has no binary fields at all.';
		throw invalidParameter.call(
			this,
			itemIndex,
			`${missing}, so there is no ${fileLabel} to upload`,
			`${list} Set Input Binary Field to the field holding the file, or add a node before this one that reads the file (e.g. Read/Write Files from Disk, HTTP Request, or Convert to File). To build the upload from fields of the input items instead, set Source to Input Items.`,
		);
	}

	const metadata = this.helpers.assertBinaryData(itemIndex, propertyName);
	const data = await this.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	return { data, fileName: metadata.fileName ?? `${propertyName}.txt`, propertyName };
}
