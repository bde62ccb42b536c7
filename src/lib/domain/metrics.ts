/**
 * Metrics for the Customer Room (DESIGN.md section 8, "exact rules").
 *
 * Pure TypeScript with no imports: this module is shared by the Node server and the
 * browser (including older TV Chromium engines), so it sticks to plain ES2022 and
 * never touches I/O, time or randomness.
 *
 * Method rules it respects (DESIGN.md section 1): survey cards show top-box, never
 * "% satisfied"; NPS always travels with its sample size and 95% margin of error;
 * KPIs and counts over periods are judged as signal or noise with an XmR chart, so
 * the wall reacts to signals, not to single dips.
 */

/**
 * Response counts per scale point; index 0 is the scale's minimum.
 * For NPS (0..10) index i is the count of score i; for CSAT 1..5 index 0 is the count of "1".
 * Counts must be finite, non-negative integers.
 */
export type Distribution = readonly number[];

/** Result of {@link nps}. */
export interface NpsResult {
	/** Number of responses. */
	readonly n: number;
	/** Count scoring 9-10. */
	readonly promoters: number;
	/** Count scoring 7-8. */
	readonly passives: number;
	/** Count scoring 0-6. */
	readonly detractors: number;
	/** 100 x (P - D) / n, in -100..100; null when n = 0. Not rounded. */
	readonly score: number | null;
	/** 95% margin of error in NPS points: 1.96 x 100 x sqrt((p + d - (p - d)^2) / n); null when n = 0. */
	readonly marginOfError: number | null;
	/** True when the sample is thin (n < 30), including n = 0. */
	readonly thin: boolean;
}

/** Result of {@link csat}. Shares are 0..1; never a "% satisfied". */
export interface CsatResult {
	/** Number of responses. */
	readonly n: number;
	/** Share (0..1) giving the top score (5 of 5, or 7 of 7); null when n = 0. The headline. */
	readonly topBox: number | null;
	/** Share (0..1) giving one of the two top scores (4-5 of 5, or 6-7 of 7); null when n = 0. */
	readonly top2Box: number | null;
	/** Mean score on the 1..scaleMax scale; null when n = 0. */
	readonly mean: number | null;
	/** True when n < 30. */
	readonly thin: boolean;
}

/** The formula a CES card states (DESIGN.md: "the card says which formula it uses"). */
export const CES_FORMULA = 'share scoring 5-7 of 7 ("agree" or better)' as const;

/** Result of {@link ces}. */
export interface CesResult {
	/** Number of responses. */
	readonly n: number;
	/** Share (0..1) scoring 5-7 on the 1..7 "made it easy" agreement scale; null when n = 0. The headline. */
	readonly easyShare: number | null;
	/** Mean score on 1..7; null when n = 0. */
	readonly mean: number | null;
	/** The formula, for display on the card. */
	readonly formula: typeof CES_FORMULA;
	/** True when n < 30. */
	readonly thin: boolean;
}

/** Result of {@link customScore}. */
export interface CustomScoreResult {
	/** Number of responses. */
	readonly n: number;
	/** Mean score on the min..max scale; null when n = 0. */
	readonly mean: number | null;
	/** Share (0..1) giving the top score (max); null when n = 0. */
	readonly topBox: number | null;
	/** True when n < 30 (same threshold as the other survey results). */
	readonly thin: boolean;
}

/** KPI status colour; 'none' when the KPI has no target. */
export type KpiStatus = 'green' | 'amber' | 'red' | 'none';

/** Input of {@link kpiStatus}. */
export interface KpiStatusInput {
	/** Current value, in the KPI's unit. */
	readonly value: number;
	/** Target in the KPI's unit; null when the KPI has no target. */
	readonly target: number | null;
	/** Which way is good. */
	readonly direction: 'higher' | 'lower';
	/** Width of the amber band beyond the target, in the KPI's unit; >= 0. */
	readonly warning: number;
}

/** Direction of travel. */
export type Trend = 'up' | 'down' | 'flat';

/** Options of {@link xmr}. */
export interface XmrOptions {
	/** How many leading points form the baseline; default: all points. At least 2 are needed for limits. */
	readonly baseline?: number;
}

/** One point of an XmR chart. */
export interface XmrPoint {
	/** The value as given. */
	readonly value: number;
	/** Strictly above the upper or strictly below the lower natural process limit. */
	readonly beyondLimit: boolean;
	/** Part of a run of 8 or more consecutive points strictly on one side of the centre. */
	readonly inRun: boolean;
}

/** Result of {@link xmr}. */
export interface XmrResult {
	/** Mean of the baseline points; null with fewer than 2 baseline points. */
	readonly centre: number | null;
	/** Mean moving range of the baseline (mean of |x_i - x_(i-1)| inside the baseline); null with fewer than 2 baseline points. */
	readonly movingRange: number | null;
	/** Upper natural process limit: centre + 2.66 x movingRange; null with fewer than 2 baseline points. */
	readonly upper: number | null;
	/** Lower natural process limit: centre - 2.66 x movingRange (not clamped at 0); null with fewer than 2 baseline points. */
	readonly lower: number | null;
	/** Number of leading points actually used as the baseline (0 when there are no limits). */
	readonly baseline: number;
	/** One entry per input value, in order. */
	readonly points: readonly XmrPoint[];
	/** True if any point is beyond a limit or in a run. */
	readonly signal: boolean;
	/** Whether the LAST point is a signal, and on which side; null when it is noise (or there are no limits). */
	readonly latestSignal: 'high' | 'low' | null;
}

/** Maturity of a touchpoint on the ladder broken -> reliable -> differentiating. */
export type Maturity = 'unassessed' | 'broken' | 'reliable' | 'differentiating';

/** Input of {@link stageHealth}. */
export interface StageHealthInput {
	/** The stage's touchpoints. */
	readonly touchpoints: ReadonlyArray<{ readonly maturity: Maturity; readonly momentOfTruth: boolean }>;
	/** Number of the stage's KPIs currently red. */
	readonly redKpis: number;
	/** Number of adverse signals (XmR signals in the bad direction) on the stage's KPIs, complaints and surveys. */
	readonly signals: number;
}

/** Stage health level. */
export type HealthLevel = 'critical' | 'at-risk' | 'healthy' | 'unknown';

/** Result of {@link stageHealth}. */
export interface StageHealthResult {
	/** 0..100 integer; meaningless (0) when level is 'unknown'. */
	readonly score: number;
	/** Level; see {@link stageHealth}. */
	readonly level: HealthLevel;
	/** Short human strings explaining what hurts, e.g. "2 moments of truth broken", "1 KPI red". */
	readonly reasons: string[];
}

/** Samples below this many responses are flagged thin. */
export const THIN_SAMPLE = 30;
/** XmR scaling constant for natural process limits from the mean moving range. */
export const XMR_LIMIT_FACTOR = 2.66;
/** Minimum number of consecutive points on one side of the centre that make a run signal. */
export const XMR_RUN_LENGTH = 8;

function checkCounts(counts: Distribution, expectedLength: number, what: string): number {
	if (counts.length !== expectedLength) {
		throw new RangeError(`${what}: expected ${expectedLength} counts, got ${counts.length}`);
	}
	let n = 0;
	for (let i = 0; i < counts.length; i++) {
		const c = counts[i] as number;
		if (!Number.isInteger(c) || c < 0) {
			throw new RangeError(`${what}: count at index ${i} must be a non-negative integer, got ${String(c)}`);
		}
		n += c;
	}
	return n;
}

function sumRange(counts: Distribution, from: number, to: number): number {
	let s = 0;
	for (let i = from; i <= to; i++) s += counts[i] as number;
	return s;
}

/** Mean of a distribution whose index 0 stands for score `min`; null when n = 0. */
function distributionMean(counts: Distribution, min: number, n: number): number | null {
	if (n === 0) return null;
	let total = 0;
	for (let i = 0; i < counts.length; i++) total += (min + i) * (counts[i] as number);
	return total / n;
}

/** Tolerance for comparing computed floats (e.g. 0.9 - 0.85 vs 0.05). */
function tolerance(...magnitudes: number[]): number {
	let m = 1;
	for (const x of magnitudes) m = Math.max(m, Math.abs(x));
	return m * 1e-9;
}

/**
 * Net Promoter Score of a 0..10 distribution (length 11; index i = count of score i).
 *
 * Promoters score 9-10, passives 7-8, detractors 0-6. NPS = 100 x (P - D) / n.
 * The 95% margin of error is 1.96 x 100 x sqrt((p + d - (p - d)^2) / n) with p = P/n, d = D/n.
 * `thin` is true under 30 responses. score and marginOfError are null when n = 0.
 *
 * @throws RangeError when the distribution does not have 11 entries or holds a negative/non-integer count.
 */
export function nps(counts: Distribution): NpsResult {
	const n = checkCounts(counts, 11, 'nps');
	const detractors = sumRange(counts, 0, 6);
	const passives = sumRange(counts, 7, 8);
	const promoters = sumRange(counts, 9, 10);
	if (n === 0) {
		return { n, promoters, passives, detractors, score: null, marginOfError: null, thin: true };
	}
	const p = promoters / n;
	const d = detractors / n;
	const variance = Math.max(0, p + d - (p - d) * (p - d));
	return {
		n,
		promoters,
		passives,
		detractors,
		score: (100 * (promoters - detractors)) / n,
		marginOfError: 1.96 * 100 * Math.sqrt(variance / n),
		thin: n < THIN_SAMPLE
	};
}

/**
 * Customer satisfaction of a 1..scaleMax distribution (length scaleMax; index 0 = count of "1").
 *
 * The headline is top-box (share of the top score); top-2-box is second; the mean is third.
 * Never present these as "% satisfied". Shares are 0..1 and null when n = 0.
 *
 * @throws RangeError when scaleMax is not 5 or 7, the length differs from scaleMax, or a count is invalid.
 */
export function csat(counts: Distribution, scaleMax: 5 | 7): CsatResult {
	if (scaleMax !== 5 && scaleMax !== 7) throw new RangeError(`csat: scaleMax must be 5 or 7, got ${String(scaleMax)}`);
	const n = checkCounts(counts, scaleMax, 'csat');
	if (n === 0) return { n, topBox: null, top2Box: null, mean: null, thin: true };
	const top = counts[scaleMax - 1] as number;
	const second = counts[scaleMax - 2] as number;
	return {
		n,
		topBox: top / n,
		top2Box: (top + second) / n,
		mean: distributionMean(counts, 1, n),
		thin: n < THIN_SAMPLE
	};
}

/**
 * Customer effort of a 1..7 agreement distribution for "made it easy" (length 7; index 0 = count of "1").
 *
 * The headline is the share scoring 5-7 ("somewhat agree" or better); the mean is second.
 * `formula` carries the wording the card shows. Share and mean are null when n = 0.
 *
 * @throws RangeError when the distribution does not have 7 entries or holds an invalid count.
 */
export function ces(counts: Distribution): CesResult {
	const n = checkCounts(counts, 7, 'ces');
	if (n === 0) return { n, easyShare: null, mean: null, formula: CES_FORMULA, thin: true };
	return {
		n,
		easyShare: sumRange(counts, 4, 6) / n,
		mean: distributionMean(counts, 1, n),
		formula: CES_FORMULA,
		thin: n < THIN_SAMPLE
	};
}

/**
 * Generic score on an integer min..max scale (length max - min + 1; index 0 = count of `min`).
 * Returns n, the mean and top-box (share of `max`); mean and topBox are null when n = 0.
 * `thin` (n < 30) is included for consistency with the other survey results.
 *
 * @throws RangeError when min/max are not integers with min < max, the length is wrong, or a count is invalid.
 */
export function customScore(counts: Distribution, min: number, max: number): CustomScoreResult {
	if (!Number.isInteger(min) || !Number.isInteger(max) || max <= min) {
		throw new RangeError(`customScore: need integers min < max, got ${String(min)}..${String(max)}`);
	}
	const n = checkCounts(counts, max - min + 1, 'customScore');
	if (n === 0) return { n, mean: null, topBox: null, thin: true };
	return {
		n,
		mean: distributionMean(counts, min, n),
		topBox: (counts[counts.length - 1] as number) / n,
		thin: n < THIN_SAMPLE
	};
}

/**
 * Adds distributions index by index (to aggregate periods or segments before computing a metric).
 * An empty list gives [].
 *
 * @throws RangeError when the distributions differ in length or hold a negative/non-integer count.
 */
export function sumDistributions(list: readonly Distribution[]): number[] {
	const first = list[0];
	if (first === undefined) return [];
	const out: number[] = new Array<number>(first.length).fill(0);
	for (const d of list) {
		checkCounts(d, first.length, 'sumDistributions');
		for (let i = 0; i < d.length; i++) out[i] = (out[i] as number) + (d[i] as number);
	}
	return out;
}

/**
 * Status of a KPI against its target, in its direction.
 *
 * - 'green': meets the target (value >= target for 'higher', value <= target for 'lower'); exactly on target is green.
 * - 'amber': misses by no more than `warning` (exactly on the band edge is amber).
 * - 'red': misses by more than `warning`.
 * - 'none': no target (or the value is not a finite number).
 *
 * The band-edge comparison allows a tiny relative float tolerance (1e-9), so e.g. target 0.9,
 * warning 0.05, value 0.85 is amber even though 0.9 - 0.85 is 0.05000000000000004 in binary floats.
 *
 * @throws RangeError when warning is negative or not finite.
 */
export function kpiStatus(input: KpiStatusInput): KpiStatus {
	const { value, target, direction, warning } = input;
	if (!Number.isFinite(warning) || warning < 0) {
		throw new RangeError(`kpiStatus: warning must be a finite number >= 0, got ${String(warning)}`);
	}
	if (target === null || !Number.isFinite(target) || !Number.isFinite(value)) return 'none';
	const shortfall = direction === 'higher' ? target - value : value - target;
	if (shortfall <= 0) return 'green';
	return shortfall <= warning + tolerance(target, value, warning) ? 'amber' : 'red';
}

/**
 * Direction of travel from the last two points: 'up' if the last is greater than the one before,
 * 'down' if smaller, 'flat' when equal or when there are fewer than 2 points.
 * This is arrow material only; whether a change matters is {@link xmr}'s job.
 */
export function trend(values: readonly number[]): Trend {
	if (values.length < 2) return 'flat';
	const last = values[values.length - 1] as number;
	const prev = values[values.length - 2] as number;
	if (last > prev) return 'up';
	if (last < prev) return 'down';
	return 'flat';
}

/**
 * XmR (individuals and moving range) process-behaviour chart: signal or noise.
 *
 * - The baseline is the first `options.baseline` points (default: all; clamped to the number of values).
 * - centre = mean of the baseline points; movingRange = mean of |x_i - x_(i-1)| over consecutive
 *   baseline points; upper/lower = centre +/- 2.66 x movingRange (the lower limit is not clamped at 0).
 * - A point is `beyondLimit` when strictly above upper or strictly below lower.
 * - A point is `inRun` when it belongs to 8 or more consecutive points strictly on the same side of the
 *   centre; a point exactly on the centre (within a 1e-9 relative tolerance) breaks a run. Runs are
 *   looked for across all points, baseline included.
 * - `signal` is true if any point is beyond a limit or in a run.
 * - `latestSignal` is 'high' when the last point is above the upper limit or in a run above the centre,
 *   'low' when below the lower limit or in a run below, null otherwise.
 * - With fewer than 2 baseline points, centre/limits are null and nothing is a signal.
 *
 * Whether 'high' is good or bad depends on the measure's direction; the caller decides "adverse".
 *
 * @throws RangeError when a value is not finite or `baseline` is not a non-negative integer.
 */
export function xmr(values: readonly number[], options: XmrOptions = {}): XmrResult {
	for (const v of values) {
		if (!Number.isFinite(v)) throw new RangeError(`xmr: values must be finite numbers, got ${String(v)}`);
	}
	const requested = options.baseline ?? values.length;
	if (!Number.isInteger(requested) || requested < 0) {
		throw new RangeError(`xmr: baseline must be a non-negative integer, got ${String(requested)}`);
	}
	const b = Math.min(requested, values.length);
	if (b < 2) {
		return {
			centre: null,
			movingRange: null,
			upper: null,
			lower: null,
			baseline: 0,
			points: values.map((value) => ({ value, beyondLimit: false, inRun: false })),
			signal: false,
			latestSignal: null
		};
	}

	let sum = 0;
	for (let i = 0; i < b; i++) sum += values[i] as number;
	const centre = sum / b;
	let mrSum = 0;
	for (let i = 1; i < b; i++) mrSum += Math.abs((values[i] as number) - (values[i - 1] as number));
	const movingRange = mrSum / (b - 1);
	const upper = centre + XMR_LIMIT_FACTOR * movingRange;
	const lower = centre - XMR_LIMIT_FACTOR * movingRange;

	// Side of the centre: +1 above, -1 below, 0 on it (within tolerance).
	const eps = tolerance(centre);
	const sides = values.map((v) => (v > centre + eps ? 1 : v < centre - eps ? -1 : 0));
	const inRun = values.map(() => false);
	let start = 0;
	while (start < sides.length) {
		const side = sides[start] as number;
		let end = start;
		while (end + 1 < sides.length && sides[end + 1] === side) end++;
		if (side !== 0 && end - start + 1 >= XMR_RUN_LENGTH) {
			for (let i = start; i <= end; i++) inRun[i] = true;
		}
		start = end + 1;
	}

	const points: XmrPoint[] = values.map((value, i) => ({
		value,
		beyondLimit: value > upper || value < lower,
		inRun: inRun[i] as boolean
	}));
	const signal = points.some((p) => p.beyondLimit || p.inRun);

	let latestSignal: 'high' | 'low' | null = null;
	const lastIndex = points.length - 1;
	const last = points[lastIndex];
	if (last !== undefined) {
		if (last.value > upper) latestSignal = 'high';
		else if (last.value < lower) latestSignal = 'low';
		else if (last.inRun) latestSignal = (sides[lastIndex] as number) > 0 ? 'high' : 'low';
	}

	return { centre, movingRange, upper, lower, baseline: b, points, signal, latestSignal };
}

function plural(count: number, one: string, many: string): string {
	return `${count} ${count === 1 ? one : many}`;
}

/**
 * Health of a stage from its touchpoints' maturity, its red KPIs and its adverse signals.
 *
 * Formula:
 * 1. Maturity points per assessed touchpoint: broken = 0, reliable = 70, differentiating = 100;
 *    'unassessed' touchpoints are left out. Weight 3 for a moment of truth, 1 otherwise.
 *    base = weighted mean of the points. With no assessed touchpoints, base = 70 (treated as
 *    "reliable": no evidence either way), so red KPIs and signals still pull the stage down.
 * 2. score = base - 10 x redKpis - 10 x signals, clamped to 0..100 and rounded to an integer.
 * 3. level:
 *    - 'unknown' when no touchpoint is assessed and redKpis = 0 and signals = 0 (score is then 0
 *      and should not be shown);
 *    - 'critical' when any moment of truth is broken, or score < 40;
 *    - 'at-risk' when score < 70;
 *    - 'healthy' otherwise.
 *    The level is computed from the rounded score, so the number shown and the level agree.
 *
 * reasons lists, in this order and only when non-zero: "N moment(s) of truth broken",
 * "N touchpoint(s) broken" (the non-moments; worded "N other touchpoint(s) broken" when moments of
 * truth are broken too), "N KPI(s) red", "N adverse signal(s)"; and "no touchpoints assessed" when none is.
 *
 * Examples: one reliable moment of truth + one broken other touchpoint: (3x70 + 1x0)/4 = 52.5 -> 53, at-risk.
 * All reliable with one red KPI: 70 - 10 = 60, at-risk.
 *
 * @throws RangeError when redKpis or signals is not a non-negative integer.
 */
export function stageHealth(input: StageHealthInput): StageHealthResult {
	const { touchpoints, redKpis, signals } = input;
	if (!Number.isInteger(redKpis) || redKpis < 0) throw new RangeError(`stageHealth: redKpis must be a non-negative integer`);
	if (!Number.isInteger(signals) || signals < 0) throw new RangeError(`stageHealth: signals must be a non-negative integer`);

	let weightSum = 0;
	let pointSum = 0;
	let brokenMoments = 0;
	let brokenOthers = 0;
	for (const t of touchpoints) {
		if (t.maturity === 'unassessed') continue;
		const weight = t.momentOfTruth ? 3 : 1;
		const points = t.maturity === 'broken' ? 0 : t.maturity === 'reliable' ? 70 : 100;
		weightSum += weight;
		pointSum += weight * points;
		if (t.maturity === 'broken') {
			if (t.momentOfTruth) brokenMoments++;
			else brokenOthers++;
		}
	}

	const reasons: string[] = [];
	if (brokenMoments > 0) reasons.push(plural(brokenMoments, 'moment of truth broken', 'moments of truth broken'));
	if (brokenOthers > 0) {
		const other = brokenMoments > 0 ? 'other ' : '';
		reasons.push(plural(brokenOthers, `${other}touchpoint broken`, `${other}touchpoints broken`));
	}
	if (redKpis > 0) reasons.push(plural(redKpis, 'KPI red', 'KPIs red'));
	if (signals > 0) reasons.push(plural(signals, 'adverse signal', 'adverse signals'));
	if (weightSum === 0) reasons.push('no touchpoints assessed');

	if (weightSum === 0 && redKpis === 0 && signals === 0) {
		return { score: 0, level: 'unknown', reasons };
	}

	const base = weightSum === 0 ? 70 : pointSum / weightSum;
	const score = Math.round(Math.min(100, Math.max(0, base - 10 * redKpis - 10 * signals)));
	const level: HealthLevel = brokenMoments > 0 || score < 40 ? 'critical' : score < 70 ? 'at-risk' : 'healthy';
	return { score, level, reasons };
}

/**
 * Perception gap: internal score minus customer score (positive = we rate ourselves higher than
 * customers do). null when either is missing or not a finite number.
 */
export function gap(internalScore: number | null | undefined, customerScore: number | null | undefined): number | null {
	if (internalScore === null || internalScore === undefined || !Number.isFinite(internalScore)) return null;
	if (customerScore === null || customerScore === undefined || !Number.isFinite(customerScore)) return null;
	return internalScore - customerScore;
}

/** The survey kinds the readings know (the domain's `Survey['kind']`). */
export type SurveyKindName = 'nps' | 'csat' | 'ces' | 'custom';

/** Which figure leads a survey card. */
export type SurveyMeasure = 'nps' | 'top-box' | 'easy-share' | 'mean';

/** What a survey card leads with for one distribution: {@link surveyReading}. */
export interface SurveyReading {
	readonly measure: SurveyMeasure;
	/**
	 * The headline: NPS points (-100..100) for `nps`, a share (0..1) for `top-box` and `easy-share`, the mean
	 * on the survey's scale for `mean`; null when there are no responses.
	 */
	readonly value: number | null;
	/** True when the headline is where a room should worry (see {@link surveyReading} for each rule). */
	readonly low: boolean;
	/** What the survey is, in words ("Net Promoter Score"). */
	readonly title: string;
	/** What the big number is ("top-box"). */
	readonly label: string;
	/** How the headline is computed, printed small on the card so nobody has to ask. */
	readonly formula: string;
	/** NPS only: the 95% margin of error in points. */
	readonly marginOfError: number | null;
	/** CSAT on 1-5 or 1-7: the share giving one of the two top scores. */
	readonly top2Box: number | null;
	/** Share giving the top score, where it is a second figure (custom scales). */
	readonly topBox: number | null;
	/** Mean score on the survey's scale (CSAT, CES, custom). */
	readonly mean: number | null;
	readonly scale: { readonly min: number; readonly max: number };
	readonly n: number;
	/** Fewer than {@link THIN_SAMPLE} responses. */
	readonly thin: boolean;
}

/** Which survey comments an import also sorts into the stage's complaint categories (`SurveyMapping.classifyComments`). */
export type CommentChoice = 'all' | 'belowTopBox' | 'detractors';

/**
 * The lowest score of a survey's top box, as its headline reads it (`surveyReading`): NPS 9 (promoters),
 * CSAT on 1-5 or 1-7 the top score, CES 5 ("agree" or better), a custom survey its `topBoxFrom`, any
 * other survey its top score.
 */
export function topBoxStart(survey: {
	readonly kind: SurveyKindName;
	readonly scale: { readonly min: number; readonly max: number };
	readonly topBoxFrom?: number | null | undefined;
}): number {
	const { min, max } = survey.scale;
	if (survey.kind === 'nps') return 9;
	if (survey.kind === 'ces') return 5;
	const from = survey.kind === 'custom' ? survey.topBoxFrom : null;
	return from !== null && from !== undefined && from > min && from <= max ? from : max;
}

/**
 * Whether a comment given with `score` is one `choice` sorts into complaint categories: every comment,
 * those scoring below the survey's top box (`topBoxStart`), or an NPS survey's detractors (0-6).
 */
export function commentChosen(survey: Parameters<typeof topBoxStart>[0], choice: CommentChoice, score: number): boolean {
	switch (choice) {
		case 'all':
			return true;
		case 'belowTopBox':
			return score < topBoxStart(survey);
		case 'detractors':
			return score <= 6;
	}
}

/**
 * The one headline rule for survey cards (DESIGN.md section 8), so every screen shows the same figure:
 *
 * | kind | headline | low when | second figures |
 * | --- | --- | --- | --- |
 * | NPS (0-10) | NPS with its 95% margin of error | below 0 | - |
 * | CSAT on 1-5 or 1-7 | top-box (never "% satisfied") | under 40% | top-2-box, mean |
 * | CES (1-7) | share scoring 5-7 | under 60% | mean |
 * | custom with a top-box rule (`topBoxFrom`) | share scoring `topBoxFrom`..max | under 40% | mean |
 * | custom, or CSAT on any other scale | mean | below the scale's midpoint | top-box |
 *
 * Returns null when the counts do not fit the survey's scale (a distribution of the wrong length).
 */
export function surveyReading(
	survey: {
		readonly kind: SurveyKindName;
		readonly scale: { readonly min: number; readonly max: number };
		readonly topBoxFrom?: number | null | undefined;
	},
	counts: Distribution
): SurveyReading | null {
	const { min, max } = survey.scale;
	const base = { scale: { min, max }, marginOfError: null, top2Box: null, topBox: null, mean: null };
	try {
		if (survey.kind === 'nps') {
			const r = nps(counts);
			return {
				...base,
				measure: 'nps',
				value: r.score,
				low: r.score !== null && r.score < 0,
				title: 'Net Promoter Score',
				label: 'NPS, ±95% margin',
				formula: 'NPS = % scoring 9–10 minus % scoring 0–6',
				marginOfError: r.marginOfError,
				n: r.n,
				thin: r.thin
			};
		}
		if (survey.kind === 'csat' && min === 1 && (max === 5 || max === 7)) {
			const r = csat(counts, max);
			return {
				...base,
				measure: 'top-box',
				value: r.topBox,
				low: r.topBox !== null && r.topBox < 0.4,
				title: 'Satisfaction (CSAT)',
				label: 'top-box',
				formula: `Top-box = share scoring ${max} on the 1–${max} scale`,
				top2Box: r.top2Box,
				mean: r.mean,
				n: r.n,
				thin: r.thin
			};
		}
		if (survey.kind === 'ces') {
			const r = ces(counts);
			return {
				...base,
				measure: 'easy-share',
				value: r.easyShare,
				low: r.easyShare !== null && r.easyShare < 0.6,
				title: 'Customer effort (CES)',
				label: 'found it easy',
				formula: `CES = ${CES_FORMULA}`,
				mean: r.mean,
				n: r.n,
				thin: r.thin
			};
		}
		const r = customScore(counts, min, max);
		const from = survey.kind === 'custom' ? survey.topBoxFrom : null;
		if (from !== null && from !== undefined && from > min && from <= max) {
			const share = r.n === 0 ? null : sumRange(counts, from - min, max - min) / r.n;
			return {
				...base,
				measure: 'top-box',
				value: share,
				low: share !== null && share < 0.4,
				title: 'Survey',
				label: 'top-box',
				formula:
					from === max
						? `Top-box = share scoring ${max} on the ${min}–${max} scale`
						: `Top-box = share scoring ${from}–${max} on the ${min}–${max} scale`,
				mean: r.mean,
				n: r.n,
				thin: r.thin
			};
		}
		return {
			...base,
			measure: 'mean',
			value: r.mean,
			low: r.mean !== null && r.mean < (min + max) / 2,
			title: survey.kind === 'csat' ? 'Satisfaction (CSAT)' : 'Survey',
			label: 'mean score',
			formula: `Mean of all scores on the ${min}–${max} scale`,
			topBox: r.topBox,
			n: r.n,
			thin: r.thin
		};
	} catch (error) {
		if (error instanceof RangeError) return null;
		throw error;
	}
}
