/**
 * A survey's figures as the wall words them (DESIGN.md section 8): NPS with n and its 95% margin of
 * error; CSAT as top-box with top-2-box second (never "% satisfied"); CES as the share scoring 5-7.
 * Each carries its formula, printed small on the card so nobody has to ask what the number means.
 */
import { assertNever } from '$lib/domain/basics';
import type { Survey } from '$lib/domain';
import { ces, csat, customScore, formatPercent, formatSigned, nps } from '$lib/domain/metrics';

export interface SurveyFigures {
	/** What kind of survey, in words. */
	kind: string;
	/** The big number. */
	headline: string;
	/** Margin of error next to it (NPS only), e.g. "±8.1". */
	moe: string | null;
	/** What the big number is. */
	label: string;
	/** A second figure, worded. */
	second: string | null;
	/** How the headline is computed. */
	formula: string;
	n: number;
	thin: boolean;
}

const decimal = (x: number | null) => (x === null ? '—' : x.toFixed(1));

/** The figures for one distribution; null when the counts do not fit the survey's scale. */
export function surveyFigures(survey: Survey, counts: readonly number[]): SurveyFigures | null {
	const { min, max } = survey.scale;
	try {
		switch (survey.kind) {
			case 'nps': {
				const r = nps(counts);
				return {
					kind: 'Net Promoter Score',
					headline: formatSigned(r.score),
					moe: r.marginOfError === null ? null : `±${r.marginOfError.toFixed(1)}`,
					label: 'NPS, ±95% margin',
					second: null,
					formula: 'NPS = % scoring 9–10 minus % scoring 0–6',
					n: r.n,
					thin: r.thin
				};
			}
			case 'csat':
				if (max === 5 || max === 7) {
					const r = csat(counts, max);
					return {
						kind: 'Satisfaction (CSAT)',
						headline: formatPercent(r.topBox),
						moe: null,
						label: 'top-box',
						second: `top-2-box ${formatPercent(r.top2Box)} · mean ${decimal(r.mean)} of ${max}`,
						formula: `Top-box = share scoring ${max} on the 1–${max} scale`,
						n: r.n,
						thin: r.thin
					};
				}
				return custom(counts, min, max);
			case 'ces': {
				const r = ces(counts);
				return {
					kind: 'Customer effort (CES)',
					headline: formatPercent(r.easyShare),
					moe: null,
					label: 'found it easy',
					second: `mean ${decimal(r.mean)} of 7`,
					formula: 'CES = share scoring 5–7 of 7 (agree it was easy)',
					n: r.n,
					thin: r.thin
				};
			}
			case 'custom':
				return custom(counts, min, max);
			default:
				return assertNever(survey.kind);
		}
	} catch {
		return null;
	}
}

function custom(counts: readonly number[], min: number, max: number): SurveyFigures {
	const r = customScore(counts, min, max);
	return {
		kind: 'Survey',
		headline: decimal(r.mean),
		moe: null,
		label: `mean score`,
		second: `top-box ${formatPercent(r.topBox)} (scoring ${max})`,
		formula: `Mean of all scores on the ${min}–${max} scale`,
		n: r.n,
		thin: r.thin
	};
}
