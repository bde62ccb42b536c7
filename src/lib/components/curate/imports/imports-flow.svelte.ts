/**
 * The Imports tab's flow, one step at a time: choose what the file holds, upload it (with progress),
 * map its columns, read it for a preview (every row, errors by line), then import. Each step carries
 * exactly what it needs, so no screen can show a preview without a file, or progress without a read.
 * The server does the reading; this class only says where the person is.
 */
import { inspectFile, runImport, uploadFile, type Answer } from '$lib/client/curate-api';
import type { ImportKind, ImportMapping, RoomState } from '$lib/domain';
import type { ImportOutcome, ImportSummary, Inspection, StoredUpload } from '$lib/protocol/curate';
import { initialMapping } from './mapping';

/** What a read of the file found, and whether it was applied (an import) or not (a preview). */
export interface ImportResult {
	summary: ImportSummary;
	message: string;
	applied: boolean;
}

/** An uploaded file, its first look, and how its columns map (the form edits `mapping`). */
export interface MappedFile {
	file: { name: string; blobId: string };
	inspection: Inspection;
	mapping: ImportMapping;
	/** The mapping came from the last import of this kind. */
	remembered: boolean;
}

export type ImportStep =
	/** Nothing chosen yet, or chosen again after a stopped upload (`notice`) or a refused file (`error`). */
	| { phase: 'choose'; notice: string | null; error: string | null }
	| { phase: 'uploading'; fileName: string; progress: number }
	/** The columns to map; `error` is why the last read failed. */
	| (MappedFile & { phase: 'mapping'; error: string | null })
	/** Reading the file for a preview, or for the import itself. */
	| (MappedFile & { phase: 'reading' | 'importing'; progress: number; rows: number })
	| (MappedFile & { phase: 'previewed' | 'done'; result: ImportResult });

export type ImportPhase = ImportStep['phase'];

/** The server's side of the flow, for one room (a test passes its own). */
export interface ImportsApi {
	upload(file: Blob, onProgress: (fraction: number) => void, signal: AbortSignal): Promise<Answer<StoredUpload>>;
	inspect(blobId: string): Promise<Answer<Inspection>>;
	read(
		body: { blobId: string; fileName: string; mapping: ImportMapping; dryRun: boolean },
		onProgress: (done: { rows: number; fraction: number }) => void
	): Promise<ImportOutcome>;
}

/** The curation endpoints of one room. */
export function roomImportsApi(roomId: string): ImportsApi {
	return {
		upload: (file, onProgress, signal) => uploadFile(roomId, file, 'import', onProgress, signal),
		inspect: (blobId) => inspectFile(roomId, blobId),
		read: (body, onProgress) => runImport(roomId, body, onProgress)
	};
}

const mappedOf = ({ file, inspection, mapping, remembered }: MappedFile): MappedFile => ({
	file,
	inspection,
	mapping,
	remembered
});

export class ImportsFlow {
	kind = $state<ImportKind>('complaints');
	step = $state<ImportStep>({ phase: 'choose', notice: null, error: null });
	readonly #api: ImportsApi;
	readonly #room: () => RoomState;
	#upload: AbortController | null = null;

	constructor(api: ImportsApi, room: () => RoomState) {
		this.#api = api;
		this.#room = room;
	}

	/** Waiting on the server: the file and its kind cannot change meanwhile. */
	get busy(): boolean {
		return this.step.phase === 'uploading' || this.step.phase === 'reading' || this.step.phase === 'importing';
	}

	/** The file and its mapping, from the moment it is uploaded and read. */
	get mapped(): Extract<ImportStep, MappedFile> | null {
		const step = this.step;
		return 'inspection' in step ? step : null;
	}

	get notice(): string | null {
		return this.step.phase === 'choose' ? this.step.notice : null;
	}

	get error(): string | null {
		return this.step.phase === 'choose' || this.step.phase === 'mapping' ? this.step.error : null;
	}

	/** Back to the start, forgetting the file (it stays on the server until an import uses it). */
	reset(): void {
		this.step = { phase: 'choose', notice: null, error: null };
	}

	/**
	 * Uploads and inspects a picked file, then maps its columns. Says how it ended, so the page can hand
	 * the focus back to the picker after a cancelled upload.
	 */
	async choose(picked: File): Promise<'mapped' | 'failed' | 'cancelled'> {
		const controller = new AbortController();
		this.#upload = controller;
		this.step = { phase: 'uploading', fileName: picked.name, progress: 0 };
		const uploading = this.step;
		const uploaded = await this.#api.upload(
			picked,
			(fraction) => {
				if (this.step === uploading) uploading.progress = fraction;
			},
			controller.signal
		);
		if (this.#upload === controller) this.#upload = null;
		if (controller.signal.aborted) {
			this.step = { phase: 'choose', notice: `Stopped uploading ${picked.name}. Nothing was stored.`, error: null };
			return 'cancelled';
		}
		if (!uploaded.ok) {
			this.step = { phase: 'choose', notice: null, error: uploaded.message };
			return 'failed';
		}
		const inspected = await this.#api.inspect(uploaded.value.blobId);
		if (!inspected.ok) {
			this.step = { phase: 'choose', notice: null, error: inspected.message };
			return 'failed';
		}
		const { mapping, remembered } = initialMapping(this.kind, inspected.value, this.#room());
		const file = { name: picked.name, blobId: uploaded.value.blobId };
		this.step = { phase: 'mapping', file, inspection: inspected.value, mapping, remembered, error: null };
		return 'mapped';
	}

	/** Stops the upload under way; nothing is stored. */
	cancelUpload(): void {
		this.#upload?.abort();
	}

	/** A file of another kind: its mapping starts again from that kind's, and a preview no longer holds. */
	changeKind(next: ImportKind): void {
		if (this.busy) return;
		this.kind = next;
		const step = this.mapped;
		if (!step) return;
		const { mapping, remembered } = initialMapping(next, step.inspection, this.#room());
		this.step = { ...mappedOf(step), mapping, remembered, phase: 'mapping', error: step.phase === 'mapping' ? step.error : null };
	}

	/** Reads the whole file on the server: a preview (`dryRun`), or the import itself. */
	async read(dryRun: boolean): Promise<void> {
		const from = this.mapped;
		if (!from || this.busy) return;
		this.step = { ...mappedOf(from), phase: dryRun ? 'reading' : 'importing', progress: 0, rows: 0 };
		const reading = this.step;
		const { file, mapping } = reading;
		const outcome = await this.#api.read(
			{ blobId: file.blobId, fileName: file.name, mapping: $state.snapshot(mapping), dryRun },
			(done) => {
				if (this.step !== reading) return;
				reading.progress = done.fraction;
				reading.rows = done.rows;
			}
		);
		if (this.step !== reading) return;
		// The mapping as it is now: the form stays open while the server reads.
		const now = mappedOf(reading);
		this.step = outcome.ok
			? {
					...now,
					phase: dryRun ? 'previewed' : 'done',
					result: { summary: outcome.summary, message: outcome.message, applied: outcome.applied }
				}
			: { ...now, phase: 'mapping', error: outcome.message };
	}
}
