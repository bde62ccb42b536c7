/**
 * The first look at an uploaded CSV file, for the mapping step: its encoding and delimiter, whether the
 * first row is a header, a few rows, and per column some sample values and what they look like, with
 * guesses of which column is what from their contents and why (see guess-columns.ts); the person confirms
 * or changes every choice before anything is read for real.
 */
import { guessDateFormat, looksSlashedDate, parseDate, parseNumber } from './cells';
import type { ColumnInfo, Inspection } from '../../src/lib/protocol/curate';
import { countLines, csvRows, decodeText, sniffDelimiter } from './csv-source';
import { guessColumns } from './guess-columns';

const SAMPLE_ROWS = 200;
const SHOWN_ROWS = 8;
const CELL_CHARS = 160;

const isDate = (v: string) => parseDate(v, 'auto') !== null || looksSlashedDate(v);
const isNumber = (v: string) => parseNumber(v) !== null;

/**
 * A first row is a header when none of its cells is a date or a number while the rows under it have
 * dates or numbers in some of those columns (or, for an all-text file, when its cells are all distinct
 * short labels unlike the rows below).
 */
export function guessHeader(rows: readonly string[][]): boolean {
	if (rows.length < 2) return false;
	const [first, ...rest] = rows as [string[], ...string[][]];
	const cells = first.map((c) => c.trim());
	if (cells.some((c) => c !== '' && (isDate(c) || isNumber(c)))) return false;
	const typedBelow = cells.some((_, i) =>
		rest.some((r) => {
			const v = (r[i] ?? '').trim();
			return v !== '' && (isDate(v) || isNumber(v));
		})
	);
	if (typedBelow) return true;
	const labels = cells.filter(Boolean);
	return (
		labels.length === cells.length &&
		new Set(labels.map((c) => c.toLowerCase())).size === labels.length &&
		labels.every((c) => c.length <= 40)
	);
}

export async function inspectCsv(bytes: Uint8Array): Promise<Inspection> {
	const { text, encoding } = decodeText(bytes);
	const delimiter = sniffDelimiter(text);
	const rows: string[][] = [];
	for await (const row of csvRows(text, delimiter)) {
		rows.push(row.cells);
		if (rows.length > SAMPLE_ROWS) break;
	}
	const hasHeader = guessHeader(rows.slice(0, 20));
	const header = hasHeader ? rows[0]! : null;
	const data = hasHeader ? rows.slice(1) : rows;
	const width = Math.max(0, ...rows.slice(0, 50).map((r) => r.length));
	const columns: ColumnInfo[] = [];
	for (let index = 0; index < width; index++) {
		const values = data.map((r) => (r[index] ?? '').trim());
		const filled = values.filter(Boolean);
		const tally = new Map<string, number>();
		for (const v of filled) tally.set(v, (tally.get(v) ?? 0) + 1);
		const share = (ok: (v: string) => boolean) => (filled.length ? filled.filter(ok).length / filled.length : 0);
		const looks = !filled.length ? 'empty' : share(isDate) >= 0.8 ? 'date' : share(isNumber) >= 0.8 ? 'number' : 'text';
		columns.push({
			index,
			name: header ? (header[index] ?? '').trim() || null : null,
			samples: filled.slice(0, 5).map((v) => v.slice(0, CELL_CHARS)),
			looks,
			dateFormat: looks === 'date' ? guessDateFormat(filled.slice(0, 50)) : null,
			distinct: tally.size,
			unique: filled.length === data.length && tally.size === filled.length && filled.length > 1,
			topValues: [...tally]
				.sort((a, b) => b[1] - a[1])
				.slice(0, 30)
				.map(([value, count]) => ({ value: value.slice(0, CELL_CHARS), count }))
		});
	}
	const lines = countLines(text) - (text.endsWith('\n') ? 1 : 0);
	return {
		encoding,
		delimiter,
		hasHeader,
		approxRows: Math.max(0, lines - (hasHeader ? 1 : 0)),
		rows: data.slice(0, SHOWN_ROWS).map((r) => r.map((c) => c.slice(0, CELL_CHARS))),
		columns,
		guesses: guessColumns(data, width, header)
	};
}
