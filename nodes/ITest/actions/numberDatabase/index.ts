import type { INodeProperties } from 'n8n-workflow';

import type { OperationsOf } from '../node.type';
import { importNumbers } from './importNumbers.operation';
import { setBreakoutPermissions } from './setBreakoutPermissions.operation';

export const operations: OperationsOf<'numberDatabase'> = { importNumbers, setBreakoutPermissions };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['numberDatabase'] } },
		options: [
			{
				name: 'Import Numbers',
				value: 'importNumbers',
				description: 'Upload test numbers from a file or from input items into a company\'s Number Database',
				action: 'Import numbers into the number database',
			},
			{
				name: 'Set Breakout Permissions',
				value: 'setBreakoutPermissions',
				description: 'Upload the list of breakouts (country and destination group) a supplier may test, from a file or from input items',
				action: 'Set the breakout permissions of a supplier',
			},
		],
		default: 'importNumbers',
	},
	...importNumbers.description,
	...setBreakoutPermissions.description,
];
