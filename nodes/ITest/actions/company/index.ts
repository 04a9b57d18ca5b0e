import type { INodeProperties } from 'n8n-workflow';

import type { OperationsOf } from '../node.type';
import { upsert } from './upsert.operation';

export const operations: OperationsOf<'company'> = { upsert };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['company'] } },
		options: [
			{
				name: 'Create or Update',
				value: 'upsert',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
				action: 'Create or update a company',
			},
		],
		default: 'upsert',
	},
	...upsert.description,
];
