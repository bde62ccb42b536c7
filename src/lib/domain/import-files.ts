/**
 * How long a room keeps an import's raw upload (DESIGN.md section 12): with `importFile: 'raw'` and
 * `rawDays`, the upload is deleted that many days after the import. One rule for `decide` and for the
 * server's sweep (`server/imports/raw-file-sweep.ts`). Zod-free.
 */
import type { ImportRecord, RedactionSettings } from './model';

const DAY_MS = 86_400_000;

/** When an import's raw upload falls due for deletion (ISO timestamp), or null when it is kept. */
export function rawFileDueAt(record: ImportRecord, settings: RedactionSettings | undefined): string | null {
	if (!record.rawFile || record.fileDeletedAt) return null;
	const days = settings?.importFile === 'raw' ? settings.rawDays : null;
	if (days === null || days === undefined) return null;
	return new Date(Date.parse(record.at) + days * DAY_MS).toISOString();
}

/** Whether an import's raw upload is due for deletion at `now` (ISO timestamp). */
export function rawFileDue(record: ImportRecord, settings: RedactionSettings | undefined, now: string): boolean {
	const due = rawFileDueAt(record, settings);
	return due !== null && Date.parse(due) <= Date.parse(now);
}
