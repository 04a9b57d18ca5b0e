import { startEmulator, type Emulator, type FaultSpec } from '../../emulator';
import { callApi, companyQuery, createCompany, resultXml, userQuery } from './client';

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator();
});

afterAll(async () => {
	await emulator.close();
});

beforeEach(() => {
	emulator.reset();
	emulator.setOptions({ textEncoding: 'latin1', latencyMs: 0 });
});

const companySuccess = resultXml('Company', 'Adminitration', 'Status', 'Success');

async function timed<T>(action: () => Promise<T>): Promise<{ result: T; elapsedMs: number }> {
	const start = performance.now();
	const result = await action();
	return { result, elapsedMs: performance.now() - start };
}

describe('slow fault and latency', () => {
	it('delays the response and then runs the operation', async () => {
		emulator.setFault({ type: 'slow', ms: 300, count: 1 });

		const slow = await timed(() => callApi(emulator, companyQuery('C-1')));
		const normal = await timed(() => callApi(emulator, companyQuery('C-2')));

		// Node timers may fire up to a millisecond early relative to performance.now().
		expect(slow.elapsedMs).toBeGreaterThanOrEqual(298);
		expect(slow.result.text).toBe(companySuccess);
		expect(normal.elapsedMs).toBeLessThan(250);
		expect(emulator.state.companies.size).toBe(2);
		expect(emulator.requests.map((entry) => entry.fault)).toEqual(['slow', null]);
	});

	it('adds latencyMs to every request', async () => {
		emulator.setOptions({ latencyMs: 150 });

		const first = await timed(() => callApi(emulator, companyQuery('C-1')));
		const second = await timed(() => callApi(emulator, { t: '9999' }));

		expect(first.elapsedMs).toBeGreaterThanOrEqual(148);
		expect(second.elapsedMs).toBeGreaterThanOrEqual(148);
		expect(first.result.text).toBe(companySuccess);
	});
});

describe('HTTP error faults', () => {
	it.each([
		[502, 'text/html; charset=UTF-8', '<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<h1>502 Bad Gateway</h1>\n</body>\n</html>\n'],
		[503, 'text/html; charset=UTF-8', '<html>\n<head><title>503 Service Unavailable</title></head>\n<body>\n<h1>503 Service Unavailable</h1>\n</body>\n</html>\n'],
		[504, 'text/html; charset=UTF-8', '<html>\n<head><title>504 Gateway Timeout</title></head>\n<body>\n<h1>504 Gateway Timeout</h1>\n</body>\n</html>\n'],
		[500, 'text/plain; charset=UTF-8', '500 Internal Server Error\n'],
	])('answers status %i without touching state', async (status, contentType, body) => {
		emulator.setFault({ type: 'status', status, count: 1 });

		const response = await callApi(emulator, companyQuery('C-1'));

		expect(response.status).toBe(status);
		expect(response.headers.get('content-type')).toBe(contentType);
		expect(response.text).toBe(body);
		expect(emulator.state.companies.size).toBe(0);
		expect(emulator.requests[0].fault).toBe('status');
		expect(emulator.requests[0].httpStatus).toBe(status);
	});

	it('uses 503 when no status is given', async () => {
		emulator.setFault({ type: 'status', count: 1 });

		const response = await callApi(emulator, companyQuery('C-1'));

		expect(response.status).toBe(503);
	});

	it('answers 429 with Retry-After', async () => {
		emulator.setFault({ type: 'rateLimit', retryAfter: 7, count: 1 });

		const response = await callApi(emulator, companyQuery('C-1'));

		expect(response.status).toBe(429);
		expect(response.headers.get('retry-after')).toBe('7');
		expect(response.text).toBe('Too many requests: retry after 7 seconds\n');
		expect(emulator.state.companies.size).toBe(0);
	});

	it('uses a Retry-After of 1 second by default', async () => {
		emulator.setFault({ type: 'rateLimit', count: 1 });

		const response = await callApi(emulator, companyQuery('C-1'));

		expect(response.headers.get('retry-after')).toBe('1');
	});
});

describe('reset fault', () => {
	it('closes the connection without a response', async () => {
		emulator.setFault({ type: 'reset', count: 1 });

		await expect(callApi(emulator, companyQuery('C-1'))).rejects.toThrow('fetch failed');

		expect(emulator.state.companies.size).toBe(0);
		expect(emulator.requests[0].fault).toBe('reset');
		expect(emulator.requests[0].httpStatus).toBeNull();
		expect(emulator.requests[0].responseText).toBeNull();
		expect(emulator.requests[0].query.cid).toBe('C-1');
	});

	it('keeps the state change with afterOperation', async () => {
		emulator.setFault({ type: 'reset', count: 1, afterOperation: true });

		await expect(callApi(emulator, companyQuery('C-1'))).rejects.toThrow('fetch failed');

		expect(emulator.state.companies.get('C-1')?.name).toBe('Company C-1');
	});
});

describe('damaged 200 responses', () => {
	it('sends an HTML error page', async () => {
		emulator.setFault({ type: 'html', count: 1 });

		const response = await callApi(emulator, companyQuery('C-1'));

		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
		expect(response.text).toBe(
			'<!DOCTYPE html>\n<html>\n<head><title>Maintenance</title></head>\n<body>\n' +
				'<h1>Service temporarily unavailable</h1>\n<p>The API is under maintenance. Please try again later.</p>\n' +
				'</body>\n</html>\n',
		);
		expect(emulator.state.companies.size).toBe(0);
	});

	it('cuts the success response in half', async () => {
		emulator.setFault({ type: 'truncated', count: 1 });

		const response = await callApi(emulator, companyQuery('C-1'));

		expect(response.status).toBe(200);
		expect(response.text).toBe(companySuccess.slice(0, Math.floor(companySuccess.length / 2)));
		expect(response.headers.get('content-length')).toBe(String(Math.floor(companySuccess.length / 2)));
		expect(emulator.state.companies.size).toBe(0);
	});

	it('cuts after the given number of bytes', async () => {
		emulator.setFault({ type: 'truncated', bytes: 12, count: 1 });

		const response = await callApi(emulator, companyQuery('C-1'));

		expect(response.text).toBe('<Company>\n  ');
	});

	it('cuts the real response with afterOperation', async () => {
		await createCompany(emulator, 'C-1');
		emulator.setFault({ type: 'truncated', bytes: 50, count: 1, afterOperation: true });

		const response = await callApi(emulator, userQuery('C-1', 'U-1'));

		expect(response.text).toBe(resultXml('User', 'U-1', 'Status', 'Success').slice(0, 50));
		expect(emulator.state.users.has('U-1')).toBe(true);
	});

	it('sends a Status text of its own', async () => {
		emulator.setFault({ type: 'statusText', text: 'Temporarily disabled', count: 1 });

		const response = await callApi(emulator, companyQuery('C-1'));

		expect(response.text).toBe(resultXml('Company', 'Adminitration', 'Status', 'Temporarily disabled'));
		expect(emulator.state.companies.size).toBe(0);
	});

	it.each([
		['4010', companyQuery('C-1'), resultXml('User', 'Adminitration', 'Status', 'Success')],
		['4020', userQuery('C-1', 'U-1'), resultXml('Company', 'U-1', 'Status', 'Success')],
	])('sends another root element for t=%s', async (_t, query, expected) => {
		emulator.setFault({ type: 'wrongRoot', count: 1 });

		const response = await callApi(emulator, query);

		expect(response.text).toBe(expected);
	});

	it('sends the given wrong root', async () => {
		emulator.setFault({ type: 'wrongRoot', root: 'Profile', count: 1 });

		const response = await callApi(emulator, companyQuery('C-1'));

		expect(response.text).toBe(resultXml('Profile', 'Adminitration', 'Status', 'Success'));
	});

	it('sends an empty body', async () => {
		emulator.setFault({ type: 'empty', count: 1 });

		const response = await callApi(emulator, companyQuery('C-1'));

		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/xml; charset=ISO-8859-1');
		expect(response.bytes.length).toBe(0);
		expect(emulator.state.companies.size).toBe(0);
	});

	it('sends a Latin-1 Status text with non-ASCII characters', async () => {
		emulator.setFault({ type: 'latin1', count: 1 });

		const response = await callApi(emulator, companyQuery('C-1'));

		expect(response.headers.get('content-type')).toBe('text/xml; charset=ISO-8859-1');
		expect(response.text).toBe(
			resultXml('Company', 'Adminitration', 'Status', "Invalid value for name: Télécom Côte d'Ivoire"),
		);
		expect(response.bytes.includes(Buffer.from([0x54, 0xe9, 0x6c, 0xe9]))).toBe(true);
		expect(emulator.state.companies.size).toBe(0);
	});

	it('sends Latin-1 bytes even when the emulator declares UTF-8', async () => {
		emulator.setOptions({ textEncoding: 'utf8' });
		emulator.setFault({ type: 'latin1', text: 'Opération refusée', count: 1 });

		const response = await callApi(emulator, companyQuery('C-1'));

		expect(response.headers.get('content-type')).toBe('text/xml; charset=UTF-8');
		expect(response.bytes).toEqual(
			Buffer.from(resultXml('Company', 'Adminitration', 'Status', 'Opération refusée'), 'latin1'),
		);
		expect(emulator.requests[0].responseText).toBe(resultXml('Company', 'Adminitration', 'Status', 'Opération refusée'));
	});

	it('previews a fresh OTP for a faulted t=4024 without storing it', async () => {
		emulator.setFault({ type: 'truncated', bytes: 1000, count: 1 });

		const response = await callApi(emulator, { t: '4024', uid: 'U-1' });

		expect(response.text).toMatch(/^<User>\n {4}<U-1>\n {8}<OTP>[a-z0-9]{32}<\/OTP>\n {4}<\/U-1>\n<\/User>\n$/);
		expect(emulator.state.otps.size).toBe(0);
	});
});

describe('fault selection', () => {
	it('applies a fault only to its request type', async () => {
		await createCompany(emulator, 'C-1');
		emulator.setFault({ type: 'status', status: 502, t: 4020 });

		const company = await callApi(emulator, companyQuery('C-2'));
		const user = await callApi(emulator, userQuery('C-1', 'U-1'));

		expect(company.status).toBe(200);
		expect(user.status).toBe(502);
		expect(emulator.listFaults()).toEqual([
			{ id: 1, type: 'status', status: 502, t: '4020', remaining: null, afterOperation: false },
		]);
	});

	it('applies a counted fault to exactly that many requests', async () => {
		emulator.setFault({ type: 'status', count: 2 });

		const statuses = [];
		for (let i = 0; i < 3; i++) statuses.push((await callApi(emulator, companyQuery(`C-${i}`))).status);

		expect(statuses).toEqual([503, 503, 200]);
		expect(emulator.listFaults()).toEqual([]);
	});

	it('applies an uncounted fault until cleared', async () => {
		emulator.setFault({ type: 'empty' });

		const first = await callApi(emulator, companyQuery('C-1'));
		const second = await callApi(emulator, companyQuery('C-2'));
		emulator.clearFaults();
		const third = await callApi(emulator, companyQuery('C-3'));

		expect(first.bytes.length).toBe(0);
		expect(second.bytes.length).toBe(0);
		expect(third.text).toBe(companySuccess);
	});

	it('applies the first matching fault in registration order', async () => {
		emulator.setFault({ type: 'status', status: 500, count: 1 });
		emulator.setFault({ type: 'rateLimit', count: 1 });

		const first = await callApi(emulator, companyQuery('C-1'));
		const second = await callApi(emulator, companyQuery('C-2'));

		expect(first.status).toBe(500);
		expect(second.status).toBe(429);
	});

	it('counts down the remaining uses', async () => {
		const record = emulator.setFault({ type: 'html', count: 3 });
		await callApi(emulator, companyQuery('C-1'));

		expect(record).toEqual({ id: 1, type: 'html', t: null, remaining: 3, afterOperation: false });
		expect(emulator.listFaults()[0].remaining).toBe(2);
	});
});

describe('fault validation', () => {
	it.each<[unknown, string]>([
		[{ type: 'explode' }, 'Invalid fault: unknown type "explode" (expected one of slow, status, rateLimit, reset, html, truncated, statusText, wrongRoot, empty, latin1)'],
		[{ type: 'status', code: 502 }, 'Invalid fault: status does not take code (allowed: type, count, t, afterOperation, status)'],
		[{ type: 'status', status: 404 }, 'Invalid fault: status must be one of 500, 502, 503, 504, got 404'],
		[{ type: 'slow' }, 'Invalid fault: ms must be a whole number of at least 1, got undefined'],
		[{ type: 'slow', ms: 10, afterOperation: true }, 'Invalid fault: afterOperation does not apply to slow, which always runs the operation'],
		[{ type: 'statusText' }, 'Invalid fault: statusText needs a non-empty text'],
		[{ type: 'html', count: 0 }, 'Invalid fault: count must be a whole number of at least 1, got 0'],
		[{ type: 'html', t: '' }, 'Invalid fault: t must be a request type such as "4010", got ""'],
		[{ type: 'wrongRoot', root: 'a b' }, 'Invalid fault: root must be an element name, got "a b"'],
	])('rejects %j', (spec, message) => {
		expect(() => emulator.setFault(spec as FaultSpec)).toThrow(message);
		expect(emulator.listFaults()).toEqual([]);
	});
});

describe('closing during a delay', () => {
	it('ends the pending request and resolves close', async () => {
		const shortLived = await startEmulator();
		shortLived.setFault({ type: 'slow', ms: 30_000 });

		const pending = callApi(shortLived, companyQuery('C-1'));
		// Poll through the control API until the request has taken the fault, so the delay has started.
		while (shortLived.requests.length === 0 || shortLived.requests[0].fault === null) {
			await fetch(`${shortLived.url}__emulator/state`);
		}
		const closing = await timed(() => shortLived.close());

		await expect(pending).rejects.toThrow('fetch failed');
		expect(closing.elapsedMs).toBeLessThan(1000);
		expect(shortLived.state.companies.size).toBe(0);
	});
});
