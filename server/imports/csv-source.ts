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

/** Thrown when the file cannot be read past a point (a quote never closed): nothing is imported. */
export class CsvSyntaxError extends Error {
	constructor(
		readonly line: number,
		message: string
	) {
		super(message);
	}
}

/**
 * The records of `text`, in order, each with the line it starts on. Blank lines are skipped; CRLF, LF
 * and CR line ends may mix. Yields to the event loop every few hundred records so a large file never
 * holds up other rooms.
 */
export async function* csvRows(
	text: string,
	delimiter: Delimiter,
	options: { yieldEvery?: number } = {}
): AsyncGenerator<CsvRow> {
	const yieldEvery = options.yieldEvery ?? 500;
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
		const err = error as { code?: string; message?: string };
		if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
			throw new CsvSyntaxError(
				line,
				`Line ${line}: a quoted field is never closed, so the rest of the file cannot be read. Check that line in the file.`
			);
		}
		throw new CsvSyntaxError(line, `Line ${line}: ${err.message ?? 'the file cannot be read as CSV'}.`);
	} finally {
		// The reader may stop early (a preview): stop feeding too.
		if (!parser.writableEnded) parser.destroy();
		await feed.catch(() => undefined);
	}
}
