/**
 * Reading one cell as a date, a number or a score, the way files people export write them. Each
 * parser returns null (never throws) so the caller can say which line and why.
 */
import type { ColumnRef, DateFormat } from '../../src/lib/domain';

const pad = (n: number) => String(n).padStart(2, '0');

function validDate(y: number, m: number, d: number): string | null {
	if (!(y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return null;
	const date = new Date(Date.UTC(y, m - 1, d));
	if (date.getUTCMonth() !== m - 1) return null; // 31 April, 30 February
	return `${y}-${pad(m)}-${pad(d)}`;
}

const ISO = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const MONTH_ONLY = /^(\d{4})-(\d{1,2})$/;
const SLASHED = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AP]M)?)?$/i;

/**
 * A date as YYYY-MM-DD, or null. `auto` reads ISO dates (with or without a time) and months; day and
 * month orders that could be confused (03/04/2025) need the format named.
 */
export function parseDate(raw: string, format: DateFormat): string | null {
	const value = raw.trim();
	if (!value) return null;
	const iso = ISO.exec(value);
	const month = MONTH_ONLY.exec(value);
	const slashed = SLASHED.exec(value);
	switch (format) {
		case 'auto':
		case 'YYYY-MM-DD':
			if (iso) return validDate(+iso[1]!, +iso[2]!, +iso[3]!);
			if (format === 'auto' && month) return validDate(+month[1]!, +month[2]!, 1);
			return null;
		case 'YYYY-MM':
			return month ? validDate(+month[1]!, +month[2]!, 1) : iso ? validDate(+iso[1]!, +iso[2]!, +iso[3]!) : null;
		case 'MM/DD/YYYY':
			return slashed ? validDate(+slashed[3]!, +slashed[1]!, +slashed[2]!) : null;
		case 'DD/MM/YYYY':
		case 'DD.MM.YYYY':
			return slashed ? validDate(+slashed[3]!, +slashed[2]!, +slashed[1]!) : null;
	}
}

/**
 * The date format a column's sample values are written in: ISO if they read as ISO; for slashed dates,
 * day-first if any first part is over 12, month-first if any second part is; month-first when nothing
 * tells (the caller shows the choice so a person can correct it).
 */
export function guessDateFormat(samples: readonly string[]): DateFormat | null {
	const values = samples.map((s) => s.trim()).filter(Boolean);
	if (!values.length) return null;
	const share = (ok: (v: string) => boolean) => values.filter(ok).length / values.length;
	if (share((v) => parseDate(v, 'auto') !== null) >= 0.8) return 'auto';
	const slashed = values.map((v) => SLASHED.exec(v)).filter((m): m is RegExpExecArray => m !== null);
	if (slashed.length / values.length < 0.8) return null;
	if (slashed.some((m) => +m[1]! > 12)) return values[0]!.includes('.') ? 'DD.MM.YYYY' : 'DD/MM/YYYY';
	return 'MM/DD/YYYY';
}

/** A number as people write it: "1,234.5", "12 %", "€ 3.20", "(4)" for negative four. */
export function parseNumber(raw: string): number | null {
	let value = raw.trim();
	if (!value) return null;
	let negative = false;
	if (/^\(.*\)$/.test(value)) {
		negative = true;
		value = value.slice(1, -1);
	}
	value = value.replace(/[%$€£¥\s]/g, '');
	// "1.234,5" (comma as decimal mark) when the comma comes last and has one to two digits after it.
	if (/^-?\d{1,3}(\.\d{3})*,\d{1,2}$/.test(value) || /^-?\d+,\d{1,2}$/.test(value)) {
		value = value.replace(/\./g, '').replace(',', '.');
	} else {
		value = value.replace(/,/g, '');
	}
	if (!/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(value)) return null;
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
