/**
 * The cell readers are single scans: they read every short cell exactly as the regular expressions
 * they replaced did (checked against those expressions on generated cells), and cells built to make a
 * backtracking expression run for minutes come back at once, as "not a number" or "not a date".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DateFormat } from '../../src/lib/domain';
import { MAX_CELL_CHARS, looksSlashedDate, parseDate, parseNumber } from '../../server/imports/cells';

// ---------------------------------------------------------------------------------------------
// The expressions the readers replaced, kept here as the reference for short cells.
// ---------------------------------------------------------------------------------------------

const ISO = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const MONTH_ONLY = /^(\d{4})-(\d{1,2})$/;
const SLASHED = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AP]M)?)?$/i;
const MONTH_FIRST = /^(\d{1,2})[/.-](\d{4})$/;
const WEEK = /^(\d{4})-?[Ww](\d{1,2})$/;

/** The Monday of ISO week `w` of year `y`, found by walking days (not by the reader's arithmetic), or null. */
function referenceWeek(y: number, w: number): string | null {
	if (y < 1900 || y > 2200 || w < 1) return null;
	const day = new Date(Date.UTC(y, 0, 4));
	while (day.getUTCDay() !== 1) day.setUTCDate(day.getUTCDate() - 1);
	day.setUTCDate(day.getUTCDate() + 7 * (w - 1));
	// A week belongs to the year its Thursday falls in.
	const thursday = new Date(day.getTime() + 3 * 86_400_000);
	return thursday.getUTCFullYear() === y ? day.toISOString().slice(0, 10) : null;
}

function referenceDate(raw: string, format: DateFormat): string | null {
	const valid = (y: number, m: number, d: number) => {
		if (!(y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return null;
		const date = new Date(Date.UTC(y, m - 1, d));
		return date.getUTCMonth() !== m - 1 ? null : `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
	};
	const value = raw.trim();
	if (!value) return null;
	const iso = ISO.exec(value);
	const month = MONTH_ONLY.exec(value);
	const slashed = SLASHED.exec(value);
	const monthFirst = MONTH_FIRST.exec(value);
	const week = WEEK.exec(value);
	switch (format) {
		case 'auto':
		case 'YYYY-MM-DD':
			if (iso) return valid(+iso[1]!, +iso[2]!, +iso[3]!);
			if (format !== 'auto') return null;
			if (month) return valid(+month[1]!, +month[2]!, 1);
			if (monthFirst) return valid(+monthFirst[2]!, +monthFirst[1]!, 1);
			return week ? referenceWeek(+week[1]!, +week[2]!) : null;
		case 'MM/YYYY':
			return monthFirst ? valid(+monthFirst[2]!, +monthFirst[1]!, 1) : null;
		case 'YYYY-Www':
			return week ? referenceWeek(+week[1]!, +week[2]!) : null;
		case 'YYYY-MM':
			return month ? valid(+month[1]!, +month[2]!, 1) : iso ? valid(+iso[1]!, +iso[2]!, +iso[3]!) : null;
		case 'MM/DD/YYYY':
			return slashed ? valid(+slashed[3]!, +slashed[1]!, +slashed[2]!) : null;
		case 'DD/MM/YYYY':
		case 'DD.MM.YYYY':
			return slashed ? valid(+slashed[3]!, +slashed[2]!, +slashed[1]!) : null;
	}
}

function referenceNumber(raw: string): number | null {
	let value = raw.trim();
	if (!value) return null;
	let negative = false;
	if (/^\(.*\)$/.test(value)) {
		negative = true;
		value = value.slice(1, -1);
	}
	value = value.replace(/[%$€£¥\s]/g, '');
	if (/^-?\d{1,3}(\.\d{3})*,\d{1,2}$/.test(value) || /^-?\d+,\d{1,2}$/.test(value))
		value = value.replace(/\./g, '').replace(',', '.');
	else value = value.replace(/,/g, '');
	if (!/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(value)) return null;
	const n = Number(value);
	if (!Number.isFinite(n)) return null;
	return negative ? -n : n;
}

const cell = (alphabet: string, maxLength = 24) =>
	fc.array(fc.constantFrom(...alphabet), { maxLength }).map((chars) => chars.join(''));
const FORMATS: DateFormat[] = ['auto', 'YYYY-MM-DD', 'MM/DD/YYYY', 'DD/MM/YYYY', 'DD.MM.YYYY', 'YYYY-MM', 'MM/YYYY', 'YYYY-Www'];

describe('cell readers against the expressions they replaced', () => {
	it('read numbers the same way', () => {
		fc.assert(
			fc.property(cell('0123456789.,-+()eE%$€ x\t'), (raw) => Object.is(parseNumber(raw), referenceNumber(raw))),
			{ numRuns: 20_000, seed: 13 }
		);
		for (const raw of [
			'1,234.5',
			'81,5',
			'1.234,5',
			'-1.234.567,89',
			'12 %',
			'€ 3.20',
			'(4)',
			'5.',
			'.5',
			'1e5',
			'2E-3',
			'()',
			'-',
			'.',
			'1,2,3',
			'1.23,4'
		])
			expect([raw, parseNumber(raw)]).toEqual([raw, referenceNumber(raw)]);
	});

	it('read dates the same way in every format', () => {
		fc.assert(
			fc.property(
				cell('0123456789-/.:TZ+ apmAPMWw', 28),
				fc.constantFrom(...FORMATS),
				(raw, format) => parseDate(raw, format) === referenceDate(raw, format)
			),
			{ numRuns: 20_000, seed: 13 }
		);
		const dated = fc.tuple(
			fc.integer({ min: 1, max: 31 }),
			fc.integer({ min: 1, max: 13 }),
			fc.integer({ min: 1899, max: 2201 }),
			fc.constantFrom('-', '/', '.'),
			fc.constantFrom(
				'',
				' 10:22',
				'T9:05:33',
				' 10:22:05 PM',
				' 1:02am',
				' 10:22:05.120Z',
				'T10:22+02:00',
				' 10:22-0130',
				'T10:22z'
			)
		);
		fc.assert(
			fc.property(dated, fc.constantFrom(...FORMATS), ([d, m, y, sep, time], format) =>
				[
					`${y}${sep}${m}${sep}${d}${time}`,
					`${d}${sep}${m}${sep}${y}${time}`,
					`${y}-${m}`,
					`${m}${sep}${y}`,
					`${y}-W${d + 30}`,
					`${y}-W${String(d).padStart(2, '0')}`,
					`${y}W${m}`
				].every((raw) => parseDate(raw, format) === referenceDate(raw, format))
			),
			{ numRuns: 20_000, seed: 13 }
		);
	});

	it('tell a slashed or dotted date start as the inspection did', () => {
		const start = /^\d{1,2}[/.]\d{1,2}[/.]\d{4}/;
		fc.assert(
			fc.property(cell('0123456789/.- x', 16), (raw) => looksSlashedDate(raw) === start.test(raw.trim())),
			{ numRuns: 20_000, seed: 13 }
		);
	});
});

describe('months and weeks', () => {
	it('reads MM/YYYY and YYYY-MM as the first of the month, in their own format and in auto', () => {
		expect(parseDate('03/2026', 'MM/YYYY')).toBe('2026-03-01');
		expect(parseDate('3/2026', 'auto')).toBe('2026-03-01');
		expect(parseDate('12.2025', 'auto')).toBe('2025-12-01');
		expect(parseDate('2026-04', 'auto')).toBe('2026-04-01');
		expect(parseDate('2026-04', 'YYYY-MM')).toBe('2026-04-01');
	});

	it('refuses months that do not exist, and a month where a day is asked for', () => {
		for (const raw of ['13/2026', '00/2026', '2026-13', '1/26', '03/2026x', '003/2026'])
			for (const format of FORMATS) expect([raw, format, parseDate(raw, format)]).toEqual([raw, format, null]);
		expect(parseDate('03/2026', 'MM/DD/YYYY')).toBeNull();
		expect(parseDate('03/2026', 'YYYY-MM-DD')).toBeNull();
	});

	it('reads an ISO week as its Monday, and knows which years have a 53rd week', () => {
		// 2026 starts on a Thursday: week 1 begins Monday 29 December 2025, week 14 on 30 March.
		expect(parseDate('2026-W14', 'YYYY-Www')).toBe('2026-03-30');
		expect(parseDate('2026-W01', 'auto')).toBe('2025-12-29');
		expect(parseDate('2026w1', 'auto')).toBe('2025-12-29');
		expect(parseDate('2026-W53', 'auto')).toBe('2026-12-28');
		// 2025 starts on a Wednesday and is no leap year: 52 weeks.
		for (const raw of ['2026-W54', '2025-W53', '2026-W00', '2026-W', '2026-W1x', '2026--W14', 'W14-2026'])
			expect([raw, parseDate(raw, 'YYYY-Www'), parseDate(raw, 'auto')]).toEqual([raw, null, null]);
		// 2020 is a leap year that starts on a Wednesday: 53 weeks.
		expect(parseDate('2020-W53', 'YYYY-Www')).toBe('2020-12-28');
	});
});

describe('pathological cells', () => {
	const digits = (n: number) => '1'.repeat(n);
	const cells = [
		`${digits(40_000)}x`,
		`(${digits(40_000)}x)`,
		`${digits(40_000)},${digits(3)}x`,
		`-${'1.'.repeat(20_000)}5x`,
		`${' '.repeat(1_000_000)}x`,
		`2024-01-01T10:10:10.${digits(1_000_000)}x`,
		`${'"'.repeat(500_000)}1${'"'.repeat(500_000)}`,
		`${digits(1_048_576)}x`
	];

	it('come back as not a number and not a date, at once', () => {
		for (const raw of cells) {
			expect(parseNumber(raw)).toBeNull();
			for (const format of FORMATS) expect(parseDate(raw, format)).toBeNull();
			expect(looksSlashedDate(raw)).toBe(false);
		}
	});

	it('are refused past the cap even when they would read', () => {
		expect(parseNumber(`${'0'.repeat(MAX_CELL_CHARS - 1)}7`)).toBe(7);
		expect(parseNumber(`${'0'.repeat(MAX_CELL_CHARS)}7`)).toBeNull();
		expect(parseDate(`2025-03-04${' '.repeat(MAX_CELL_CHARS - 10)}`, 'auto')).toBe('2025-03-04');
		expect(parseDate(`2025-03-04${' '.repeat(MAX_CELL_CHARS)}`, 'auto')).toBeNull();
	});
});
