/**
 * Deletes the raw uploads a room's settings keep for a number of days only (`rawDays`, with
 * `importFile: 'raw'`): every so often each room's imports are read, and for each raw upload that is due
 * an `import.deleteFile` command is recorded through the engine (so the import history says when, on
 * every screen), then the file itself is deleted from the blob store unless something else still uses it.
 * Archived rooms are read-only and wait until they are restored. Due-ness is the domain's rule
 * (`rawFileDue`), the same one `decide` checks.
 */
import { randomUUID } from 'node:crypto';
import { rawFileDue } from '../../src/lib/domain';
import { SERVER_ACTOR, type RoomEngine } from '../engine/room-engine';
import type { createBlobCollector } from '../files/blob-collector';
import type { Logger } from '../log';
import { periodic } from '../periodic';

export interface RawFileSweepOptions {
	engine: Pick<RoomEngine, 'listRooms' | 'state' | 'execute'>;
	collector: Pick<ReturnType<typeof createBlobCollector>, 'collectNow'>;
	log: Logger;
	/** The clock (ms since the epoch); tests move it. */
	now?: () => number;
	/** How often to sweep after the first run a minute after start (default hourly). */
	everyMs?: number;
}

export function createRawFileSweep(options: RawFileSweepOptions) {
	const { engine, collector, log } = options;
	const now = options.now ?? Date.now;
	const everyMs = options.everyMs ?? 3_600_000;

	/** One sweep; answers how many raw uploads it deleted. */
	async function sweep(): Promise<number> {
		// Deleted from the store together at the end: the collector reads every room's references once.
		const due = new Set<string>();
		for (const room of await engine.listRooms()) {
			if (room.archived) continue;
			const state = await engine.state(room.id);
			if (!state?.meta) continue;
			const at = new Date(now()).toISOString();
			for (const record of Object.values(state.imports)) {
				if (!rawFileDue(record, state.meta.settings.redaction, at)) continue;
				const command = { type: 'import.deleteFile' as const, importId: record.id };
				const result = await engine.execute(room.id, randomUUID(), command, SERVER_ACTOR);
				if (!result.ok) {
					log.warn(
						{ roomId: room.id, importId: record.id, code: result.code },
						'a raw import file could not be deleted; will try again'
					);
					continue;
				}
				due.add(record.blobId);
			}
		}
		const deleted = await collector.collectNow(due, now());
		if (deleted) log.info({ deleted }, 'raw import files deleted, as their rooms ask');
		return deleted;
	}

	const job = periodic(sweep, {
		everyMs,
		firstAfterMs: 60_000,
		onError: (error) => log.warn({ err: String(error) }, 'the raw import file sweep failed; will try again later')
	});

	return { sweep, start: job.start, stop: job.stop };
}
