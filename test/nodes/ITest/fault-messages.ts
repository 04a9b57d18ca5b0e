/** The message the node shows for each emulator fault, for tests that inject many of them. */
import type { FaultSpec } from '../../../emulator';

export interface FaultMessageContext {
	/** The request's action, e.g. `create or update company "C-2"`. */
	action: string;
	itemIndex: number;
	/** How many times the request was sent. */
	attempts: number;
	/** `host:port` the node connected to. */
	host: string;
	/** The document element the request expects, e.g. `Company`. */
	expectedRoot: string;
}

/** Returns the exact error message for a request whose last attempt met `fault`. */
export function expectedFaultMessage(fault: FaultSpec, context: FaultMessageContext): string {
	const { action, itemIndex, attempts, host, expectedRoot } = context;
	const suffix = `${attempts > 1 ? ` (${attempts} attempts)` : ''} [item ${itemIndex}]`;
	const unreadable = `iTest sent a reply that could not be read while trying to ${action}`;

	switch (fault.type) {
		case 'status': {
			const phrases: Record<number, string> = {
				500: 'Internal Server Error',
				502: 'Bad Gateway',
				503: 'Service Unavailable',
				504: 'Gateway Timeout',
			};
			const status = fault.status ?? 503;
			return `iTest answered with HTTP ${status} ${phrases[status]} while trying to ${action}${suffix}`;
		}
		case 'rateLimit':
			return `iTest answered with HTTP 429 Too Many Requests while trying to ${action}${suffix}`;
		case 'reset':
			return `Could not reach iTest at ${host} to ${action}: the connection was closed before iTest answered${suffix}`;
		case 'html':
			return `${unreadable}: an HTML page titled "Maintenance"${suffix}`;
		case 'truncated':
			return `${unreadable}: the reply ends before all its elements are closed${suffix}`;
		case 'empty':
			return `${unreadable}: the response body is empty${suffix}`;
		case 'statusText':
		case 'latin1':
			return `iTest could not ${action}: "${fault.text ?? ''}"${suffix}`;
		case 'wrongRoot':
			return `iTest sent an unexpected reply while trying to ${action}: expected a <${expectedRoot}> document but got <${fault.root ?? (expectedRoot === 'Company' ? 'User' : 'Company')}>${suffix}`;
		case 'slow':
			throw new Error('A slow reply fails only through the timeout; build that message in the test');
	}
}
