/**
 * What `room.redact` rewrites: every stored verbatim (those waiting in To review too), caption and transcript of a room, masked with the
 * room's own settings. Worked out on the server from the state the command is decided on, so the event
 * carries the masked texts, and the verbatims' tones scored again on them, and `evolve` only puts them in
 * place (moving the month tone counts by the difference).
 */
import type { PreparedRedaction, RedactionSettings, RoomState, Verbatim } from '../../src/lib/domain';
import { addCounts, noCounts, redactText, settingsOf } from './redact';
import { sentimentScore } from './sentiment';

/** The longest each stored text may be (the schemas' limits: `Verbatim.text`, `Text`, `LongText`). */
export const TEXT_LIMITS = { verbatim: 1000, caption: 2000, transcript: 50_000 } as const;

/**
 * The tone of a rewritten verbatim, scored again on its masked words, so the event carries it and every
 * wall folds the same tone. A verbatim stored before sentiment existed stays unscored (its item's tone
 * counts never held it).
 */
const rescored = (v: Verbatim, text: string): { sentiment?: number } =>
	v.sentiment === undefined ? {} : { sentiment: sentimentScore(text) };

/** The rewrites that would mask what `state` holds (empty lists when it holds nothing to mask). */
export function prepareRedaction(
	state: RoomState,
	settings: RedactionSettings = settingsOf(state.meta?.settings)
): PreparedRedaction {
	const masked = noCounts();
	const redact = (text: string, max: number): string | null => {
		const result = redactText(text, settings);
		if (result.text === text) return null;
		addCounts(masked, result.counts);
		return result.text.length <= max ? result.text : `${result.text.slice(0, max - 1)}…`;
	};
	const toReview: NonNullable<PreparedRedaction['rewrites']['toReview']> = [];
	const prepared: PreparedRedaction = { rewrites: { complaintQuotes: [], surveyQuotes: [], artifacts: [], toReview }, masked };
	for (const category of Object.values(state.complaints))
		for (const v of category.verbatims) {
			const text = redact(v.text, TEXT_LIMITS.verbatim);
			if (text !== null)
				prepared.rewrites.complaintQuotes.push({ categoryId: category.id, verbatimId: v.id, text, ...rescored(v, text) });
		}
	for (const survey of Object.values(state.surveys))
		for (const v of survey.verbatims) {
			const text = redact(v.text, TEXT_LIMITS.verbatim);
			if (text !== null)
				prepared.rewrites.surveyQuotes.push({ surveyId: survey.id, verbatimId: v.id, text, ...rescored(v, text) });
		}
	for (const { verbatim: v } of state.toReview) {
		const text = redact(v.text, TEXT_LIMITS.verbatim);
		if (text !== null) toReview.push({ verbatimId: v.id, text, ...rescored(v, text) });
	}
	for (const artifact of Object.values(state.artifacts)) {
		const caption = redact(artifact.caption, TEXT_LIMITS.caption);
		const transcript = redact(artifact.transcript, TEXT_LIMITS.transcript);
		if (caption === null && transcript === null) continue;
		prepared.rewrites.artifacts.push({
			artifactId: artifact.id,
			...(caption !== null ? { caption } : {}),
			...(transcript !== null ? { transcript } : {})
		});
	}
	return prepared;
}
