import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemContext, ItemOperation } from '../node.type';
import { REQUEST_TYPE, sendRequest } from '../../transport';
import { companyIdField, getOutputOptions, requestOptionsField, toOutput } from '../common/fields';
import { mappingModeField, recordFields } from '../common/mapping';
import { TEST_TYPES } from '../common/choices';
import {
	checkIpAddress,
	checkPhoneNumber,
	getChoice,
	getId,
	getRequiredText,
	getText,
	getWholeNumber,
} from '../common/validate';

/** iTest's value for "pick a random source number". */
const RANDOM_SOURCE_NUMBER = 'xxx';
// The guide gives no limit; a day is far beyond any real call and still catches unit mistakes.
const MAX_DURATION_SECONDS = 86_400;

const properties: INodeProperties[] = [
	mappingModeField,
	...recordFields([
		{ ...companyIdField, description: 'Your own ID of the company the profile belongs to. The company must exist in iTest.' },
		{
			displayName: 'Profile ID',
			name: 'profileId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'P-88',
			description: 'Your own ID for the test profile. iTest uses it to recognise the profile in later calls.',
			hint: 'Use the same ID every time for the same profile: a new ID creates another profile',
		},
		{
			displayName: 'Profile Name',
			name: 'name',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'London SIP gateway',
			description: 'The name shown for the profile in iTest',
		},
		{
			displayName: 'Type',
			name: 'type',
			type: 'options',
			default: 'std',
			options: [
				{ name: 'Voice', value: 'std', description: 'Test calls' },
				{ name: 'SMS', value: 'sms', description: 'Test text messages' },
			],
			description: 'What the profile tests',
		},
		{
			displayName: 'Gateway IP Address',
			name: 'gatewayIp',
			type: 'string',
			required: true,
			default: '',
			placeholder: '192.0.2.10',
			description: 'IP address (IPv4 or IPv6) of the SIP gateway that iTest sends test calls to. A host name is not accepted.',
			hint: 'Numbers such as 192.0.2.10, not a name such as sip.example.com',
		},
		{
			displayName: 'Gateway Port',
			name: 'gatewayPort',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 65535 },
			default: 5060,
			description: 'Port of the SIP gateway, from 1 to 65535. SIP usually uses 5060.',
		},
		{
			displayName: 'Source Number',
			name: 'sourceNumber',
			type: 'string',
			default: '',
			placeholder: '447700900123',
			description: 'The caller number (A-number) iTest presents. Leave empty to let iTest pick a random number for each test.',
			hint: 'Digits with the country code, such as 447700900123. Leave empty for a random number.',
		},
		{
			displayName: 'Max Call Duration (Seconds)',
			name: 'maxCallDuration',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_DURATION_SECONDS },
			default: 60,
			description: 'Longest time a test call may last once answered. iTest\'s guide gives no unit; seconds is the likely one, so check the first profile in iTest.',
		},
		{
			displayName: 'Max Ring Duration (Seconds)',
			name: 'maxRingDuration',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_DURATION_SECONDS },
			default: 30,
			description: 'Longest time a test call may ring before it is given up. iTest\'s guide gives no unit; seconds is the likely one, so check the first profile in iTest.',
		},
	]),
	requestOptionsField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['profile'], operation: ['upsert'] } },
	properties,
);

function readSourceNumber(this: IExecuteFunctions, itemIndex: number): string {
	const value = getText.call(this, 'sourceNumber', itemIndex).trim();
	if (value === '' || value.toLowerCase() === RANDOM_SOURCE_NUMBER) return RANDOM_SOURCE_NUMBER;
	return checkPhoneNumber.call(this, value, 'Source Number', itemIndex);
}

async function execute(this: IExecuteFunctions, { itemIndex, connection }: ItemContext): Promise<INodeExecutionData> {
	const companyId = getId.call(this, 'companyId', 'Company ID', itemIndex);
	const profileId = getId.call(this, 'profileId', 'Profile ID', itemIndex);
	const name = getRequiredText.call(this, 'name', 'Profile Name', itemIndex);
	const type = getChoice.call(this, 'type', 'Type', itemIndex, TEST_TYPES);
	const gatewayIp = checkIpAddress.call(this, getText.call(this, 'gatewayIp', itemIndex), 'Gateway IP Address', itemIndex);
	const port = getWholeNumber.call(this, 'gatewayPort', 'Gateway Port', itemIndex, { min: 1, max: 65535 });
	const sourceNumber = readSourceNumber.call(this, itemIndex);
	const durationRange = { min: 1, max: MAX_DURATION_SECONDS, unit: 'seconds' };
	const call = getWholeNumber.call(this, 'maxCallDuration', 'Max Call Duration (Seconds)', itemIndex, durationRange);
	const ring = getWholeNumber.call(this, 'maxRingDuration', 'Max Ring Duration (Seconds)', itemIndex, durationRange);
	const options = getOutputOptions.call(this, itemIndex);

	const reply = await sendRequest.call(
		this,
		itemIndex,
		connection,
		{
			type: REQUEST_TYPE.profileUpsert,
			action: `create or update profile "${profileId}"`,
			query: [
				{ field: 'cid', value: companyId, label: 'Company ID' },
				{ field: 'pid', value: profileId, label: 'Profile ID' },
				{ field: 'name', value: name, label: 'Profile Name' },
				{ field: 'type', value: type, label: 'Type' },
				{ field: 'ip', value: gatewayIp, label: 'Gateway IP Address' },
				{ field: 'port', value: String(port), label: 'Gateway Port' },
				{ field: 'srcn', value: sourceNumber, label: 'Source Number' },
				{ field: 'call', value: String(call), label: 'Max Call Duration (Seconds)' },
				{ field: 'ring', value: String(ring), label: 'Max Ring Duration (Seconds)' },
			],
			expectedRoot: 'Profile',
			expectedRecord: profileId,
			expect: 'status',
		},
		options.settings,
	);

	return { json: toOutput({ companyId, profileId }, reply, options) };
}

export const upsert: ItemOperation = { mode: 'eachItem', description, execute };
