import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { getConnection, REQUEST_TYPE, sendRequest } from '../../../../nodes/ITest/transport';
import type { UploadFile } from '../../../../nodes/ITest/transport';

export const UPLOAD_ACTION = 'import numbers for company "C-1"';

const NUMBERS_FILE: UploadFile = {
	data: Buffer.from('447700900001\n'),
	fileName: 'numbers.txt',
	mimeType: 'text/plain',
};

/**
 * Returns a node that sends `file` as one number upload through the transport with
 * `idempotent: false`, as the upload operations do, so that the transport's upload rules are
 * tested apart from how those operations build their files.
 */
export function uploadProbe(file: UploadFile = NUMBERS_FILE): INodeType {
	return {
		description: {
			displayName: 'Upload Probe',
			name: 'uploadProbe',
			group: ['transform'],
			version: 1,
			description: 'Sends one number upload to iTest',
			defaults: { name: 'Upload Probe' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: 'iTestApi', required: true }],
			properties: [],
		},

		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const connection = await getConnection.call(this);
			const reply = await sendRequest.call(
				this,
				0,
				connection,
				{
					type: REQUEST_TYPE.numberImport,
					action: UPLOAD_ACTION,
					query: [{ field: 'cid', value: 'C-1', label: 'Company ID' }],
					upload: file,
					expectedRoot: 'NDB',
					expect: 'status',
					idempotent: false,
				},
				{ timeoutMs: 5_000, maxRetries: 3 },
			);
			return [[{ json: { status: reply.status } }]];
		},
	};
}
