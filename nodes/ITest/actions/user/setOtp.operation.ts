import { randomInt } from 'crypto';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemContext, ItemOperation } from '../node.type';
import { REQUEST_TYPE, sendRequest } from '../../transport';
import { getOutputOptions, requestOptionsField, toOutput } from '../common/fields';
import { mappingModeField, recordFields } from '../common/mapping';
import { getId, getText, getWholeNumber, invalidParameter } from '../common/validate';
import { userIdField } from './fields';

/** iTest requires one-time passwords of at least this many characters. */
export const MIN_OTP_LENGTH = 32;
const MAX_OTP_LENGTH = 256;
// Letters and digits only, so the OTP can go into a login URL without escaping.
const OTP_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Draws each character uniformly from the alphabet with a cryptographically secure generator. */
export function generateOtp(length: number): string {
	let otp = '';
	for (let index = 0; index < length; index++) otp += OTP_ALPHABET[randomInt(OTP_ALPHABET.length)];
	return otp;
}

const properties: INodeProperties[] = [
	mappingModeField,
	...recordFields([userIdField]),
	{
		displayName: 'Generate One-Time Password',
		name: 'generateOtp',
		type: 'boolean',
		default: true,
		description: 'Whether the node creates a random one-time password (letters and digits) and returns it in the output. Turn off to set your own.',
	},
	{
		displayName: 'One-Time Password Length',
		name: 'otpLength',
		type: 'number',
		typeOptions: { minValue: MIN_OTP_LENGTH, maxValue: MAX_OTP_LENGTH },
		default: MIN_OTP_LENGTH,
		displayOptions: { show: { generateOtp: [true] } },
		description: `Number of characters, from ${MIN_OTP_LENGTH} (iTest's minimum) to ${MAX_OTP_LENGTH}`,
	},
	...recordFields([
		{
			displayName: 'One-Time Password',
			name: 'otp',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			displayOptions: { show: { generateOtp: [false] } },
			description: `The one-time password to set: at least ${MIN_OTP_LENGTH} characters, hard to guess. It is sent in the request body, never in the URL.`,
		},
	]),
	requestOptionsField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['setOtp'] } },
	properties,
);

async function execute(this: IExecuteFunctions, { itemIndex, connection }: ItemContext): Promise<INodeExecutionData> {
	const userId = getId.call(this, 'userId', 'User ID', itemIndex);
	const generated = this.getNodeParameter('generateOtp', itemIndex, true) === true;
	let otp: string;
	if (generated) {
		const length = getWholeNumber.call(this, 'otpLength', 'One-Time Password Length', itemIndex, {
			min: MIN_OTP_LENGTH,
			max: MAX_OTP_LENGTH,
			unit: 'characters',
		});
		otp = generateOtp(length);
	} else {
		otp = getText.call(this, 'otp', itemIndex);
		if ([...otp].length < MIN_OTP_LENGTH) {
			throw invalidParameter.call(
				this,
				itemIndex,
				`One-Time Password is too short: ${[...otp].length} characters, iTest needs at least ${MIN_OTP_LENGTH}`,
				'Use a longer random value, or turn on Generate One-Time Password.',
			);
		}
	}
	const options = getOutputOptions.call(this, itemIndex);

	const reply = await sendRequest.call(
		this,
		itemIndex,
		connection,
		{
			type: REQUEST_TYPE.userSetOtp,
			action: `set the one-time password of user "${userId}"`,
			query: [{ field: 'uid', value: userId, label: 'User ID' }],
			form: [{ field: 'otp', value: otp, label: 'One-Time Password' }],
			expectedRoot: 'User',
			expectedRecord: userId,
			expect: 'status',
		},
		options.settings,
	);

	return { json: toOutput({ userId, otp, otpGenerated: generated }, reply, options) };
}

export const setOtp: ItemOperation = { mode: 'eachItem', description, execute };
