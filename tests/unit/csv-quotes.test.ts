/**
 * A quote that never closes is named by the physical line it opens on (it was once "line 1" for a quote
 * on line 5 and "line 1506" for one on line 1558), and every such line in a file is named in one pass.
 */
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, csvRows, unclosedQuoteLines, unclosedQuoteMessage } from '../../server/imports/csv-source';
import { inspectImportFile, readImportFile } from '../../server/imports/import-tasks';

/** The error `csvRows` throws for `text`, or null when every record reads. */
async function syntaxError(text: string): Promise<CsvSyntaxError | null> {
	try {
		for await (const row of csvRows(text, ',')) void row;
		return null;
	} catch (error) {
		if (error instanceof CsvSyntaxError) return error;
		throw error;
	}
}

/** `lines` rows of `date,issue`, with `bad` (1-based line numbers) opening a quote that never closes. */
function fileWith(lines: number, bad: number[], eol = '\n'): string {
	const out = ['date,issue'];
	for (let line = 2; line <= lines; line++) {
		out.push(bad.includes(line) ? `2025-01-0${line % 9 || 1},"Late fee` : `2025-01-0${line % 9 || 1},Late`);
	}
	return out.join(eol) + eol;
}

describe('unclosed quotes', () => {
	it('name the line the quote opens on, not where reading stopped', async () => {
		const five = await syntaxError(fileWith(12, [5]));
		expect(five?.line).toBe(5);
		expect(five?.message).toMatch(/^Line 5 opens a quoted field that is never closed/);
		const far = await syntaxError(fileWith(2000, [1558]));
		expect([far?.line, far?.lines]).toEqual([1558, [1558]]);
		// Quoted line breaks and CRLF ends count as an editor counts them.
		const multi = 'a,b\r\n"two\r\nlines",2\r\n3,4\r\n5,"open\r\n6,7\r\n';
		expect((await syntaxError(multi))?.line).toBe(5);
	});

	it('name every such line of a file in one pass, and read a file without any', async () => {
		const file = fileWith(3000, [7, 800, 2999], '\r\n');
		expect(unclosedQuoteLines(file, ',')).toEqual([7, 800, 2999]);
		const error = await syntaxError(file);
		expect(error?.lines).toEqual([7, 800, 2999]);
		expect(error?.message).toBe(
			'Lines 7, 800, and 2,999 each open a quoted field that is never closed. Close the quote (or remove it) and upload the file again; nothing was imported.'
		);
		// Quotes that close, doubled quotes, and stray quotes inside a field are not errors.
		expect(unclosedQuoteLines('a,"x ""y"", z",b"c\n"multi\nline",2\n\uFEFF', ',')).toEqual([]);
		expect(await syntaxError(fileWith(50, []))).toBeNull();
	});

	it('caps the lines named at twenty, and says there may be more', () => {
		const bad = Array.from({ length: 30 }, (_, i) => 2 + i * 2);
		const lines = unclosedQuoteLines(fileWith(80, bad), ',');
		expect(lines).toEqual(bad.slice(0, 20));
		expect(unclosedQuoteMessage(lines)).toMatch(/These are the first ones; there may be more\./);
	});

	it('are an answer from the inspect and read tasks, with the lines, not a throw', async () => {
		const bytes = new TextEncoder().encode(fileWith(12, [5, 9]));
		const inspected = await inspectImportFile({ bytes });
		expect(inspected).toMatchObject({ ok: false, line: 5, lines: [5, 9] });
		const good = await inspectImportFile({ bytes: new TextEncoder().encode(fileWith(12, [])) });
		expect(good.ok && good.inspection.columns.length).toBe(2);
		const read = await readImportFile(
			{
				bytes: new TextEncoder().encode(fileWith(12, [9])),
				room: { stages: {}, complaints: {}, kpis: {}, surveys: {} } as never,
				mapping: {
					kind: 'complaints',
					hasHeader: true,
					dateColumn: { index: 0, name: 'date' },
					dateFormat: 'auto',
					idColumn: null,
					segmentColumn: null,
					categoryColumn: { index: 1, name: 'issue' },
					channelColumn: null,
					textColumn: null,
					stageRules: [],
					defaultStageId: 'stage-1'
				},
				seenKeys: []
			},
			() => undefined
		);
		expect(read).toMatchObject({ ok: false, line: 9, lines: [9] });
	});
});
