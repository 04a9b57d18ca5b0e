import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as company from './actions/company';
import * as numberDatabase from './actions/numberDatabase';
import * as profile from './actions/profile';
import { router } from './actions/router';
import * as supplier from './actions/supplier';
import * as user from './actions/user';

export class ITest implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'iTest',
		name: 'iTest',
		icon: { light: 'file:itest.svg', dark: 'file:itest.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Manage an iTest reseller account: companies, users, one-time passwords, test profiles, suppliers, numbers and breakout permissions',
		defaults: { name: 'iTest' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'iTestApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Company', value: 'company' },
					{ name: 'Number Database', value: 'numberDatabase' },
					{ name: 'Supplier', value: 'supplier' },
					{ name: 'Test Profile', value: 'profile' },
					{ name: 'User', value: 'user' },
				],
				default: 'company',
			},
			...company.description,
			...user.description,
			...profile.description,
			...supplier.description,
			...numberDatabase.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
