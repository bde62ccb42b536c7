/**
 * Per-room storage quota. A room's files are the distinct blobs its state refers to (artifact files and
 * thumbnails, import originals and their row keys), plus what was uploaded to it lately and is not
 * referenced yet (a picture uploaded, its artifact still being typed). Uploads and restores that would
 * take a room past its limit are refused with a sentence saying so. Sizes are read from the blob store
 * once per blob (content-addressed: a blob's size never changes); the recent uploads are counted on the
 * instance that took them, for as long as collection would keep them unreferenced.
 */
import type { StorageUse, StoredUpload } from '../../src/lib/protocol/curate';
import { referencedBlobs } from '../../src/lib/domain';
import type { RoomEngine } from '../engine/room-engine';
import type { BlobStore } from '../store/port';

export interface RoomStorageOptions {
	engine: RoomEngine;
	blobs: BlobStore;
	/** Most bytes of files one room may keep. */
	limitBytes: number;
	/** How long an upload counts before anything refers to it (collection's grace period). */
	graceMs: number;
}

export function createRoomStorage(options: RoomStorageOptions) {
	const { engine, blobs, limitBytes, graceMs } = options;
	const sizes = new Map<string, number>();
	/** Per room: blobs uploaded lately, with when. */
	const recent = new Map<string, Map<string, number>>();

	async function sizeOf(id: string): Promise<number> {
		const known = sizes.get(id);
		if (known !== undefined) return known;
		const found = await blobs.stat(id);
		if (!found) return 0;
		sizes.set(id, found.size);
		return found.size;
	}

	async function usage(roomId: string): Promise<StorageUse> {
		const state = await engine.state(roomId);
		const ids = new Set(state ? referencedBlobs(state) : []);
		const uploads = recent.get(roomId);
		if (uploads) {
			const cutoff = Date.now() - graceMs;
			for (const [id, at] of uploads) {
				if (at < cutoff) uploads.delete(id);
				else ids.add(id);
			}
			if (!uploads.size) recent.delete(roomId);
		}
		let used = 0;
		for (const id of ids) used += await sizeOf(id);
		return { used, limit: limitBytes };
	}

	return {
		limitBytes,
		usage,
		/** Null if `bytes` more fit in the room; otherwise why not, in a sentence. */
		async refusal(roomId: string, bytes: number): Promise<string | null> {
			const { used } = await usage(roomId);
			if (used + bytes <= limitBytes) return null;
			const mb = (n: number) => new Intl.NumberFormat('en', { maximumFractionDigits: 1 }).format(n / 1_048_576);
			return `This room's files take ${mb(used)} MB of the ${mb(limitBytes)} MB it may keep, and this file (${mb(bytes)} MB) does not fit. Remove artifacts the room no longer needs, or ask the operator to raise ROOM_STORAGE_LIMIT_MB.`;
		},
		/** Counts an upload (and its thumbnail) against the room until its grace period ends. */
		noteUpload(roomId: string, stored: StoredUpload): void {
			const uploads = recent.get(roomId) ?? new Map<string, number>();
			const now = Date.now();
			uploads.set(stored.blobId, now);
			sizes.set(stored.blobId, stored.size);
			if (stored.thumbBlobId) uploads.set(stored.thumbBlobId, now);
			recent.set(roomId, uploads);
		}
	};
}

export type RoomStorage = ReturnType<typeof createRoomStorage>;
