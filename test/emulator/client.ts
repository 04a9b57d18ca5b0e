/**
 * A minimal iTest client for the emulator tests: it sends requests the way the node
 * does (fields in the query, login in the body) through Node's global fetch.
 */
import type { Emulator } from '../../emulator';

export type Encoding = 'latin1' | 'utf8';

/** The default login of the emulator, as form fields with their default names. */
export const LOGIN: Record<string, string> = { API_95718: 'reseller', API_84572: 'emulator-secret' };

/**
 * Percent-encodes the bytes of `text` in `encoding`. Only unreserved ASCII characters
 * stay literal, so a space becomes %20 and a plus %2B, as the node sends them.
 */
export function percentEncode(text: string, encoding: Encoding = 'latin1'): string {
	let encoded = '';
	for (const byte of Buffer.from(text, encoding)) {
		const char = String.fromCharCode(byte);
		encoded += /[A-Za-z0-9._~-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
	}
	return encoded;
}

/** Encodes fields as `name=value&...`, percent-encoding names and values. */
export function formEncode(fields: Record<string, string>, encoding: Encoding = 'latin1'): string {
	return Object.entries(fields)
		.map(([name, value]) => `${percentEncode(name, encoding)}=${percentEncode(value, encoding)}`)
		.join('&');
}

export interface ApiResponse {
	status: number;
	headers: Headers;
	bytes: Buffer;
	/** The body decoded as Latin-1 (byte for byte) unless the call asked for UTF-8. */
	text: string;
}

async function toApiResponse(response: Response, encoding: Encoding): Promise<ApiResponse> {
	const bytes = Buffer.from(await response.arrayBuffer());
	return { status: response.status, headers: response.headers, bytes, text: bytes.toString(encoding) };
}

export interface CallOptions {
	/** Encoding of query and body values and of the response text. Default latin1. */
	encoding?: Encoding;
	/** HTTP method. Default POST. */
	method?: string;
	/** Path after the base URL. Default empty (the API path /). */
	path?: string;
}

/**
 * Sends an API request: `query` goes into the query string (a string is sent as it is)
 * and `body` as a form-urlencoded body.
 */
export async function callApi(
	emulator: Emulator,
	query: Record<string, string> | string,
	body: Record<string, string> = LOGIN,
	options: CallOptions = {},
): Promise<ApiResponse> {
	const encoding = options.encoding ?? 'latin1';
	const queryString = typeof query === 'string' ? query : formEncode(query, encoding);
	const method = options.method ?? 'POST';
	const response = await fetch(`${emulator.url}${options.path ?? ''}?${queryString}`, {
		method,
		headers: method === 'POST' ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {},
		body: method === 'POST' ? formEncode(body, encoding) : undefined,
	});
	return toApiResponse(response, encoding);
}

/**
 * Sends a multipart request with `fields` as text parts and `file` as the `uploadfile` part.
 * A null file sends the text parts only.
 */
export async function uploadFile(
	emulator: Emulator,
	query: Record<string, string>,
	file: Buffer | string | null,
	fields: Record<string, string> = LOGIN,
	fileName = 'upload.txt',
): Promise<ApiResponse> {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) form.append(name, value);
	if (file !== null) {
		// Blob takes ArrayBuffer-backed views only, so a Buffer is copied into a plain Uint8Array.
		const part = typeof file === 'string' ? file : new Uint8Array(file);
		form.append('uploadfile', new Blob([part]), fileName);
	}

	const response = await fetch(`${emulator.url}?${formEncode(query)}`, { method: 'POST', body: form });
	return toApiResponse(response, 'latin1');
}

/**
 * Returns the emulator's XML for a result under `root`, below `wrapper` when it is not
 * null, written out independently of the emulator's own renderer.
 */
export function resultXml(root: string, wrapper: string | null, element: string, text: string): string {
	if (wrapper === null) return `<${root}>\n    <${element}>${text}</${element}>\n</${root}>\n`;
	return `<${root}>\n    <${wrapper}>\n        <${element}>${text}</${element}>\n    </${wrapper}>\n</${root}>\n`;
}

/** Fields of a valid t=4010 request. */
export function companyQuery(cid: string, overrides: Record<string, string> = {}): Record<string, string> {
	return { t: '4010', cid, name: `Company ${cid}`, enable: '1', ...overrides };
}

/** Fields of a valid t=4020 request. */
export function userQuery(cid: string, uid: string, overrides: Record<string, string> = {}): Record<string, string> {
	return {
		t: '4020',
		cid,
		uid,
		firstname: 'Ada',
		lastname: 'Lovelace',
		email: 'ada@example.com',
		role: 'user',
		state: '1',
		...overrides,
	};
}

/** Fields of a valid t=5020 request. */
export function supplierQuery(cid: string, sid: string, overrides: Record<string, string> = {}): Record<string, string> {
	return { t: '5020', cid, sid, name: `Supplier ${sid}`, type: 'std', codec: 'alaw', ...overrides };
}

/** Creates a company and fails the test unless the emulator accepts it. */
export async function createCompany(emulator: Emulator, cid: string): Promise<void> {
	const response = await callApi(emulator, companyQuery(cid));
	expect(response.text).toBe(resultXml('Company', 'Adminitration', 'Status', 'Success'));
}

/** Creates a user in an existing company and fails the test unless the emulator accepts it. */
export async function createUser(emulator: Emulator, cid: string, uid: string): Promise<void> {
	const response = await callApi(emulator, userQuery(cid, uid));
	expect(response.text).toBe(resultXml('User', uid, 'Status', 'Success'));
}

/** Creates a supplier and fails the test unless the emulator accepts it. */
export async function createSupplier(emulator: Emulator, cid: string, sid: string): Promise<void> {
	const response = await callApi(emulator, supplierQuery(cid, sid));
	expect(response.text).toBe(resultXml('Supplier', sid, 'Status', 'Success'));
}
