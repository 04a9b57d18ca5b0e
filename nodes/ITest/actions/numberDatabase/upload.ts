/**
 * The steps both uploads share. The input items are grouped into uploads, and every upload's
 * file is built and checked before anything is sent. Then each upload is sent (unless it is a
 * dry run) and returns one output item with the counts, the rejected lines, the file sent and a
 * report file.
 */
import type { IBinaryKeyData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ITestConnection, ITestRequest } from '../../transport';
import { sendRequest } from '../../transport';
import { getOutputOptions } from '../common/fields';
import { invalidParameter } from '../common/validate';
import type { GroupResult } from '../node.type';
import { readInputFile } from './file';
import type { UploadReport } from './report';
import { listRejected } from './report';
import type { FileSummary } from './textFile';
import { INPUT_ENCODING_LABELS } from './textFile';
import type { UploadSource } from './uploadFields';
import { getDryRun, getSource } from './uploadFields';

/** Binary property of the output item that contains the file sent, or in a dry run the file that would be sent. */
export const SENT_FILE_PROPERTY = 'data';
/** Binary property of the output item that contains the report of every rejected line. */
export const REPORT_PROPERTY = 'report';
const MIME_TYPE = 'text/plain';

/** Target of an upload. Items with the same `key` go into the same upload. */
export interface UploadTarget {
	key: string;
	/** The fields that name the target in the output, such as `{ companyId }`. */
	fields: Record<string, string>;
}

/** Items that become one upload. */
export interface UploadGroup {
	target: UploadTarget;
	itemIndexes: number[];
}

/** Collects checked lines into the file of one upload. */
export interface FileBuilder {
	readonly report: UploadReport;
	addFile(data: Buffer, itemIndex: number): FileSummary;
	toBuffer(): Buffer;
}

/** Reason an upload must not be sent, as the error of a real run shows it. */
export interface UploadProblem {
	message: string;
	description: string;
	itemIndex: number;
}

/** The parts that differ between the two uploads. */
export interface UploadDefinition<Builder extends FileBuilder> {
	/** Names the file in messages, e.g. `numbers file`. */
	fileLabel: string;
	/** Names the lines in messages, in the plural, e.g. `numbers`. */
	entryLabel: string;
	/** Names the target in messages, e.g. `company "C-1"`. */
	describeTarget(target: UploadTarget): string;
	/** Whether binary items with the same target are merged into one upload instead of one upload each. */
	mergeBinaryItems: boolean;
	readTarget(this: IExecuteFunctions, itemIndex: number): UploadTarget;
	createBuilder(this: IExecuteFunctions, group: UploadGroup, connection: ITestConnection): Builder;
	/** Adds the values of the group's items for the Input Items source. */
	addItems(this: IExecuteFunctions, builder: Builder, group: UploadGroup): void;
	/** Decides whether an upload with rejected lines may still be sent. */
	findRejectionProblem(this: IExecuteFunctions, group: UploadGroup, report: UploadReport): UploadProblem | undefined;
	/** The request without its file. */
	request(target: UploadTarget): Omit<ITestRequest, 'upload'>;
	/** File name for an upload built from items, e.g. `numbers-C-1.txt`. */
	itemsFileName(target: UploadTarget): string;
}

interface BuiltUpload {
	group: UploadGroup;
	source: UploadSource;
	data: Buffer;
	fileName: string;
	report: UploadReport;
	inputFiles: IDataObject[];
	problem: UploadProblem | undefined;
	dryRun: boolean;
}

/** Replaces characters that do not belong in a file name, such as `/` in an ID. */
export function safeFileNamePart(text: string): string {
	return text.replace(/[^A-Za-z0-9._-]+/g, '_');
}

function reportFileName(fileName: string): string {
	const dot = fileName.lastIndexOf('.');
	const base = dot > 0 ? fileName.slice(0, dot) : fileName;
	return `${base}-rejected.csv`;
}

function errorResult(error: unknown, itemIndexes: number[]): GroupResult {
	return { error: error instanceof Error ? error : new Error(String(error)), itemIndexes };
}

/** Groups the items by target. With `separate`, each item is an upload of its own. */
function groupItems<Builder extends FileBuilder>(
	this: IExecuteFunctions,
	definition: UploadDefinition<Builder>,
	itemIndexes: number[],
	separate: boolean,
): { groups: UploadGroup[]; failures: GroupResult[] } {
	const groups = new Map<string, UploadGroup>();
	const failures: GroupResult[] = [];
	for (const itemIndex of itemIndexes) {
		let target: UploadTarget;
		try {
			target = definition.readTarget.call(this, itemIndex);
		} catch (error) {
			failures.push(errorResult(error, [itemIndex]));
			continue;
		}
		const key = separate ? `${itemIndex}` : target.key;
		const group = groups.get(key);
		if (group) group.itemIndexes.push(itemIndex);
		else groups.set(key, { target, itemIndexes: [itemIndex] });
	}
	return { groups: [...groups.values()], failures };
}

/** Reads the binary files of the group's items into the builder, failing on a file without lines. */
async function addBinaryFiles(
	this: IExecuteFunctions,
	fileLabel: string,
	builder: FileBuilder,
	group: UploadGroup,
): Promise<{ fileName: string; inputFiles: IDataObject[] }> {
	const inputFiles: IDataObject[] = [];
	let fileName = '';
	for (const itemIndex of group.itemIndexes) {
		const file = await readInputFile.call(this, itemIndex, fileLabel);
		const linesBefore = builder.report.linesRead;
		// NOTE: the numbers builder overwrites the buffer it gets. In n8n 2.41, getBinaryDataBuffer
		// returns a new buffer on every call in every binary data mode (read from disk, the database
		// or an object store, or decoded from base64), so the input item's file stays unchanged.
		const summary = builder.addFile(file.data, itemIndex);
		if (builder.report.linesRead === linesBefore) {
			const only = summary.headerSkipped ? 'has only a header line' : 'is empty';
			throw invalidParameter.call(
				this,
				itemIndex,
				`The ${fileLabel} in binary field "${file.propertyName}" ${only}`,
				'Check the node that produced the file: it should contain one entry per line.',
			);
		}
		if (fileName === '') fileName = file.fileName;
		inputFiles.push({
			itemIndex,
			fileName: file.fileName,
			encoding: INPUT_ENCODING_LABELS[summary.encoding],
			headerSkipped: summary.headerSkipped,
		});
	}
	return { fileName, inputFiles };
}

function nothingToSend<Builder extends FileBuilder>(
	definition: UploadDefinition<Builder>,
	group: UploadGroup,
	report: UploadReport,
): UploadProblem | undefined {
	if (report.linesSent > 0) return undefined;
	return {
		message: `Found no valid ${definition.entryLabel} to send (${report.linesRead} read, ${report.rejected} invalid), so nothing is sent for ${definition.describeTarget(group.target)}`,
		description: listRejected(report),
		itemIndex: report.firstRejected[0]?.itemIndex ?? group.itemIndexes[0],
	};
}

async function buildUpload<Builder extends FileBuilder>(
	this: IExecuteFunctions,
	definition: UploadDefinition<Builder>,
	group: UploadGroup,
	source: UploadSource,
	connection: ITestConnection,
): Promise<BuiltUpload> {
	const builder = definition.createBuilder.call(this, group, connection);
	let fileName: string;
	let inputFiles: IDataObject[] = [];
	if (source === 'binary') {
		({ fileName, inputFiles } = await addBinaryFiles.call(this, definition.fileLabel, builder, group));
	} else {
		definition.addItems.call(this, builder, group);
		fileName = definition.itemsFileName(group.target);
	}

	const { report } = builder;
	const problem =
		definition.findRejectionProblem.call(this, group, report) ?? nothingToSend(definition, group, report);
	const dryRun = getDryRun.call(this, group.itemIndexes[0]);
	if (problem && !dryRun) throw invalidParameter.call(this, problem.itemIndex, problem.message, problem.description);
	return { group, source, data: builder.toBuffer(), fileName, report, inputFiles, problem, dryRun };
}

/** Sends one built upload, or skips sending in a dry run, and shapes its output item. */
async function finishUpload<Builder extends FileBuilder>(
	this: IExecuteFunctions,
	definition: UploadDefinition<Builder>,
	upload: BuiltUpload,
	connection: ITestConnection,
): Promise<GroupResult> {
	const { group, report, data, fileName } = upload;
	const firstItem = group.itemIndexes[0];
	const options = getOutputOptions.call(this, firstItem);

	const json: IDataObject = { ...group.target.fields, source: upload.source, fileName, fileSize: data.length };
	if (upload.inputFiles.length > 0) json.inputFiles = upload.inputFiles;
	json.dryRun = upload.dryRun;

	if (upload.dryRun) {
		json.sent = false;
		json.readyToSend = upload.problem === undefined;
		if (upload.problem) json.problem = `${upload.problem.message}. ${upload.problem.description}`;
		json.success = true;
	} else {
		const reply = await sendRequest.call(
			this,
			firstItem,
			connection,
			{
				...definition.request(group.target),
				upload: { data, fileName, mimeType: MIME_TYPE },
				// An upload that may have reached iTest is not sent again: iTest could apply it twice.
				idempotent: false,
			},
			options.settings,
		);
		json.sent = true;
		if (reply.status !== undefined) json.status = reply.status;
		json.success = true;
		if (options.includeRawResponse) json.rawResponse = reply.tree;
	}
	Object.assign(json, report.countsJson());
	json.rejectedLines = report.rejectedJson();

	const binary: IBinaryKeyData = {
		[SENT_FILE_PROPERTY]: await this.helpers.prepareBinaryData(data, fileName, MIME_TYPE),
	};
	if (report.rejected > 0) {
		binary[REPORT_PROPERTY] = await this.helpers.prepareBinaryData(report.toCsv(), reportFileName(fileName), 'text/csv');
	}
	return { json, binary, itemIndexes: group.itemIndexes };
}

/**
 * Runs an upload operation on all input items. Every upload is built and checked before the
 * first is sent, so without Continue On Fail an invalid upload stops the run with nothing sent.
 * With it, each failed upload becomes an error item and the others still run.
 */
export async function runUploads<Builder extends FileBuilder>(
	this: IExecuteFunctions,
	definition: UploadDefinition<Builder>,
	itemIndexes: number[],
	connection: ITestConnection,
): Promise<GroupResult[]> {
	const continueOnFail = this.continueOnFail();
	const source = getSource.call(this);
	const separate = source === 'binary' && !definition.mergeBinaryItems;
	const { groups, failures } = groupItems.call(this, definition, itemIndexes, separate);
	if (failures.length > 0 && !continueOnFail) return [failures[0]];

	const results: GroupResult[] = [...failures];
	const built: BuiltUpload[] = [];
	for (const group of groups) {
		try {
			built.push(await buildUpload.call(this, definition, group, source, connection));
		} catch (error) {
			if (!continueOnFail) return [errorResult(error, group.itemIndexes)];
			results.push(errorResult(error, group.itemIndexes));
		}
	}

	for (const upload of built) {
		try {
			results.push(await finishUpload.call(this, definition, upload, connection));
		} catch (error) {
			results.push(errorResult(error, upload.group.itemIndexes));
			if (!continueOnFail) break;
		}
		// Release the file once it is sent and stored as output binary data.
		upload.data = Buffer.alloc(0);
	}

	return results.sort((a, b) => a.itemIndexes[0] - b.itemIndexes[0]);
}
