import type { INode } from 'n8n-workflow';

import type { FailureContext } from '../../../../nodes/ITest/transport/errors';
import { MAX_SHOWN_STATUS, statusError, unexpectedReplyError } from '../../../../nodes/ITest/transport/errors';

const node: INode = {
	id: 'node-1',
	name: 'iTest',
	type: 'n8n-nodes-itest.iTest',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const context: FailureContext = {
	node,
	itemIndex: 3,
	action: 'create or update company "C-1"',
	host: 'api.example.test',
	secrets: ['emulator-secret'],
};

describe('status in error messages', () => {
	test('short status is quoted whole', () => {
		expect(statusError(context, 'Unknown company: C-1').message).toBe(
			'iTest could not create or update company "C-1": "Unknown company: C-1" [item 3]',
		);
	});

	test('control characters are replaced', () => {
		expect(statusError(context, 'Bad\u0000value\r\nhere\u0007').message).toBe(
			'iTest could not create or update company "C-1": "Bad\uFFFDvalue here\uFFFD" [item 3]',
		);
	});

	test('long status is cut with its length', () => {
		const status = `${'x'.repeat(MAX_SHOWN_STATUS)}<script>alert(1)</script>`;
		const message = statusError(context, status).message;

		expect(message).toBe(
			`iTest could not create or update company "C-1": "${'x'.repeat(MAX_SHOWN_STATUS)}…" (325 characters in all) [item 3]`,
		);
	});

	test('length counts the status as received', () => {
		const status = `emulator-secret ${'x'.repeat(MAX_SHOWN_STATUS)}`;

		expect(statusError(context, status).message).toContain(`(${MAX_SHOWN_STATUS + 16} characters in all)`);
	});

	test('other error texts lose control characters too', () => {
		const error = unexpectedReplyError(context, 'expected a <Company> document but got <Foo\u0001bar>');

		expect(error.message).toBe(
			'iTest sent an unexpected reply while trying to create or update company "C-1": expected a <Company> document but got <Foo\uFFFDbar> [item 3]',
		);
	});

	test('a secret at the cut is masked, not halved', () => {
		const status = `${'x'.repeat(MAX_SHOWN_STATUS - 5)}emulator-secret and more`;
		const message = statusError(context, status).message;

		expect(message).not.toContain('emula');
		expect(message).toContain(`${'x'.repeat(MAX_SHOWN_STATUS - 5)}***`);
	});
});
