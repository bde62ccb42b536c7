// Metrics against worked examples computed by hand (DESIGN.md section 8).
// Every expectation carries its arithmetic in a comment.
import { describe, it, expect } from 'vitest';
import {
	nps,
	csat,
	ces,
	customScore,
	sumDistributions,
	kpiStatus,
	trend,
	xmr,
	stageHealth,
	gap,
	surveyReading,
	CES_FORMULA
} from '../../src/lib/domain/metrics';

/** 0..10 distribution from a sparse map score -> count. */
function npsCounts(byScore: Record<number, number>): number[] {
	return Array.from({ length: 11 }, (_, i) => byScore[i] ?? 0);
}

describe('nps', () => {
	it('typical sample: n=200, P=110, D=30', () => {
		// detractors 0-6: 5+5+5+5+10 = 30; passives 7-8: 30+30 = 60; promoters 9-10: 50+60 = 110; n = 200
		const r = nps(npsCounts({ 0: 5, 3: 5, 4: 5, 5: 5, 6: 10, 7: 30, 8: 30, 9: 50, 10: 60 }));
		expect(r.n).toBe(200);
		expect(r.promoters).toBe(110);
		expect(r.passives).toBe(60);
		expect(r.detractors).toBe(30);
		// NPS = 100 * (110 - 30) / 200 = 100 * 80 / 200 = 40
		expect(r.score).toBeCloseTo(40, 10);
		// p = 110/200 = .55, d = 30/200 = .15
		// p + d - (p - d)^2 = .70 - .40^2 = .70 - .16 = .54
		// sqrt(.54 / 200) = sqrt(.0027) = 0.0519615
		// MoE = 1.96 * 100 * 0.0519615 = 10.1845
		expect(r.marginOfError).toBeCloseTo(10.1845, 3);
		expect(r.thin).toBe(false); // 200 >= 30
	});

	it('all promoters: NPS 100 with zero margin of error', () => {
		// 20 nines + 20 tens: P = 40, D = 0, n = 40
		const r = nps(npsCounts({ 9: 20, 10: 20 }));
		expect(r.n).toBe(40);
		// NPS = 100 * (40 - 0) / 40 = 100
		expect(r.score).toBe(100);
		// p = 1, d = 0: p + d - (p - d)^2 = 1 - 1 = 0 -> MoE = 0
		expect(r.marginOfError).toBeCloseTo(0, 10);
		expect(r.thin).toBe(false);
	});

	it('all detractors: NPS -100', () => {
		// 30 zeros + 10 sixes: D = 40, n = 40; NPS = 100 * (0 - 40) / 40 = -100; p + d - (p - d)^2 = 1 - 1 = 0
		const r = nps(npsCounts({ 0: 30, 6: 10 }));
		expect(r.score).toBe(-100);
		expect(r.marginOfError).toBeCloseTo(0, 10);
	});

	it('small mixed sample: n=10, P=5, D=2', () => {
		// p = .5, d = .2; NPS = 100 * (5 - 2) / 10 = 30
		// p + d - (p - d)^2 = .7 - .09 = .61; sqrt(.61 / 10) = sqrt(.061) = 0.246982
		// MoE = 196 * 0.246982 = 48.4085
		const r = nps(npsCounts({ 2: 1, 6: 1, 7: 2, 8: 1, 9: 2, 10: 3 }));
		expect(r.n).toBe(10);
		expect(r.score).toBeCloseTo(30, 10);
		expect(r.marginOfError).toBeCloseTo(48.4085, 3);
		expect(r.thin).toBe(true); // 10 < 30
	});

	it('n = 0: no score, no margin of error, thin', () => {
		const r = nps(npsCounts({}));
		expect(r).toEqual({ n: 0, promoters: 0, passives: 0, detractors: 0, score: null, marginOfError: null, thin: true });
	});

	it('thin flag: 29 responses are thin, 30 are not', () => {
		expect(nps(npsCounts({ 10: 29 })).thin).toBe(true); // 29 < 30
		expect(nps(npsCounts({ 10: 30 })).thin).toBe(false); // 30 is not < 30
		expect(nps(npsCounts({ 10: 20, 5: 9 })).thin).toBe(true); // 20 + 9 = 29
		expect(nps(npsCounts({ 10: 20, 5: 10 })).thin).toBe(false); // 20 + 10 = 30
	});

	it('throws RangeError on a distribution that is not 0..10', () => {
		expect(() => nps([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toThrow(RangeError); // length 10
		expect(() => nps(new Array<number>(12).fill(1))).toThrow(RangeError); // length 12
		expect(() => nps([])).toThrow(RangeError);
	});

	it('throws RangeError on negative or fractional counts', () => {
		expect(() => nps(npsCounts({ 3: -1 }))).toThrow(RangeError);
		expect(() => nps(npsCounts({ 3: 1.5 }))).toThrow(RangeError);
		expect(() => nps(npsCounts({ 3: Number.NaN }))).toThrow(RangeError);
	});
});

describe('csat', () => {
	it('5-point scale: top-box, top-2-box, mean', () => {
		// scores 1..5 with counts 2, 3, 5, 15, 25; n = 2+3+5+15+25 = 50
		const r = csat([2, 3, 5, 15, 25], 5);
		expect(r.n).toBe(50);
		// top-box = count of 5 / n = 25 / 50 = .5
		expect(r.topBox).toBeCloseTo(0.5, 10);
		// top-2-box = (15 + 25) / 50 = 40 / 50 = .8
		expect(r.top2Box).toBeCloseTo(0.8, 10);
		// mean = (1*2 + 2*3 + 3*5 + 4*15 + 5*25) / 50 = (2 + 6 + 15 + 60 + 125) / 50 = 208 / 50 = 4.16
		expect(r.mean).toBeCloseTo(4.16, 10);
		expect(r.thin).toBe(false);
	});

	it('7-point scale: top-box, top-2-box, mean', () => {
		// scores 1..7 with counts 1, 1, 2, 4, 6, 10, 16; n = 40
		const r = csat([1, 1, 2, 4, 6, 10, 16], 7);
		expect(r.n).toBe(40);
		// top-box = 16 / 40 = .4
		expect(r.topBox).toBeCloseTo(0.4, 10);
		// top-2-box = (10 + 16) / 40 = 26 / 40 = .65
		expect(r.top2Box).toBeCloseTo(0.65, 10);
		// mean = (1 + 2 + 6 + 16 + 30 + 60 + 112) / 40 = 227 / 40 = 5.675
		expect(r.mean).toBeCloseTo(5.675, 10);
	});

	it('n = 0 gives null shares and mean', () => {
		expect(csat([0, 0, 0, 0, 0], 5)).toEqual({ n: 0, topBox: null, top2Box: null, mean: null, thin: true });
	});

	it('thin under 30', () => {
		// 1+1+1+1+25 = 29
		expect(csat([1, 1, 1, 1, 25], 5).thin).toBe(true);
		// 1+1+1+1+26 = 30
		expect(csat([1, 1, 1, 1, 26], 5).thin).toBe(false);
	});

	it('throws RangeError when the length does not match the scale', () => {
		expect(() => csat([1, 2, 3, 4, 5, 6, 7], 5)).toThrow(RangeError);
		expect(() => csat([1, 2, 3, 4, 5], 7)).toThrow(RangeError);
	});
});

describe('ces', () => {
	it('share scoring 5-7 and mean', () => {
		// scores 1..7 with counts 2, 3, 5, 10, 10, 12, 8; n = 50
		const r = ces([2, 3, 5, 10, 10, 12, 8]);
		expect(r.n).toBe(50);
		// easy = (10 + 12 + 8) / 50 = 30 / 50 = .6
		expect(r.easyShare).toBeCloseTo(0.6, 10);
		// mean = (1*2 + 2*3 + 3*5 + 4*10 + 5*10 + 6*12 + 7*8) / 50
		//      = (2 + 6 + 15 + 40 + 50 + 72 + 56) / 50 = 241 / 50 = 4.82
		expect(r.mean).toBeCloseTo(4.82, 10);
		expect(r.formula).toBe('share scoring 5-7 of 7 ("agree" or better)');
		expect(r.formula).toBe(CES_FORMULA);
		expect(r.thin).toBe(false);
	});

	it('a 4 (neutral) does not count as easy', () => {
		// 10 fours, 10 fives: easy = 10 / 20 = .5; mean = (40 + 50) / 20 = 4.5
		const r = ces([0, 0, 0, 10, 10, 0, 0]);
		expect(r.easyShare).toBeCloseTo(0.5, 10);
		expect(r.mean).toBeCloseTo(4.5, 10);
		expect(r.thin).toBe(true); // 20 < 30
	});

	it('n = 0 and wrong length', () => {
		expect(ces([0, 0, 0, 0, 0, 0, 0])).toMatchObject({ n: 0, easyShare: null, mean: null, thin: true });
		expect(() => ces([1, 2, 3, 4, 5])).toThrow(RangeError);
	});
});

describe('customScore', () => {
	it('0..4 scale', () => {
		// scores 0..4 with counts 1, 2, 3, 4, 10; n = 20
		const r = customScore([1, 2, 3, 4, 10], 0, 4);
		expect(r.n).toBe(20);
		// mean = (0*1 + 1*2 + 2*3 + 3*4 + 4*10) / 20 = (0 + 2 + 6 + 12 + 40) / 20 = 60 / 20 = 3
		expect(r.mean).toBeCloseTo(3, 10);
		// top-box = 10 / 20 = .5
		expect(r.topBox).toBeCloseTo(0.5, 10);
	});

	it('1..10 scale and n = 0', () => {
		// 5 threes and 5 tens: mean = (15 + 50) / 10 = 6.5; top-box = 5 / 10 = .5
		const r = customScore([0, 0, 5, 0, 0, 0, 0, 0, 0, 5], 1, 10);
		expect(r.mean).toBeCloseTo(6.5, 10);
		expect(r.topBox).toBeCloseTo(0.5, 10);
		expect(customScore([0, 0, 0], 1, 3)).toMatchObject({ n: 0, mean: null, topBox: null });
	});

	it('throws on a bad scale or length', () => {
		expect(() => customScore([1, 2, 3], 1, 4)).toThrow(RangeError); // 1..4 needs 4 counts
		expect(() => customScore([1], 3, 3)).toThrow(RangeError); // max must exceed min
	});
});

describe('sumDistributions', () => {
	it('adds per index', () => {
		// [1+4+0, 2+5+1, 3+6+2] = [5, 8, 11]
		expect(
			sumDistributions([
				[1, 2, 3],
				[4, 5, 6],
				[0, 1, 2]
			])
		).toEqual([5, 8, 11]);
	});

	it('aggregated NPS equals NPS of the summed counts', () => {
		// month 1: P = 10 (tens), D = 5 (zeros); month 2: P = 5, D = 0, passives 5 (eights)
		// total: P = 15, D = 5, n = 25 -> NPS = 100 * 10 / 25 = 40
		const total = sumDistributions([npsCounts({ 0: 5, 10: 10 }), npsCounts({ 8: 5, 10: 5 })]);
		expect(nps(total).score).toBeCloseTo(40, 10);
	});

	it('empty list and mismatched lengths', () => {
		expect(sumDistributions([])).toEqual([]);
		expect(() =>
			sumDistributions([
				[1, 2],
				[1, 2, 3]
			])
		).toThrow(RangeError);
	});
});

describe('kpiStatus', () => {
	describe("direction 'higher' (target 90, warning band 5)", () => {
		const at = (value: number) => kpiStatus({ value, target: 90, direction: 'higher', warning: 5 });
		it('green above and exactly on target', () => {
			expect(at(95)).toBe('green'); // 95 >= 90
			expect(at(90)).toBe('green'); // exactly on target meets it
		});
		it('amber within the band, including exactly on its edge', () => {
			expect(at(87)).toBe('amber'); // misses by 90 - 87 = 3 <= 5
			expect(at(85)).toBe('amber'); // misses by 90 - 85 = 5 <= 5 (edge)
		});
		it('red beyond the band', () => {
			expect(at(84.9)).toBe('red'); // misses by 5.1 > 5
			expect(at(10)).toBe('red');
		});
	});

	describe("direction 'lower' (target 2 hours, warning band 0.5)", () => {
		const at = (value: number) => kpiStatus({ value, target: 2, direction: 'lower', warning: 0.5 });
		it('green below and exactly on target', () => {
			expect(at(1.5)).toBe('green'); // 1.5 <= 2
			expect(at(2)).toBe('green'); // exactly on target
		});
		it('amber within the band, including exactly on its edge', () => {
			expect(at(2.3)).toBe('amber'); // misses by 2.3 - 2 = .3 <= .5
			expect(at(2.5)).toBe('amber'); // misses by 2.5 - 2 = .5 <= .5 (edge)
		});
		it('red beyond the band', () => {
			expect(at(2.6)).toBe('red'); // misses by .6 > .5
		});
	});

	it('band edge survives binary floating point', () => {
		// 0.9 - 0.85 = 0.05000000000000004 in doubles; the edge is still amber
		expect(kpiStatus({ value: 0.85, target: 0.9, direction: 'higher', warning: 0.05 })).toBe('amber');
		// 0.1 + 0.2 = 0.30000000000000004; misses target 0.1 by 0.2 = band
		expect(kpiStatus({ value: 0.1 + 0.2, target: 0.1, direction: 'lower', warning: 0.2 })).toBe('amber');
	});

	it('zero-width band: any miss is red', () => {
		expect(kpiStatus({ value: 89, target: 90, direction: 'higher', warning: 0 })).toBe('red');
		expect(kpiStatus({ value: 90, target: 90, direction: 'higher', warning: 0 })).toBe('green');
	});

	it("'none' without a target; RangeError on a negative band", () => {
		expect(kpiStatus({ value: 42, target: null, direction: 'higher', warning: 5 })).toBe('none');
		expect(() => kpiStatus({ value: 42, target: 40, direction: 'higher', warning: -1 })).toThrow(RangeError);
	});
});

describe('trend', () => {
	it('direction of travel from the last two points', () => {
		expect(trend([1, 2])).toBe('up');
		expect(trend([3, 1])).toBe('down');
		expect(trend([1, 5, 3])).toBe('down'); // only 5 -> 3 counts
		expect(trend([9, 2, 2])).toBe('flat');
		expect(trend([5])).toBe('flat');
		expect(trend([])).toBe('flat');
	});
});

describe('xmr', () => {
	it('hand-computed centre and limits; a point beyond the upper limit', () => {
		// baseline 10, 12, 11, 13, 12: centre = 58 / 5 = 11.6
		// moving ranges |12-10| = 2, |11-12| = 1, |13-11| = 2, |12-13| = 1 -> mR = 6 / 4 = 1.5
		// upper = 11.6 + 2.66 * 1.5 = 11.6 + 3.99 = 15.59; lower = 11.6 - 3.99 = 7.61
		const r = xmr([10, 12, 11, 13, 12, 20], { baseline: 5 });
		expect(r.baseline).toBe(5);
		expect(r.centre).toBeCloseTo(11.6, 10);
		expect(r.movingRange).toBeCloseTo(1.5, 10);
		expect(r.upper).toBeCloseTo(15.59, 10);
		expect(r.lower).toBeCloseTo(7.61, 10);
		// 20 > 15.59
		expect(r.points.map((p) => p.beyondLimit)).toEqual([false, false, false, false, false, true]);
		expect(r.points.some((p) => p.inRun)).toBe(false);
		expect(r.signal).toBe(true);
		expect(r.latestSignal).toBe('high');
	});

	it('a point below the lower limit is a low signal', () => {
		// same limits as above: 5 < 7.61
		const r = xmr([10, 12, 11, 13, 12, 5], { baseline: 5 });
		expect(r.points[5]?.beyondLimit).toBe(true);
		expect(r.latestSignal).toBe('low');
	});

	it('points inside the limits are noise', () => {
		// 15 < 15.59 and 8 > 7.61
		const r = xmr([10, 12, 11, 13, 12, 15, 8], { baseline: 5 });
		expect(r.signal).toBe(false);
		expect(r.latestSignal).toBeNull();
	});

	it('default baseline is all points', () => {
		// all six: centre = (58 + 20) / 6 = 78 / 6 = 13
		// moving ranges 2, 1, 2, 1, |20-12| = 8 -> mR = 14 / 5 = 2.8
		// upper = 13 + 2.66 * 2.8 = 13 + 7.448 = 20.448 -> 20 is now inside
		const r = xmr([10, 12, 11, 13, 12, 20]);
		expect(r.baseline).toBe(6);
		expect(r.centre).toBeCloseTo(13, 10);
		expect(r.movingRange).toBeCloseTo(2.8, 10);
		expect(r.upper).toBeCloseTo(20.448, 10);
		expect(r.lower).toBeCloseTo(5.552, 10); // 13 - 7.448
		expect(r.signal).toBe(false);
	});

	it('an earlier signal does not make the latest point a signal', () => {
		// 20 > 15.59 is a signal; the last point 12 is inside the limits and not in a run
		const r = xmr([10, 12, 11, 13, 12, 20, 12], { baseline: 5 });
		expect(r.signal).toBe(true);
		expect(r.latestSignal).toBeNull();
	});

	// Baseline 10, 12, 11, 13, 11: centre = 57 / 5 = 11.4
	// mR = (2 + 1 + 2 + 2) / 4 = 7 / 4 = 1.75; upper = 11.4 + 2.66 * 1.75 = 11.4 + 4.655 = 16.055
	// lower = 11.4 - 4.655 = 6.745. The last baseline point (11) is below the centre, so a run
	// above starts right after the baseline.
	const runBaseline = [10, 12, 11, 13, 11];
	const eightAbove = [12, 13, 12, 14, 12, 13, 12, 14]; // all in (11.4, 16.055)

	it('a run of 8 above the centre is flagged', () => {
		const r = xmr([...runBaseline, ...eightAbove], { baseline: 5 });
		expect(r.centre).toBeCloseTo(11.4, 10);
		expect(r.upper).toBeCloseTo(16.055, 10);
		expect(r.lower).toBeCloseTo(6.745, 10);
		expect(r.points.some((p) => p.beyondLimit)).toBe(false);
		// indices 5..12 are the run; baseline points are not
		expect(r.points.map((p) => p.inRun)).toEqual([
			false,
			false,
			false,
			false,
			false,
			true,
			true,
			true,
			true,
			true,
			true,
			true,
			true
		]);
		expect(r.signal).toBe(true);
		expect(r.latestSignal).toBe('high');
	});

	it('a run of 7 is not flagged', () => {
		const r = xmr([...runBaseline, ...eightAbove.slice(0, 7)], { baseline: 5 });
		expect(r.points.some((p) => p.inRun)).toBe(false);
		expect(r.signal).toBe(false);
		expect(r.latestSignal).toBeNull();
	});

	it('a point exactly on the centre breaks a run', () => {
		// baseline 10, 12, 11, 13, 9: centre = 55 / 5 = 11 exactly
		// mR = (2 + 1 + 2 + 4) / 4 = 9 / 4 = 2.25; limits 11 +/- 2.66 * 2.25 = 11 +/- 5.985 -> 5.015 .. 16.985
		// The last baseline point (9) is below the centre.
		const base = [10, 12, 11, 13, 9];
		// 4 above, 11 (on the centre), 4 above: two runs of 4, no signal
		const broken = xmr([...base, 12, 13, 12, 14, 11, 12, 13, 12, 14], { baseline: 5 });
		expect(broken.centre).toBe(11);
		expect(broken.upper).toBeCloseTo(16.985, 10);
		expect(broken.lower).toBeCloseTo(5.015, 10);
		expect(broken.points.some((p) => p.inRun)).toBe(false);
		expect(broken.signal).toBe(false);
		// the same 8 points above without the on-centre point form a run
		const run = xmr([...base, 12, 13, 12, 14, 12, 13, 12, 14], { baseline: 5 });
		expect(run.points.filter((p) => p.inRun)).toHaveLength(8);
		expect(run.latestSignal).toBe('high');
	});

	it('a run of 8 below the centre is a low signal', () => {
		// baseline 10, 12, 11, 13, 12 (centre 11.6, limits 7.61 .. 15.59); the last baseline point is above
		// then 8 points below 11.6 and above 7.61
		const r = xmr([10, 12, 11, 13, 12, 11, 10, 11, 9, 10, 11, 10, 11], { baseline: 5 });
		expect(r.points.filter((p) => p.inRun)).toHaveLength(8);
		expect(r.points[4]?.inRun).toBe(false);
		expect(r.latestSignal).toBe('low');
	});

	it('a longer run is flagged in full, baseline included', () => {
		// no explicit baseline: 1, 1, 1, then 9 x 5: centre = (3 + 45) / 12 = 4
		// mR = (0 + 0 + 4 + 0*8) / 11 = 4 / 11 = 0.3636; upper = 4 + 2.66 * 4/11 = 4.9673
		// so every 5 is also beyond the upper limit; the nine 5s form a run (>= 8) above the centre
		const r = xmr([1, 1, 1, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
		expect(r.centre).toBeCloseTo(4, 10);
		expect(r.movingRange).toBeCloseTo(4 / 11, 10);
		expect(r.upper).toBeCloseTo(4 + (2.66 * 4) / 11, 10);
		expect(r.points.filter((p) => p.inRun)).toHaveLength(9);
		expect(r.points.slice(0, 3).every((p) => !p.inRun)).toBe(true); // only 3 below
	});

	it('a flat baseline has zero-width limits', () => {
		// baseline 5, 5, 5, 5: centre 5, mR 0, limits 5 .. 5; 6 > 5 is beyond
		const r = xmr([5, 5, 5, 5, 6], { baseline: 4 });
		expect(r.centre).toBe(5);
		expect(r.upper).toBe(5);
		expect(r.lower).toBe(5);
		expect(r.latestSignal).toBe('high');
	});

	it('fewer than 2 baseline points: no centre, no limits, no signals', () => {
		const one = xmr([7]);
		expect(one).toMatchObject({ centre: null, movingRange: null, upper: null, lower: null, signal: false, latestSignal: null });
		expect(one.points).toEqual([{ value: 7, beyondLimit: false, inRun: false }]);
		const baselineOne = xmr([1, 2, 300], { baseline: 1 });
		expect(baselineOne.centre).toBeNull();
		expect(baselineOne.signal).toBe(false);
		expect(xmr([]).points).toEqual([]);
	});

	it('a baseline longer than the series is clamped', () => {
		// baseline 10 on 3 points -> uses all 3: centre = (1 + 2 + 3) / 3 = 2; mR = (1 + 1) / 2 = 1
		const r = xmr([1, 2, 3], { baseline: 10 });
		expect(r.baseline).toBe(3);
		expect(r.centre).toBeCloseTo(2, 10);
		expect(r.movingRange).toBeCloseTo(1, 10);
	});
});

describe('stageHealth', () => {
	it('reliable moment of truth and a broken other touchpoint: at-risk', () => {
		// (3 * 70 + 1 * 0) / (3 + 1) = 210 / 4 = 52.5 -> rounds to 53; 40 <= 53 < 70 -> at-risk
		const r = stageHealth({
			touchpoints: [
				{ maturity: 'reliable', momentOfTruth: true },
				{ maturity: 'broken', momentOfTruth: false }
			],
			redKpis: 0,
			signals: 0
		});
		expect(r.score).toBe(53);
		expect(r.level).toBe('at-risk');
		expect(r.reasons).toEqual(['1 touchpoint broken']);
	});

	it('a broken moment of truth is critical whatever the score', () => {
		// (3 * 0 + 100 + 100 + 100) / (3 + 1 + 1 + 1) = 300 / 6 = 50 -> would be at-risk, but a moment of truth is broken
		const r = stageHealth({
			touchpoints: [
				{ maturity: 'broken', momentOfTruth: true },
				{ maturity: 'differentiating', momentOfTruth: false },
				{ maturity: 'differentiating', momentOfTruth: false },
				{ maturity: 'differentiating', momentOfTruth: false }
			],
			redKpis: 0,
			signals: 0
		});
		expect(r.score).toBe(50);
		expect(r.level).toBe('critical');
		expect(r.reasons).toEqual(['1 moment of truth broken']);
	});

	it('moments of truth weigh 3', () => {
		// differentiating MoT + broken other: (3 * 100 + 1 * 0) / 4 = 300 / 4 = 75 -> healthy
		// differentiating other + reliable MoT: (1 * 100 + 3 * 70) / 4 = 310 / 4 = 77.5 -> 78
		expect(
			stageHealth({
				touchpoints: [
					{ maturity: 'differentiating', momentOfTruth: true },
					{ maturity: 'broken', momentOfTruth: false }
				],
				redKpis: 0,
				signals: 0
			})
		).toEqual({ score: 75, level: 'healthy', reasons: ['1 touchpoint broken'] });
		expect(
			stageHealth({
				touchpoints: [
					{ maturity: 'differentiating', momentOfTruth: false },
					{ maturity: 'reliable', momentOfTruth: true }
				],
				redKpis: 0,
				signals: 0
			}).score
		).toBe(78);
	});

	it('red KPIs and signals cost 10 each; 70 is healthy', () => {
		// all differentiating: 100 - 10 * 1 - 10 * 2 = 70 -> healthy (not < 70)
		const r = stageHealth({
			touchpoints: [{ maturity: 'differentiating', momentOfTruth: true }],
			redKpis: 1,
			signals: 2
		});
		expect(r).toEqual({ score: 70, level: 'healthy', reasons: ['1 KPI red', '2 adverse signals'] });
		// all reliable with one red KPI: 70 - 10 = 60 -> at-risk
		expect(stageHealth({ touchpoints: [{ maturity: 'reliable', momentOfTruth: false }], redKpis: 1, signals: 0 }).level).toBe(
			'at-risk'
		);
	});

	it('below 40 is critical', () => {
		// reliable MoT + two broken others: (210 + 0 + 0) / 5 = 42 -> at-risk; one red KPI: 42 - 10 = 32 -> critical
		const touchpoints = [
			{ maturity: 'reliable', momentOfTruth: true },
			{ maturity: 'broken', momentOfTruth: false },
			{ maturity: 'broken', momentOfTruth: false }
		] as const;
		expect(stageHealth({ touchpoints: [...touchpoints], redKpis: 0, signals: 0 })).toMatchObject({ score: 42, level: 'at-risk' });
		const r = stageHealth({ touchpoints: [...touchpoints], redKpis: 1, signals: 0 });
		expect(r).toEqual({ score: 32, level: 'critical', reasons: ['2 touchpoints broken', '1 KPI red'] });
	});

	it('clamps to 0..100 and words mixed breakage', () => {
		// 2 broken MoT + 1 broken other: 0 - 3 * 10 = -30 -> 0
		const r = stageHealth({
			touchpoints: [
				{ maturity: 'broken', momentOfTruth: true },
				{ maturity: 'broken', momentOfTruth: true },
				{ maturity: 'broken', momentOfTruth: false }
			],
			redKpis: 3,
			signals: 0
		});
		expect(r).toEqual({
			score: 0,
			level: 'critical',
			reasons: ['2 moments of truth broken', '1 other touchpoint broken', '3 KPIs red']
		});
	});

	it('unassessed touchpoints are excluded', () => {
		// only the differentiating MoT counts: 3 * 100 / 3 = 100
		const r = stageHealth({
			touchpoints: [
				{ maturity: 'differentiating', momentOfTruth: true },
				{ maturity: 'unassessed', momentOfTruth: true },
				{ maturity: 'unassessed', momentOfTruth: false }
			],
			redKpis: 0,
			signals: 0
		});
		expect(r).toEqual({ score: 100, level: 'healthy', reasons: [] });
	});

	it('unknown with nothing assessed and no KPIs or signals', () => {
		const r = stageHealth({ touchpoints: [{ maturity: 'unassessed', momentOfTruth: true }], redKpis: 0, signals: 0 });
		expect(r.level).toBe('unknown');
		expect(r.reasons).toEqual(['no touchpoints assessed']);
		expect(stageHealth({ touchpoints: [], redKpis: 0, signals: 0 }).level).toBe('unknown');
	});

	it('nothing assessed but red KPIs: neutral base 70', () => {
		// base 70 - 10 * 2 = 50 -> at-risk
		const r = stageHealth({ touchpoints: [], redKpis: 2, signals: 0 });
		expect(r).toEqual({ score: 50, level: 'at-risk', reasons: ['2 KPIs red', 'no touchpoints assessed'] });
	});

	it('throws on negative counts', () => {
		expect(() => stageHealth({ touchpoints: [], redKpis: -1, signals: 0 })).toThrow(RangeError);
	});
});

describe('gap', () => {
	it('internal minus customer', () => {
		expect(gap(80, 65)).toBe(15); // 80 - 65
		expect(gap(60, 75)).toBe(-15); // 60 - 75
		expect(gap(null, 3)).toBeNull();
		expect(gap(3, null)).toBeNull();
		expect(gap(undefined, 3)).toBeNull();
	});
});

describe('surveyReading: the one headline rule for survey cards', () => {
	const survey = (kind: 'nps' | 'csat' | 'ces' | 'custom', min: number, max: number) => ({ kind, scale: { min, max } });

	it('NPS leads with the score and its margin; low below 0', () => {
		// P = 10, D = 30, n = 50: NPS = 100 x (10 - 30) / 50 = -40
		const r = surveyReading(survey('nps', 0, 10), npsCounts({ 3: 30, 8: 10, 10: 10 }))!;
		expect(r.measure).toBe('nps');
		expect(r.value).toBeCloseTo(-40, 10);
		expect(r.low).toBe(true);
		// p = 0.2, d = 0.6: 1.96 x 100 x sqrt((0.8 - 0.16) / 50) = 1.96 x 100 x 0.11314 = 22.18
		expect(r.marginOfError).toBeCloseTo(22.175, 2);
		expect(r.formula).toBe('NPS = % scoring 9–10 minus % scoring 0–6');
		expect(r.thin).toBe(false);
	});

	it('CSAT on 1-5 leads with top-box, top-2-box and mean second; low under 40%', () => {
		// counts of 1..5: 2, 3, 5, 20, 10 (n = 40): top-box 10/40 = 0.25, top-2-box 30/40 = 0.75
		// mean = (2 + 6 + 15 + 80 + 50) / 40 = 153 / 40 = 3.825
		const r = surveyReading(survey('csat', 1, 5), [2, 3, 5, 20, 10])!;
		expect(r).toMatchObject({ measure: 'top-box', value: 0.25, top2Box: 0.75, mean: 3.825, low: true, n: 40, thin: false });
		expect(r.label).toBe('top-box');
		expect(r.formula).toBe('Top-box = share scoring 5 on the 1–5 scale');
	});

	it('CSAT on 1-7 uses the share scoring 7', () => {
		// counts of 1..7: 0, 0, 0, 0, 2, 3, 5 (n = 10): top-box 5/10, top-2-box 8/10, thin (n < 30)
		const r = surveyReading(survey('csat', 1, 7), [0, 0, 0, 0, 2, 3, 5])!;
		expect(r).toMatchObject({ measure: 'top-box', value: 0.5, top2Box: 0.8, low: false, thin: true });
		expect(r.formula).toBe('Top-box = share scoring 7 on the 1–7 scale');
	});

	it('CSAT on any other scale reads as a mean with top-box second, the same on every screen', () => {
		// counts of 1..10: 10 at 4, 10 at 10 (n = 20): mean (40 + 100) / 20 = 7, top-box 10/20
		const counts = [0, 0, 0, 10, 0, 0, 0, 0, 0, 10];
		const r = surveyReading(survey('csat', 1, 10), counts)!;
		expect(r).toMatchObject({ measure: 'mean', value: 7, topBox: 0.5, low: false, title: 'Satisfaction (CSAT)' });
		expect(r.formula).toBe('Mean of all scores on the 1–10 scale');
	});

	it('CES leads with the share scoring 5-7 and states that formula; low under 60%', () => {
		// counts of 1..7: 10, 10, 5, 5, 10, 5, 5 (n = 50): easy share (10 + 5 + 5) / 50 = 0.4
		const r = surveyReading(survey('ces', 1, 7), [10, 10, 5, 5, 10, 5, 5])!;
		expect(r).toMatchObject({ measure: 'easy-share', value: 0.4, low: true });
		expect(r.formula).toBe(`CES = ${CES_FORMULA}`);
	});

	it('a custom scale leads with the mean; low below the midpoint', () => {
		// counts of 0..4: 5, 5, 0, 0, 0 (n = 10): mean 0.5, midpoint 2
		const r = surveyReading(survey('custom', 0, 4), [5, 5, 0, 0, 0])!;
		expect(r).toMatchObject({ measure: 'mean', value: 0.5, topBox: 0, low: true });
	});

	it('a custom survey with a top-box rule leads with the share at or above it, the mean second', () => {
		// counts of 1..5: 5, 5, 10, 12, 8 (n = 40): top boxes 4-5 = 20/40 = 0.5; mean (5 + 10 + 30 + 48 + 40) / 40 = 3.325
		const r = surveyReading({ ...survey('custom', 1, 5), topBoxFrom: 4 }, [5, 5, 10, 12, 8])!;
		expect(r).toMatchObject({ measure: 'top-box', value: 0.5, mean: 3.325, low: false, n: 40 });
		expect(r.formula).toBe('Top-box = share scoring 4–5 on the 1–5 scale');
		// 8/40 = 0.2 scoring 5: under 40%, low.
		const top = surveyReading({ ...survey('custom', 1, 5), topBoxFrom: 5 }, [5, 5, 10, 12, 8])!;
		expect(top).toMatchObject({ value: 0.2, low: true });
		expect(top.formula).toBe('Top-box = share scoring 5 on the 1–5 scale');
		// The rule is a custom survey's: a CSAT keeps its own.
		expect(surveyReading({ ...survey('csat', 1, 5), topBoxFrom: 4 }, [5, 5, 10, 12, 8])!.value).toBe(0.2);
	});

	it('no responses: no headline, nothing low, a thin sample', () => {
		const r = surveyReading(survey('nps', 0, 10), npsCounts({}))!;
		expect(r).toMatchObject({ value: null, low: false, thin: true, n: 0 });
	});

	it('counts that do not fit the scale give no reading instead of a wrong one', () => {
		expect(surveyReading(survey('csat', 1, 5), [1, 2, 3])).toBeNull();
	});
});
