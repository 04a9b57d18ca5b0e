/** Types shared by the emulator's CommonJS modules (through JSDoc) and by TypeScript callers. */

/** Character encoding of query values, form bodies and response bodies. */
export type TextEncoding = 'latin1' | 'utf8';

/** Handling of a supplier's existing permissions by t=5150: replace them or add to them. */
export type PermissionMode = 'replace' | 'add';

export interface EmulatorOptions {
	/** TCP port, where 0 picks a free one. Default 0. */
	port?: number;
	/** Only '127.0.0.1' is accepted: the emulator never listens on another interface. */
	host?: string;
	/** Reseller API user expected in the login field. Default 'reseller'. */
	username?: string;
	/** Reseller API password expected in the password field. Default 'emulator-secret'. */
	password?: string;
	/** Form field carrying the API user. Default 'API_95718'. */
	userField?: string;
	/** Form field carrying the API password. Default 'API_84572'. */
	passField?: string;
	/** Encoding of percent-decoded query and form values and of response bodies. Default 'latin1'. */
	textEncoding?: TextEncoding;
	/** Default 'replace'. */
	permissionMode?: PermissionMode;
	/** Delay in ms before responding to each fully read `POST /`, for benchmarks. Default 0. */
	latencyMs?: number;
	/** Maximum request body size in bytes. A larger body gets HTTP 413. Default 64 MiB. */
	maxUploadBytes?: number;
	/** Start response bodies with an `<?xml ... encoding="..."?>` declaration. Default false. */
	xmlDeclaration?: boolean;
	/** Put the charset into the Content-Type header of XML responses. Default true. */
	charsetHeader?: boolean;
	/** Number of request log entries kept. Older entries are dropped first. Default 10000. */
	maxLoggedRequests?: number;
}

export type ResolvedOptions = Required<EmulatorOptions>;

/** Options that can change while the emulator runs (everything but port and host). */
export type MutableOptions = Omit<EmulatorOptions, 'port' | 'host'>;

export interface CompanyRecord {
	cid: string;
	name: string;
	enabled: boolean;
}

export interface UserRecord {
	uid: string;
	cid: string;
	firstname: string;
	lastname: string;
	email: string;
	role: 'admin' | 'user';
	enabled: boolean;
	/** The user's own password from t=4020, or null when none was ever sent. Never written to a response. */
	password: string | null;
}

export interface ProfileRecord {
	cid: string;
	pid: string;
	name: string;
	type: 'std' | 'sms';
	ip: string;
	port: number;
	/** 'xxx' (random source number) or a number. */
	srcn: string;
	/** Maximum call duration. */
	call: number;
	/** Maximum ring duration. */
	ring: number;
}

export interface SupplierRecord {
	cid: string;
	sid: string;
	name: string;
	type: 'std' | 'sms';
	codec: 'alaw' | 'ulaw' | '729';
	prefix: string | null;
	email: string | null;
}

export interface BreakoutPermission {
	country: string;
	breakout: string;
}

/** Plain, JSON-friendly copy of the emulator state. Contains no passwords. */
export interface StateSnapshot {
	companies: CompanyRecord[];
	users: Array<Omit<UserRecord, 'password'> & { hasPassword: boolean }>;
	otps: Array<{ uid: string; otp: string }>;
	profiles: ProfileRecord[];
	suppliers: SupplierRecord[];
	numbers: Array<{ cid: string; count: number }>;
	permissions: Array<{ cid: string; sid: string; entries: BreakoutPermission[] }>;
}

/** The in-memory account of the emulated reseller. */
export interface EmulatorState {
	readonly companies: Map<string, CompanyRecord>;
	/** Users by uid: t=4024 and t=4025 name a user by uid alone, so a uid is unique in the account. */
	readonly users: Map<string, UserRecord>;
	/** Current one-time password by uid. */
	readonly otps: Map<string, string>;
	getProfile(cid: string, pid: string): ProfileRecord | undefined;
	getSupplier(cid: string, sid: string): SupplierRecord | undefined;
	/** Imported numbers of a company, or an empty set when none were imported. */
	getNumbers(cid: string): Set<string>;
	/** Breakout permissions of a supplier in upload order, or an empty list when none were set. */
	getPermissions(cid: string, sid: string): BreakoutPermission[];
	snapshot(): StateSnapshot;
}

/** Decoded form fields: text values plus the raw bytes each value was decoded from. */
export interface FieldSet {
	values: Record<string, string>;
	bytes: Record<string, Buffer>;
}

export interface UploadedFile {
	fieldName: string;
	fileName: string;
	contentType: string | null;
	bytes: Buffer;
	byteLength: number;
}

export type FaultType =
	| 'slow'
	| 'status'
	| 'rateLimit'
	| 'reset'
	| 'html'
	| 'truncated'
	| 'statusText'
	| 'wrongRoot'
	| 'empty'
	| 'latin1';

/** A fault to apply to API requests. Only `type` is required. */
export interface FaultSpec {
	type: FaultType;
	/** Number of matching requests to fault. When omitted, every matching request is faulted until the fault is cleared. */
	count?: number;
	/** Only fault requests with this request type (the `t` query field). */
	t?: string | number;
	/**
	 * Run the operation first (keeping its state change) and then replace its response by the fault,
	 * as when a response is lost after the server did the work. Not allowed for 'slow'.
	 */
	afterOperation?: boolean;
	/** slow: delay in ms before the normal response. */
	ms?: number;
	/** status: HTTP status, one of 500, 502, 503, 504. Default 503. */
	status?: number;
	/** rateLimit: Retry-After value in seconds. Default 1. */
	retryAfter?: number;
	/** statusText and latin1: the Status text to return. */
	text?: string;
	/** wrongRoot: the root element to use instead of the expected one. */
	root?: string;
	/** truncated: number of body bytes to send. Default half of the body. */
	bytes?: number;
}

/** A registered fault, as returned by setFault and the control API. */
export interface FaultRecord extends Omit<FaultSpec, 't' | 'count'> {
	id: number;
	t: string | null;
	/** Requests still to fault, or null for every request until cleared. */
	remaining: number | null;
	afterOperation: boolean;
}

/** One request received on the API path, kept in the request log. */
export interface RequestLogEntry {
	/** Sequence number, starting at 1 for the first request after start or reset. */
	id: number;
	receivedAt: string;
	method: string;
	path: string;
	/** The query string as received, without the leading '?'. */
	rawQuery: string;
	/** The `t` query field, or null when absent. */
	t: string | null;
	query: Record<string, string>;
	queryBytes: Record<string, Buffer>;
	contentType: string | null;
	body: Record<string, string>;
	bodyBytes: Record<string, Buffer>;
	/** The `uploadfile` part of a multipart body, or null. */
	file: UploadedFile | null;
	login: { user: string | null; password: string | null };
	/** HTTP status sent, or null when none was sent (reset fault, or still pending). */
	httpStatus: number | null;
	/** Response body as sent, decoded from its charset, or null when none was sent. */
	responseText: string | null;
	/** Type of the fault applied to this request, or null. */
	fault: FaultType | null;
}
