/**
 * The Curate page's side of the curation endpoints: uploads with upload progress (XMLHttpRequest: fetch
 * cannot report it), the first look at a CSV file, and imports whose progress streams back as lines of
 * JSON. Every failure comes back as a sentence to show, never as a thrown error.
 */
import type { ImportMapping } from '$lib/domain';
import type { ImportOutcome, Inspection, StorageUse, StoredUpload } from '$lib/protocol/curate';

export type Answer<T> = { ok: true; value: T } | { ok: false; message: string };

const roomPath = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}`;
const OFFLINE = 'The server could not be reached. Check the connection and try again.';

function messageOf(body: string, status: number): string {
	try {
		const parsed = JSON.parse(body) as { message?: unknown };
		if (typeof parsed.message === 'string') return parsed.message;
	} catch {
		// not JSON: fall through
	}
	return `The server answered ${status}.`;
}

/** Uploads a file's bytes; `onProgress` gets the share sent so far (0..1). */
export function uploadFile(
	roomId: string,
	file: Blob,
	purpose: 'artifact' | 'import',
	onProgress: (fraction: number) => void,
	/** Aborting it stops the upload: the server stores nothing of a body it did not get whole. */
	signal?: AbortSignal
): Promise<Answer<StoredUpload>> {
	return new Promise((resolve) => {
		const xhr = new XMLHttpRequest();
		if (signal?.aborted) return resolve({ ok: false, message: 'The upload was cancelled.' });
		signal?.addEventListener('abort', () => xhr.abort(), { once: true });
		xhr.onabort = () => resolve({ ok: false, message: 'The upload was cancelled.' });
		xhr.open('POST', `${roomPath(roomId)}/uploads?purpose=${purpose}`);
		xhr.setRequestHeader('content-type', 'application/octet-stream');
		xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
		xhr.onload = () => {
			if (xhr.status === 201) {
				onProgress(1);
				resolve({ ok: true, value: JSON.parse(xhr.responseText) as StoredUpload });
			} else resolve({ ok: false, message: messageOf(xhr.responseText, xhr.status) });
		};
		// A refused upload may close the connection before the body is sent: the status is then lost.
		xhr.onerror = () =>
			resolve({
				ok: false,
				message: xhr.status
					? messageOf(xhr.responseText, xhr.status)
					: `${OFFLINE} (A file too large for the server is refused this way too.)`
			});
		xhr.send(file);
	});
}

/** How much of its storage quota the room's files take. */
export async function storageUse(roomId: string): Promise<Answer<StorageUse>> {
	try {
		const res = await fetch(`${roomPath(roomId)}/storage`);
		const text = await res.text();
		return res.ok ? { ok: true, value: JSON.parse(text) as StorageUse } : { ok: false, message: messageOf(text, res.status) };
	} catch {
		return { ok: false, message: OFFLINE };
	}
}

export async function inspectFile(roomId: string, blobId: string): Promise<Answer<Inspection>> {
	try {
		const res = await fetch(`${roomPath(roomId)}/imports/inspect`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ blobId })
		});
		const text = await res.text();
		return res.ok ? { ok: true, value: JSON.parse(text) as Inspection } : { ok: false, message: messageOf(text, res.status) };
	} catch {
		return { ok: false, message: OFFLINE };
	}
}

/** Previews (dryRun) or applies an import, reporting progress as rows are read. */
export async function runImport(
	roomId: string,
	body: { blobId: string; fileName: string; mapping: ImportMapping; dryRun: boolean },
	onProgress: (done: { rows: number; fraction: number }) => void
): Promise<ImportOutcome> {
	let res: Response;
	try {
		res = await fetch(`${roomPath(roomId)}/imports`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body)
		});
	} catch {
		return { ok: false, code: 'unavailable', message: OFFLINE };
	}
	if (!res.ok || !res.body) return { ok: false, code: 'invalid_payload', message: messageOf(await res.text(), res.status) };
	const reader = res.body.getReader();
	const decoder = new TextDecoder();
	let buffered = '';
	try {
		for (;;) {
			const { value, done } = await reader.read();
			if (value) buffered += decoder.decode(value, { stream: true });
			let newline: number;
			while ((newline = buffered.indexOf('\n')) >= 0) {
				const line = JSON.parse(buffered.slice(0, newline)) as
					{ type: 'progress'; rows: number; fraction: number } | ({ type: 'done' } & ImportOutcome);
				buffered = buffered.slice(newline + 1);
				if (line.type === 'progress') onProgress(line);
				else {
					const { type: _type, ...outcome } = line;
					return outcome as ImportOutcome;
				}
			}
			if (done) break;
		}
	} catch {
		// the stream broke off: fall through
	}
	return {
		ok: false,
		code: 'unavailable',
		message:
			'The connection broke off before the import finished. Look at the room before trying again: an import either landed whole or not at all.'
	};
}

/** Restores a backup file into a new room; answers the new room's id. */
export function restoreBackup(file: Blob, onProgress: (fraction: number) => void): Promise<Answer<{ roomId: string }>> {
	return new Promise((resolve) => {
		const xhr = new XMLHttpRequest();
		xhr.open('POST', '/api/rooms/restore');
		xhr.setRequestHeader('content-type', 'application/json');
		xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
		xhr.onload = () =>
			resolve(
				xhr.status === 201
					? { ok: true, value: JSON.parse(xhr.responseText) as { roomId: string } }
					: { ok: false, message: messageOf(xhr.responseText, xhr.status) }
			);
		xhr.onerror = () => resolve({ ok: false, message: OFFLINE });
		xhr.send(file);
	});
}
