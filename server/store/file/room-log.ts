/**
 * One room's log: its in-memory head and events, the commands it remembers for idempotency, and the
 * group-committing writer that appends to its segments, writes its snapshot and deletes compacted segments.
 */
import { open, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppendResult, CommandRange, KnownCommand, ReadResult, RoomHead, Snapshot, StoredEvent } from '../port';
import { fsyncDir, makePrivateDir, PRIVATE_FILE, writeFileAtomic, writeFully } from './durable-fs';
import { encodeEvent } from './line-codec';
import type { RecoveredRoom } from './recovery';
import {
	encodeMeta,
	encodeSnapshotFile,
	META_FILE,
	segmentFileName,
	SNAPSHOT_FILE,
	type CommandEntry,
	type Segment
} from './room-files';
import { SerialQueue } from './serial-queue';

const noop = (): void => {};

interface PendingAppend {
	commandId: string;
	range: KnownCommand;
	lines: string;
	events: StoredEvent[];
	resolve: () => void;
	reject: (error: Error) => void;
}

/** Store-wide settings every room follows. */
export interface RoomSettings {
	dataDir: string;
	commandMemory: number;
	retainEvents: number;
}

export class RoomLog {
	/** Versions handed out, including appends not yet durable (pipelined appends check against this). */
	private assignedHead: number;
	/** The commandId whose events end at `assignedHead`, when this process assigned it (see `after`). */
	private lastAssigned: string | null = null;
	/** Versions that are fsync'd; the only ones anyone can read. */
	private durableHead: number;
	private snapshotVersion: number;
	/** Durable events still in the log files, contiguous, oldest first. */
	private events: StoredEvent[];
	private readonly segments: Segment[];
	/** Append-mode handle on the last segment, opened lazily. */
	private handle: FileHandle | null = null;
	/** Set by a snapshot: the next write starts a new segment so whole old ones can be deleted. */
	private sealed = false;
	/** Durable commandId -> range and digest, in version order (Map keeps insertion order) for eviction. */
	private readonly commands = new Map<string, KnownCommand>();
	private readonly inflight = new Map<string, Promise<KnownCommand>>();
	private queue: PendingAppend[] = [];
	private flushScheduled = false;
	private failure: Error | null = null;
	private readonly io = new SerialQueue();

	private constructor(
		readonly id: string,
		readonly dir: string,
		readonly epoch: string,
		private readonly settings: RoomSettings,
		recovered: RecoveredRoom | null
	) {
		this.snapshotVersion = recovered?.snapshotVersion ?? 0;
		this.events = recovered?.events ?? [];
		this.segments = recovered?.segments ?? [];
		this.durableHead = Math.max(this.events.at(-1)?.v ?? 0, this.snapshotVersion);
		this.assignedHead = this.durableHead;
		for (const [commandId, from, to, digest] of recovered?.snapshotCommands ?? []) {
			this.remember(commandId, digest === undefined ? { from, to } : { from, to, digest });
		}
		this.rememberLoggedCommands(recovered?.digests ?? new Map());
	}

	/** A room found on disk at open. */
	static fromDisk(id: string, dir: string, settings: RoomSettings, recovered: RecoveredRoom): RoomLog {
		return new RoomLog(id, dir, recovered.epoch, settings, recovered);
	}

	/** A new room; its directory and meta.json are written by the first job on its queue. */
	static create(id: string, dir: string, epoch: string, settings: RoomSettings, roomsDir: string): RoomLog {
		const room = new RoomLog(id, dir, epoch, settings, null);
		room.io.run(() => room.initDirectory(roomsDir)).catch((error: unknown) => room.fail(error, []));
		return room;
	}

	private async initDirectory(roomsDir: string): Promise<void> {
		await makePrivateDir(this.dir);
		await fsyncDir(roomsDir);
		await writeFileAtomic(this.dir, META_FILE, encodeMeta(this.epoch));
	}

	/** Rebuilds command ranges from the log: a command's events are consecutive lines with its commandId. */
	private rememberLoggedCommands(digests: Map<string, string>): void {
		let from = 0;
		for (const [index, event] of this.events.entries()) {
			if (from === 0) from = event.v;
			if (this.events[index + 1]?.commandId !== event.commandId) {
				const digest = digests.get(event.commandId);
				this.remember(event.commandId, digest === undefined ? { from, to: event.v } : { from, to: event.v, digest });
				from = 0;
			}
		}
	}

	private remember(commandId: string, range: KnownCommand): void {
		this.commands.delete(commandId);
		this.commands.set(commandId, range);
		while (this.commands.size > this.settings.commandMemory) {
			const oldest = this.commands.keys().next();
			if (oldest.done) break;
			this.commands.delete(oldest.value);
		}
	}

	get head(): RoomHead | null {
		return this.durableHead === 0 ? null : { version: this.durableHead, epoch: this.epoch };
	}

	get hasSnapshot(): boolean {
		return this.snapshotVersion > 0;
	}

	/** The range (and digest) of a durable command, or a promise of it while its append is still being written. */
	findCommand(commandId: string): KnownCommand | Promise<KnownCommand> | null {
		const range = this.commands.get(commandId);
		if (range) return { ...range };
		return this.inflight.get(commandId) ?? null;
	}

	/**
	 * Checks and queues one append synchronously, so versions follow call order even when the caller does not
	 * await; the returned promise settles after the fsync that covers it.
	 */
	append(
		expectedVersion: number,
		commandId: string,
		events: readonly StoredEvent[],
		after?: string,
		digest?: string
	): Promise<AppendResult> | AppendResult {
		if (this.failure) throw this.failure;
		if (expectedVersion !== this.assignedHead || (after !== undefined && after !== this.lastAssigned)) {
			return { ok: false, reason: 'version_conflict', currentVersion: this.assignedHead };
		}
		// The digest rides on the command's first line, so a restart that reads the log knows it too.
		const encoded = events.map((event, index) => encodeEvent(event, index === 0 ? digest : undefined));
		const range: CommandRange = { from: expectedVersion + 1, to: expectedVersion + events.length };
		const known: KnownCommand = digest === undefined ? { ...range } : { ...range, digest };
		this.assignedHead = range.to;
		this.lastAssigned = commandId;
		const durable = new Promise<void>((resolve, reject) => {
			this.queue.push({
				commandId,
				range: known,
				lines: encoded.map((e) => e.line).join(''),
				events: encoded.map((e) => e.stored),
				resolve,
				reject
			});
		});
		const settled = durable.then(() => ({ ...known }));
		settled.catch(noop); // a failure reaches the caller through the returned promise; duplicates may never ask
		this.inflight.set(commandId, settled);
		this.scheduleFlush();
		return durable.then(() => ({ ok: true, duplicate: false, range: { ...range } }));
	}

	private scheduleFlush(): void {
		if (this.flushScheduled) return;
		this.flushScheduled = true;
		this.io.run(() => this.flush()).catch((error: unknown) => this.fail(error, []));
	}

	/**
	 * Group commit: everything queued since the last flush goes out in one write and one fdatasync. Appends
	 * arriving meanwhile schedule the next flush, which runs right after this one.
	 */
	private async flush(): Promise<void> {
		this.flushScheduled = false;
		const batch = this.queue;
		this.queue = [];
		const first = batch[0];
		if (first === undefined) return;
		if (this.failure) return this.rejectAll(batch, this.failure);
		try {
			const handle = await this.writableSegment(first.range.from);
			await writeFully(handle, Buffer.from(batch.map((p) => p.lines).join(''), 'utf8'));
			await handle.datasync();
		} catch (error) {
			return this.fail(error, batch);
		}
		this.commit(batch);
	}

	private async writableSegment(firstVersion: number): Promise<FileHandle> {
		if (this.handle && !this.sealed) return this.handle;
		await this.closeHandle();
		const tail = this.segments.at(-1);
		if (tail === undefined || this.sealed) {
			this.segments.push({ file: join(this.dir, segmentFileName(firstVersion)), first: firstVersion, last: firstVersion - 1 });
		}
		this.sealed = false;
		const segment = this.segments.at(-1);
		if (segment === undefined) throw new Error('unreachable: no segment');
		this.handle = await open(segment.file, 'a', PRIVATE_FILE);
		await fsyncDir(this.dir);
		return this.handle;
	}

	private commit(batch: PendingAppend[]): void {
		const segment = this.segments.at(-1);
		for (const pending of batch) {
			for (const event of pending.events) this.events.push(event);
			this.durableHead = pending.range.to;
			if (segment) segment.last = pending.range.to;
			this.remember(pending.commandId, pending.range);
			this.inflight.delete(pending.commandId);
			pending.resolve();
		}
	}

	/**
	 * After a failed write or fsync the file's state is unknown (the kernel may have dropped the dirty pages),
	 * so nothing more is written to this room until a restart re-reads it from disk.
	 */
	private fail(cause: unknown, batch: PendingAppend[]): void {
		this.failure ??= new Error(
			`Room ${this.id}: writing the event log failed, so the room refuses further writes until the server restarts ` +
				`(check disk space and permissions under ${this.settings.dataDir}).`,
			{ cause }
		);
		const pending = [...batch, ...this.queue];
		this.queue = [];
		this.rejectAll(pending, this.failure);
		void this.closeHandle().catch(noop);
	}

	private rejectAll(pending: PendingAppend[], error: Error): void {
		for (const p of pending) {
			this.inflight.delete(p.commandId);
			p.reject(error);
		}
	}

	private async closeHandle(): Promise<void> {
		const handle = this.handle;
		this.handle = null;
		if (handle) await handle.close();
	}

	/** Durable events after `afterVersion` (see ReadResult); `oldestAvailable` is the lowest servable `afterVersion`. */
	read(afterVersion: number, limit: number | undefined): ReadResult {
		const first = this.events[0]?.v ?? this.durableHead + 1;
		const oldestAvailable = first - 1;
		if (afterVersion < oldestAvailable) return { ok: false, reason: 'compacted', oldestAvailable };
		const start = afterVersion - first + 1;
		return { ok: true, events: this.events.slice(start, limit === undefined ? undefined : start + limit) };
	}

	/** Queues a snapshot write, then seals the segment and drops segments the snapshot makes unnecessary. */
	saveSnapshot(snapshot: Snapshot, isNewRoom: boolean): Promise<void> {
		if (!isNewRoom) return this.io.run(() => this.writeSnapshot(snapshot, false));
		// A room born from a snapshot starts its log after it; if the snapshot is not written, appends
		// would leave a gap at the start of the log, so the room must not take any.
		this.assignedHead = snapshot.version;
		return this.io
			.run(() => this.writeSnapshot(snapshot, true))
			.catch((error: unknown) => {
				this.fail(error, []);
				throw error;
			});
	}

	private async writeSnapshot(snapshot: Snapshot, isNewRoom: boolean): Promise<void> {
		if (this.failure) throw this.failure;
		if (snapshot.epoch !== this.epoch) {
			throw new Error(`Snapshot epoch ${snapshot.epoch} does not match room ${this.id}'s epoch ${this.epoch}`);
		}
		if (!isNewRoom && snapshot.version > this.durableHead) {
			throw new Error(`Snapshot version ${snapshot.version} is ahead of room ${this.id}'s durable version ${this.durableHead}`);
		}
		if (snapshot.version < this.snapshotVersion) {
			throw new Error(`Snapshot version ${snapshot.version} is older than room ${this.id}'s snapshot at ${this.snapshotVersion}`);
		}
		const commands = [...this.commands].map(([commandId, r]): CommandEntry =>
			r.digest === undefined ? [commandId, r.from, r.to] : [commandId, r.from, r.to, r.digest]
		);
		const body = { version: snapshot.version, epoch: snapshot.epoch, state: snapshot.state, commands };
		await writeFileAtomic(this.dir, SNAPSHOT_FILE, encodeSnapshotFile(body));
		this.snapshotVersion = snapshot.version;
		if (isNewRoom) this.durableHead = snapshot.version;
		await this.sealSegment();
		await this.compact(snapshot.version - this.settings.retainEvents);
	}

	private async sealSegment(): Promise<void> {
		const tail = this.segments.at(-1);
		// Sealing an empty segment would make the next one reuse its file name.
		if (tail === undefined || tail.last < tail.first) return;
		this.sealed = true;
		await this.closeHandle();
	}

	/** Deletes whole sealed segments ending at or before `upTo`, oldest first so a crash leaves no gap. */
	private async compact(upTo: number): Promise<void> {
		let deleted = 0;
		for (const [index, segment] of this.segments.entries()) {
			const isOpenTail = index === this.segments.length - 1 && !this.sealed;
			if (isOpenTail || segment.last > upTo) break;
			await unlink(segment.file);
			deleted++;
		}
		if (deleted === 0) return;
		const removed = this.segments.splice(0, deleted);
		const lastRemoved = removed.at(-1)?.last ?? 0;
		this.events = this.events.filter((event) => event.v > lastRemoved);
		await fsyncDir(this.dir);
	}

	/** Waits for queued writes to finish, then closes the file. */
	close(): Promise<void> {
		return this.io.run(() => this.closeHandle());
	}
}
