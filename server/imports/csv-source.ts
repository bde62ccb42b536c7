/**
 * Reading a CSV file as people export it: any delimiter, with or without a header row, UTF-8 (with or
 * without a byte-order mark) or Windows-1252, quoted fields with commas and line breaks inside. Parsing
 * is csv-parse's (RFC 4180 and the usual deviations); this module adds what an import needs around it:
 * the line each record starts on, the encoding and delimiter guesses, and yielding to the event loop.
 */
import { parse } from 'csv-parse';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** A record with the line it starts on (1-based, as a spreadsheet or editor numbers lines). */
export interface CsvRow {
	line: number;
	cells: string[];
}

/** Decodes the file: UTF-8 if it is valid UTF-8, else Windows-1252 (what Excel writes on Windows). */
export function decodeText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'windows-1252' } {
	try {
		const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
		return { text, encoding: 'utf-8' };
	} catch {
		return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
	}
}

/**
 * The delimiter that splits the first lines into the same number of fields most consistently (quotes
 * respected), preferring more fields. A file of one column falls back to a comma.
 */
export function sniffDelimiter(text: string): Delimiter {
	const sample = text.slice(0, 64 * 1024);
	let best: { delimiter: Delimiter; score: number } = { delimiter: ',', score: 0 };
	for (const delimiter of DELIMITERS) {
		const counts = fieldCounts(sample, delimiter, 20);
		if (counts.length === 0) continue;
		const mode = modeOf(counts);
		if (mode < 2) continue;
		const consistent = counts.filter((c) => c === mode).length / counts.length;
		const score = consistent * 100 + Math.min(mode, 50);
		if (score > best.score) best = { delimiter, score };
	}
	return best.delimiter;
}

/** Fields per record over the first `max` records of `sample`, honouring quotes. */
function fieldCounts(sample: string, delimiter: string, max: number): number[] {
	const counts: number[] = [];
	let fields = 1;
	let quoted = false;
	for (let i = 0; i < sample.length && counts.length < max; i++) {
		const ch = sample[i];
		if (ch === '"') {
			if (quoted && sample[i + 1] === '"') i++;
			else quoted = !quoted;
		} else if (!quoted && ch === delimiter) fields++;
		else if (!quoted && ch === '\n') {
			counts.push(fields);
			fields = 1;
		}
	}
	return counts;
}

function modeOf(values: number[]): number {
	const tally = new Map<number, number>();
	for (const v of values) tally.set(v, (tally.get(v) ?? 0) + 1);
	return [...tally.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]![0];
}

/** Lines in `text` (LF-ended; a last line without an end counts too). */
export function countLines(text: string): number {
	let n = 0;
	for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
	return n + 1;
}

/** At most this many unclosed quotes are named in one answer (each costs a scan to the end of the file). */
export const MAX_REPORTED_QUOTES = 20;

/**
 * The lines (1-based, as an editor numbers them) where a quoted field opens and is never closed, in
 * order, at most `max`. Quoting as csv-parse reads it with `relax_quotes`: a quote opens a field only
 * at its start; inside, `""` is a quote; the next lone quote closes it, except that a field spanning
 * lines must end where its quote closes (a stray quote lines later is no close). After such a quote the scan
 * goes on from the next line as if that quote were a plain character, so one pass finds every such line
 * where the rest of the file can still be read. Linear per line reported (so at most `max` passes).
 */
export function unclosedQuoteLines(text: string, delimiter: Delimiter, max = MAX_REPORTED_QUOTES): number[] {
	const found: number[] = [];
	const n = text.length;
	let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
	let line = 1;
	let fieldStart = true;
	while (i < n && found.length < max) {
		const ch = text[i];
		if (fieldStart && ch === '"') {
			let j = i + 1;
			let at = line;
			let closed = false;
			while (j < n) {
				const c = text[j];
				if (c === '"') {
					if (text[j + 1] === '"') {
						j += 2;
						continue;
					}
					closed = true;
					break;
				}
				if (c === '\n' || (c === '\r' && text[j + 1] !== '\n')) at++;
				j++;
			}
			// A quote that closes a field spanning lines must end the field (delimiter, line end or end of file):
			// `"Late fee` on line 5 is otherwise "closed" by the next stray quote, lines later.
			const after = text[j + 1];
			const endsField = after === undefined || after === delimiter || after === '\n' || after === '\r';
			if (closed && (endsField || at === line)) {
				i = j + 1;
				line = at;
				fieldStart = false;
				continue;
			}
			found.push(line);
			// Go on from the line after the quote's, as if the quote were a plain character.
			let k = i + 1;
			while (k < n && text[k] !== '\n' && text[k] !== '\r') k++;
			if (text[k] === '\r' && text[k + 1] === '\n') k++;
			i = k + 1;
			line++;
			fieldStart = true;
			continue;
		}
		fieldStart = ch === delimiter || ch === '\n' || ch === '\r';
		if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
		i++;
	}
	return found;
}

const lineList = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });

/** What to say about unclosed quotes on `lines` (at least one), in whole sentences. */
export function unclosedQuoteMessage(lines: readonly number[]): string {
	const fix = 'Close the quote (or remove it) and upload the file again; nothing was imported.';
	if (lines.length === 1) {
		return `Line ${lines[0]!.toLocaleString('en')} opens a quoted field that is never closed, so the rest of the file would be read as one cell. ${fix}`;
	}
	const list = lineList.format(lines.map((l) => l.toLocaleString('en')));
	const more = lines.length >= MAX_REPORTED_QUOTES ? ' These are the first ones; there may be more.' : '';
	return `Lines ${list} each open a quoted field that is never closed.${more} ${fix}`;
}

/** Thrown when the file cannot be read past a point (a quote never closed): nothing is imported. */
export class CsvSyntaxError extends Error {
	constructor(
		/** The first line at fault. */
		readonly line: number,
		message: string,
		/** Every line at fault that one pass found (the first is `line`). */
		readonly lines: readonly number[] = [line]
	) {
		super(message);
	}
}

/**
 * The records of `text`, in order, each with the line it starts on. Blank lines are skipped; CRLF, LF
 * and CR line ends may mix. Yields to the event loop every few hundred records so a large file never
 * holds up other rooms. Throws `CsvSyntaxError` before any record when a quote is never closed (naming
 * every such line): csv-parse would only say so at the end, after reading the rest as one cell.
 */
export async function* csvRows(
	text: string,
	delimiter: Delimiter,
	options: { yieldEvery?: number } = {}
): AsyncGenerator<CsvRow> {
	const yieldEvery = options.yieldEvery ?? 500;
	const unclosed = unclosedQuoteLines(text, delimiter);
	if (unclosed.length) throw new CsvSyntaxError(unclosed[0]!, unclosedQuoteMessage(unclosed), unclosed);
	const bytes = Buffer.from(text, 'utf8');
	// Lines are counted by their ends (LF, CRLF or a lone CR) in the bytes before a record: csv-parse's
	// own count takes CRLF as two.
	const parser = parse({
		delimiter,
		bom: true,
		info: true,
		record_delimiter: ['\r\n', '\n', '\r'],
		relax_column_count: true,
		// A stray quote inside an unquoted field ("12" screen) is kept as a character, not an error.
		relax_quotes: true
	});
	const CHUNK = 256 * 1024;
	// Feed the bytes in chunks as the parser asks for more, so memory stays flat and the loop stays free.
	const feed = (async () => {
		for (let at = 0; at < bytes.length && !parser.destroyed; at += CHUNK) {
			if (!parser.write(bytes.subarray(at, at + CHUNK))) {
				await new Promise<void>((resolve) => {
					const done = () => {
						parser.off('drain', done);
						parser.off('close', done);
						resolve();
					};
					parser.on('drain', done);
					parser.on('close', done);
				});
			}
		}
		if (!parser.destroyed) parser.end();
	})();
	feed.catch(() => undefined);
	let line = 1;
	let counted = 0;
	const advanceTo = (offset: number) => {
		for (let i = counted; i < offset; i++) {
			const b = bytes[i];
			if (b === 0x0a || (b === 0x0d && bytes[i + 1] !== 0x0a)) line++;
		}
		counted = Math.max(counted, offset);
	};
	let n = 0;
	try {
		for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { bytes: number } }>) {
			const start = line;
			advanceTo(info.bytes);
			if (record.length === 1 && record[0]!.trim() === '') continue;
			yield { line: start, cells: record };
			if (++n % yieldEvery === 0) await yieldToLoop();
		}
	} catch (error) {
		// Unclosed quotes were found above; anything else csv-parse refuses is named by where it stopped.
		const err = error as { message?: string };
		throw new CsvSyntaxError(line, `Line ${line}: ${err.message ?? 'the file cannot be read as CSV'}.`);
	} finally {
		// The reader may stop early (a preview): stop feeding too.
		if (!parser.writableEnded) parser.destroy();
		await feed.catch(() => undefined);
	}
}
