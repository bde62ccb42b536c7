/**
 * Runs imports for a room: reads the uploaded file against the mapping, skips the rows earlier imports
 * counted (their keys sit in blobs named by the room's import records), and applies what is new as one
 * `import.apply` command, so an import lands completely or not at all. Customer words are masked while
 * the file is read (the preview says how many per column), and what the room keeps of the file is, by
 * its settings, the mapped columns masked or the upload as it came. A preview is the same reading
 * without the command. One import at a time per room on this instance; across instances the command's
 * `basedOn` makes a second import that raced the first read the file again.
 *
 * Decoding and parsing run on a worker thread (`server/workers/`): the event loop only fetches the
 * blobs, hands their bytes over, and applies the result, so other rooms stay prompt whatever the file.
 */
import { randomUUID } from 'node:crypto';
import type { Actor, RoomEngine } from '../engine/room-engine';
import type { BlobStore } from '../store/port';
import type { ImportMapping, RoomState } from '../../src/lib/domain';
import type { ImportOutcome, ImportSummary } from '../../src/lib/protocol/curate';
import type { InspectFileOutput } from './import-tasks';
import { handOver, WorkerMemoryError, type WorkerPool } from '../workers/pool';
import { checkMapping, importRoomOf } from './read-import';

export interface ImportRequest {
	roomId: string;
	actor: Actor;
	blobId: string;
	fileName: string;
	mapping: ImportMapping;
	dryRun: boolean;
	onProgress?: (done: { rows: number; fraction: number }) => void;
}

const MAX_ATTEMPTS = 3;

const TOO_BIG =
	'This file needs more memory to read than the server allows for one import. Split it into smaller files and import them one after another.';

export function createImportService(deps: { engine: RoomEngine; blobs: BlobStore; workers: WorkerPool }) {
	const { engine, blobs, workers } = deps;
	/** One import at a time per room (on this instance): the next waits for the previous. */
	const queues = new Map<string, Promise<unknown>>();

	function serialized<T>(roomId: string, run: () => Promise<T>): Promise<T> {
		const previous = queues.get(roomId) ?? Promise.resolve();
		const next = previous.then(run, run);
		const settled = next.catch(() => undefined);
		queues.set(roomId, settled);
		void settled.then(() => queues.get(roomId) === settled && queues.delete(roomId));
		return next;
	}

	/**
	 * The key blobs of earlier imports of this kind, as stored (the worker unpacks them). A key is a hash
	 * that includes its scope (`keyScope`: one survey's rows never match another's), so the kind is
	 * filter enough.
	 */
	async function seenKeys(state: RoomState, mapping: ImportMapping): Promise<Array<ReturnType<typeof handOver>>> {
		const found: Array<ReturnType<typeof handOver>> = [];
		for (const record of Object.values(state.imports)) {
			if (!record.keysBlobId || record.kind !== mapping.kind) continue;
			const blob = await blobs.get(record.keysBlobId);
			if (blob) found.push(handOver(blob.bytes));
		}
		return found;
	}

	async function attempt(request: ImportRequest, file: Uint8Array): Promise<ImportOutcome | 'retry'> {
		const state = await engine.state(request.roomId);
		if (!state?.meta) return { ok: false, code: 'not_found', message: 'This room does not exist.' };
		const wrong = checkMapping(state, request.mapping);
		if (wrong) return { ok: false, code: 'invalid_payload', message: wrong };
		const bytes = handOver(file);
		const keys = await seenKeys(state, request.mapping);
		const room = importRoomOf(state);
		// By default an import keeps only its mapped columns, masked; the upload itself then belongs to no
		// room and the file collector deletes it (server/files/blob-collector.ts).
		const keepMapped = !request.dryRun && room.redaction?.importFile !== 'raw';
		const read = await workers.run(
			'imports.read',
			{ bytes: bytes.bytes, room, mapping: request.mapping, seenKeys: keys.map((k) => k.bytes), keepMapped },
			{ onProgress: request.onProgress, transfer: [...bytes.transfer, ...keys.flatMap((k) => k.transfer)] }
		);
		if (!read.ok) return { ok: false, code: 'invalid_payload', message: read.message, line: read.line, lines: read.lines };
		const { summary, delta, newKeys, kept } = read;
		if (request.dryRun)
			return { ok: true, applied: false, importId: null, version: null, summary, message: describe(summary, false) };
		if (summary.added === 0) {
			return { ok: true, applied: false, importId: null, version: null, summary, message: describe(summary, false) };
		}
		const keysBlobId = (await blobs.put(Buffer.from(newKeys), 'text/plain')).id;
		const blobId = kept === null ? request.blobId : (await blobs.put(Buffer.from(kept), 'text/csv')).id;
		const importId = `import-${randomUUID()}`;
		const result = await engine.execute(
			request.roomId,
			importId,
			{
				type: 'import.apply',
				importId,
				kind: request.mapping.kind,
				fileName: request.fileName.slice(0, 200),
				blobId,
				keysBlobId,
				rows: summary.rows,
				added: summary.added,
				duplicates: summary.duplicates,
				errors: summary.errors,
				basedOn: Object.keys(state.imports).length,
				mapping: request.mapping,
				delta,
				rawFile: kept === null
			},
			request.actor
		);
		if (!result.ok) {
			if (result.code === 'conflict') return 'retry';
			const code =
				result.code === 'forbidden' || result.code === 'not_found' || result.code === 'unavailable'
					? result.code
					: 'invalid_payload';
			return { ok: false, code, message: result.message };
		}
		return { ok: true, applied: true, importId, version: result.version, summary, message: describe(summary, true) };
	}

	return {
		/** The file's first look, a `CsvFailure` when it cannot be read as CSV, or null when the file is gone. */
		async inspect(blobId: string): Promise<InspectFileOutput | null> {
			const blob = await blobs.get(blobId);
			if (!blob) return null;
			const { bytes, transfer } = handOver(blob.bytes);
			return workers.run('imports.inspect', { bytes }, { transfer });
		},

		/** Previews (dryRun) or applies an import. Never throws for a bad file: it says what is wrong. */
		run(request: ImportRequest): Promise<ImportOutcome> {
			return serialized(request.roomId, async () => {
				const blob = await blobs.get(request.blobId);
				if (!blob) return { ok: false, code: 'not_found', message: 'That file is no longer on the server; upload it again.' };
				try {
					for (let i = 0; i < MAX_ATTEMPTS; i++) {
						const outcome = await attempt(request, blob.bytes);
						if (outcome !== 'retry') return outcome;
					}
					return { ok: false, code: 'conflict', message: 'Other imports kept landing while this one was read; try again.' };
				} catch (error) {
					if (error instanceof WorkerMemoryError) return { ok: false, code: 'invalid_payload', message: TOO_BIG };
					throw error;
				}
			});
		}
	};
}

function describe(summary: ImportSummary, applied: boolean): string {
	const parts = [`${summary.rows} rows read`, `${summary.added} ${applied ? 'added' : 'new'}`];
	if (summary.duplicates) parts.push(`${summary.duplicates} already counted`);
	if (summary.errors) parts.push(`${summary.errors} with errors`);
	if (!applied && summary.added === 0 && summary.rows > 0 && summary.duplicates > 0)
		return `${parts.join(', ')}: nothing new to import.`;
	return `${parts.join(', ')}.`;
}

export type ImportService = ReturnType<typeof createImportService>;
