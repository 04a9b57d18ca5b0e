import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ITestReply } from '../../../../nodes/ITest/xml';
import type { FailureContext } from '../../../../nodes/ITest/transport/errors';
import type { ReceivedResponse, ReplyExpectation } from '../../../../nodes/ITest/transport/reply';
import { interpretReply } from '../../../../nodes/ITest/transport/reply';
import { ITestApi } from '../../../../credentials/ITestApi.credentials';
import { ITest } from '../../../../nodes/ITest/ITest.node';
import { executeNode } from '../../../harness';
import type { HostileReply } from '../hostile-server';
import { startHostileServer } from '../hostile-server';
import { SeededRandom } from '../random';

const SECRET = 'fuzz-Secret-9Qw';
const node: INode = {
	id: 'fuzz',
	name: 'iTest',
	type: 'n8n-nodes-itest.iTest',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** Replies shaped like the API guide's samples, for every request type. */
const SAMPLES: Array<{ expectation: ReplyExpectation; xml: string }> = [
	{ expectation: { expectedRoot: 'Company', expect: 'status' }, xml: '<Company>\n    <Adminitration>\n        <Status>Success</Status>\n    </Adminitration>\n</Company>\n' },
	{ expectation: { expectedRoot: 'User', expectedRecord: '04811849', expect: 'status' }, xml: '<User>\n    <04811849>\n        <Status>Success</Status>\n    </04811849>\n</User>\n' },
	{ expectation: { expectedRoot: 'User', expectedRecord: 'U-1', expect: 'otp' }, xml: '<User><U-1><OTP>a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4</OTP></U-1></User>' },
	{ expectation: { expectedRoot: 'Profile', expectedRecord: 'R&D 7', expect: 'status' }, xml: '<Profile><R&D 7><Status>Success</Status></R&D 7></Profile>' },
	{ expectation: { expectedRoot: 'Supplier', expectedRecord: 'ACME+17', expect: 'status' }, xml: '<Supplier><ACME+17><Status>Success</Status></ACME+17></Supplier>' },
	{ expectation: { expectedRoot: 'NDB', expect: 'status' }, xml: '<?xml version="1.0" encoding="ISO-8859-1"?>\n<NDB><Number_Upload><Status>Success</Status></Number_Upload></NDB>' },
	{ expectation: { expectedRoot: 'NDB', expect: 'status' }, xml: '<NDB><Supplier_Permissions><Status>Invalid value for name: Télécom & Co</Status></Supplier_Permissions></NDB>' },
	{ expectation: { expectedRoot: 'Company', expect: 'status' }, xml: '<Error><Status>Unknown request type: 9999</Status></Error>' },
];

const HOSTILE_NAMES = [
	'__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__',
	'#text', ':@', 'xml:__proto__', '_itest_name_0', 'a:b', '0', 'Status Status', '__proto__ x="1"',
];

const ENTITY_PAYLOADS = [
	'&lol;', '&#x110000;', '&#0;', '&#xD800;', '&amp;amp;', '&#99999999999;', '&', '&#;', '&#x;', '&lt;&gt;&quot;&apos;',
	'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>',
	'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
	'<!ENTITY e "x">', '<!DOCTYPE html>', '<!doctype', '<![CDATA[', ']]>', '<!--', '-->', '<?xml-stylesheet href="x"?>', '<?',
];

const TOKENS = [
	'<', '>', '</', '/>', '<?', '?>', '<!--', '-->', '<![CDATA[', ']]>', '&', ';', '"', "'", '=', 'Status', 'Success',
	'User', 'OTP', '__proto__', 'constructor', ' ', '\n', '\u0000', 'é', '#', 'x', '<Status>', '</Status>', '<User>', '</User>',
];

const CONTENT_TYPES = [
	'text/xml; charset=ISO-8859-1', 'text/xml; charset=utf-8', 'text/xml', 'text/html; charset=UTF-8', 'application/json',
	undefined, 'text/xml; charset=bogus', 'text/xml; charset="utf-16"', 'text/xml; charset=' + 'a'.repeat(500),
];

const STATUS_CODES = [100, 204, 301, 400, 401, 403, 404, 413, 429, 500, 502, 503, 504, 599];

interface FuzzCase {
	kind: string;
	expectation: ReplyExpectation;
	response: ReceivedResponse;
}

function mutate(random: SeededRandom, input: Buffer): { kind: string; body: Buffer } {
	const at = random.int(0, input.length);
	switch (random.int(0, 7)) {
		case 0:
			return { kind: 'truncated', body: input.subarray(0, at) };
		case 1:
			return { kind: 'random bytes inserted', body: Buffer.concat([input.subarray(0, at), random.bytes(random.int(1, 16)), input.subarray(at)]) };
		case 2: {
			const copy = Buffer.from(input);
			for (let flips = random.int(1, 8); flips > 0; flips--) copy[random.int(0, copy.length - 1)] = random.int(0, 255);
			return { kind: 'bytes replaced', body: copy };
		}
		case 3: {
			const end = random.int(at, input.length);
			return { kind: 'slice repeated', body: Buffer.concat([input.subarray(0, end), input.subarray(at, end), input.subarray(at)]) };
		}
		case 4:
			return { kind: 'slice deleted', body: Buffer.concat([input.subarray(0, at), input.subarray(random.int(at, input.length))]) };
		case 5: {
			const text = input.toString('latin1').replace(/<(\/?)([^<>/]+)>/g, (match, slash: string) =>
				random.chance(0.4) ? `<${slash}${random.pick(HOSTILE_NAMES)}>` : match,
			);
			return { kind: 'hostile element names', body: Buffer.from(text, 'latin1') };
		}
		case 6:
			return { kind: 'entity payload', body: Buffer.concat([input.subarray(0, at), Buffer.from(random.pick(ENTITY_PAYLOADS), 'latin1'), input.subarray(at)]) };
		default: {
			const prefix = random.pick([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff, 0xfe]), Buffer.from('   \n'), Buffer.alloc(0)]);
			return { kind: 'prefix', body: Buffer.concat([prefix, input]) };
		}
	}
}

function generated(random: SeededRandom): { kind: string; body: Buffer } {
	switch (random.int(0, 6)) {
		case 0:
			return { kind: 'random bytes', body: random.bytes(random.int(0, 2000)) };
		case 1: {
			let text = '';
			for (let count = random.int(0, 200); count > 0; count--) text += random.pick(TOKENS);
			return { kind: 'token soup', body: Buffer.from(text, 'latin1') };
		}
		case 2: {
			const depth = random.int(100, 60_000);
			return { kind: `nested ${depth} deep`, body: Buffer.from(`<Company>${'<a>'.repeat(depth)}<Status>Success</Status>${'</a>'.repeat(depth)}</Company>`) };
		}
		case 3: {
			// Text nodes up to the 1 MiB reply limit cost about 70 ms each, so most are kept small.
			const size = random.chance(0.05) ? random.int(100_000, 1_000_000) : random.int(1_000, 50_000);
			return { kind: `text node of ${size} bytes`, body: Buffer.from(`<Company><Adminitration><Status>${random.pick(['S', '&amp;', 'é'])}${'S'.repeat(size)}</Status></Adminitration></Company>`) };
		}
		case 4: {
			const count = random.int(1_000, 40_000);
			return { kind: `${count} siblings`, body: Buffer.from(`<Company><Adminitration>${'<Status>Success</Status>'.repeat(count)}</Adminitration></Company>`) };
		}
		case 5: {
			const count = random.int(10, 5_000);
			const attributes = Array.from({ length: count }, (_unused, index) => `${random.pick(['__proto__', 'constructor', 'a'])}${index % 3 === 0 ? '' : index}="x"`).join(' ');
			return { kind: `${count} attributes`, body: Buffer.from(`<Company ${attributes}><Adminitration><Status>Success</Status></Adminitration></Company>`) };
		}
		default:
			return { kind: 'secret echo', body: Buffer.from(`<Company><${SECRET}><Status>${SECRET} Success</Status></${SECRET}><Status>Success</Status></Company>`) };
	}
}

function makeCase(random: SeededRandom): FuzzCase {
	const sample = random.pick(SAMPLES);
	let source = random.chance(0.8)
		? mutate(random, Buffer.from(sample.xml, 'latin1'))
		: generated(random);
	// Some cases get several mutations in a row.
	while (random.chance(0.3)) {
		const next = mutate(random, source.body);
		source = { kind: `${source.kind}, ${next.kind}`, body: next.body };
	}
	return {
		kind: source.kind,
		expectation: sample.expectation,
		response: {
			statusCode: random.chance(0.85) ? 200 : random.pick(STATUS_CODES),
			statusMessage: random.pick(['OK', 'Service Unavailable', '', SECRET]),
			contentType: random.pick(CONTENT_TYPES),
			body: source.body,
		},
	};
}

function prototypeNames(): string {
	return [Object.prototype, Array.prototype, Function.prototype]
		.map((prototype) => Object.getOwnPropertyNames(prototype).sort().join(','))
		.join('|');
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Returns a problem with the tree of a successful reply, or undefined when it is plain data. */
function treeProblem(value: unknown, depth = 0): string | undefined {
	if (value === null || typeof value !== 'object') return undefined;
	const prototype = Object.getPrototypeOf(value);
	if (prototype !== Object.prototype && prototype !== Array.prototype) return 'an object with a foreign prototype';
	for (const key of Object.keys(value)) {
		if (UNSAFE_KEYS.has(key)) return `an own key named ${key}`;
		const problem = treeProblem((value as Record<string, unknown>)[key], depth + 1);
		if (problem) return problem;
	}
	return undefined;
}

function checkReply(reply: ITestReply): string | undefined {
	if (JSON.stringify(reply).includes(SECRET)) return 'the secret appears in the reply';
	return treeProblem(reply.tree);
}

function checkError(error: unknown): string | undefined {
	if (!(error instanceof NodeApiError) && !(error instanceof NodeOperationError)) {
		return `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
	}
	if (!error.message.endsWith('[item 0]')) return `message without the item: ${error.message}`;
	if (`${error.message} ${error.description ?? ''}`.includes(SECRET)) return 'the secret appears in the error';
	return undefined;
}

const CASE_COUNT = 6_000;
const SLOW_CASE_MS = 1_000;

describe('response fuzzing', () => {
	test('any response gives a reply or a node error', () => {
		const random = new SeededRandom(5_150);
		const baseline = prototypeNames();
		const problems: string[] = [];
		let replies = 0;
		let errors = 0;
		const startedAt = Date.now();

		for (let index = 0; index < CASE_COUNT; index++) {
			const fuzzCase = makeCase(random);
			const failure: FailureContext = { node, itemIndex: 0, action: 'fuzz', host: '127.0.0.1', secrets: [SECRET] };
			const caseStartedAt = Date.now();
			let problem: string | undefined;
			try {
				problem = checkReply(interpretReply(failure, fuzzCase.expectation, fuzzCase.response));
				replies++;
			} catch (error) {
				problem = checkError(error);
				errors++;
			}
			const elapsedMs = Date.now() - caseStartedAt;
			if (elapsedMs > SLOW_CASE_MS) problem = `took ${elapsedMs} ms`;
			if (prototypeNames() !== baseline) problem = 'a built-in prototype changed';
			if (problem) problems.push(`case ${index} (${fuzzCase.kind}): ${problem}`);
		}

		expect(problems).toEqual([]);
		expect(replies + errors).toBe(CASE_COUNT);
		// Some mutations leave a valid reply, so both paths are exercised.
		expect(replies).toBeGreaterThan(100);
		expect(errors).toBeGreaterThan(CASE_COUNT / 2);
		expect(Date.now() - startedAt).toBeLessThan(30_000);
	}, 60_000);
});

describe('response fuzzing over HTTP', () => {
	let nextReply: HostileReply = { kind: 'bytes', body: Buffer.alloc(0) };
	let server: Awaited<ReturnType<typeof startHostileServer>>;

	beforeAll(async () => {
		server = await startHostileServer(() => nextReply);
	});

	afterAll(async () => {
		await server.close();
	});

	test('the node fails cleanly on any response', async () => {
		const random = new SeededRandom(4_024);
		const baseline = prototypeNames();
		const problems: string[] = [];

		for (let index = 0; index < 150; index++) {
			const fuzzCase = makeCase(random);
			const headers: Record<string, string> = {};
			if (fuzzCase.response.contentType !== undefined) headers['Content-Type'] = fuzzCase.response.contentType;
			nextReply = { kind: 'bytes', status: Math.max(200, fuzzCase.response.statusCode), headers, body: fuzzCase.response.body };

			const result = await executeNode({
				nodeType: new ITest(),
				credentialTypes: [new ITestApi()],
				credentials: {
					iTestApi: { username: 'reseller', password: SECRET, baseUrl: server.url, userFieldName: 'API_95718', passFieldName: 'API_84572', textEncoding: 'latin1' },
				},
				parameters: { resource: 'company', operation: 'upsert', companyId: 'C-1', name: 'A', enabled: true, options: { includeRawResponse: true, maxRetries: 0 } },
			});

			let problem = result.error === undefined ? undefined : checkError(result.error);
			if (JSON.stringify(result.output ?? []).includes(SECRET)) problem = 'the secret appears in the output';
			if (prototypeNames() !== baseline) problem = 'a built-in prototype changed';
			if (problem) problems.push(`case ${index} (${fuzzCase.kind}): ${problem}`);
		}

		expect(problems).toEqual([]);
	}, 60_000);
});
