import type { ICredentialsDecrypted, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { TextEncodingName } from './encoding';
import { encodeFormFields } from './encoding';

export const CREDENTIAL_NAME = 'iTestApi';

/** The moment after which the run sends no more requests. */
export interface RunDeadline {
	/** Milliseconds since the epoch. */
	at: number;
	/** The configured length of the run, for messages. */
	ms: number;
}

/** Credential settings the transport needs besides the login, which n8n adds itself. */
export interface ITestConnection {
	/** Base URL with a trailing slash and no query string. */
	baseUrl: string;
	host: string;
	textEncoding: TextEncodingName;
	/** Values that must never appear in an output or an error, e.g. the API password. */
	secrets: string[];
	/**
	 * Credential read once at the start of the run. Every request hands it to n8n's authentication
	 * helper, which would otherwise query the database and decrypt the credential again.
	 */
	credential: ICredentialsDecrypted;
	/** Set by the router for the whole run; the transport starts no request after it. */
	deadline?: RunDeadline;
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Checks the credential's base URL. Plain `http://` is accepted only for loopback addresses
 * (a local emulator or proxy): anywhere else it would send the API password unencrypted.
 */
/** Tells whether a request to `target` would carry the login unencrypted off this machine. */
export function isUnencryptedRemote(target: string): boolean {
	try {
		const url = new URL(target);
		return url.protocol !== 'https:' && !LOOPBACK_HOST.test(url.hostname);
	} catch {
		return false;
	}
}

export function parseBaseUrl(value: string): { url: URL } | { problem: string } {
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		return { problem: `"${value}" is not a valid URL. Use the form https://api.i-test.net/.` };
	}

	if (url.protocol === 'http:' && !LOOPBACK_HOST.test(url.hostname)) {
		return {
			problem: `"${value}" uses http://, which would send the API password unencrypted. Use https://; plain http:// is accepted only for 127.0.0.1 or localhost.`,
		};
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return { problem: `"${value}" must start with https://.` };
	}
	if (url.search || url.hash || url.username || url.password) {
		return {
			problem: `"${value}" must not contain a query string, a fragment or a login. Enter only the address, such as https://api.i-test.net/.`,
		};
	}
	if (!url.pathname.endsWith('/')) url.pathname += '/';
	return { url };
}

/**
 * Returns the password as given and percent-encoded, the form in which a server that echoes
 * its raw request would show it.
 */
export function secretForms(secret: string, encoding: TextEncodingName): string[] {
	if (secret === '') return [];
	const encoded = encodeFormFields([['', secret]], encoding).slice(1);
	return encoded === secret ? [secret] : [secret, encoded];
}

export async function getConnection(this: IExecuteFunctions): Promise<ITestConnection> {
	const credentials = await this.getCredentials(CREDENTIAL_NAME);
	const parsed = parseBaseUrl(String(credentials.baseUrl ?? ''));
	if ('problem' in parsed) {
		throw new NodeOperationError(this.getNode(), `Invalid Base URL in the iTest credential: ${parsed.problem}`, {
			description: 'Open the iTest credential and correct the Base URL.',
		});
	}

	const textEncoding = credentials.textEncoding === 'utf8' ? 'utf8' : 'latin1';
	const password = String(credentials.password ?? '');
	const reference = this.getNode().credentials?.[CREDENTIAL_NAME];
	return {
		baseUrl: parsed.url.toString(),
		host: parsed.url.host,
		textEncoding,
		secrets: secretForms(password, textEncoding),
		credential: { id: reference?.id ?? '', name: reference?.name ?? '', type: CREDENTIAL_NAME, data: credentials },
	};
}
