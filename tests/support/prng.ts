/** A small seeded PRNG (mulberry32), so a failing fuzz case can be pinned by its seed. */
export function prng(seed: number) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return {
		next,
		int: (max: number) => Math.floor(next() * max),
		pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
		chance: (p: number) => next() < p
	};
}
export type Prng = ReturnType<typeof prng>;
