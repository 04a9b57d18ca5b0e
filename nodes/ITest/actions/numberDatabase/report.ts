/** The counts and rejected lines of one upload, as the output and the report file show them. */
import type { IDataObject } from 'n8n-workflow';

/** Rejected lines listed in the output JSON; the report file lists all of them. */
export const MAX_REJECTED_IN_JSON = 100;
/** Characters of a rejected line kept in the report, so a huge line cannot bloat it. */
const MAX_TEXT_LENGTH = 200;

/** A line or input item that was not sent, with the reason. */
export interface RejectedLine {
	/** The input item the line came from. */
	itemIndex: number;
	/** The line's number in the file, counting from 1; absent for values taken from items. */
	line?: number;
	/** The line or value as read, cut to 200 characters. */
	text: string;
	reason: string;
}

/** Cuts text for display, marking the cut with an ellipsis. */
export function shorten(text: string, maxLength = MAX_TEXT_LENGTH): string {
	return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

function csvField(value: string | number | undefined): string {
	if (value === undefined) return '';
	const text = String(value);
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Counts for one upload. `linesRead` counts the non-blank lines (or input items) checked,
 * without a skipped header line, and each of them ends up in exactly one of `linesSent`,
 * `duplicates` and `rejected`. `normalized` counts the sent lines whose text was changed.
 */
export class UploadReport {
	linesRead = 0;

	linesSent = 0;

	normalized = 0;

	duplicates = 0;

	rejected = 0;

	/** The first rejected lines, for the output JSON. */
	readonly firstRejected: RejectedLine[] = [];

	private readonly csvRows: string[] = [];

	reject(entry: RejectedLine): void {
		this.rejected++;
		const shortened = { ...entry, text: shorten(entry.text) };
		if (this.firstRejected.length < MAX_REJECTED_IN_JSON) this.firstRejected.push(shortened);
		this.csvRows.push(
			[shortened.itemIndex, shortened.line, shortened.text, shortened.reason].map(csvField).join(','),
		);
	}

	/** Returns the report of every rejected line as a UTF-8 CSV file with a header row. */
	toCsv(): Buffer {
		return Buffer.from(`itemIndex,line,text,reason\r\n${this.csvRows.map((row) => `${row}\r\n`).join('')}`, 'utf8');
	}

	countsJson(): IDataObject {
		return {
			linesRead: this.linesRead,
			linesSent: this.linesSent,
			normalized: this.normalized,
			duplicates: this.duplicates,
			rejected: this.rejected,
		};
	}

	rejectedJson(): IDataObject[] {
		return this.firstRejected.map((entry) => {
			const json: IDataObject = { itemIndex: entry.itemIndex };
			if (entry.line !== undefined) json.line = entry.line;
			json.text = entry.text;
			json.reason = entry.reason;
			return json;
		});
	}
}

/** Describes where a rejected line is, e.g. `line 4 of item 0` or `item 7`. */
export function describeLocation(entry: RejectedLine): string {
	return entry.line === undefined ? `item ${entry.itemIndex}` : `line ${entry.line} of item ${entry.itemIndex}`;
}

/** Lists the first rejected lines for an error description: `Line 2 of item 0 ("abc"): contains letters.` */
export function listRejected(report: UploadReport, maxShown = 5): string {
	const listed = report.firstRejected.slice(0, maxShown).map((entry) => {
		const location = describeLocation(entry);
		return `${location[0].toUpperCase()}${location.slice(1)} ("${shorten(entry.text, 60)}"): ${entry.reason}.`;
	});
	const more = report.rejected - listed.length;
	if (more > 0) listed.push(`And ${more} more.`);
	return listed.join(' ');
}

/** Returns `1 of 40 numbers is invalid` or `3 of 40 numbers are invalid`. */
export function describeInvalid(report: UploadReport, noun: string): string {
	return `${report.rejected} of ${report.linesRead} ${noun} ${report.rejected === 1 ? 'is' : 'are'} invalid`;
}
