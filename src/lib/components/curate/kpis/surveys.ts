/**
 * Words for the survey screens and the counts typed into a distribution. The live headline comes from
 * `surveyFigures` (the board's own rule, the domain's `surveyReading`).
 */
import type { Survey, SurveyKind } from '$lib/domain';

export const KIND_NAME: Record<SurveyKind, string> = {
	nps: 'NPS',
	csat: 'CSAT',
	ces: 'CES',
	custom: 'Custom'
};

export const KIND_HINT: Record<SurveyKind, string> = {
	nps: '0 to 10, how likely to recommend',
	csat: '1 to 5 or 1 to 7, how satisfied',
	ces: '1 to 7, how much they agree it was easy',
	custom: 'your own scale and top box'
};

/** Counts typed per score: empty is 0; anything but a whole number of 0 or more is a problem to show. */
export function parseCounts(texts: readonly string[]): { counts: number[]; bad: number[] } {
	const counts: number[] = [];
	const bad: number[] = [];
	texts.forEach((text, i) => {
		const t = text.trim();
		if (t === '') return counts.push(0);
		let ok = t.length <= 10;
		for (const ch of t) if (ch < '0' || ch > '9') ok = false;
		if (!ok) bad.push(i);
		counts.push(ok ? Number(t) : 0);
	});
	return { counts, bad };
}

/** The scores of a survey's scale, lowest first. */
export const scoresOf = (survey: Pick<Survey, 'scale'>): number[] =>
	Array.from({ length: survey.scale.max - survey.scale.min + 1 }, (_, i) => survey.scale.min + i);
