import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import type { ItemOutcome } from '../../../../nodes/ITest/actions/runSummary';
import { describeStoppedRun, formatItemList } from '../../../../nodes/ITest/actions/runSummary';

describe('stopped run summary', () => {
	const node = { name: 'iTest' } as INode;
	const applied: ItemOutcome = { ok: true, output: { json: {} } };
	const failed: ItemOutcome = { ok: false, failure: new NodeOperationError(node, 'failed') };

	test('item lists are compact', () => {
		expect(formatItemList([4])).toBe('4');
		expect(formatItemList([1, 2])).toBe('1-2');
		expect(formatItemList([0, 1, 2, 3, 5, 7, 8])).toBe('0-3, 5 and 7-8');
	});

	test('first item failing', () => {
		expect(describeStoppedRun([failed, undefined, undefined], 0, 3)).toBe('The run stopped at item 0. Items 1-2 were not sent.');
	});

	test('last item failing', () => {
		expect(describeStoppedRun([applied, applied, failed], 2, 3)).toBe('The run stopped at item 2. Items 0-1 before it were applied.');
	});

	test('items after the failure already applied', () => {
		const outcomes = [applied, failed, applied, failed, applied, undefined, undefined];

		expect(describeStoppedRun(outcomes, 1, 7)).toBe(
			'The run stopped at item 1. Item 0 before it was applied. Items 2 and 4 after it had already been applied. Item 3 also failed. Items 5-6 were not sent.',
		);
	});
});
