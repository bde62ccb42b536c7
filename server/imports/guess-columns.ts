/**
 * Which column is what, guessed from what the columns hold, for a file the room has no settings for.
 * A file without a header row has only its contents to go by, and a header can mislead ("Date sent to
 * company" is a date, but not when the complaint came in), so every guess rests on the values:
 *
 * - date: a column whose values parse as dates (80% of the filled ones); of several, the one holding the
 *   earliest date of the row most often (a complaint is received before anything is done about it).
 * - category: text that repeats (each value in three rows or more on average), filled in most rows, with
 *   between 3 and 60 different values written in words (4 to 80 characters on average). The score
 *   favours more different values (up to 30) and longer words (up to 40 characters): a category says
 *   what went wrong, not "Yes" or "Web".
 * - text (the customer's words): free text at least 60 characters long on average, different in
 *   nine rows in ten.
 * - id: a value in every row, each different, without spaces, at most 40 characters.
 * - category, when no column qualifies (a small file): the short text column whose values repeat most.
 *
 * A header's words break a tie between close candidates, never more. Each guess carries its reason in a
 * whole sentence; the person confirms or changes every one in the mapping form.
 */
import type { ColumnGuess, ColumnGuesses } from '../../src/lib/protocol/curate';
import { guessDateFormat, parseDate, parseNumber } from './cells';

const percent = (share: number) => `${Math.round(share * 100)}%`;
const count = (n: number) => n.toLocaleString('en');

/** What one column holds, over the sampled data rows. */
interface Profile {
	index: number;
	name: string | null;
	values: string[];
	filled: string[];
	fillShare: number;
	distinct: number;
	meanLength: number;
	/** Each value's date (YYYY-MM-DD), or null. */
	dates: Array<string | null>;
	dateShare: number;
	numberShare: number;
}

function profile(index: number, name: string | null, rows: readonly string[][]): Profile {
	const values = rows.map((r) => (r[index] ?? '').trim());
	const filled = values.filter(Boolean);
	// Dates as the column writes them (ISO, or slashed day- or month-first), read to compare across columns.
	const format = guessDateFormat(filled.slice(0, 50));
	const dates = values.map((v) => (v && format ? parseDate(v, format) : null));
	const dated = dates.filter((d) => d !== null).length;
	return {
		index,
		name,
		values,
		filled,
		fillShare: values.length ? filled.length / values.length : 0,
		distinct: new Set(filled).size,
		meanLength: filled.length ? filled.reduce((n, v) => n + v.length, 0) / filled.length : 0,
		dates,
		dateShare: filled.length ? dated / filled.length : 0,
		numberShare: filled.length ? filled.filter((v) => parseNumber(v) !== null).length / filled.length : 0
	};
}

const best = <T>(items: readonly T[], score: (item: T) => number): T | undefined => {
	let top: { item: T; score: number } | undefined;
	for (const item of items) {
		const s = score(item);
		if (top === undefined || s > top.score) top = { item, score: s };
	}
	return top?.item;
};

/** A small nudge for a header that names the role (breaks ties, never outweighs the values). */
const nudge = (p: Profile, pattern: RegExp) => (p.name !== null && pattern.test(p.name) ? 0.05 : 0);

function guessDate(columns: readonly Profile[]): ColumnGuess | null {
	const candidates = columns.filter((c) => c.filled.length > 0 && c.dateShare >= 0.8);
	if (candidates.length === 0) return null;
	const only = candidates.length === 1;
	// How often each candidate holds the row's earliest date (ties count for each).
	const earliest = new Map<number, number>();
	const rows = candidates[0]!.values.length;
	let compared = 0;
	for (let r = 0; r < rows; r++) {
		const inRow = candidates.map((c) => c.dates[r] ?? null);
		const present = inRow.filter((d): d is string => d !== null);
		if (present.length < 2) continue;
		compared++;
		const min = present.reduce((a, b) => (b < a ? b : a));
		candidates.forEach((c, i) => inRow[i] === min && earliest.set(c.index, (earliest.get(c.index) ?? 0) + 1));
	}
	const share = (c: Profile) => (compared ? (earliest.get(c.index) ?? 0) / compared : 0);
	const pick = best(
		candidates,
		(c) => (only ? 0 : share(c)) + c.dateShare * 0.1 + nudge(c, /receiv|creat|open|submit/i) - c.index * 1e-6
	)!;
	const dates = `${percent(pick.dateShare)} of its filled values are dates.`;
	if (only || compared === 0) return { index: pick.index, why: dates };
	return {
		index: pick.index,
		why: `${dates} Of the ${count(candidates.length)} date columns, it holds the earliest date of the row in ${percent(share(pick))} of rows: when the complaint came in, before anything was done about it.`
	};
}

function guessCategory(columns: readonly Profile[], taken: ReadonlySet<number>): ColumnGuess | null {
	const candidates = columns.filter(
		(c) =>
			!taken.has(c.index) &&
			c.dateShare < 0.5 &&
			c.fillShare >= 0.8 &&
			c.distinct >= 3 &&
			c.distinct <= 60 &&
			c.distinct * 3 <= c.filled.length &&
			c.meanLength >= 4 &&
			c.meanLength <= 80
	);
	const pick = best(
		candidates,
		(c) =>
			c.fillShare * Math.log(Math.min(c.distinct, 30)) * (Math.min(c.meanLength, 40) / 40) +
			nudge(c, /issue|categor|reason|topic|type|subject/i) -
			c.index * 1e-6
	);
	if (!pick) return fallbackCategory(columns, taken);
	const perValue = Math.round(pick.filled.length / pick.distinct);
	return {
		index: pick.index,
		why: `${count(pick.distinct)} different values, each in about ${count(perValue)} of the ${count(pick.values.length)} rows read, written in words (${count(Math.round(pick.meanLength))} characters on average): they repeat like categories.`
	};
}

/** For a small file no column may repeat enough: the short text column that repeats most, said as such. */
function fallbackCategory(columns: readonly Profile[], taken: ReadonlySet<number>): ColumnGuess | null {
	const candidates = columns.filter(
		(c) =>
			!taken.has(c.index) &&
			c.filled.length > 0 &&
			c.dateShare < 0.5 &&
			c.numberShare < 0.5 &&
			c.fillShare >= 0.5 &&
			c.meanLength <= 80
	);
	const pick = best(
		candidates,
		(c) => -c.distinct / c.filled.length + nudge(c, /issue|categor|reason|topic|type|subject/i) - c.index * 1e-6
	);
	if (!pick) return null;
	const why =
		pick.distinct === 1
			? `Of the columns of short text, its values repeat the most (the same value in all ${count(pick.filled.length)} filled rows), though too few rows were read to be sure.`
			: `Of the columns of short text, its values repeat the most (${count(pick.distinct)} different values in ${count(pick.filled.length)} filled rows), though too few rows were read to be sure.`;
	return { index: pick.index, why };
}

function guessText(columns: readonly Profile[], taken: ReadonlySet<number>): ColumnGuess | null {
	const candidates = columns.filter(
		(c) => !taken.has(c.index) && c.filled.length >= 2 && c.meanLength >= 60 && c.distinct >= 0.9 * c.filled.length
	);
	const pick = best(candidates, (c) => c.meanLength * (1 + nudge(c, /narrative|comment|text|verbatim|feedback|words/i)));
	if (!pick) return null;
	const sometimes = pick.fillShare < 0.95 ? ` It is filled in ${percent(pick.fillShare)} of rows.` : '';
	return {
		index: pick.index,
		why: `Long free text (${count(Math.round(pick.meanLength))} characters on average), different in each row: likely the customer's own words.${sometimes}`
	};
}

function guessId(columns: readonly Profile[], taken: ReadonlySet<number>): ColumnGuess | null {
	const candidates = columns.filter(
		(c) =>
			!taken.has(c.index) &&
			c.filled.length > 1 &&
			c.fillShare === 1 &&
			c.distinct === c.filled.length &&
			c.dateShare < 0.5 &&
			c.meanLength <= 40 &&
			c.filled.every((v) => !/\s/.test(v))
	);
	const pick = best(candidates, (c) => nudge(c, /(^|\b|_)(id|number|no|ref|reference|ticket)(\b|_|$)/i) - c.index * 1e-6);
	if (!pick) return null;
	return {
		index: pick.index,
		why: `Every row read has a value of its own here, without spaces: likely each row's id, so a row imported again is recognised and not counted twice.`
	};
}

/** The guesses for a file's sampled data rows (`header`: the header row's cells, when it has one). */
export function guessColumns(rows: readonly string[][], width: number, header: readonly string[] | null): ColumnGuesses {
	const columns = Array.from({ length: width }, (_, i) => profile(i, header ? (header[i] ?? '').trim() || null : null, rows));
	const date = guessDate(columns);
	const taken = new Set<number>(date ? [date.index] : []);
	const text = guessText(columns, taken);
	if (text) taken.add(text.index);
	const category = guessCategory(columns, taken);
	if (category) taken.add(category.index);
	const id = guessId(columns, taken);
	return { date, category, text, id };
}
