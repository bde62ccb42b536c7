/**
 * Redis key layout of the Redis stores. Every key of one room carries the room id as a hash tag (`{...}`),
 * so a Redis Cluster keeps the whole room on one slot and the Lua scripts and MULTI reads may touch all of
 * them at once. The one global key, `rooms`, is only ever used with single-key commands.
 *
 *   rooms                       SET      ids of rooms (added before a room's first write; listRooms also
 *                                        requires the room's meta to exist)
 *   room:{<id>}:meta            HASH     version (head), epoch, oldest (lowest afterVersion readFrom can still
 *                                        serve), snapshot (version of the stored snapshot, absent if none)
 *   room:{<id>}:log             STREAM   the events; entry id `<v>-0` (the version is the id's ms part),
 *                                        one field `e` = StoredEvent JSON (carrying `v`)
 *   room:{<id>}:cmds            HASH     commandId -> "from:to"
 *   room:{<id>}:cmds-by-version ZSET     commandId scored by its last version: trims `cmds` to the most recent
 *                                        `commandMemory` commands (in the append script)
 *   room:{<id>}:snapshot        STRING   {"version":S,"epoch":"...","state":...}
 *   blob:{<sha256>}             STRING   blob bytes
 *   blob:{<sha256>}:type        STRING   blob content type (written before the bytes; the latest put's)
 *   blob:{<sha256>}:at          STRING   when the blob was last stored (ms since the epoch), for collection
 *   blob:{<sha256>}:rooms       SET      ids of the rooms that uploaded the blob
 */

/** Blob ids: sha256 in lowercase hex. */
export const BLOB_ID = /^[0-9a-f]{64}$/;

export const ROOMS_KEY = 'rooms';

export interface RoomKeys {
	meta: string;
	log: string;
	cmds: string;
	cmdsByVersion: string;
	snapshot: string;
}

/** The keys of one room (its id must already be validated). */
export function roomKeys(roomId: string): RoomKeys {
	const base = `room:{${roomId}}`;
	return {
		meta: `${base}:meta`,
		log: `${base}:log`,
		cmds: `${base}:cmds`,
		cmdsByVersion: `${base}:cmds-by-version`,
		snapshot: `${base}:snapshot`
	};
}

/** The keys of one blob (its id must already be validated). */
export function blobKeys(id: string): { bytes: string; type: string; at: string; rooms: string } {
	return { bytes: `blob:{${id}}`, type: `blob:{${id}}:type`, at: `blob:{${id}}:at`, rooms: `blob:{${id}}:rooms` };
}

/** The bytes key of a blob, and nothing else, names its id. */
export const BLOB_BYTES_KEY = /^blob:\{([0-9a-f]{64})\}$/;

/** The stream entry id of version `v`. */
export function entryId(v: number): string {
	return `${v}-0`;
}
