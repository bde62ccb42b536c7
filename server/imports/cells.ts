/**
 * Reading one cell as a date, a number or a score, the way files people export write them. Each
 * parser returns null (never throws) so the caller can say which line and why.
 *
 * Cells come from anyone who may import, so every reader here is a single left-to-right scan: no
 * regular expression, whose backtracking can take time growing with the square of a cell's length
 * (40,000 digits and an `x` once held the server for seconds). Cells longer than `MAX_CELL_CHARS`
 * are refused before they are read at all.
 */
import type { ColumnRef, DateFormat } from '../../src/lib/domain';

/** The longest cell an import reads: the longest complaint narratives seen in real exports (22,000 characters) fit four times over. */
export const MAX_CELL_CHARS = 100_000;

const pad = (n: number) => String(n).padStart(2, '0');

function validDate(y: number, m: number, d: number): string | null {
	if (!(y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return null;
	const date = new Date(Date.UTC(y, m - 1, d));
	if (date.getUTCMonth() !== m - 1) return null; // 31 April, 30 February
	return `${y}-${pad(m)}-${pad(d)}`;
}

const isDigitCode = (code: number) => code >= 48 && code <= 57;
const isSpace = (ch: string) => ch.trim() === '';

/**
 * A cursor over a cell. Each step either consumes what it expects and says so, or leaves the position
 * where it was: there is no going back, so a read takes time in proportion to the cell.
 */
class Scanner {
	at = 0;
	constructor(readonly text: string) {}
	get done(): boolean {
		return this.at >= this.text.length;
	}
	/** Between `min` and `max` digits as a number, or null (and nothing consumed). */
	digits(min: number, max: number): number | null {
		let n = 0;
		let value = 0;
		while (n < max && isDigitCode(this.text.charCodeAt(this.at + n)))
			value = value * 10 + (this.text.charCodeAt(this.at + n++) - 48);
		if (n < min) return null;
		this.at += n;
		return value;
	}
	/** One or more digits; false (and nothing consumed) if there are none. */
	someDigits(): boolean {
		const from = this.at;
		while (isDigitCode(this.text.charCodeAt(this.at))) this.at++;
		return this.at > from;
	}
	/** One of `chars`, returned; null (and nothing consumed) if the next character is none of them. */
	oneOf(chars: string): string | null {
		const ch = this.text[this.at];
		if (ch === undefined || !chars.includes(ch)) return null;
		this.at++;
		return ch;
	}
}

/** `YYYY-MM-DD` or `YYYY/MM/DD`, with an optional time (`T10:22`, ` 10:22:05.120Z`, `+02:00`). */
function readIso(value: string): { y: number; m: number; d: number } | null {
	const s = new Scanner(value);
	const y = s.digits(4, 4);
	if (y === null || !s.oneOf('-/')) return null;
	const m = s.digits(1, 2);
	if (m === null || !s.oneOf('-/')) return null;
	const d = s.digits(1, 2);
	if (d === null) return null;
	if (s.done) return { y, m, d };
	if (!s.oneOf('T ') || s.digits(1, 2) === null || !s.oneOf(':') || s.digits(2, 2) === null) return null;
	if (s.oneOf(':')) {
		if (s.digits(2, 2) === null) return null;
		if (s.oneOf('.') && !s.someDigits()) return null;
	}
	if (!s.oneOf('Z') && s.oneOf('+-')) {
		if (s.digits(2, 2) === null) return null;
		s.oneOf(':');
		if (s.digits(2, 2) === null) return null;
	}
	return s.done ? { y, m, d } : null;
}

/** `YYYY-MM`. */
function readMonth(value: string): { y: number; m: number } | null {
	const s = new Scanner(value);
	const y = s.digits(4, 4);
	if (y === null || !s.oneOf('-')) return null;
	const m = s.digits(1, 2);
	return m !== null && s.done ? { y, m } : null;
}

/** `MM/YYYY` (or `M/YYYY`, `MM.YYYY`, `MM-YYYY`): a month, month first. */
function readMonthFirst(value: string): { y: number; m: number } | null {
	const s = new Scanner(value);
	const m = s.digits(1, 2);
	if (m === null || !s.oneOf('/.-')) return null;
	const y = s.digits(4, 4);
	return y !== null && s.done ? { y, m } : null;
}

/** The ISO weekday of a date, Monday 1 to Sunday 7. */
const isoWeekday = (y: number, m: number, d: number) => ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;

/** How many ISO weeks a year has: 53 when it starts on a Thursday, or is a leap year starting on a Wednesday. */
function isoWeeksIn(y: number): number {
	const jan1 = isoWeekday(y, 1, 1);
	const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
	return jan1 === 4 || (leap && jan1 === 3) ? 53 : 52;
}

/** `YYYY-Www` (or `YYYY-ww`, `YYYYWww`): an ISO week, read as its Monday (YYYY-MM-DD), or null. */
function readWeek(value: string): string | null {
	const s = new Scanner(value);
	const y = s.digits(4, 4);
	if (y === null) return null;
	s.oneOf('-');
	if (!s.oneOf('Ww')) return null;
	const w = s.digits(1, 2);
	if (w === null || !s.done || y < 1900 || y > 2200 || w < 1 || w > isoWeeksIn(y)) return null;
	// Week 1 holds 4 January; its Monday is that many days before.
	const monday = new Date(Date.UTC(y, 0, 4 - (isoWeekday(y, 1, 4) - 1) + (w - 1) * 7));
	return monday.toISOString().slice(0, 10);
}

/**
 * `A/B/YYYY` (or with dots or dashes), the two first parts in the order the caller knows, with an
 * optional time (` 10:22`, ` 10:22:05 PM`). With `prefixOnly`, anything may follow the year.
 */
function readSlashed(
	value: string,
	options: { prefixOnly?: boolean; separators?: string } = {}
): { a: number; b: number; year: number } | null {
	const separators = options.separators ?? '/.-';
	const s = new Scanner(value);
	const a = s.digits(1, 2);
	if (a === null || !s.oneOf(separators)) return null;
	const b = s.digits(1, 2);
	if (b === null || !s.oneOf(separators)) return null;
	const year = s.digits(4, 4);
	if (year === null) return null;
	if (options.prefixOnly || s.done) return { a, b, year };
	if (!s.oneOf(' Tt') || s.digits(1, 2) === null || !s.oneOf(':') || s.digits(2, 2) === null) return null;
	if (s.oneOf(':') && s.digits(2, 2) === null) return null;
	if (!s.done) {
		if (isSpace(value[s.at]!)) s.at++;
		if (!s.oneOf('AaPp') || !s.oneOf('Mm')) return null;
	}
	return s.done ? { a, b, year } : null;
}

/**
 * A date as YYYY-MM-DD, or null. `auto` reads ISO dates (with or without a time), months (`2025-03`,
 * `03/2025`) and ISO weeks (`2025-W14`), none of which can be mistaken for another; day and month orders
 * that could be confused (03/04/2025) need the format named. A month reads as its first day, a week as
 * its Monday.
 */
export function parseDate(raw: string, format: DateFormat): string | null {
	if (raw.length > MAX_CELL_CHARS) return null;
	const value = raw.trim();
	if (!value) return null;
	switch (format) {
		case 'auto':
		case 'YYYY-MM-DD': {
			const iso = readIso(value);
			if (iso) return validDate(iso.y, iso.m, iso.d);
			if (format !== 'auto') return null;
			const month = readMonth(value) ?? readMonthFirst(value);
			return month ? validDate(month.y, month.m, 1) : readWeek(value);
		}
		case 'MM/YYYY': {
			const month = readMonthFirst(value);
			return month ? validDate(month.y, month.m, 1) : null;
		}
		case 'YYYY-Www':
			return readWeek(value);
		case 'YYYY-MM': {
			const month = readMonth(value);
			if (month) return validDate(month.y, month.m, 1);
			const iso = readIso(value);
			return iso ? validDate(iso.y, iso.m, iso.d) : null;
		}
		case 'MM/DD/YYYY': {
			const slashed = readSlashed(value);
			return slashed ? validDate(slashed.year, slashed.a, slashed.b) : null;
		}
		case 'DD/MM/YYYY':
		case 'DD.MM.YYYY': {
			const slashed = readSlashed(value);
			return slashed ? validDate(slashed.year, slashed.b, slashed.a) : null;
		}
	}
}

/** Whether a cell starts like a slashed or dotted date (`3/4/2025`, `31.12.2024 ...`), whatever the order. */
export function looksSlashedDate(raw: string): boolean {
	if (raw.length > MAX_CELL_CHARS) return false;
	return readSlashed(raw.trim(), { prefixOnly: true, separators: '/.' }) !== null;
}

/**
 * The date format a column's sample values are written in: ISO if they read as ISO; for slashed dates,
 * day-first if any first part is over 12, month-first if any second part is; month-first when nothing
 * tells (the caller shows the choice so a person can correct it).
 */
export function guessDateFormat(samples: readonly string[]): DateFormat | null {
	const values = samples
		.filter((s) => s.length <= MAX_CELL_CHARS)
		.map((s) => s.trim())
		.filter(Boolean);
	if (!values.length) return null;
	const share = (ok: (v: string) => boolean) => values.filter(ok).length / values.length;
	if (share((v) => parseDate(v, 'auto') !== null) >= 0.8) return 'auto';
	const slashed = values.map((v) => readSlashed(v)).filter((m) => m !== null);
	if (slashed.length / values.length < 0.8) return null;
	if (slashed.some((m) => m.a > 12)) return values[0]!.includes('.') ? 'DD.MM.YYYY' : 'DD/MM/YYYY';
	return 'MM/DD/YYYY';
}

const CURRENCY_AND_PERCENT = '%$€£¥';

/** Whether `text[from, to)` is one or more digits. */
function allDigits(text: string, from = 0, to = text.length): boolean {
	if (to <= from) return false;
	for (let i = from; i < to; i++) if (!isDigitCode(text.charCodeAt(i))) return false;
	return true;
}

/**
 * "1.234,5" or "81,5": a comma as the decimal mark, which it is when it is the only comma, comes last
 * with one or two digits after it, and before it stand plain digits or thousands grouped by dots.
 */
function hasDecimalComma(value: string): boolean {
	const from = value.startsWith('-') ? 1 : 0;
	const comma = value.indexOf(',', from);
	if (comma < 0 || value.length - comma - 1 > 2 || !allDigits(value, comma + 1)) return false;
	if (allDigits(value, from, comma)) return true;
	const groups = value.slice(from, comma).split('.');
	return groups[0]!.length <= 3 && groups.every((g, i) => allDigits(g) && (i === 0 || g.length === 3));
}

/** `-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?`: a plain number JavaScript reads the same way. */
function isPlainNumber(value: string): boolean {
	const s = new Scanner(value);
	s.oneOf('-');
	const whole = s.someDigits();
	const fraction = s.oneOf('.') ? s.someDigits() : false;
	if (!whole && !fraction) return false;
	if (s.oneOf('eE')) {
		s.oneOf('+-');
		if (!s.someDigits()) return false;
	}
	return s.done;
}

/** A number as people write it: "1,234.5", "12 %", "€ 3.20", "(4)" for negative four. */
export function parseNumber(raw: string): number | null {
	if (raw.length > MAX_CELL_CHARS) return null;
	let value = raw.trim();
	if (!value) return null;
	let negative = false;
	if (value.length >= 2 && value.startsWith('(') && value.endsWith(')')) {
		negative = true;
		value = value.slice(1, -1);
	}
	let kept = '';
	for (const ch of value) if (!CURRENCY_AND_PERCENT.includes(ch) && !isSpace(ch)) kept += ch;
	// With a decimal comma, dots group thousands; otherwise commas do.
	value = hasDecimalComma(kept) ? kept.replaceAll('.', '').replace(',', '.') : kept.replaceAll(',', '');
	if (!isPlainNumber(value)) return null;
	const n = Number(value);
	if (!Number.isFinite(n)) return null;
	return negative ? -n : n;
}

/** Which cell of a row a column names: by header name when the file has it, else by position. */
export function resolveColumn(ref: ColumnRef, header: readonly string[] | null): number {
	if (ref.name !== null && header) {
		const wanted = ref.name.trim().toLowerCase();
		const found = header.findIndex((h) => h.trim().toLowerCase() === wanted);
		if (found >= 0) return found;
	}
	return ref.index;
}

/** A column's label for messages: its header name, or its letter as a spreadsheet shows it. */
export function columnLabel(index: number, header: readonly string[] | null): string {
	const name = header?.[index]?.trim();
	if (name) return `"${name}"`;
	let letters = '';
	for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
	return `column ${letters}`;
}
