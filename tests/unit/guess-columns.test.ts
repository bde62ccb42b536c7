/**
 * Guessing which column is what from the contents, for files without a header row: the CFPB export
 * once got "Date sent to company" as its date and "Company response to consumer" as its category.
 * Real data: the CFPB sample in ../shared/data, its header row taken off and its columns reordered.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { csvRows } from '../../server/imports/csv-source';
import { inspectCsv } from '../../server/imports/inspect';

const CFPB = fileURLToPath(new URL('../../../shared/data/cfpb-complaints-sample.csv', import.meta.url));

/** The CFPB sample as rows, header first. */
async function cfpbRows(): Promise<string[][]> {
	const rows: string[][] = [];
	for await (const row of csvRows(readFileSync(CFPB, 'utf8'), ',')) rows.push(row.cells);
	return rows;
}

const quote = (cell: string) => (/[",\n\r]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
const toCsv = (rows: readonly string[][]) => `${rows.map((r) => r.map(quote).join(',')).join('\n')}\n`;

/** Inspects `rows` (no header), with the columns in `order` (names from the CFPB header). */
async function inspectWithout(order: string[]) {
	const [header, ...data] = await cfpbRows();
	const at = order.map((name) => header!.indexOf(name));
	expect(at).not.toContain(-1);
	const inspection = await inspectCsv(new TextEncoder().encode(toCsv(data.map((r) => at.map((i) => r[i] ?? '')))));
	const nameOf = (guess: { index: number } | null) => (guess ? order[guess.index] : null);
	return { inspection, nameOf };
}

describe('guessing columns from what they hold', () => {
	it('finds the date received, the issue, the narrative and the id in the CFPB layout without a header, and says why', async () => {
		// The company's side first, as the layout that misled the old guesses had it.
		const order = [
			'Date sent to company',
			'Company response to consumer',
			'Timely response?',
			'Submitted via',
			'Date received',
			'Product',
			'Issue',
			'Sub-issue',
			'Consumer complaint narrative',
			'Company',
			'State',
			'Complaint ID'
		];
		const { inspection, nameOf } = await inspectWithout(order);
		expect(inspection.hasHeader).toBe(false);
		const { guesses } = inspection;
		expect(nameOf(guesses.date)).toBe('Date received');
		expect(guesses.date!.why).toMatch(
			/^100% of its filled values are dates\. Of the 2 date columns, it holds the earliest date of the row in 100% of rows/
		);
		expect(nameOf(guesses.category)).toBe('Issue');
		expect(guesses.category!.why).toMatch(
			/^\d+ different values, each in about \d+ of the \d+ rows read, written in words \(\d+ characters on average\): they repeat like categories\.$/
		);
		expect(nameOf(guesses.text)).toBe('Consumer complaint narrative');
		expect(guesses.text!.why).toMatch(
			/^Long free text \([\d,]+ characters on average\), different in each row: likely the customer's own words\. It is filled in \d+% of rows\.$/
		);
		expect(nameOf(guesses.id)).toBe('Complaint ID');
	});

	it('guesses nothing it has no grounds for: no repeating text, no long text, no dates', async () => {
		const { inspection, nameOf } = await inspectWithout(['Complaint ID', 'ZIP code']);
		expect(inspection.guesses.date).toBeNull();
		expect(inspection.guesses.category).toBeNull();
		expect(inspection.guesses.text).toBeNull();
		expect(nameOf(inspection.guesses.id)).toBe('Complaint ID');
	});

	it('falls back, in a file too small to be sure, to the short text that repeats most, and says so', async () => {
		const text = 'When,Issue\n2025-01-05,Card declined\n2025-13-01,Card declined\n,Card declined\n2025-01-07,\n';
		const { guesses } = await inspectCsv(new TextEncoder().encode(text));
		expect(guesses.category).toEqual({
			index: 1,
			why: 'Of the columns of short text, its values repeat the most (the same value in all 3 filled rows), though too few rows were read to be sure.'
		});
	});

	it('reads day-first dates and another layout the same way', async () => {
		const rows = Array.from({ length: 60 }, (_, i) => {
			const day = String((i % 28) + 1).padStart(2, '0');
			const closed = String(Math.min(28, (i % 28) + 3)).padStart(2, '0');
			return [
				`${closed}/03/2026`,
				['Yes', 'No'][i % 2]!,
				`${day}/03/2026`,
				['Card declined abroad', 'Fee charged twice', 'Letter never arrived', 'App logs me out'][i % 4]!,
				`Customer ${i} wrote at length about what happened: ${'the card was refused at the till and nobody called back '.repeat(2)}`
			];
		});
		const inspection = await inspectCsv(new TextEncoder().encode(toCsv(rows)));
		expect(inspection.guesses.date?.index).toBe(2);
		expect(inspection.guesses.category?.index).toBe(3);
		expect(inspection.guesses.text?.index).toBe(4);
	});
});
