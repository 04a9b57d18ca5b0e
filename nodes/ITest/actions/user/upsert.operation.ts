import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemContext, ItemOperation } from '../node.type';
import type { RequestField } from '../../transport';
import { REQUEST_TYPE, sendRequest } from '../../transport';
import { companyIdField, getOutputOptions, requestOptionsField, toOutput } from '../common/fields';
import { mappingModeField, recordFields } from '../common/mapping';
import { checkEmail, getChoice, getFlag, getId, getRequiredText, getText } from '../common/validate';
import { userIdField } from './fields';

const ROLES: Array<[string, string]> = [
	['admin', 'Company Administrator'],
	['user', 'Standard User'],
];

const properties: INodeProperties[] = [
	mappingModeField,
	...recordFields([
		{ ...companyIdField, description: 'Your own ID of the company the user belongs to. The company must exist in iTest.' },
		{ ...userIdField, hint: 'Use the same ID every time for the same person: a new ID creates another user' },
		{
			displayName: 'First Name',
			name: 'firstName',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'Ada',
			description: 'The user\'s first name, as iTest shows it',
		},
		{
			displayName: 'Last Name',
			name: 'lastName',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'Lovelace',
			description: 'The user\'s last name, as iTest shows it',
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			required: true,
			default: '',
			description: 'The user\'s email address',
		},
		{
			displayName: 'Role',
			name: 'role',
			type: 'options',
			default: 'user',
			options: [
				{ name: 'Company Administrator', value: 'admin', description: 'Manages the company\'s users and settings' },
				{ name: 'Standard User', value: 'user', description: 'Runs tests' },
			],
			description: 'What the user may do in iTest',
		},
		{
			displayName: 'Enabled',
			name: 'enabled',
			type: 'boolean',
			default: true,
			description: 'Whether the user can log in. Turn off to disable the user without deleting them.',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Optional. Sets the user\'s iTest password; leave empty to keep the current one. Sent in the request body, never in the URL, and never shown in the output.',
			hint: 'Leave empty to keep the user\'s current password',
		},
	]),
	requestOptionsField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['upsert'] } },
	properties,
);

async function execute(this: IExecuteFunctions, { itemIndex, connection }: ItemContext): Promise<INodeExecutionData> {
	const companyId = getId.call(this, 'companyId', 'Company ID', itemIndex);
	const userId = getId.call(this, 'userId', 'User ID', itemIndex);
	const firstName = getRequiredText.call(this, 'firstName', 'First Name', itemIndex);
	const lastName = getRequiredText.call(this, 'lastName', 'Last Name', itemIndex);
	const email = checkEmail.call(this, getText.call(this, 'email', itemIndex), 'Email', itemIndex);
	const role = getChoice.call(this, 'role', 'Role', itemIndex, ROLES);
	const state = getFlag.call(this, 'enabled', 'Enabled', itemIndex);
	const password = getText.call(this, 'password', itemIndex);
	const options = getOutputOptions.call(this, itemIndex);

	// A cell holding only spaces is an empty cell, not a password of spaces.
	const form: RequestField[] = password.trim() === '' ? [] : [{ field: 'pass', value: password, label: 'Password' }];
	const reply = await sendRequest.call(
		this,
		itemIndex,
		connection,
		{
			type: REQUEST_TYPE.userUpsert,
			action: `create or update user "${userId}"`,
			query: [
				{ field: 'cid', value: companyId, label: 'Company ID' },
				{ field: 'uid', value: userId, label: 'User ID' },
				{ field: 'firstname', value: firstName, label: 'First Name' },
				{ field: 'lastname', value: lastName, label: 'Last Name' },
				{ field: 'email', value: email, label: 'Email' },
				{ field: 'role', value: role, label: 'Role' },
				{ field: 'state', value: state, label: 'Enabled' },
			],
			form,
			expectedRoot: 'User',
			expectedRecord: userId,
			expect: 'status',
		},
		options.settings,
	);

	return { json: toOutput({ companyId, userId }, reply, options) };
}

export const upsert: ItemOperation = { mode: 'eachItem', description, execute };
