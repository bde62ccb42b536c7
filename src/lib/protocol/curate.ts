/**
 * What the curation endpoints answer (server/http/curate-api.ts), typed once for the server and the
 * Curate page. Plain types: nothing here runs.
 */
import type { ArtifactKind, DateFormat, RedactionTally } from '../domain';

/** The CSV delimiters an import recognises. */
export type Delimiter = ',' | ';' | '\t' | '|';

export interface ColumnInfo {
	index: number;
	/** The header cell when the first row is a header. */
	name: string | null;
	samples: string[];
	/** What most non-empty sample values are. */
	looks: 'date' | 'number' | 'text' | 'empty';
	dateFormat: DateFormat | null;
	/** Distinct non-empty values among the sampled rows, and whether every sampled row had its own. */
	distinct: number;
	unique: boolean;
	/** The most frequent values (for stage rules), at most 30. */
	topValues: Array<{ value: string; count: number }>;
}

/** A column the server guessed for a role, and why, in a whole sentence the mapping form shows. */
export interface ColumnGuess {
	index: number;
	why: string;
}

/** The server's guesses from what the columns hold (a header's words only tip a close call). */
export interface ColumnGuesses {
	/** When it happened: dates that parse; of several date columns, the earliest in most rows. */
	date: ColumnGuess | null;
	/** Short values that repeat, in words: complaint categories. */
	category: ColumnGuess | null;
	/** Long free text, different in each row: the customer's words. */
	text: ColumnGuess | null;
	/** A value of its own in every row, without spaces: each row's id. */
	id: ColumnGuess | null;
}

export interface Inspection {
	encoding: 'utf-8' | 'windows-1252';
	delimiter: Delimiter;
	hasHeader: boolean;
	/** Approximate data rows (lines; quoted line breaks make it an overestimate). */
	approxRows: number;
	rows: string[][];
	columns: ColumnInfo[];
	guesses: ColumnGuesses;
}

export interface RowError {
	line: number;
	reason: string;
}

export interface PreviewRow {
	line: number;
	date: string;
	/** The category, KPI or survey the row counts towards. */
	target: string;
	stage: string;
	segment: string | null;
	/** The value (KPI), score (survey) or the first words of the customer's text (complaint). */
	detail: string;
	duplicate: boolean;
}

export interface CategoryTotal {
	categoryId: string;
	name: string;
	stageId: string;
	isNew: boolean;
	/** For a KPI the import creates: the stage rule that placed it ("\"Stage\" is \"Claim\""), or the stage for new KPIs. */
	rule?: string | null;
	/** New rows per month. */
	months: Record<string, number>;
	total: number;
}

export interface ImportSummary {
	/** Data rows read (the header and blank lines are not rows). */
	rows: number;
	/** Rows that count now. */
	added: number;
	/** Rows an earlier import already counted (or repeated within this file under the same id). */
	duplicates: number;
	/** The lines of those rows (the first 1,000): the HTTP API answers each pushed row. */
	duplicateLines?: number[];
	errors: number;
	errorList: RowError[];
	preview: PreviewRow[];
	categories: CategoryTotal[];
	/** First and last month of the new rows. */
	periods: { from: string; to: string } | null;
	notes: string[];
	/** Per column, what the import masks (only columns where it masks something), in file order. */
	masked: MaskedColumn[];
}

/** What an import masks in one column: "37 e-mail addresses and 4 card numbers in the Comment column". */
export interface MaskedColumn {
	/** The column as the preview names it (its header, or "column 3"). */
	column: string;
	counts: RedactionTally;
}

export type ImportOutcome =
	| { ok: true; applied: boolean; importId: string | null; version: number | null; summary: ImportSummary; message: string }
	| {
			ok: false;
			code: 'not_found' | 'invalid_payload' | 'conflict' | 'unavailable' | 'forbidden';
			message: string;
			/** The first line at fault, when the file cannot be read as CSV. */
			line?: number;
			/** Every line at fault one pass found (an unclosed quote on each). */
			lines?: number[];
	  };

/** POST /imports/inspect's answer (422) for a file that cannot be read as CSV. */
export interface UnreadableFile {
	error: 'unreadable_file';
	message: string;
	line: number;
	lines: number[];
}

export interface StoredUpload {
	blobId: string;
	size: number;
	mime: string;
	/** What the file can be in a room: an artifact kind, or `csv` for an import. */
	kind: ArtifactKind | 'csv';
	thumbBlobId: string | null;
	/** Pixel size of pictures. */
	width: number | null;
	height: number | null;
}

/** GET /api/rooms/:id/redaction: how many stored texts masking the room now would change, and what it would mask. */
export interface RedactionPreview {
	items: number;
	masked: RedactionTally;
}

/** How much of its storage quota a room's files take, in bytes (GET /api/rooms/:id/storage). */
export interface StorageUse {
	used: number;
	limit: number;
}
