/**
 * One file on its way to the room, as rune state for a form: its progress while the bytes go, then
 * what the server stored (typed by its bytes) or the sentence it refused it with.
 */
import { uploadFile } from '$lib/client/curate-api';
import type { StoredFile } from './artifacts';

export type UploadStatus = 'idle' | 'uploading' | 'checking' | 'done' | 'failed';

const ARTIFACT_KINDS: ReadonlySet<string> = new Set(['image', 'document', 'audio', 'video']);

export class FileUpload {
	status = $state<UploadStatus>('idle');
	/** The file being sent or last sent. */
	file = $state.raw<File | null>(null);
	/** Share of the bytes sent, 0..1. */
	fraction = $state(0);
	stored = $state.raw<StoredFile | null>(null);
	error = $state<string | null>(null);
	/** A word about the last upload that is not an error (it was cancelled). */
	notice = $state<string | null>(null);
	readonly #roomId: string;
	/** Stops the upload still going, if any. */
	#controller: AbortController | null = null;
	/** Counts uploads, so the answer to one that was replaced or forgotten is ignored. */
	#attempt = 0;

	constructor(roomId: string) {
		this.#roomId = roomId;
	}

	/** Whole percent sent, 0-100. */
	get percent(): number {
		return Math.min(100, Math.floor(this.fraction * 100));
	}

	get busy(): boolean {
		return this.status === 'uploading' || this.status === 'checking';
	}

	/** Sends `file` (a newer file supersedes an upload still going); resolves with what was stored, or null. */
	async start(file: File): Promise<StoredFile | null> {
		this.#controller?.abort();
		const controller = new AbortController();
		this.#controller = controller;
		const attempt = ++this.#attempt;
		this.file = file;
		this.stored = null;
		this.error = null;
		this.notice = null;
		this.fraction = 0;
		this.status = 'uploading';
		const answer = await uploadFile(
			this.#roomId,
			file,
			'artifact',
			(fraction) => {
				if (attempt !== this.#attempt || this.status !== 'uploading') return;
				this.fraction = fraction;
				// Every byte is there: the server now reads its type and makes a thumbnail.
				if (fraction >= 1) this.status = 'checking';
			},
			controller.signal
		);
		if (this.#controller === controller) this.#controller = null;
		if (attempt !== this.#attempt) return null;
		const stored = answer.ok && ARTIFACT_KINDS.has(answer.value.kind) ? (answer.value as StoredFile) : null;
		this.stored = stored;
		this.error = stored ? null : answer.ok ? 'This file cannot be an artifact.' : answer.message;
		this.status = stored ? 'done' : 'failed';
		return stored;
	}

	/** Stops the upload under way and forgets its file; says so in `notice`. Nothing else on the form changes. */
	cancel(): void {
		const name = this.file?.name;
		this.reset();
		if (name) this.notice = `Stopped uploading ${name}. Nothing was stored; pick a file again when ready.`;
	}

	/** Forgets the file, stopping its upload if it is still going (an answer still to come is ignored). */
	reset(): void {
		this.#controller?.abort();
		this.#controller = null;
		this.#attempt++;
		this.file = null;
		this.stored = null;
		this.error = null;
		this.notice = null;
		this.fraction = 0;
		this.status = 'idle';
	}
}
