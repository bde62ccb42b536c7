/**
 * Storage ports. The room engine talks only to these interfaces; `file/` (embedded, default) and
 * `redis/` (REDIS_URL) implement them. Records are opaque JSON to a store: it never interprets events.
 * The checks both event stores make, and the shape of a stored event, are in contract.ts.
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
	close(): Promise<void>;
}

/** Content-addressed blob storage (artifact files, import originals). */
export interface BlobStore {
	/** Stores bytes and returns their content id (sha256 hex). Storing the same bytes twice is free. */
	put(bytes: Uint8Array, contentType: string): Promise<{ id: string; size: number }>;
	get(id: string): Promise<{ bytes: Uint8Array; contentType: string } | null>;
	has(id: string): Promise<boolean>;
}
