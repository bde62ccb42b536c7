/**
 * Storage ports. The room engine talks only to these interfaces; `file/` (embedded, default) and
 * `redis/` (REDIS_URL) implement them. Records are opaque JSON to a store: it never interprets events.
 * The checks both event stores make, and the shape of a stored event, are in contract.ts.
 */
import type { Readable } from 'node:stream';

/** Who caused an event, as recorded in the log. */
export interface RecordedActor {
	id: string;
	name: string;
}

/** One event as it sits in a room's log. `v` grows by exactly one per event within a room. */
export interface StoredEvent {
	v: number;
	commandId: string;
	/** ISO timestamp set by the engine when the command was decided. */
	at: string;
	actor: RecordedActor;
	/** The domain event (JSON). The store does not look inside. */
	event: unknown;
}

/** Version range that one command produced: versions `from..to` inclusive. */
export interface CommandRange {
	from: number;
	to: number;
}

/**
 * A command the store remembers: its range and, when it was appended with one, the digest of its body
 * (commands appended before digests were kept have none, and are matched by commandId alone).
 */
export interface KnownCommand extends CommandRange {
	digest?: string;
}

export type AppendResult =
	/** Appended and durable (fsync'd or persisted by Redis) when the promise resolves. */
	| { ok: true; duplicate: false; range: CommandRange }
	/** The commandId was seen before, with the same digest (or none kept): nothing written, the original range is returned. */
	| { ok: true; duplicate: true; range: CommandRange }
	/** The commandId was seen before with another digest: a different command reuses the id; nothing written. */
	| { ok: false; reason: 'different_command'; range: CommandRange }
	/** Someone else appended first: the caller reads what is new and decides again. */
	| { ok: false; reason: 'version_conflict'; currentVersion: number };

export interface RoomHead {
	version: number;
	epoch: string;
}

export interface Snapshot {
	version: number;
	epoch: string;
	/** The room state at `version` (JSON). */
	state: unknown;
}

export type ReadResult =
	/** Every event after the requested version, in order, with no gaps. */
	| { ok: true; events: StoredEvent[] }
	/** The log no longer holds events that far back (compacted): load the snapshot instead. */
	| { ok: false; reason: 'compacted'; oldestAvailable: number };

/** Thrown (or rejected with) when the backing service cannot be reached; the command may be retried. */
export class StoreUnavailableError extends Error {
	readonly retryable = true;
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'StoreUnavailableError';
	}
}

/** The arguments of EventStore.append, in order (described there). */
export type AppendArgs = [
	roomId: string,
	expectedVersion: number,
	commandId: string,
	events: readonly StoredEvent[],
	epoch?: string,
	after?: string,
	digest?: string
];

/** An append-only, per-room event log with snapshots and commandId idempotency. */
export interface EventStore {
	/** Ids of every room that has at least one event or a snapshot. */
	listRooms(): Promise<string[]>;
	/** Current version and epoch of a room, or null if the room has never been written. */
	head(roomId: string): Promise<RoomHead | null>;
	/**
	 * Appends the events of one command if the room is at `expectedVersion` (0 for a new room).
	 * Appends to one room are written in call order; concurrent appends share one fsync (group commit).
	 * `epoch` is used only when the room is created (expectedVersion 0).
	 *
	 * The caller numbers the events: the i-th carries `v = expectedVersion + 1 + i` and the append's
	 * commandId (see assertAppend in contract.ts); the store writes them as given and refuses any other.
	 *
	 * `after`: the commandId whose events must end at `expectedVersion`, given for every append of a batch
	 * but the first (it names the one before). If another command's events end there, the append is refused
	 * as a version conflict. Without it, when one append of a batch is refused because another writer got
	 * in first with as many events, the next append of the batch would find the version it expects and land
	 * on a state it was not decided on.
	 *
	 * `digest`: a digest of the command's body, kept with its commandId. A later append of the same commandId
	 * with another digest is answered `different_command` instead of `duplicate`.
	 */
	append(...args: AppendArgs): Promise<AppendResult>;
	/** Events with `v > afterVersion`, up to `limit` of them, oldest first. */
	readFrom(roomId: string, afterVersion: number, limit?: number): Promise<ReadResult>;
	/** The range (and digest, if kept) a commandId produced, if the store remembers it (it survives restarts). */
	lookupCommand(roomId: string, commandId: string): Promise<KnownCommand | null>;
	/** Stores a snapshot durably; may let the store drop log events older than it (compaction). */
	saveSnapshot(roomId: string, snapshot: Snapshot): Promise<void>;
	loadSnapshot(roomId: string): Promise<Snapshot | null>;
	/**
	 * Deletes a room's events, snapshot and remembered commands, after the appends already queued for it.
	 * Answers whether there was such a room. A later append at version 0 creates the room anew.
	 */
	deleteRoom(roomId: string): Promise<boolean>;
	close(): Promise<void>;
}

/** What a store knows of a blob without reading its bytes. */
export interface BlobInfo {
	size: number;
	contentType: string;
	/** When the bytes were last stored, in ms since the epoch. */
	storedAt: number;
}

/** Bytes `start` to `end` of a blob, both inclusive (as in an HTTP Range header). */
export interface ByteRange {
	start: number;
	end: number;
}

/**
 * Content-addressed blob storage (artifact files, import originals). The bytes are hashed once, by `put`;
 * `get` checks them again (it reads them whole anyway), `read` streams them as stored, so serving a
 * range of a large file costs the range, not the file.
 */
export interface BlobStore {
	/**
	 * Stores bytes and returns their content id (sha256 hex). Storing the same bytes twice costs no second
	 * copy, but takes the new content type (every caller types bytes by their content, so the latest typing
	 * wins over one an older path stored) and marks the blob as stored now, so a collection in progress
	 * keeps it.
	 */
	put(bytes: Uint8Array, contentType: string): Promise<{ id: string; size: number }>;
	get(id: string): Promise<{ bytes: Uint8Array; contentType: string } | null>;
	has(id: string): Promise<boolean>;
	/** Size, content type and when it was last stored (ms since the epoch), or null if there is no such blob. */
	stat(id: string): Promise<BlobInfo | null>;
	/** The ids of every stored blob (for collecting the unreferenced ones). */
	list(): Promise<string[]>;
	/**
	 * Deletes a blob unless it was stored (again) at or after `storedBefore`, atomically with respect to
	 * `put`: an upload that stores the same bytes meanwhile keeps them. Answers whether it deleted.
	 */
	deleteIfStale(id: string, storedBefore: number): Promise<boolean>;
	/**
	 * Streams the blob's bytes, or only `range` of them (which the caller keeps within `stat`'s size).
	 * A failure (the blob gone, the store away) is the stream's 'error'.
	 */
	read(id: string, range?: ByteRange): Readable;
	/** Remembers that `roomId` uploaded the blob: only that room's imports may read it by id. */
	recordUpload(id: string, roomId: string): Promise<void>;
	/** Whether `roomId` uploaded the blob. */
	uploadedTo(id: string, roomId: string): Promise<boolean>;
}
