/** Builds the HTTP request for one iTest call: the URL with its query, and the POST body. */
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { BufferFile } from './bufferFile';
import type { ITestConnection } from './connection';
import { encodeFormFields, findEncodingProblem } from './encoding';
import type { ReplyExpectation } from './reply';

/** iTest's request types, sent as the `t` query field. */
export const REQUEST_TYPE = {
	companyUpsert: 4010,
	userUpsert: 4020,
	userRequestOtp: 4024,
	userSetOtp: 4025,
	profileUpsert: 5010,
	supplierUpsert: 5020,
	numberImport: 5110,
	breakoutPermissions: 5150,
} as const;

export type RequestType = (typeof REQUEST_TYPE)[keyof typeof REQUEST_TYPE];

/** One field to send: its API field name, its value and the parameter name a user would recognise. */
export interface RequestField {
	field: string;
	value: string;
	label: string;
}

export interface UploadFile {
	data: Buffer;
	fileName: string;
	mimeType: string;
}

export interface ITestRequest extends ReplyExpectation {
	type: RequestType;
	/** Action phrase that completes "while trying to …" in messages, e.g. `create or update company "C-17"`. */
	action: string;
	query: RequestField[];
	/** POST-only fields such as `pass` and `otp`. Their values are also treated as secrets. */
	form?: RequestField[];
	upload?: UploadFile;
	/**
	 * Whether iTest may receive this request twice without harm. Defaults to true, which fits
	 * the create-or-update calls. With false, the request is resent only when it provably never
	 * reached iTest (connection refused).
	 */
	idempotent?: boolean;
}

/**
 * Longest URL the node sends. By default Apache httpd rejects a request line over 8,190 bytes
 * (LimitRequestLine), and nginx's header buffer is 8 KiB. A longer URL would fail with an
 * obscure HTTP 414 or 400 from whichever server is in front of iTest.
 */
export const MAX_URL_BYTES = 8_000;

function checkEncodable(
	this: IExecuteFunctions,
	itemIndex: number,
	connection: ITestConnection,
	fields: RequestField[],
): void {
	for (const field of fields) {
		const problem = findEncodingProblem(field.value, connection.textEncoding);
		if (!problem) continue;
		const isSecret = field.field === 'pass' || field.field === 'otp';
		const shown = isSecret ? 'a character' : `"${problem.character}"`;
		throw new NodeOperationError(
			this.getNode(),
			`${field.label} contains ${shown} (${problem.codePoint}) that ${problem.reason} [item ${itemIndex}]`,
			{
				itemIndex,
				description:
					connection.textEncoding === 'latin1'
						? 'Remove or replace the character. If your iTest account stores names in UTF-8, set Text Encoding to UTF-8 in the iTest credential instead.'
						: 'Remove or replace the character.',
			},
		);
	}
}

/** Returns the URL with the query, after checking it is short enough for web servers to accept. */
function buildUrl(
	this: IExecuteFunctions,
	itemIndex: number,
	connection: ITestConnection,
	request: ITestRequest,
): string {
	const queryFields: Array<[string, string]> = [
		['t', String(request.type)],
		...request.query.map(({ field, value }): [string, string] => [field, value]),
	];
	const url = `${connection.baseUrl}?${encodeFormFields(queryFields, connection.textEncoding)}`;
	if (url.length <= MAX_URL_BYTES) return url;

	const longest = request.query.reduce((a, b) => (b.value.length > a.value.length ? b : a));
	throw new NodeOperationError(
		this.getNode(),
		`The request is too long to send: ${longest.label} is ${longest.value.length} characters long, which makes the URL ${url.length} bytes, more than the ${MAX_URL_BYTES} that web servers accept [item ${itemIndex}]`,
		{
			itemIndex,
			description: `iTest reads ${longest.label} from the URL. Shorten it, or check that the right input field is mapped to it.`,
		},
	);
}

function buildBody(
	request: ITestRequest,
	connection: ITestConnection,
): Pick<IHttpRequestOptions, 'body' | 'headers'> {
	const formFields = (request.form ?? []).map(({ field, value }): [string, string] => [field, value]);
	if (!request.upload) {
		return {
			body: encodeFormFields(formFields, connection.textEncoding),
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		};
	}

	// The runtime's FormData sets the multipart boundary and length itself; the credential
	// appends the login fields to it. The file part is the node's own buffer, not a copy.
	const form = new FormData();
	for (const [name, value] of formFields) form.append(name, value);
	const { data, fileName, mimeType } = request.upload;
	form.append('uploadfile', new BufferFile(data, fileName, mimeType));
	return { body: form };
}

/** Checks every value and returns a function that builds fresh options for each attempt. */
export function prepareRequest(
	this: IExecuteFunctions,
	itemIndex: number,
	connection: ITestConnection,
	request: ITestRequest,
): (timeoutMs: number) => IHttpRequestOptions {
	checkEncodable.call(this, itemIndex, connection, [...request.query, ...(request.form ?? [])]);
	const url = buildUrl.call(this, itemIndex, connection, request);

	// The body is built again for every attempt, because the credential appends the login to it.
	return (timeoutMs) => ({
		method: 'POST',
		url,
		...buildBody(request, connection),
		encoding: 'stream',
		// A redirect, such as a 307 or 308 that keeps the POST body, would send the login to
		// whatever host the server names. Redirects therefore fail as HTTP errors.
		disableFollowRedirect: true,
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: timeoutMs,
	});
}
