/**
 * The numbers a survey card shows for one month, by kind (DESIGN.md section 8): NPS with n and its
 * margin of error; CSAT with top-box as the headline and top-2-box second (never "% satisfied");
 * CES with the share scoring 5-7 and the formula it uses; custom scales with their mean.
 */
import { assertNever } from '$lib/domain/basics';
import type { Survey } from '$lib/domain';
import { ces, CES_FORMULA, csat, customScore, formatPercent, formatSigned, nps } from '$lib/domain/metrics';

export interface SurveyCardView {
	/** The big number. */
	headline: string;
	/** What the big number is. */
	label: string;
	/** The second figure, already worded. */
	second: string | null;
	n: number;
	thin: boolean;
}

const decimal = (x: number | null) => (x === null ? '—' : x.toFixed(1));

/** The card's figures for one distribution; null when the distribution does not fit the survey's scale. */
export function surveyCardView(survey: Survey, counts: readonly number[]): SurveyCardView | null {
	const { min, max } = survey.scale;
	try {
		switch (survey.kind) {
			case 'nps': {
				const r = nps(counts);
				return {
					headline: formatSigned(r.score),
					label: 'NPS (promoters − detractors)',
					second: r.marginOfError === null ? null : `±${r.marginOfError.toFixed(1)}`,
					n: r.n,
					thin: r.thin
				};
			}
			case 'csat': {
				if (max === 5 || max === 7) {
					const r = csat(counts, max);
					return {
						headline: formatPercent(r.topBox),
						label: `top-box (share scoring ${max})`,
						second: `top-2-box ${formatPercent(r.top2Box)} (scoring ${max - 1}-${max})`,
						n: r.n,
						thin: r.thin
					};
				}
				return customView(counts, min, max);
			}
			case 'ces': {
				const r = ces(counts);
				return {
					headline: formatPercent(r.easyShare),
					label: CES_FORMULA,
					second: `mean ${decimal(r.mean)} of 7`,
					n: r.n,
					thin: r.thin
				};
			}
			case 'custom':
				return customView(counts, min, max);
			default:
				return assertNever(survey.kind);
		}
	} catch {
		return null;
	}
}

function customView(counts: readonly number[], min: number, max: number): SurveyCardView {
	const r = customScore(counts, min, max);
	return {
		headline: decimal(r.mean),
		label: `mean score (${min}-${max})`,
		second: `top-box ${formatPercent(r.topBox)} (scoring ${max})`,
		n: r.n,
		thin: r.thin
	};
}
