/** Descriptions of where a stopped run left each item, for its error. */
import type { INodeExecutionData, NodeApiError, NodeOperationError } from 'n8n-workflow';

export type NodeFailure = NodeApiError | NodeOperationError;

/** The result of one item: its output, or the error it failed with. */
export type ItemOutcome = { ok: true; output: INodeExecutionData } | { ok: false; failure: NodeFailure };

/** Writes item indexes compactly, e.g. `0-41, 43 and 45`. */
export function formatItemList(indexes: number[]): string {
	const ranges: string[] = [];
	for (let start = 0; start < indexes.length; ) {
		let end = start;
		while (end + 1 < indexes.length && indexes[end + 1] === indexes[end] + 1) end++;
		ranges.push(end === start ? String(indexes[start]) : `${indexes[start]}-${indexes[end]}`);
		start = end + 1;
	}
	if (ranges.length === 1) return ranges[0];
	return `${ranges.slice(0, -1).join(', ')} and ${ranges[ranges.length - 1]}`;
}

function itemsSentence(indexes: number[], singular: string, plural: string): string {
	return indexes.length === 1 ? `Item ${indexes[0]} ${singular}.` : `Items ${formatItemList(indexes)} ${plural}.`;
}

/**
 * Describes the state a stopped run left behind, so that the user need not guess which items
 * iTest applied. `outcomes` has an entry for every item that was attempted and none for items that
 * were never sent. When requests run in parallel, items after the failed one may have finished.
 */
export function describeStoppedRun(
	outcomes: Array<ItemOutcome | undefined>,
	failedIndex: number,
	itemCount: number,
): string {
	const appliedBefore: number[] = [];
	const appliedAfter: number[] = [];
	const failedAfter: number[] = [];
	const notSent: number[] = [];
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		if (itemIndex === failedIndex) continue;
		const outcome = outcomes[itemIndex];
		if (outcome === undefined) {
			notSent.push(itemIndex);
		} else if (!outcome.ok) {
			failedAfter.push(itemIndex);
		} else if (itemIndex < failedIndex) {
			appliedBefore.push(itemIndex);
		} else {
			appliedAfter.push(itemIndex);
		}
	}

	const sentences = [`The run stopped at item ${failedIndex}.`];
	if (appliedBefore.length > 0) sentences.push(itemsSentence(appliedBefore, 'before it was applied', 'before it were applied'));
	if (appliedAfter.length > 0) {
		sentences.push(itemsSentence(appliedAfter, 'after it had already been applied', 'after it had already been applied'));
	}
	if (failedAfter.length > 0) sentences.push(itemsSentence(failedAfter, 'also failed', 'also failed'));
	if (notSent.length > 0) sentences.push(itemsSentence(notSent, 'was not sent', 'were not sent'));
	return sentences.join(' ');
}
