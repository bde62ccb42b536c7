/**
 * Embedded event store: one directory per room under `<dataDir>/rooms/`, append-only JSONL segments
 * with a CRC32 per line, group-committed with fdatasync before an append resolves.
 *
 * On-disk layout (format 1):
 *
 *   <dataDir>/LOCK                          {"pid":123,"started":<performance.timeOrigin>}: one writer per dir
 *   <dataDir>/rooms/<roomId>/meta.json      {"format":1,"epoch":"..."}: written atomically once, when the
 *                                           room is created; the epoch lives here (not in the log) so it
 *                                           survives compaction of every segment
 *   <dataDir>/rooms/<roomId>/log-<first>.jsonl   events, `<first>` = version of its first event, 12+ digits
 *   <dataDir>/rooms/<roomId>/snapshot.json  {"format":1,"version":S,"epoch":"...","state":...,
 *                                            "commands":[["<commandId>",from,to],...]} (tmp + fsync + rename)
 *
 *   <dataDir>/deleted/<roomId>-<uuid>/      a deleted room's folder, moved out of rooms/ in one rename and
 *                                           then removed (what a crash leaves here is removed at the next open)
 *
 * A log line is `{"c":"<crc32 hex, 8 chars>","e":<StoredEvent JSON>}\n`; the CRC covers the exact bytes of
 * the event JSON as written, so recovery checks the bytes and never a re-serialization.
 *
 * This file wires the store together and checks its inputs against ../contract.ts. The parts live beside it: data-dir-lock.ts
 * (LOCK), recovery.ts (reading rooms on open), room-log.ts (per-room writer with group commit), line-codec.ts
 * and room-files.ts (the formats above), durable-fs.ts (fsync'd writes, shared with the blob store).
 */
import type { Logger } from '../../log';
import { readdir, rename, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { AppendArgs, AppendResult, EventStore, KnownCommand, ReadResult, RoomHead, Snapshot } from '../port';
import { answerKnownCommand, assertAppend, assertRead, assertRoomId, assertSnapshot, integerOption, ROOM_ID } from '../contract';
import { acquireLock, releaseLock } from './data-dir-lock';
import { fsyncDir, makePrivateDir, readIfExists } from './durable-fs';
import { encodeEvent } from './line-codec';
import { recoverRoom, type RecoveryContext } from './recovery';
import { parseSnapshotFile, SNAPSHOT_FILE } from './room-files';
import { RoomLog, type RoomSettings } from './room-log';

export interface FileEventStoreOptions {
	dataDir: string;
	/** Log events kept behind a snapshot, so clients slightly behind can still catch up by events. */
	snapshotRetainEvents?: number;
	/** How many recent commandIds each room remembers for idempotency (also across restarts). */
	commandMemory?: number;
	log?: Pick<Logger, 'warn'>;
}

const DEFAULT_RETAIN_EVENTS = 1000;
/** Where deleted rooms' folders go before they are removed. */
const DELETED_DIR = 'deleted';
const DEFAULT_COMMAND_MEMORY = 50_000;

const consoleLog: Pick<Logger, 'warn'> = { warn: (fields, message) => console.warn(message, fields) };

/** The embedded EventStore, as returned by {@link openFileEventStore}. */
export interface FileEventStore extends EventStore {
	readonly dataDir: string;
}

class EmbeddedEventStore implements FileEventStore {
	private closed = false;

	constructor(
		readonly dataDir: string,
		private readonly lockPath: string,
		private readonly rooms: Map<string, RoomLog>,
		private readonly settings: RoomSettings
	) {}

	private get roomsDir(): string {
		return join(this.dataDir, 'rooms');
	}

	private assertOpen(): void {
		if (this.closed) throw new Error(`The event store at ${this.dataDir} is closed`);
	}

	async listRooms(): Promise<string[]> {
		this.assertOpen();
		return [...this.rooms.values()]
			.filter((room) => room.head !== null)
			.map((room) => room.id)
			.sort();
	}

	/** The durable head: versions still being written by pipelined appends are not included. */
	async head(roomId: string): Promise<RoomHead | null> {
		this.assertOpen();
		assertRoomId(roomId);
		return this.rooms.get(roomId)?.head ?? null;
	}

	async append(...args: AppendArgs): Promise<AppendResult> {
		// Everything up to the room's append() runs synchronously, so pipelined calls keep their call order.
		this.assertOpen();
		assertAppend(...args);
		const [roomId, expectedVersion, commandId, events, epoch, after, digest] = args;
		const existing = this.rooms.get(roomId);
		const known = existing?.findCommand(commandId) ?? null;
		if (known !== null) return answerKnownCommand(await known, digest);
		if (existing) return existing.append(expectedVersion, commandId, events, after, digest);
		if (expectedVersion !== 0 || after !== undefined) return { ok: false, reason: 'version_conflict', currentVersion: 0 };
		// Encode before creating the room, so an unstorable event leaves no empty room behind.
		for (const event of events) encodeEvent(event);
		const room = RoomLog.create(roomId, join(this.roomsDir, roomId), epoch ?? randomUUID(), this.settings, this.roomsDir);
		this.rooms.set(roomId, room);
		return room.append(0, commandId, events, undefined, digest);
	}

	async readFrom(roomId: string, afterVersion: number, limit?: number): Promise<ReadResult> {
		this.assertOpen();
		assertRead(roomId, afterVersion, limit);
		const room = this.rooms.get(roomId);
		return room ? room.read(afterVersion, limit) : { ok: true, events: [] };
	}

	async lookupCommand(roomId: string, commandId: string): Promise<KnownCommand | null> {
		this.assertOpen();
		assertRoomId(roomId);
		const known = this.rooms.get(roomId)?.findCommand(commandId) ?? null;
		// An append still being written is not acknowledged yet, so it is not reported either.
		return known instanceof Promise ? null : known;
	}

	/** Writes the snapshot durably; a snapshot for an unknown room creates the room at that version. */
	async saveSnapshot(roomId: string, snapshot: Snapshot): Promise<void> {
		this.assertOpen();
		assertSnapshot(roomId, snapshot);
		const existing = this.rooms.get(roomId);
		if (existing) return existing.saveSnapshot(snapshot, false);
		const room = RoomLog.create(roomId, join(this.roomsDir, roomId), snapshot.epoch, this.settings, this.roomsDir);
		this.rooms.set(roomId, room);
		return room.saveSnapshot(snapshot, true);
	}

	async loadSnapshot(roomId: string): Promise<Snapshot | null> {
		this.assertOpen();
		assertRoomId(roomId);
		const room = this.rooms.get(roomId);
		if (!room?.hasSnapshot) return null;
		const content = await readIfExists(join(room.dir, SNAPSHOT_FILE));
		const file = content === null ? null : parseSnapshotFile(content.toString('utf8'));
		if (file === null) throw new Error(`Snapshot of room ${roomId} is missing or unreadable under ${room.dir}`);
		return { version: file.version, epoch: file.epoch, state: file.state };
	}

	/**
	 * Deletes a room: its queued writes finish, its folder leaves rooms/ in one rename (so a crash leaves
	 * either the whole room or none of it), and is then removed.
	 */
	async deleteRoom(roomId: string): Promise<boolean> {
		this.assertOpen();
		assertRoomId(roomId);
		const room = this.rooms.get(roomId);
		if (!room) return false;
		this.rooms.delete(roomId);
		await room.close();
		const deletedDir = join(this.dataDir, DELETED_DIR);
		await makePrivateDir(deletedDir);
		const target = join(deletedDir, `${roomId}-${randomUUID()}`);
		await rename(room.dir, target);
		await fsyncDir(this.roomsDir);
		await rm(target, { recursive: true, force: true });
		return true;
	}

	/** Lets queued appends finish, closes every file and releases the lock. Calling it twice is harmless. */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		const results = await Promise.allSettled([...this.rooms.values()].map((room) => room.close()));
		await releaseLock(this.lockPath);
		const failed = results.find((result) => result.status === 'rejected');
		if (failed?.status === 'rejected') throw new Error('Closing a room log failed', { cause: failed.reason });
	}
}

async function recoverAllRooms(ctx: RecoveryContext, roomsDir: string, settings: RoomSettings): Promise<Map<string, RoomLog>> {
	const rooms = new Map<string, RoomLog>();
	for (const entry of await readdir(roomsDir, { withFileTypes: true })) {
		if (!entry.isDirectory() || !ROOM_ID.test(entry.name)) {
			ctx.log.warn({ entry: entry.name }, 'Ignoring an unexpected entry in the rooms directory');
			continue;
		}
		const dir = join(roomsDir, entry.name);
		const recovered = await recoverRoom(ctx, dir);
		if (recovered) rooms.set(entry.name, RoomLog.fromDisk(entry.name, dir, settings, recovered));
	}
	return rooms;
}

/**
 * Opens (creating if needed) the embedded event store in `dataDir`: takes the LOCK, then recovers every room,
 * cutting off a torn final line and throwing, with file and line, on any other damage.
 */
export async function openFileEventStore(options: FileEventStoreOptions): Promise<FileEventStore> {
	const log = options.log ?? consoleLog;
	const settings: RoomSettings = {
		dataDir: options.dataDir,
		retainEvents: integerOption(options.snapshotRetainEvents, DEFAULT_RETAIN_EVENTS, 'snapshotRetainEvents', 0),
		commandMemory: integerOption(options.commandMemory, DEFAULT_COMMAND_MEMORY, 'commandMemory', 1)
	};
	await makePrivateDir(options.dataDir);
	const lockPath = await acquireLock(options.dataDir, log);
	try {
		const roomsDir = join(options.dataDir, 'rooms');
		await makePrivateDir(roomsDir);
		// A deletion cut short by a crash: the room had already left rooms/.
		await rm(join(options.dataDir, DELETED_DIR), { recursive: true, force: true });
		await fsyncDir(options.dataDir);
		const rooms = await recoverAllRooms({ dataDir: options.dataDir, log }, roomsDir, settings);
		return new EmbeddedEventStore(options.dataDir, lockPath, rooms, settings);
	} catch (error) {
		await releaseLock(lockPath);
		throw error;
	}
}
