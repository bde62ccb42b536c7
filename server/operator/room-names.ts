/**
 * The rooms of a store with their names, read without the server's help: `npm run admin -- list-rooms`
 * runs beside a live server, which holds the embedded store's lock, so this only reads (a room's
 * snapshot, then the events after it, folded with the domain's own `evolve` as the engine does).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { emptyRoom, evolveAll, withDefaults, type RecordedEvent, type RoomState } from '../../src/lib/domain';
import { isMissing } from '../store/file/durable-fs';
import { decodeLine } from '../store/file/line-codec';
import { META_FILE, parseSnapshotFile, SEGMENT_FILE, SNAPSHOT_FILE } from '../store/file/room-files';
import type { StoredEvent } from '../store/port';
import { openRedisEventStore } from '../store/redis/redis-event-store';

export interface RoomListing {
	id: string;
	name: string;
	organisation: string;
	archived: boolean;
}

const listingOf = (id: string, state: RoomState): RoomListing | null =>
	state.meta
		? { id, name: state.meta.name, organisation: state.meta.organisation, archived: Boolean(state.meta.archivedAt) }
		: null;

const fold = (snapshot: unknown, events: StoredEvent[]) =>
	evolveAll(snapshot ? withDefaults(snapshot as RoomState) : emptyRoom(), events as RecordedEvent[]);

/** The rooms of an embedded data dir (`<dataDir>/rooms/<id>/`), by id. A torn last line is skipped. */
export async function fileRooms(dataDir: string): Promise<RoomListing[]> {
	const roomsDir = path.join(dataDir, 'rooms');
	let ids: string[];
	try {
		ids = (await readdir(roomsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
	} catch (error) {
		if (isMissing(error)) return [];
		throw error;
	}
	const out: RoomListing[] = [];
	for (const id of ids.sort()) {
		const dir = path.join(roomsDir, id);
		const files = await readdir(dir);
		if (!files.includes(META_FILE)) continue;
		const snapshot = files.includes(SNAPSHOT_FILE)
			? parseSnapshotFile(await readFile(path.join(dir, SNAPSHOT_FILE), 'utf8'))
			: null;
		const after = snapshot?.version ?? 0;
		const events: StoredEvent[] = [];
		for (const file of files.filter((f) => SEGMENT_FILE.test(f)).sort()) {
			const bytes = await readFile(path.join(dir, file));
			let start = 0;
			for (let end = bytes.indexOf(0x0a); end !== -1; start = end + 1, end = bytes.indexOf(0x0a, start)) {
				const line = decodeLine(bytes.subarray(start, end));
				if (line.ok && line.event.v === after + events.length + 1) events.push(line.event);
			}
		}
		const listing = listingOf(id, fold(snapshot?.state, events));
		if (listing) out.push(listing);
	}
	return out;
}

/** The rooms kept in Redis, by id. */
export async function redisRooms(redis: Redis): Promise<RoomListing[]> {
	// Only reads: the server already warns about Redis's durability settings; the operator need not.
	const store = await openRedisEventStore({ redis, log: { warn: () => undefined } });
	const out: RoomListing[] = [];
	for (const id of await store.listRooms()) {
		const snapshot = await store.loadSnapshot(id);
		const read = await store.readFrom(id, snapshot?.version ?? 0);
		const listing = listingOf(id, fold(snapshot?.state, read.ok ? read.events : []));
		if (listing) out.push(listing);
	}
	return out;
}
