// The survey card's words and the number formats every screen uses.
import { describe, expect, it } from 'vitest';
import { formatPercent, formatSigned } from '../../src/lib/client/format';
import { surveyFigures } from '../../src/lib/client/survey-figures';
const survey = (s: { kind: 'nps' | 'csat' | 'ces' | 'custom'; scale: { min: number; max: number } }) => s;

const MINUS = '\u2212';

describe('formatPercent', () => {
	it('formats shares', () => {
		expect(formatPercent(0.423)).toBe('42%'); // 42.3 -> 42
		expect(formatPercent(0.4237, 1)).toBe('42.4%'); // 42.37 -> 42.4
		expect(formatPercent(1)).toBe('100%');
		expect(formatPercent(0)).toBe('0%');
		expect(formatPercent(null)).toBe('—');
		expect(formatPercent(-0.05)).toBe(`${MINUS}5%`);
		expect(formatPercent(-0.001)).toBe('0%'); // -0.1 rounds to 0: no sign
	});
});

describe('formatSigned', () => {
	it('explicit sign with a real minus', () => {
		expect(formatSigned(12)).toBe('+12');
		expect(formatSigned(-4)).toBe(`${MINUS}4`);
		expect(formatSigned(-4)).toBe('\u22124');
		expect(formatSigned(0)).toBe('0');
		expect(formatSigned(-0.4)).toBe('0'); // rounds to 0: no sign
		expect(formatSigned(3.6)).toBe('+4');
		expect(formatSigned(2.26, 1)).toBe('+2.3');
		expect(formatSigned(null)).toBe('—');
	});
});

describe('surveyFigures', () => {
	it('words an NPS card with its margin and formula', () => {
		// 20 promoters, 10 detractors of 40: NPS = 100 x 10 / 40 = +25
		const counts = Array.from({ length: 11 }, (_, i) => (i === 10 ? 20 : i === 2 ? 10 : i === 7 ? 10 : 0));
		const f = surveyFigures(survey({ kind: 'nps', scale: { min: 0, max: 10 } }), counts)!;
		expect(f.headline).toBe('+25');
		expect(f.moe).toMatch(/^±\d+\.\d$/);
		expect(f.second).toBeNull();
		expect(f.formula).toBe('NPS = % scoring 9–10 minus % scoring 0–6');
	});

	it('words a CSAT card as top-box, never "% satisfied"', () => {
		const f = surveyFigures(survey({ kind: 'csat', scale: { min: 1, max: 5 } }), [2, 3, 5, 20, 10])!;
		expect(f.headline).toBe('25%');
		expect(f.second).toBe('top-2-box 75% (scoring 4–5) · mean 3.8 of 5');
		expect(JSON.stringify(f)).not.toMatch(/satisfied/i);
	});
});
