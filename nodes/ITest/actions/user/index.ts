import type { INodeProperties } from 'n8n-workflow';

import type { OperationsOf } from '../node.type';
import { requestOtp } from './requestOtp.operation';
import { setOtp } from './setOtp.operation';
import { upsert } from './upsert.operation';

export const operations: OperationsOf<'user'> = { upsert, requestOtp, setOtp };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{
				name: 'Create or Update',
				value: 'upsert',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
				action: 'Create or update a user',
			},
			{
				name: 'Get One-Time Password',
				value: 'requestOtp',
				description: 'Have iTest issue a new one-time password for a user, for a login link',
				action: 'Get a one time password for a user',
			},
			{
				name: 'Set One-Time Password',
				value: 'setOtp',
				description: 'Set a user\'s one-time password to a value you choose or the node generates',
				action: 'Set a one time password for a user',
			},
		],
		default: 'upsert',
	},
	...upsert.description,
	...requestOtp.description,
	...setOtp.description,
];
