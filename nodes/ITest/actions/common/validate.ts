/**
 * Parameter checks that run before any request, so a bad value fails its own item with a message
 * that names the field and the value instead of an obscure status from iTest.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readParameter } from './mapping';

const MAX_SHOWN_VALUE = 80;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOST_NAME = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?$/;
const PHONE_NUMBER = /^\+?\d{3,20}$/;

function show(value: unknown): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
	return text.length > MAX_SHOWN_VALUE ? `"${text.slice(0, MAX_SHOWN_VALUE)}…"` : `"${text}"`;
}

export function invalidParameter(
	this: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(this.getNode(), `${message} [item ${itemIndex}]`, {
		itemIndex,
		description,
	});
}

/** Reads a string parameter; numbers and booleans from expressions are accepted as text. */
export function getText(this: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = readParameter.call(this, name, itemIndex, '');
	if (value === null || value === undefined) return '';
	const unsafeNumber = typeof value === 'number' && (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value)));
	if (unsafeNumber) {
		throw invalidParameter.call(
			this,
			itemIndex,
			`Invalid value for ${name}: the number ${String(value)} cannot be sent exactly`,
			Number.isFinite(value)
				? 'Numbers beyond 9007199254740991 lose their last digits on the way to this node. Store the value as text in the source, such as a text column in the sheet.'
				: 'The input holds no usable number here, often the result of a calculation that failed. Check the node that produced the field.',
		);
	}
	if (typeof value === 'object') {
		throw invalidParameter.call(
			this,
			itemIndex,
			`Invalid value for ${name}: expected text but got ${Array.isArray(value) ? 'a list' : 'an object'}`,
			'Map a single field of the input item, not a whole object or list.',
		);
	}
	return String(value);
}

/** Reads an id that iTest uses to recognise a record on your side; surrounding spaces are removed. */
export function getId(this: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	const value = getText.call(this, name, itemIndex).trim();
	if (value === '') {
		throw invalidParameter.call(
			this,
			itemIndex,
			`${label} is empty`,
			`Enter the ${label} or map it from the input item. If it is mapped, check that the input field exists and has a value.`,
		);
	}
	if (/[\p{Cc}<>]/u.test(value)) {
		throw invalidParameter.call(
			this,
			itemIndex,
			`Invalid ${label} ${show(value)}: it contains a line break, a control character or < >`,
			'iTest writes ids into its XML replies, where these characters cannot appear. Use letters, digits and simple punctuation.',
		);
	}
	return value;
}

export function getRequiredText(
	this: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
): string {
	const value = getText.call(this, name, itemIndex);
	if (value.trim() === '') {
		throw invalidParameter.call(
			this,
			itemIndex,
			`${label} is empty`,
			`Enter the ${label} or map it from the input item.`,
		);
	}
	return value;
}

/**
 * Reads an options parameter whose value may also arrive from an expression, and checks it is
 * one of `choices` (pairs of API value and the label shown in the node), given by value or by
 * label. Case and surrounding spaces are ignored.
 */
export function getChoice(
	this: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
	choices: Array<[value: string, label: string]>,
): string {
	const value = getText.call(this, name, itemIndex).trim().toLowerCase();
	if (choices.some(([choice]) => choice === value)) return value;
	// A sheet may contain the label the node shows, such as "Company Administrator" for admin.
	// NFKC makes the micro sign of "µ-Law" the Greek letter mu that upper case "Μ-LAW" lowers to.
	const labelKey = (text: string) => text.normalize('NFKC').toLowerCase();
	const byLabel = choices.find(([, choiceLabel]) => labelKey(choiceLabel) === labelKey(value));
	if (byLabel) return byLabel[0];

	const values = choices.map(([choice]) => choice);
	const expected = `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
	const options = choices.map(([choice, choiceLabel]) => `${choiceLabel} (${choice})`);
	throw invalidParameter.call(
		this,
		itemIndex,
		`Invalid ${label} ${show(value)}: expected ${expected}`,
		`Choose ${options.slice(0, -1).join(', ')} or ${options[options.length - 1]}.`,
	);
}

export function checkEmail(this: IExecuteFunctions, value: string, label: string, itemIndex: number): string {
	const email = value.trim();
	if (!EMAIL.test(email)) {
		throw invalidParameter.call(
			this,
			itemIndex,
			`Invalid ${label} ${show(value)}: it is not an email address`,
			'Use the form name@example.com.',
		);
	}
	return email;
}

/** Reads a boolean parameter that iTest wants as 1 or 0; also accepts the texts a sheet may hold. */
export function getFlag(this: IExecuteFunctions, name: string, label: string, itemIndex: number): '1' | '0' {
	const value = readParameter.call(this, name, itemIndex, true);
	if (value === true || value === 1) return '1';
	if (value === false || value === 0) return '0';
	const text = String(value).trim().toLowerCase();
	if (['true', '1', 'yes', 'on', 'enabled'].includes(text)) return '1';
	if (['false', '0', 'no', 'off', 'disabled'].includes(text)) return '0';
	throw invalidParameter.call(
		this,
		itemIndex,
		`Invalid ${label} ${show(value)}: expected true or false`,
		'Turn the switch on or off, or map a field holding true/false, yes/no or 1/0.',
	);
}

/** Reads a whole number within [min, max]; numbers from expressions may arrive as text. */
export function getWholeNumber(
	this: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
	range: { min: number; max: number; unit?: string },
): number {
	const value = readParameter.call(this, name, itemIndex);
	const number = typeof value === 'number' ? value : Number(String(value).trim());
	const text = typeof value === 'string' ? value.trim() : String(value);
	if (text === '' || !Number.isInteger(number) || number < range.min || number > range.max) {
		const unit = range.unit ? ` ${range.unit}` : '';
		throw invalidParameter.call(
			this,
			itemIndex,
			`Invalid ${label} ${show(value)}: expected a whole number from ${range.min} to ${range.max}${unit}`,
			`Enter a whole number from ${range.min} to ${range.max}.`,
		);
	}
	return number;
}

function isIpv6(value: string): boolean {
	let address = value;
	const zone = address.indexOf('%');
	if (zone >= 0) address = address.slice(0, zone);

	// An embedded IPv4 tail (::ffff:192.0.2.1) counts as two groups.
	let groupsNeeded = 8;
	const lastColon = address.lastIndexOf(':');
	if (address.includes('.')) {
		if (!IPV4.test(address.slice(lastColon + 1))) return false;
		address = address.slice(0, lastColon + 1) + '0';
		groupsNeeded = 7;
	}

	const halves = address.split('::');
	if (halves.length > 2) return false;
	const groups = halves.map((half) => (half === '' ? [] : half.split(':')));
	if (!groups.flat().every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
	const count = groups.flat().length;
	return halves.length === 2 ? count < groupsNeeded : count === groupsNeeded;
}

export function checkIpAddress(this: IExecuteFunctions, value: string, label: string, itemIndex: number): string {
	const address = value.trim();
	const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
	if (IPV4.test(bare) || isIpv6(bare)) return bare;

	const hint = HOST_NAME.test(address) && /[A-Za-z]/.test(address)
		? 'It looks like a host name; iTest needs the gateway\'s IP address, such as 192.0.2.10 or 2001:db8::10. Look the address up with your DNS provider or network team.'
		: 'Enter an IPv4 address such as 192.0.2.10 or an IPv6 address such as 2001:db8::10.';
	throw invalidParameter.call(this, itemIndex, `Invalid ${label} ${show(value)}: it is not an IP address`, hint);
}

export function checkPhoneNumber(this: IExecuteFunctions, value: string, label: string, itemIndex: number): string {
	const number = value.trim().replace(/[\s\-().]/g, '');
	if (!PHONE_NUMBER.test(number)) {
		throw invalidParameter.call(
			this,
			itemIndex,
			`Invalid ${label} ${show(value)}: it is not a phone number`,
			'Enter digits only, optionally starting with +, such as 447700900123, or leave it empty for a random number.',
		);
	}
	return number;
}
