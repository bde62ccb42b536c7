/**
 * New this month: per stage, the words and short phrases (two or three words: "app login", "letter never
 * arrived") that the stage's latest month holds far more
 * often than the room's earlier months did. The test is Dunning's log-likelihood (G2) on document
 * counts (how many verbatims hold the phrase, not how often one verbatim repeats it), kept when the rise
 * is unlikely to be chance (G2 >= 6.63, p < 0.01), the phrase is in at least `MIN_COUNT` of the month's
 * verbatims, and its share rose. Stop words are left out; negators are kept ("never arrived").
 * Deterministic: strongest first, then most verbatims, then alphabetical. Pure and synchronous: the
 * server runs it in a worker thread (`server/workers/`), since a room may hold many verbatims.
 */
import { PHRASE_LIMITS, type EmergingPhrase, type RoomState, type StagePhrases, type VerbatimRef } from '../../src/lib/domain';
import { STOP_WORDS } from './phrases-stopwords';
import { NEGATORS, words } from './sentiment';

/** The fewest of a month's verbatims a phrase must be in to count as new. */
export const MIN_COUNT = 3;
/** The least log-likelihood a rise must reach (chi-square with one degree of freedom, p < 0.01). */
export const MIN_G2 = 6.63;

/** One verbatim as the phrase finder reads it. */
export interface PhraseVerbatim {
	itemId: string;
	verbatimId: string;
	stageId: string;
	/** YYYY-MM */
	period: string;
	text: string;
}

/** A stage's result: what is new in its latest month (an empty list when nothing is). */
export interface FoundPhrases extends StagePhrases {
	stageId: string;
}

/** Longest phrase looked for, in words. */
const MAX_WORDS = 3;

/**
 * The distinct words and phrases of two or three words of a text, stop words left out (a phrase never
 * spans a clause or a stop word). A negator alone says nothing ("never"); in a phrase it does ("never arrived").
 */
export function terms(text: string): Set<string> {
	const found = new Set<string>();
	let run: string[] = [];
	for (const word of words(text)) {
		const useful = word !== null && word.length > 1 && !STOP_WORDS.has(word) && !/^\d+$/.test(word);
		if (!useful) {
			run = [];
			continue;
		}
		run = [...run.slice(1 - MAX_WORDS), word];
		for (let n = 1; n <= run.length; n++) {
			if (n === 1 && NEGATORS.has(word)) continue;
			const phrase = run.slice(-n).join(' ');
			if (phrase.length <= PHRASE_LIMITS.length) found.add(phrase);
		}
	}
	return found;
}

/** Whether phrase `inner` is `outer` or a run of its words. */
function within(inner: string, outer: string): boolean {
	return ` ${outer} `.includes(` ${inner} `);
}

const wordCount = (text: string) => text.split(' ').length;

const xlogx = (o: number, e: number) => (o > 0 ? o * Math.log(o / e) : 0);

/**
 * Dunning's G2 for a phrase in `a` of `n` target documents and `b` of `m` reference documents, on the
 * 2x2 table of (target, reference) x (holds, does not hold).
 */
export function logLikelihood(a: number, n: number, b: number, m: number): number {
	const total = n + m;
	const holds = a + b;
	const lacks = total - holds;
	if (n === 0 || m === 0 || holds === 0 || lacks === 0) return 0;
	const g2 =
		2 *
		(xlogx(a, (n * holds) / total) +
			xlogx(n - a, (n * lacks) / total) +
			xlogx(b, (m * holds) / total) +
			xlogx(m - b, (m * lacks) / total));
	return Math.max(0, g2);
}

/** What is new in each stage's latest month against the room's verbatims of earlier months. */
export function findPhrases(input: readonly PhraseVerbatim[], stageIds: readonly string[]): FoundPhrases[] {
	// By ids, so the same verbatims give the same answer in whatever order they come.
	const key = (v: PhraseVerbatim) => `${v.itemId}\u0000${v.verbatimId}`;
	const verbatims = [...input].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
	const termsOf = verbatims.map((v) => terms(v.text));
	return stageIds.flatMap((stageId) => {
		const ofStage = verbatims.map((v, i) => ({ v, i })).filter(({ v }) => v.stageId === stageId);
		if (ofStage.length === 0) return [];
		const period = ofStage.reduce((latest, { v }) => (v.period > latest ? v.period : latest), '');
		const target = ofStage.filter(({ v }) => v.period === period);
		// The room's baseline: every stage's verbatims of the months before this one.
		const reference = verbatims.map((v, i) => ({ v, i })).filter(({ v }) => v.period < period);
		const holders = new Map<string, VerbatimRef[]>();
		for (const { v, i } of target) {
			for (const term of termsOf[i]!) {
				const list = holders.get(term) ?? [];
				list.push({ itemId: v.itemId, verbatimId: v.verbatimId });
				holders.set(term, list);
			}
		}
		const before = new Map<string, number>();
		for (const { i } of reference)
			for (const term of termsOf[i]!) if (holders.has(term)) before.set(term, (before.get(term) ?? 0) + 1);
		const n = target.length;
		const m = reference.length;
		const candidates: EmergingPhrase[] = [];
		for (const [text, refs] of holders) {
			const a = refs.length;
			const b = before.get(text) ?? 0;
			if (a < MIN_COUNT || a / n <= b / m) continue;
			const score = logLikelihood(a, n, b, m);
			if (score < MIN_G2) continue;
			candidates.push({
				text,
				count: a,
				baseline: b,
				score: Math.round(score * 100) / 100,
				verbatims: refs.slice(0, PHRASE_LIMITS.verbatims)
			});
		}
		// Strongest first; at equal strength the longer phrase first, since it says more.
		candidates.sort(
			(x, y) =>
				y.score - x.score ||
				y.count - x.count ||
				wordCount(y.text) - wordCount(x.text) ||
				(x.text < y.text ? -1 : x.text > y.text ? 1 : 0)
		);
		// A word or phrase that only ever appears inside a longer one kept says nothing that one does not,
		// nor does one that overlaps a stronger one in exactly the same verbatims ("login fails every").
		const kept: EmergingPhrase[] = [];
		const holdersOf = (p: EmergingPhrase) => p.verbatims.map((v) => `${v.itemId}/${v.verbatimId}`).join(' ');
		const overlap = (a: string, b: string) => a.split(' ').some((w) => b.split(' ').includes(w));
		for (const c of candidates) {
			if (kept.some((k) => k.count === c.count && within(c.text, k.text))) continue;
			if (kept.some((k) => k.count === c.count && overlap(k.text, c.text) && holdersOf(k) === holdersOf(c))) continue;
			for (let i = kept.length - 1; i >= 0; i--) {
				if (kept[i]!.count === c.count && within(kept[i]!.text, c.text)) kept.splice(i, 1);
			}
			kept.push(c);
			if (kept.length === PHRASE_LIMITS.phrases) break;
		}
		return [{ stageId, period, phrases: kept }];
	});
}

/** The room's verbatims as the finder reads them. */
export function phraseInput(state: RoomState): PhraseVerbatim[] {
	const out: PhraseVerbatim[] = [];
	for (const item of [...Object.values(state.complaints), ...Object.values(state.surveys)]) {
		for (const v of item.verbatims) {
			out.push({ itemId: item.id, verbatimId: v.id, stageId: item.stageId, period: v.date.slice(0, 7), text: v.text });
		}
	}
	// Ids, not insertion order, decide the order, so every instance reads the same list.
	return out.sort((a, b) => (a.itemId + a.verbatimId < b.itemId + b.verbatimId ? -1 : 1));
}
