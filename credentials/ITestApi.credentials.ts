import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { isUnencryptedRemote } from '../nodes/ITest/transport/connection';
import type { TextEncodingName } from '../nodes/ITest/transport/encoding';
import { encodeFormFields } from '../nodes/ITest/transport/encoding';

/**
 * Adds the login fields to the request body, whatever form the body has. n8n's generic `body`
 * authentication drops fields silently on multipart bodies, which the uploads use.
 */
async function addLoginToBody(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	// The node checks the Base URL before it sends anything, but n8n's credential test calls this
	// function directly, so the rule is enforced here too.
	const target = requestOptions.baseURL ? `${requestOptions.baseURL}${requestOptions.url}` : requestOptions.url;
	if (isUnencryptedRemote(target)) {
		throw new Error(
			`The Base URL "${String(credentials.baseUrl)}" uses http://, which would send the API password unencrypted. Use https://; plain http:// is accepted only for 127.0.0.1 or localhost.`,
		);
	}

	const encoding: TextEncodingName = credentials.textEncoding === 'utf8' ? 'utf8' : 'latin1';
	const login: Array<[string, string]> = [
		[String(credentials.userFieldName || 'API_95718'), String(credentials.username ?? '')],
		[String(credentials.passFieldName || 'API_84572'), String(credentials.password ?? '')],
	];
	const body = requestOptions.body;

	if (body instanceof FormData) {
		// NOTE: FormData writes text parts as UTF-8, so on uploads a login with characters beyond
		// ASCII reaches iTest in UTF-8 even when Text Encoding is ISO-8859-1.
		for (const [name, value] of login) body.append(name, value);
		return requestOptions;
	}
	if (body instanceof URLSearchParams) {
		for (const [name, value] of login) body.append(name, value);
		return requestOptions;
	}

	// iTest's PHP server reads the login from form fields only, so an object body (n8n's credential
	// test sends `{}`) becomes a form body rather than JSON.
	let existing = typeof body === 'string' ? body : '';
	if (body !== null && typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body)) {
		const fields = Object.entries(body).map(([name, value]): [string, string] => [name, String(value)]);
		existing = encodeFormFields(fields, encoding);
	}
	const encodedLogin = encodeFormFields(login, encoding);
	return {
		...requestOptions,
		body: existing ? `${existing}&${encodedLogin}` : encodedLogin,
		json: false,
		headers: { ...requestOptions.headers, 'Content-Type': 'application/x-www-form-urlencoded' },
	};
}

export class ITestApi implements ICredentialType {
	name = 'iTestApi';

	displayName = 'iTest API';

	icon: Icon = { light: 'file:../nodes/ITest/itest.svg', dark: 'file:../nodes/ITest/itest.dark.svg' };

	documentationUrl = 'https://n8n-nodes-itest.invalid/#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API User',
			name: 'username',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'reseller-api-user',
			description: 'The API user name that iTest gave your reseller account',
		},
		{
			displayName: 'API Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The API password that iTest gave your reseller account. It is sent in the request body, never in the URL.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			required: true,
			default: 'https://api.i-test.net/',
			description: 'Address of the iTest API. Must start with https:// (plain http:// is accepted only for 127.0.0.1 or localhost, e.g. a local test server).',
		},
		{
			displayName: 'API User Field Name',
			name: 'userFieldName',
			type: 'string',
			required: true,
			default: 'API_95718',
			description: 'Name of the form field that carries the API user. iTest\'s guide gives API_95718; change it only if iTest tells you another name.',
		},
		{
			displayName: 'API Password Field Name',
			name: 'passFieldName',
			type: 'string',
			required: true,
			default: 'API_84572',
			description: 'Name of the form field that carries the API password. iTest\'s guide gives API_84572 (written "API 84572", which the server reads the same); change it only if iTest tells you another name.',
		},
		{
			displayName: 'Text Encoding',
			name: 'textEncoding',
			type: 'options',
			default: 'latin1',
			options: [
				{
					name: 'ISO-8859-1 (Latin-1)',
					value: 'latin1',
					description: 'The character set iTest\'s server answers in. Names with characters outside it, such as emoji or Cyrillic, are rejected with an error.',
				},
				{
					name: 'UTF-8',
					value: 'utf8',
					description: 'Use only if iTest confirms your account stores text in UTF-8',
				},
			],
			description: 'Character set of the names sent to iTest. Company, breakout and country names must match what your account stores, byte for byte.',
		},
	];

	authenticate = addLoginToBody;

	// iTest has no request that is known to change nothing, so the test only proves that the
	// Base URL answers over TLS with a 2xx status when sent the login. It cannot tell whether
	// the login is accepted: iTest reports that inside its XML, which credential tests cannot read.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '',
			method: 'POST',
		},
	};
}
