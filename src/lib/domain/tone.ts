/**
 * The tone of customer words: the word a sentiment score reads as, the per-month tone counts the state
 * keeps as aggregates, and a stage's share of negative verbatims trended with the same XmR rule as
 * counts (DESIGN.md section 8). The score itself is worked out on the server (`server/text/sentiment.ts`)
 * and travels in the event, so walls never load the lexicon. Zod-free: the wall folds events with this.
 */
import { xmr } from './metrics';
import type { ComplaintCategory, PeriodTones, RoomState, Survey, ToneCounts, Verbatim } from './model';

export type Tone = 'negative' | 'neutral' | 'positive';

/** The tone a sentiment score reads as: below 0 negative, above 0 positive; null when the verbatim was never scored. */
export function toneOf(score: number | undefined): Tone | null {
	if (score === undefined) return null;
	return score < 0 ? 'negative' : score > 0 ? 'positive' : 'neutral';
}

/** The month (YYYY-MM) a verbatim counts in: the month of its date. */
export const periodOfVerbatim = (v: Verbatim): string => v.date.slice(0, 7);

const NO_TONES: ToneCounts = { negative: 0, neutral: 0, positive: 0 };

/**
 * `tones` with one verbatim counted (`sign` 1) or taken back (`sign` -1); the same object when the
 * verbatim carries no score. Counts never drop below zero.
 */
export function countTone(tones: PeriodTones | undefined, v: Verbatim, sign: 1 | -1): PeriodTones | undefined {
	const tone = toneOf(v.sentiment);
	if (tone === null) return tones;
	const period = periodOfVerbatim(v);
	const current = tones?.[period] ?? NO_TONES;
	return { ...tones, [period]: { ...current, [tone]: Math.max(0, current[tone] + sign) } };
}

/** `tones` with one month's counts added (an import's rows, scored as the server read them). */
export function addTones(tones: PeriodTones | undefined, period: string, add: ToneCounts): PeriodTones {
	const current = tones?.[period] ?? NO_TONES;
	return {
		...tones,
		[period]: {
			negative: current.negative + add.negative,
			neutral: current.neutral + add.neutral,
			positive: current.positive + add.positive
		}
	};
}

/** A tally of tones per item and month, as an import reads its rows. */
export class ToneTally {
	private readonly byKey = new Map<string, { itemId: string; period: string; tones: ToneCounts }>();
	/** Counts one scored row of `itemId` in `period`. */
	add(itemId: string, period: string, score: number): void {
		const tone = toneOf(score)!;
		const key = `${itemId}\u0000${period}`;
		const entry = this.byKey.get(key) ?? { itemId, period, tones: { ...NO_TONES } };
		entry.tones[tone]++;
		this.byKey.set(key, entry);
	}
	/** Every item and month counted, in the order first seen. */
	entries(): Array<{ itemId: string; period: string; tones: ToneCounts }> {
		return [...this.byKey.values()];
	}
}

/**
 * The tone counts of an item after `incoming` verbatims arrive: each counts once, and one that replaces
 * a verbatim the item still holds (the same id sent again) takes the old one's count back first.
 */
export function tonesAfter(item: ComplaintCategory | Survey, incoming: readonly Verbatim[]): PeriodTones | undefined {
	let tones = item.tone;
	for (const v of incoming) {
		const old = item.verbatims.find((x) => x.id === v.id);
		if (old) tones = countTone(tones, old, -1);
		tones = countTone(tones, v, 1);
	}
	return tones;
}

/** One month of a stage's tone: how many verbatims were scored, how many negative, and the negative share (0-1). */
export interface TonePoint {
	period: string;
	total: number;
	negative: number;
	share: number;
}

export interface StageTone {
	/** Months with scored verbatims, oldest first (at most the last `months`). */
	points: TonePoint[];
	latest: TonePoint | null;
	/**
	 * The latest month's negative share on the XmR chart of those months: `worse` beyond the upper limit
	 * or in a run above the centre, `better` on the other side; null when it is noise (or too few months).
	 */
	signal: 'worse' | 'better' | null;
}

/** Months of tone a stage's trend reads (the same window as complaint counts' signals). */
export const TONE_MONTHS = 12;

/**
 * A stage's share of negative verbatims per month, summed over its complaint categories and surveys, and
 * whether the latest month is a signal (DESIGN.md section 8's XmR rule, as for counts): a worsening tone
 * is a signal, a single bad month is a wiggle.
 */
export function stageTone(state: Pick<RoomState, 'complaints' | 'surveys'>, stageId: string, months = TONE_MONTHS): StageTone {
	const sums = new Map<string, { total: number; negative: number }>();
	const add = (tones: PeriodTones | undefined) => {
		for (const [period, t] of Object.entries(tones ?? {})) {
			const sum = sums.get(period) ?? { total: 0, negative: 0 };
			sum.total += t.negative + t.neutral + t.positive;
			sum.negative += t.negative;
			sums.set(period, sum);
		}
	};
	for (const c of Object.values(state.complaints)) if (c.stageId === stageId) add(c.tone);
	for (const s of Object.values(state.surveys)) if (s.stageId === stageId) add(s.tone);
	const points = [...sums.entries()]
		.filter(([, sum]) => sum.total > 0)
		.sort(([a], [b]) => a.localeCompare(b))
		.slice(-months)
		.map(([period, sum]) => ({ period, ...sum, share: sum.negative / sum.total }));
	const reading = xmr(points.map((p) => p.share)).latestSignal;
	return {
		points,
		latest: points[points.length - 1] ?? null,
		signal: reading === 'high' ? 'worse' : reading === 'low' ? 'better' : null
	};
}
