import type { INodeProperties } from 'n8n-workflow';

export const userIdField: INodeProperties = {
	displayName: 'User ID',
	name: 'userId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'U-2291',
	description: 'Your own ID for the user, e.g. their ID in your CRM. iTest uses it to recognise the user in later calls.',
};
