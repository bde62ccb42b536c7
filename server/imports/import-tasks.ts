/**
 * The heavy half of an import, run in a worker thread (`server/workers/`): decoding the file, parsing
 * every row and summing what is new. Inputs and outputs are plain data that travel between threads
 * cheaply: the file's bytes, the few fields of the room the reading needs, and the keys earlier imports
 * counted still packed as they are stored (one per line), unpacked here rather than on the event loop.
 */
import type { ImportDelta, ImportMapping } from '../../src/lib/domain';
import type { ImportSummary, Inspection } from '../../src/lib/protocol/curate';
import { CsvSyntaxError, decodeText, sniffDelimiter } from './csv-source';
import { inspectCsv } from './inspect';
import { readImport, type ImportRoom } from './read-import';

export interface ReadFileInput {
	bytes: Uint8Array;
	room: ImportRoom;
	mapping: ImportMapping;
	/** The key blobs of earlier imports of this kind, as stored: keys one per line. */
	seenKeys: Uint8Array[];
	/** Build the file the import keeps: the mapped columns, customer words masked. */
	keepMapped?: boolean;
}

export type ReadFileOutput =
	| {
			ok: true;
			summary: ImportSummary;
			delta: ImportDelta;
			/** The new rows' keys, one per line. */
			newKeys: string;
			/** The file to keep (mapped columns, masked), when asked for. */
			kept: string | null;
	  }
	| CsvFailure;

/** A file that cannot be read as CSV: the first line at fault, every one found, and what to do. */
export type CsvFailure = { ok: false; line: number; lines: number[]; message: string };

export type InspectFileOutput = { ok: true; inspection: Inspection } | CsvFailure;

const failureOf = (error: CsvSyntaxError): CsvFailure => ({
	ok: false,
	line: error.line,
	lines: [...error.lines],
	message: error.message
});

export type ReadProgress = { rows: number; fraction: number };

/** Reads a whole import file against its mapping (see `readImport`); a file that cannot be parsed is an answer, not a throw. */
export async function readImportFile(input: ReadFileInput, progress: (done: ReadProgress) => void): Promise<ReadFileOutput> {
	const { text } = decodeText(input.bytes);
	const seen = new Set<string>();
	const decoder = new TextDecoder();
	for (const blob of input.seenKeys) for (const key of decoder.decode(blob).split('\n')) if (key) seen.add(key);
	try {
		const { summary, delta, newKeys, kept } = await readImport({
			state: input.room,
			mapping: input.mapping,
			text,
			delimiter: sniffDelimiter(text),
			seen,
			keepMapped: input.keepMapped,
			onProgress: progress
		});
		return { ok: true, summary, delta, newKeys: newKeys.join('\n'), kept };
	} catch (error) {
		if (error instanceof CsvSyntaxError) return failureOf(error);
		throw error;
	}
}

/** The first look at a file for the mapping step (see `inspectCsv`); a file that cannot be parsed is an answer, not a throw. */
export async function inspectImportFile(input: { bytes: Uint8Array }): Promise<InspectFileOutput> {
	try {
		return { ok: true, inspection: await inspectCsv(input.bytes) };
	} catch (error) {
		if (error instanceof CsvSyntaxError) return failureOf(error);
		throw error;
	}
}
