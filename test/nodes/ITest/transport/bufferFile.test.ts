import { BufferFile } from '../../../../nodes/ITest/transport/bufferFile';
import { numberFile } from '../numberFile';

async function readChunks(file: Blob): Promise<Uint8Array[]> {
	const chunks: Uint8Array[] = [];
	const reader = file.stream().getReader();
	for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
	return chunks;
}

describe('BufferFile', () => {
	const data = numberFile(10_000);

	test('keeps its name, type and size', () => {
		const file = new BufferFile(data, 'numbers.txt', 'text/plain');

		expect(file.name).toBe('numbers.txt');
		expect(file.type).toBe('text/plain');
		expect(file.size).toBe(130_000);
	});

	test('stays the same object inside FormData', () => {
		const file = new BufferFile(data, 'numbers.txt', 'text/plain');
		const form = new FormData();
		form.append('uploadfile', file);

		expect(form.get('uploadfile')).toBe(file);
	});

	test('streams slices of the original buffer, not copies', async () => {
		const chunks = await readChunks(new BufferFile(data, 'numbers.txt', 'text/plain'));

		expect(chunks.map((chunk) => chunk.byteLength)).toEqual([65_536, 64_464]);
		expect(chunks.every((chunk) => chunk.buffer === data.buffer)).toBe(true);
		expect(Buffer.concat(chunks).equals(data)).toBe(true);
	});

	test('streams an empty file as no chunks', async () => {
		const chunks = await readChunks(new BufferFile(Buffer.alloc(0), 'empty.txt', 'text/plain'));

		expect(chunks).toEqual([]);
	});

	test('reads whole as a copy', async () => {
		const file = new BufferFile(Buffer.from('447700900001\n', 'latin1'), 'numbers.txt', 'text/plain');
		const copy = new Uint8Array(await file.arrayBuffer());

		expect(Buffer.from(copy).toString('latin1')).toBe('447700900001\n');
		copy[0] = 0x39;
		expect(await file.text()).toBe('447700900001\n');
		expect(Array.from(await file.bytes())).toEqual(Array.from(Buffer.from('447700900001\n')));
	});

	test('slices like a Blob', async () => {
		const file = new BufferFile(Buffer.from('447700900001\n447700900002\n', 'latin1'), 'numbers.txt', 'text/plain');

		expect(await file.slice(13).text()).toBe('447700900002\n');
		expect(await file.slice(0, 12).text()).toBe('447700900001');
		expect(await file.slice(-13, -1, 'text/csv').text()).toBe('447700900002');
		expect(file.slice(-13, -1, 'text/csv').type).toBe('text/csv');
	});
});
