/** Bytes of one line of `numberFile`: a 12-digit number and LF. */
export const NUMBER_LINE_BYTES = 13;

/** Builds a numbers file of `count` distinct 12-digit UK mobile numbers, one per line with LF. */
export function numberFile(count: number): Buffer {
	const file = Buffer.alloc(count * NUMBER_LINE_BYTES);
	for (let index = 0; index < count; index++) {
		file.write(`44770${String(index).padStart(7, '0')}\n`, index * NUMBER_LINE_BYTES, 'latin1');
	}
	return file;
}
