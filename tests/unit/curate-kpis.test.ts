/**
 * The KPI and survey tabs' rules: who may add, reorder and remove; what a removal takes with it; the
 * numbers and counts typed into the forms; and the live headline, which is the board's own figure.
 */
import { describe, expect, it } from 'vitest';
import { kpiAbilities, kpiRemoval, mayAddKpis, parseFieldNumber, surveyRemoval } from '../../src/lib/components/curate/kpis/kpis';
import { parseCounts, scoresOf } from '../../src/lib/components/curate/kpis/surveys';
import { surveyFigures } from '../../src/lib/client/survey-figures';
import { apply, buildRoom, command } from '../support/factories';

describe('who may curate KPIs and surveys', () => {
	it('lets contributors add and edit but not remove, facilitators everything, viewers nothing', () => {
		expect(kpiAbilities('facilitator')).toEqual({ edit: true, remove: true, limits: null });
		expect(kpiAbilities('contributor')).toMatchObject({ edit: true, remove: false });
		expect(kpiAbilities('contributor').limits).toContain('only a facilitator removes');
		expect(kpiAbilities('viewer')).toMatchObject({ edit: false, remove: false });
		expect([mayAddKpis('viewer'), mayAddKpis(null), mayAddKpis('contributor')]).toEqual([false, false, true]);
	});
});

describe('what a removal takes with it', () => {
	it("counts a KPI's values and the teams that link it; a survey's months, answers and quotes", () => {
		let s = buildRoom({ kpisPerStage: 1, surveysPerStage: 1, teams: 1 }).state;
		const kpiId = Object.keys(s.kpis)[0]!;
		const surveyId = Object.keys(s.surveys)[0]!;
		s = apply(
			s,
			command('kpi.record', {
				kpiId,
				points: [
					{ date: '2026-01-01', value: 1 },
					{ date: '2026-02-01', value: 2 }
				]
			})
		);
		s = apply(s, command('survey.record', { surveyId, period: '2026-01', counts: [1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3] }));
		s = apply(s, command('survey.record', { surveyId, period: '2026-02', counts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4] }));
		const removal = kpiRemoval(s, kpiId);
		expect(removal.points).toBe(2);
		expect(removal.teams).toEqual([Object.values(s.teams)[0]!.name]);
		expect(surveyRemoval(s, surveyId)).toMatchObject({ months: 2, responses: 10, quotes: 0 });
		expect(kpiRemoval(s, 'toString')).toMatchObject({ points: 0, teams: [] });
	});
});

describe('numbers typed into the forms', () => {
	it('reads a decimal comma, a minus and grouping spaces, and refuses the rest', () => {
		expect(parseFieldNumber('12,5')).toEqual({ ok: true, value: 12.5 });
		expect(parseFieldNumber(' 1 200 ')).toEqual({ ok: true, value: 1200 });
		expect(parseFieldNumber('1,234.5')).toEqual({ ok: true, value: 1234.5 });
		expect(parseFieldNumber('-3')).toEqual({ ok: true, value: -3 });
		expect(parseFieldNumber('')).toEqual({ ok: true, value: null });
		for (const bad of ['abc', '-', '.', '1e999', '12 days', '9'.repeat(50)])
			expect([bad, parseFieldNumber(bad).ok]).toEqual([bad, false]);
	});

	it('reads counts per score: empty is 0, a fraction or a sign is marked', () => {
		expect(parseCounts(['3', '', '  7 '])).toEqual({ counts: [3, 0, 7], bad: [] });
		expect(parseCounts(['2.5', '-1', '4'])).toEqual({ counts: [0, 0, 4], bad: [0, 1] });
		expect(scoresOf({ scale: { min: 0, max: 10 } })).toHaveLength(11);
	});

	it('shows as the live headline exactly what the board shows for the same counts', () => {
		// 30 promoters and 10 detractors of 40: NPS = 100 x (30 - 10) / 40 = +50.
		const { counts } = parseCounts(['10', '', '', '', '', '', '', '', '', '', '30']);
		const nps = surveyFigures({ kind: 'nps', scale: { min: 0, max: 10 } }, counts)!;
		expect([nps.n, nps.headline]).toEqual([40, '+50']);
		// A custom 1-5 survey whose top box is 4-5: (3 + 1) / 10 = 40%; mean (6 + 12 + 5) / 10 = 2.3 second.
		const custom = surveyFigures({ kind: 'custom', scale: { min: 1, max: 5 }, topBoxFrom: 4 }, [6, 0, 0, 3, 1])!;
		expect([custom.headline, custom.label, custom.second, custom.thin]).toEqual(['40%', 'top-box', 'mean 2.3 of 5', true]);
	});
});
