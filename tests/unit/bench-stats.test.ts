// The benchmarks' statistics (tests/bench/stats.ts): nearest-rank percentiles, ratios, slopes.
import { describe, expect, it } from 'vitest';
import { percentileOfSorted, ratio, round, slope, sortedCopy, summarize } from '../bench/stats';

describe('percentiles (nearest rank)', () => {
	it('1..100: p50 is 50, p99 is 99, p100 is 100', () => {
		const sorted = sortedCopy(Array.from({ length: 100 }, (_, i) => 100 - i));
		expect(percentileOfSorted(sorted, 50)).toBe(50);
		expect(percentileOfSorted(sorted, 99)).toBe(99);
		expect(percentileOfSorted(sorted, 100)).toBe(100);
	});

	it('a small sample: p99 of ten values is the largest (rank ceil(9.9) = 10)', () => {
		expect(percentileOfSorted(sortedCopy([5, 1, 9, 3, 7, 2, 8, 4, 6, 10]), 99)).toBe(10);
		expect(percentileOfSorted(sortedCopy([5, 1, 9, 3, 7, 2, 8, 4, 6, 10]), 50)).toBe(5);
	});

	it('sorts numerically, not as text', () => {
		expect([...sortedCopy([10, 9, 100, 1])]).toEqual([1, 9, 10, 100]);
	});

	it('an empty sample has no percentile; a percentile outside (0, 100] is an error', () => {
		expect(percentileOfSorted(new Float64Array(0), 50)).toBeNaN();
		expect(() => percentileOfSorted([1], 0)).toThrow(RangeError);
		expect(() => percentileOfSorted([1], 101)).toThrow(RangeError);
	});

	it('summarize gives min, p50, p99, max and mean', () => {
		const s = summarize([4, 1, 3, 2]);
		expect(s).toMatchObject({ count: 4, min: 1, p50: 2, p99: 4, max: 4, mean: 2.5 });
	});
});

describe('ratio and rounding', () => {
	it('ours over baseline', () => {
		expect(ratio(23, 20)).toBeCloseTo(1.15, 10);
	});

	it('no ratio without a baseline', () => {
		expect(ratio(5, 0)).toBeNaN();
		expect(ratio(Number.NaN, 3)).toBeNaN();
	});

	it('rounds for JSON; non-finite becomes null', () => {
		expect(round(1.23456, 2)).toBe(1.23);
		expect(round(Number.NaN)).toBeNull();
		expect(round(Infinity)).toBeNull();
	});
});

describe('slope', () => {
	it('least squares: y = 2x + 1 has slope 2; flat data has slope 0', () => {
		expect(slope([1, 2, 3, 4].map((x) => ({ x, y: 2 * x + 1 })))).toBeCloseTo(2, 10);
		expect(slope([1, 2, 3].map((x) => ({ x, y: 7 })))).toBe(0);
	});

	it('needs two distinct x', () => {
		expect(slope([{ x: 1, y: 1 }])).toBeNaN();
		expect(
			slope([
				{ x: 1, y: 1 },
				{ x: 1, y: 2 }
			])
		).toBeNaN();
	});
});
