/**
 * The words and marks of tone and of new phrases, in one place for the board, the session, Curate and
 * the wall: a word and a shape, never colour alone. Zod-free (the wall uses it).
 */
import type { Tone, TonePoint } from '$lib/domain/tone';
import type { EmergingPhrase, RoomState, Verbatim } from '$lib/domain/model';
import { formatPercent, monthLabel } from './format';

/** The mark and word of each tone. */
export const TONE_LOOK: Record<Tone, { mark: string; word: string }> = {
	negative: { mark: '▼', word: 'negative' },
	neutral: { mark: '●', word: 'neutral' },
	positive: { mark: '▲', word: 'positive' }
};

/** What a tone mark means, for its tooltip. */
export const TONE_EXPLAINED =
	'Tone of these words as a word list (AFINN) scores them on the server, with "not" and "never" turning the words after them.';

/** "38% of the 40 verbatims of Mar 2026 read negative." ("The one verbatim of Mar 2026 reads negative." for one.) */
export function toneSentence(point: TonePoint): string {
	const month = monthLabel(point.period);
	if (point.total === 1) {
		return point.negative
			? `The one verbatim of ${month} reads negative.`
			: `The one verbatim of ${month} does not read negative.`;
	}
	return `${formatPercent(point.share)} of the ${point.total.toLocaleString('en')} verbatims of ${month} read negative.`;
}

/** The words of a tone signal: a worsening tone is a signal, not a wiggle. */
export const TONE_SIGNAL: Record<'worse' | 'better', { mark: string; word: string; explained: string }> = {
	worse: {
		mark: '⚑',
		word: 'Signal: tone worse',
		explained: 'The share of negative verbatims is outside its usual range of recent months (XmR chart): a signal, not noise.'
	},
	better: {
		mark: '⚑',
		word: 'Signal: tone better',
		explained: 'The share of negative verbatims is below its usual range of recent months (XmR chart): a signal, not noise.'
	}
};

/** "New in Mar 2026" */
export const newInLabel = (period: string): string => `New in ${monthLabel(period)}`;

/** "In 5 verbatims this month, 0 before." */
export function phraseCountSentence(phrase: EmergingPhrase): string {
	const now = phrase.count === 1 ? '1 verbatim' : `${phrase.count.toLocaleString('en')} verbatims`;
	return `In ${now} this month, ${phrase.baseline.toLocaleString('en')} in the room's earlier months.`;
}

/** A phrase's verbatims that the room still holds, each with what it was said about, newest first. */
export function phraseVerbatims(state: RoomState, phrase: EmergingPhrase): Array<{ verbatim: Verbatim; about: string }> {
	const out: Array<{ verbatim: Verbatim; about: string }> = [];
	for (const ref of phrase.verbatims) {
		const category = Object.prototype.hasOwnProperty.call(state.complaints, ref.itemId)
			? state.complaints[ref.itemId]
			: undefined;
		const survey = Object.prototype.hasOwnProperty.call(state.surveys, ref.itemId) ? state.surveys[ref.itemId] : undefined;
		const item = category ?? survey;
		const verbatim = item?.verbatims.find((v) => v.id === ref.verbatimId);
		if (!verbatim) continue;
		out.push({ verbatim, about: category ? category.name : `${survey!.kind.toUpperCase()} comment` });
	}
	return out.sort((a, b) => b.verbatim.date.localeCompare(a.verbatim.date));
}
