/**
 * Mapping Mode: where the per-item operations read a record's fields. With Map Each Field Below
 * they are the node's parameters, typed or mapped with expressions. With Map Automatically they
 * are the input item's fields of the same name, read directly, so n8n evaluates no expression
 * for them. In n8n 2.41.1 the five expressions of a mapped user upsert took more CPU than all the
 * rest of the item's work (docs/benchmarks.md has the figures).
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties, NodeParameterValueType } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

const MAPPING_MODE = 'mappingMode';
const EACH_FIELD = 'defineBelow';
const AUTOMATIC = 'autoMapInputData';

export const mappingModeField: INodeProperties = {
	displayName: 'Mapping Mode',
	name: MAPPING_MODE,
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Map Each Field Below',
			value: EACH_FIELD,
			description: 'Type each value, or map it from the input item with an expression',
		},
		{
			name: 'Map Automatically',
			value: AUTOMATIC,
			description:
				'Take each value from the input item\'s field of the same name, such as companyId or Company ID. Uses less CPU on large inputs, because no expression is evaluated.',
		},
	],
	default: EACH_FIELD,
	description: 'Where the values of each record come from',
};

/**
 * Marks an operation's record fields, the values that describe the record. They show only while
 * Mapping Mode is Map Each Field Below, because with Map Automatically the input items supply them.
 */
export function recordFields(fields: INodeProperties[]): INodeProperties[] {
	return fields.map(
		(field): INodeProperties => ({
			...field,
			displayOptions: {
				...field.displayOptions,
				show: { ...field.displayOptions?.show, [MAPPING_MODE]: [EACH_FIELD] },
			},
		}),
	);
}

/**
 * Lower case, letters and digits only, accents dropped: `Company ID`, `company_id` and `companyId`
 * all become `companyid`.
 */
export function normalizeFieldName(name: string): string {
	return name.normalize('NFKD').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

interface RecordField {
	name: string;
	label: string;
	required: boolean;
	defaultValue: NodeParameterValueType;
	/** The normalised parameter name and display name, e.g. `name` and `companyname`. */
	keys: string[];
}

function isRecordField(property: INodeProperties): boolean {
	return property.displayOptions?.show?.[MAPPING_MODE]?.includes(EACH_FIELD) === true;
}

/** Reads the record fields of one run from the input items, by name. */
class InputMapping {
	readonly #fields: Map<string, RecordField>;

	readonly #items: INodeExecutionData[];

	/** Index of the item last read. An item's fields are read one after another, so one is cached. */
	#cachedItem = -1;

	/** Input field names of the item last read, by normalised name. */
	#cachedKeys = new Map<string, string[]>();

	constructor(fields: RecordField[], items: INodeExecutionData[]) {
		this.#fields = new Map(fields.map((field) => [field.name, field]));
		this.#items = items;
	}

	has(name: string): boolean {
		return this.#fields.has(name);
	}

	#keysOf(itemIndex: number): Map<string, string[]> {
		if (itemIndex === this.#cachedItem) return this.#cachedKeys;
		const keys = new Map<string, string[]>();
		for (const key of Object.keys(this.#items[itemIndex]?.json ?? {})) {
			const normalized = normalizeFieldName(key);
			const same = keys.get(normalized);
			if (same) same.push(key);
			else keys.set(normalized, [key]);
		}
		this.#cachedItem = itemIndex;
		this.#cachedKeys = keys;
		return keys;
	}

	/**
	 * Returns the item's value for a record field. An optional field that is missing from the item,
	 * or empty, gets the field's default.
	 */
	read(context: IExecuteFunctions, name: string, itemIndex: number): unknown {
		const field = this.#fields.get(name) as RecordField;
		const keys = this.#keysOf(itemIndex);
		const found = field.keys.flatMap((key) => keys.get(key) ?? []);
		const rule = `With Mapping Mode set to Map Automatically, ${field.label} comes from the input field named ${field.name} or "${field.label}", ignoring case, spaces, dashes and underscores.`;

		if (found.length > 1) {
			throw new NodeOperationError(
				context.getNode(),
				`${found.length} input fields match ${field.label}: ${found.map((key) => `"${key}"`).join(', ')} [item ${itemIndex}]`,
				{
					itemIndex,
					description: `${rule} Keep only one of these fields, or set Mapping Mode to Map Each Field Below.`,
				},
			);
		}
		if (found.length === 1) {
			const value = this.#items[itemIndex].json[found[0]];
			// An empty cell of an optional field means "not given", as a missing column does.
			const isEmpty = value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
			return isEmpty && !field.required ? field.defaultValue : value;
		}
		if (!field.required) return field.defaultValue;
		throw new NodeOperationError(
			context.getNode(),
			`The input item has no field for ${field.label} [item ${itemIndex}]`,
			{
				itemIndex,
				description: `${rule} Rename the input field, add it with an Edit Fields (Set) node, or set Mapping Mode to Map Each Field Below.`,
			},
		);
	}
}

/** The automatic mapping of each running node, keyed by its execution context. */
const runMappings = new WeakMap<IExecuteFunctions, InputMapping>();

/**
 * Reads Mapping Mode once for the run and, when it is Map Automatically, prepares the reading of
 * the operation's record fields from the input items. Mapping Mode belongs to the whole run, so
 * the first item's value counts.
 */
export function startInputMapping(this: IExecuteFunctions, description: INodeProperties[]): void {
	runMappings.delete(this);
	const fields = description.filter(isRecordField);
	if (fields.length === 0) return;
	if (this.getNodeParameter(MAPPING_MODE, 0, EACH_FIELD) !== AUTOMATIC) return;

	const recordFields = fields.map(
		(property): RecordField => ({
			name: property.name,
			label: property.displayName,
			required: property.required === true,
			defaultValue: property.default,
			keys: [...new Set([normalizeFieldName(property.name), normalizeFieldName(property.displayName)])],
		}),
	);
	runMappings.set(this, new InputMapping(recordFields, this.getInputData()));
}

/**
 * Reads a parameter of one item: from the input item when Mapping Mode is Map Automatically and
 * the parameter is a record field, otherwise from the node's parameters.
 */
export function readParameter(
	this: IExecuteFunctions,
	name: string,
	itemIndex: number,
	fallback?: NodeParameterValueType,
): unknown {
	const mapping = runMappings.get(this);
	if (mapping?.has(name)) return mapping.read(this, name, itemIndex);
	return fallback === undefined ? this.getNodeParameter(name, itemIndex) : this.getNodeParameter(name, itemIndex, fallback);
}
