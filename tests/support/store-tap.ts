/**
 * An EventStore that passes everything through and keeps a copy of every event it appended, so a test
 * still has a room's whole log after snapshots let the store drop its older part (compaction).
 */
import type { EventStore, StoredEvent } from '../../server/store/port';

export interface StoreTap {
	store: EventStore;
	/** Every event appended to `roomId` so far, in version order. */
	log(roomId: string): StoredEvent[];
}

export function tapStore(inner: EventStore): StoreTap {
	const appended = new Map<string, StoredEvent[]>();
	const store: EventStore = {
		listRooms: () => inner.listRooms(),
		head: (roomId) => inner.head(roomId),
		async append(roomId, expectedVersion, commandId, events, epoch, after, digest) {
			const result = await inner.append(roomId, expectedVersion, commandId, events, epoch, after, digest);
			if (result.ok && !result.duplicate) {
				const list = appended.get(roomId) ?? [];
				events.forEach((event, i) => list.push({ ...event, v: result.range.from + i }));
				appended.set(roomId, list);
			}
			return result;
		},
		readFrom: (roomId, afterVersion, limit) => inner.readFrom(roomId, afterVersion, limit),
		lookupCommand: (roomId, commandId) => inner.lookupCommand(roomId, commandId),
		saveSnapshot: (roomId, snapshot) => inner.saveSnapshot(roomId, snapshot),
		loadSnapshot: (roomId) => inner.loadSnapshot(roomId),
		deleteRoom: (roomId) => inner.deleteRoom(roomId),
		close: () => inner.close()
	};
	return { store, log: (roomId) => [...(appended.get(roomId) ?? [])].sort((a, b) => a.v - b.v) };
}
