/**
 * Storage ports. The room engine talks only to these interfaces; `file/` (embedded, default) and
 * `redis/` (REDIS_URL) implement them. Records are opaque JSON to a store: it never interprets events.
 */

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

/** The events of one command, before the store numbers them. */
export type NewEvent = Omit<StoredEvent, 'v'>;

/** Version range that one command produced: versions `from..to` inclusive. */
export interface CommandRange {
	from: number;
	to: number;
}

export type AppendResult =
	/** Appended and durable (fsync'd or persisted by Redis) when the promise resolves. */
	| { ok: true; duplicate: false; range: CommandRange }
	/** The commandId was seen before: nothing written, the original range is returned. */
	| { ok: true; duplicate: true; range: CommandRange }
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
	 * `after`: the commandId whose events must end at `expectedVersion`, given for every append of a batch
	 * but the first (it names the one before). If another command's events end there, the append is refused
	 * as a version conflict. Without it, when one append of a batch is refused because another writer got
	 * in first with as many events, the next append of the batch would find the version it expects and land
	 * on a state it was not decided on.
	 */
	append(
		roomId: string,
		expectedVersion: number,
		commandId: string,
		events: NewEvent[],
		epoch?: string,
		after?: string
	): Promise<AppendResult>;
	/** Events with `v > afterVersion`, up to `limit` of them, oldest first. */
	readFrom(roomId: string, afterVersion: number, limit?: number): Promise<ReadResult>;
	/** The range a commandId produced, if the store remembers it (it survives restarts). */
	lookupCommand(roomId: string, commandId: string): Promise<CommandRange | null>;
	/** Stores a snapshot durably; may let the store drop log events older than it (compaction). */
	saveSnapshot(roomId: string, snapshot: Snapshot): Promise<void>;
	loadSnapshot(roomId: string): Promise<Snapshot | null>;
	close(): Promise<void>;
}

/** Content-addressed blob storage (artifact files, import originals). */
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
	/** A blob's size and when it was last stored (ms since the epoch), without reading its bytes. */
	stat(id: string): Promise<{ size: number; storedAt: number } | null>;
	/** The ids of every stored blob (for collecting the unreferenced ones). */
	list(): Promise<string[]>;
	/**
	 * Deletes a blob unless it was stored (again) at or after `storedBefore`, atomically with respect to
	 * `put`: an upload that stores the same bytes meanwhile keeps them. Answers whether it deleted.
	 */
	deleteIfStale(id: string, storedBefore: number): Promise<boolean>;
}
