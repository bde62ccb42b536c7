/**
 * Statistics for the benchmarks: percentiles by the nearest-rank rule, summaries, ratios against a baseline.
 * Pure functions (unit-tested in tests/unit/bench-stats.test.ts).
 */

/** p50 / p99 / max and friends of a sample, in the sample's unit. */
export interface Summary {
	count: number;
	min: number;
	p50: number;
	p90: number;
	p99: number;
	max: number;
	mean: number;
}

/**
 * The p-th percentile (0 < p <= 100) of values sorted ascending, nearest-rank: the smallest value with at
 * least p% of the sample at or below it. NaN for an empty sample.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
	if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
	const n = sorted.length;
	if (n === 0) return Number.NaN;
	const rank = Math.ceil((p / 100) * n);
	return sorted[Math.min(n, Math.max(1, rank)) - 1]!;
}

/** Sorts a copy ascending (numeric, not lexical). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
	return Float64Array.from(values).sort();
}

/** Summary of a sample (NaN everywhere for an empty one). */
export function summarize(values: ArrayLike<number>): Summary {
	const sorted = sortedCopy(values);
	let sum = 0;
	for (const v of sorted) sum += v;
	const n = sorted.length;
	return {
		count: n,
		min: n ? sorted[0]! : Number.NaN,
		p50: percentileOfSorted(sorted, 50),
		p90: percentileOfSorted(sorted, 90),
		p99: percentileOfSorted(sorted, 99),
		max: n ? sorted[n - 1]! : Number.NaN,
		mean: n ? sum / n : Number.NaN
	};
}

/** ours / baseline, or NaN when either is missing or the baseline is zero. */
export function ratio(ours: number, baseline: number): number {
	if (!Number.isFinite(ours) || !Number.isFinite(baseline) || baseline === 0) return Number.NaN;
	return ours / baseline;
}

/** Rounds for JSON: keeps `digits` decimals, NaN and infinities become null. */
export function round(value: number, digits = 2): number | null {
	if (!Number.isFinite(value)) return null;
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}

/** Every number of a summary rounded (see {@link round}). */
export function roundSummary(s: Summary, digits = 2): Record<keyof Summary, number | null> {
	return {
		count: s.count,
		min: round(s.min, digits),
		p50: round(s.p50, digits),
		p90: round(s.p90, digits),
		p99: round(s.p99, digits),
		max: round(s.max, digits),
		mean: round(s.mean, digits)
	};
}

/** A number for a table cell: fixed decimals, or "-" when there is none. */
export function fmt(value: number | null | undefined, digits = 1): string {
	return value === null || value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

/** Bytes as B / KiB / MiB. */
export function fmtBytes(bytes: number | null | undefined): string {
	if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '-';
	const abs = Math.abs(bytes);
	if (abs < 1024) return `${Math.round(bytes)} B`;
	if (abs < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Least-squares slope of y over x (units of y per unit of x); NaN with fewer than two distinct x. */
export function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
	const n = points.length;
	if (n < 2) return Number.NaN;
	const mx = points.reduce((a, p) => a + p.x, 0) / n;
	const my = points.reduce((a, p) => a + p.y, 0) / n;
	let num = 0;
	let den = 0;
	for (const p of points) {
		num += (p.x - mx) * (p.y - my);
		den += (p.x - mx) ** 2;
	}
	return den === 0 ? Number.NaN : num / den;
}
