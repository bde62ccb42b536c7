/**
 * A survey's figures in words, for every screen that shows a survey card (board, team page, wall,
 * spotlight). The rule (which figure leads, its label and formula, the thin-sample flag) is the
 * domain's {@link surveyReading}; this module only formats it.
 */
import type { Survey } from '$lib/domain';
import { surveyReading, type SurveyReading } from '$lib/domain/metrics';
import { formatPercent, formatSigned } from './format';

export interface SurveyFigures {
	/** What kind of survey, in words ("Net Promoter Score"). */
	title: string;
	/** The big number. */
	headline: string;
	/** Margin of error next to it (NPS only), e.g. "±8.1". */
	moe: string | null;
	/** What the big number is. */
	label: string;
	/** The second figures, worded; null when the kind has none. */
	second: string | null;
	/** How the headline is computed. */
	formula: string;
	n: number;
	thin: boolean;
}

const decimal = (x: number | null) => (x === null ? '—' : x.toFixed(1));

/** The headline of a reading, formatted for its measure: "+12", "42%", "3.8". */
export function formatHeadline(reading: SurveyReading): string {
	switch (reading.measure) {
		case 'nps':
			return formatSigned(reading.value);
		case 'top-box':
		case 'easy-share':
			return formatPercent(reading.value);
		case 'mean':
			return decimal(reading.value);
	}
}

/** The second figures of a reading, in words, or null. */
function secondFigures(reading: SurveyReading): string | null {
	const { max } = reading.scale;
	switch (reading.measure) {
		case 'nps':
			return null;
		case 'top-box':
			// A custom survey's own top box has no top-2-box: its mean comes second.
			if (reading.top2Box === null) return `mean ${decimal(reading.mean)} of ${max}`;
			return `top-2-box ${formatPercent(reading.top2Box)} (scoring ${max - 1}–${max}) · mean ${decimal(reading.mean)} of ${max}`;
		case 'easy-share':
			return `mean ${decimal(reading.mean)} of ${max}`;
		case 'mean':
			return `top-box ${formatPercent(reading.topBox)} (scoring ${max})`;
	}
}

/** The figures for one distribution; null when the counts do not fit the survey's scale. */
export function surveyFigures(
	survey: Pick<Survey, 'kind' | 'scale' | 'topBoxFrom'>,
	counts: readonly number[]
): SurveyFigures | null {
	const reading = surveyReading(survey, counts);
	if (!reading) return null;
	return {
		title: reading.title,
		headline: formatHeadline(reading),
		moe: reading.marginOfError === null ? null : `±${reading.marginOfError.toFixed(1)}`,
		label: reading.label,
		second: secondFigures(reading),
		formula: reading.formula,
		n: reading.n,
		thin: reading.thin
	};
}
