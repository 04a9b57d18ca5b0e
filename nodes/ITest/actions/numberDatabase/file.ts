/** Reading the upload file from an input item's binary data. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { UploadFile } from '../../transport';
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

export interface LoadedFile extends UploadFile {
	lineCount: number;
}

/** Counts non-empty lines, whatever the line endings (\n, \r\n or \r). */
function countLines(data: Buffer): number {
	let count = 0;
	let lineHasContent = false;
	for (const byte of data) {
		if (byte === 0x0a || byte === 0x0d) {
			if (lineHasContent) count++;
			lineHasContent = false;
		} else if (byte !== 0x20 && byte !== 0x09) {
			lineHasContent = true;
		}
	}
	return lineHasContent ? count + 1 : count;
}

/** Loads the file through n8n's binary helpers, which work in every binary data mode. */
export async function loadInputFile(this: IExecuteFunctions, itemIndex: number, what: string): Promise<LoadedFile> {
	const propertyName = getText.call(this, 'binaryPropertyName', itemIndex).trim();
	const binaries = this.getInputData()[itemIndex]?.binary ?? {};
	const available = Object.keys(binaries);
	if (propertyName === '' || !(propertyName in binaries)) {
		const shown = propertyName === '' ? 'Input Binary Field is empty' : `The input item has no binary field "${propertyName}"`;
		const list = available.length > 0 ? `It has: ${available.map((name) => `"${name}"`).join(', ')}.` : 'It has no binary fields at all.';
		throw invalidParameter.call(
			this,
			itemIndex,
			`${shown}, so there is no ${what} to upload`,
			`${list} Set Input Binary Field to the field holding the file, or add a node before this one that reads the file (e.g. Read/Write Files from Disk, HTTP Request, or Convert to File).`,
		);
	}

	const metadata = this.helpers.assertBinaryData(itemIndex, propertyName);
	const data = await this.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	const lineCount = countLines(data);
	if (lineCount === 0) {
		throw invalidParameter.call(
			this,
			itemIndex,
			`The ${what} in binary field "${propertyName}" is empty`,
			'Check the node that produced the file: it should contain one entry per line.',
		);
	}

	return {
		data,
		fileName: metadata.fileName ?? `${propertyName}.txt`,
		mimeType: metadata.mimeType || 'text/plain',
		lineCount,
	};
}
