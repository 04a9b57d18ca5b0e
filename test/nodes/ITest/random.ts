/**
 * A small seeded pseudo-random generator (mulberry32), so that randomised tests fail the same
 * way on every run. Not for anything that needs unpredictable numbers.
 */
export class SeededRandom {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	/** Returns a number in [0, 1). */
	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** Returns a whole number in [min, max]. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	/** Returns true with the given probability. */
	chance(probability: number): boolean {
		return this.next() < probability;
	}

	pick<T>(values: readonly T[]): T {
		return values[this.int(0, values.length - 1)];
	}

	bytes(length: number): Buffer {
		const buffer = Buffer.alloc(length);
		for (let index = 0; index < length; index++) buffer[index] = this.int(0, 255);
		return buffer;
	}
}
