/**
 * The only module that talks to iTest. Every request goes through n8n's HTTP helper with the
 * `iTestApi` credential, whose `authenticate` adds the login to the POST body.
 *
 * iTest reads the documented fields from the query string and the login, `pass` and `otp` from
 * the POST body, so secrets never appear in a URL that proxies and server logs keep.
 */
import type { IExecuteFunctions, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ITestReply } from '../xml';
import { decodeBody, readReply } from '../xml';
import type { ITestConnection } from './connection';
import { CREDENTIAL_NAME } from './connection';
import { encodeFormFields, findEncodingProblem } from './encoding';
import type { FailureContext } from './errors';
import {
	httpStatusError,
	networkError,
	redact,
	statusError,
	unexpectedReplyError,
	unreadableReplyError,
} from './errors';

export type { ITestConnection } from './connection';
export { getConnection } from './connection';

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

export interface ITestRequest {
	type: RequestType;
	/** What the request does, completing "while trying to …", e.g. `create or update company "C-17"`. */
	action: string;
	query: RequestField[];
	/** POST-only fields such as `pass` and `otp`. Their values are also treated as secrets. */
	form?: RequestField[];
	upload?: UploadFile;
	/** The document element the reply must have, e.g. `User`. */
	expectedRoot: string;
	/** The id the reply's record element must carry, for replies named after the caller's id. */
	expectedRecord?: string;
	/** `status` needs `<Status>Success</Status>`; `otp` needs a non-empty `<OTP>`. */
	expect: 'status' | 'otp';
}

export interface RequestSettings {
	timeoutMs: number;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
const BODY_PREVIEW_LENGTH = 200;

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
	// appends the login fields to it.
	const form = new FormData();
	for (const [name, value] of formFields) form.append(name, value);
	// A Buffer is a Uint8Array; the cast only widens its buffer type for the DOM typings.
	const file = new Blob([request.upload.data as Uint8Array<ArrayBuffer>], {
		type: request.upload.mimeType,
	});
	form.append('uploadfile', file, request.upload.fileName);
	return { body: form };
}

function bodyPreview(body: Buffer, contentType: string | undefined, secrets: string[]): string {
	const text = decodeBody(body.subarray(0, BODY_PREVIEW_LENGTH * 4), contentType)
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return redact(text.slice(0, BODY_PREVIEW_LENGTH), secrets);
}

function toBuffer(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (typeof body === 'string') return Buffer.from(body, 'latin1');
	return Buffer.alloc(0);
}

function headerValue(headers: IN8nHttpFullResponse['headers'], name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	if (Array.isArray(value)) return String(value[0]);
	return value === undefined ? undefined : String(value);
}

/** Sends one request to iTest and returns its reply once it has checked it is a success. */
export async function sendRequest(
	this: IExecuteFunctions,
	itemIndex: number,
	connection: ITestConnection,
	request: ITestRequest,
	settings: RequestSettings,
): Promise<ITestReply> {
	const formSecrets = (request.form ?? []).map((field) => field.value);
	const failure: FailureContext = {
		node: this.getNode(),
		itemIndex,
		action: request.action,
		host: connection.host,
		secrets: [...connection.secrets, ...formSecrets],
	};

	checkEncodable.call(this, itemIndex, connection, [...request.query, ...(request.form ?? [])]);
	const queryFields: Array<[string, string]> = [
		['t', String(request.type)],
		...request.query.map(({ field, value }): [string, string] => [field, value]),
	];
	const options: IHttpRequestOptions = {
		method: 'POST',
		url: `${connection.baseUrl}?${encodeFormFields(queryFields, connection.textEncoding)}`,
		...buildBody(request, connection),
		encoding: 'arraybuffer',
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: settings.timeoutMs,
	};

	let response: IN8nHttpFullResponse;
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_NAME,
			options,
		)) as IN8nHttpFullResponse;
	} catch (error) {
		throw networkError(failure, error, settings.timeoutMs);
	}

	const body = toBuffer(response.body);
	const contentType = headerValue(response.headers, 'content-type');
	if (response.statusCode < 200 || response.statusCode > 299) {
		throw httpStatusError(
			failure,
			response.statusCode,
			response.statusMessage,
			bodyPreview(body, contentType, failure.secrets),
		);
	}

	const result = readReply(body, contentType);
	if (!result.ok) {
		throw unreadableReplyError(failure, result.problem, result.detail, response.statusCode);
	}

	const { reply } = result;
	if (reply.rootName !== request.expectedRoot) {
		// iTest may answer every request type with its own error document; show its status if any.
		if (reply.status !== undefined && reply.status !== 'Success') throw statusError(failure, reply.status);
		throw unexpectedReplyError(
			failure,
			`expected a <${request.expectedRoot}> document but got <${reply.rootName}>`,
		);
	}

	if (reply.status !== undefined && reply.status !== 'Success') throw statusError(failure, reply.status);
	if (request.expect === 'status' && reply.status === undefined) {
		throw unexpectedReplyError(failure, 'the reply has no <Status> element');
	}
	if (request.expect === 'otp' && !reply.otp) {
		throw unexpectedReplyError(failure, 'the reply has no one-time password (<OTP> element)');
	}

	if (request.expectedRecord !== undefined && reply.recordName !== request.expectedRecord) {
		throw unexpectedReplyError(
			failure,
			`the reply is for "${reply.recordName ?? ''}" but the request was for "${request.expectedRecord}"`,
		);
	}
	return reply;
}
