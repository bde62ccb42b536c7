/**
 * Collects files no room refers to any more: a blob is deleted when no room's current state names it
 * (artifact files and thumbnails, import originals and their row keys) and it was last stored longer
 * ago than a grace period. The grace period keeps what an upload, an import or a restore in progress has
 * stored but not yet referenced; the store's `deleteIfStale` keeps a blob stored again meanwhile. When a
 * room cannot be read, nothing is deleted on that run.
 */
import type { Logger } from '../log';
import { periodic } from '../periodic';
import { referencedBlobs } from '../../src/lib/domain';
import type { RoomEngine } from '../engine/room-engine';
import type { BlobStore } from '../store/port';

export interface CollectorOptions {
	engine: RoomEngine;
	blobs: BlobStore;
	log: Logger;
	/** How long an unreferenced blob is kept after it was last stored (default a day). */
	graceMs?: number;
	/** How often to collect after the first run at start (default every six hours). */
	everyMs?: number;
}

export function createBlobCollector(options: CollectorOptions) {
	const { engine, blobs, log } = options;
	const graceMs = options.graceMs ?? 24 * 3_600_000;
	const everyMs = options.everyMs ?? 6 * 3_600_000;

	/** Every blob some room refers to now. */
	async function referenced(): Promise<Set<string>> {
		const ids = new Set<string>();
		for (const room of await engine.listRooms()) {
			const state = await engine.state(room.id);
			if (state) for (const id of referencedBlobs(state)) ids.add(id);
		}
		return ids;
	}

	/** One collection; answers how many blobs it deleted and kept. */
	async function collect(now = Date.now()): Promise<{ deleted: number; kept: number }> {
		// The cut-off is taken before the rooms are read: a blob stored after it is young, whatever they say.
		const storedBefore = now - graceMs;
		const inUse = await referenced();
		let deleted = 0;
		let kept = 0;
		for (const id of await blobs.list()) {
			if (!inUse.has(id) && (await blobs.deleteIfStale(id, storedBefore))) deleted++;
			else kept++;
		}
		if (deleted) log.info({ deleted, kept }, 'unreferenced files collected');
		return { deleted, kept };
	}

	/**
	 * Collects, at once and without the grace period, those of `ids` no room refers to any more (the files
	 * of a room just deleted). A blob stored again meanwhile, by an upload elsewhere, is kept.
	 */
	async function collectNow(ids: ReadonlySet<string>, now = Date.now()): Promise<number> {
		if (ids.size === 0) return 0;
		const inUse = await referenced();
		let deleted = 0;
		for (const id of ids) if (!inUse.has(id) && (await blobs.deleteIfStale(id, now))) deleted++;
		return deleted;
	}

	// Collects a minute after start (once the server is serving, not while it starts), then every `everyMs`.
	const job = periodic(collect, {
		everyMs,
		firstAfterMs: 60_000,
		onError: (error) => log.warn({ err: String(error) }, 'collecting unreferenced files failed; will try again later')
	});

	return { collect, collectNow, start: job.start, stop: job.stop };
}
