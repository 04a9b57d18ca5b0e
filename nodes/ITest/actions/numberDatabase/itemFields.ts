/** Reading the value of a named field from an input item's JSON. */
import type { IDataObject } from 'n8n-workflow';

/** A field's value, or `found: false` when the item has no such field. */
export interface FieldValue {
	found: boolean;
	value: unknown;
}

/**
 * Reads a field by name. A name with dots, such as `contact.phone`, is read as a path into
 * nested objects when the item has no field with that exact name.
 */
export function readItemField(json: IDataObject, name: string): FieldValue {
	if (Object.prototype.hasOwnProperty.call(json, name)) return { found: true, value: json[name] };
	if (!name.includes('.')) return { found: false, value: undefined };

	let current: unknown = json;
	for (const key of name.split('.')) {
		if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, key)) {
			return { found: false, value: undefined };
		}
		current = (current as IDataObject)[key];
	}
	return { found: true, value: current };
}

/** Returns a value as text for a report: strings as they are, anything else as JSON. */
export function valueAsText(value: unknown): string {
	if (typeof value === 'string') return value;
	if (value === undefined) return '';
	return JSON.stringify(value) ?? String(value);
}

/** Names the kind of a value that is neither text nor a number, for a message. */
export function describeKind(value: unknown): string {
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'boolean') return `the boolean ${value}`;
	return 'an object';
}
