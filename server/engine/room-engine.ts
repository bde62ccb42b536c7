/**
 * The room engine: load state (snapshot + log) -> decide -> append -> evolve -> broadcast.
 * It knows nothing of sockets: it talks to an EventStore port and hands committed events to a
 * Broadcaster. Per room, commands wait in a mailbox and are decided in batches; the appends of one
 * batch go to the store together, so one fsync (group commit) covers them all.
 */
import { randomUUID } from 'node:crypto';
import {
	decide,
	emptyRoom,
	withDefaults,
	evolveAll,
	type Command,
	type DecideContext,
	type RecordedEvent,
	type RoomState
} from '../../src/lib/domain';
import type { CommandResult, JoinAnswer, Position, RoomEventsMessage } from '../../src/lib/protocol';
import { WIRE_LIMITS } from '../../src/lib/protocol';
import { StoreUnavailableError, type EventStore, type StoredEvent } from '../store/port';

/** The one way committed events leave the engine. */
export interface Broadcaster {
	publish(message: RoomEventsMessage): void;
}

export interface EngineLogger {
	info(fields: Record<string, unknown>, message: string): void;
	warn(fields: Record<string, unknown>, message: string): void;
	error(fields: Record<string, unknown>, message: string): void;
}

export interface EngineOptions {
	store: EventStore;
	broadcaster: Broadcaster;
	log: EngineLogger;
	now?: () => Date;
	/** Save a snapshot every this many events (default 500). */
	snapshotEvery?: number;
	/** Most commands decided in one batch (default 256). */
	maxBatch?: number;
	/** How often a batch is decided again after another instance appended first (default 5). */
	maxConflictRetries?: number;
}

export type Actor = DecideContext['actor'];

interface Pending {
	commandId: string;
	command: Command;
	actor: Actor;
	attempts: number;
	resolve: (result: CommandResult) => void;
}

interface RoomRuntime {
	id: string;
	/** Committed state only: what the log holds. */
	state: RoomState;
	epoch: string;
	snapshotVersion: number;
	mailbox: Pending[];
	draining: boolean;
	/** Serializes loads, batches and joins of one room. */
	lock: Promise<unknown>;
}

const unavailable = (message: string): CommandResult => ({ ok: false, code: 'unavailable', message });

/** Creates the engine for every room of one store. */
export function createRoomEngine(options: EngineOptions) {
	const { store, broadcaster, log } = options;
	const now = options.now ?? (() => new Date());
	const snapshotEvery = options.snapshotEvery ?? 500;
	const maxBatch = options.maxBatch ?? 256;
	const maxConflictRetries = options.maxConflictRetries ?? 5;
	const rooms = new Map<string, Promise<RoomRuntime>>();
	/**
	 * Rooms seen to exist. Rooms are never deleted, so a room once seen needs no second look: every
	 * command and join after the first skips a store round trip (with Redis, one of the few before a
	 * broadcast).
	 */
	const existing = new Set<string>();

	async function exists(roomId: string): Promise<boolean> {
		if (existing.has(roomId)) return true;
		if (!(await store.head(roomId))) return false;
		existing.add(roomId);
		return true;
	}

	function withLock<T>(room: RoomRuntime, fn: () => Promise<T>): Promise<T> {
		const run = room.lock.then(fn, fn);
		room.lock = run.catch(() => undefined);
		return run;
	}

	async function load(roomId: string): Promise<RoomRuntime> {
		const snapshot = await store.loadSnapshot(roomId);
		const head = await store.head(roomId);
		const room: RoomRuntime = {
			id: roomId,
			state: snapshot ? withDefaults(snapshot.state as RoomState) : emptyRoom(),
			epoch: head?.epoch ?? snapshot?.epoch ?? randomUUID(),
			snapshotVersion: snapshot?.version ?? 0,
			mailbox: [],
			draining: false,
			lock: Promise.resolve()
		};
		await refresh(room);
		return room;
	}

	function runtime(roomId: string): Promise<RoomRuntime> {
		let room = rooms.get(roomId);
		if (!room) {
			room = load(roomId);
			rooms.set(roomId, room);
			// A failed load (store down) must not stick: the next call tries again.
			room.catch(() => rooms.delete(roomId));
		}
		return room;
	}

	/** Reads what the log has beyond the cached version (other instances may have appended). */
	async function refresh(room: RoomRuntime): Promise<RecordedEvent[]> {
		const read = await store.readFrom(room.id, room.state.version);
		if (!read.ok) {
			// The log was compacted past our cache: start again from the snapshot.
			const snapshot = await store.loadSnapshot(room.id);
			if (!snapshot) throw new Error(`Room ${room.id}: log compacted but no snapshot found`);
			room.state = withDefaults(snapshot.state as RoomState);
			room.snapshotVersion = snapshot.version;
			return refresh(room);
		}
		const events = read.events as RecordedEvent[];
		if (events.length) room.state = evolveAll(room.state, events);
		return events;
	}

	function enqueue(room: RoomRuntime, pending: Pending): void {
		room.mailbox.push(pending);
		kick(room);
	}

	function kick(room: RoomRuntime): void {
		if (room.draining) return;
		room.draining = true;
		void withLock(room, () => drain(room)).finally(() => {
			room.draining = false;
			// A command pushed after the last batch was taken, but before the flag cleared.
			if (room.mailbox.length) kick(room);
		});
	}

	async function drain(room: RoomRuntime): Promise<void> {
		while (room.mailbox.length) {
			const batch = room.mailbox.splice(0, maxBatch);
			await processBatch(room, batch);
		}
	}

	/**
	 * One batch, step by step:
	 *  1. read what the log has beyond our version, and look up every commandId of the batch at once
	 *     (with Redis, one round trip for the batch instead of one per command);
	 *  2. per command: answer a known commandId with its first result, else decide on the tentative state;
	 *  3. append every accepted command (the store writes them in order and shares one fsync);
	 *  4. commit what the store accepted, broadcast it once, ack each sender;
	 *  5. on a version conflict, decide the rest again on the fresh state (bounded).
	 */
	async function processBatch(room: RoomRuntime, batch: Pending[]): Promise<void> {
		const lookups = new Map<string, Promise<Awaited<ReturnType<EventStore['lookupCommand']>>>>();
		for (const { commandId } of batch) {
			if (lookups.has(commandId)) continue;
			const lookup = store.lookupCommand(room.id, commandId);
			lookup.catch(() => undefined); // observed in step 2; avoid an unhandled rejection meanwhile
			lookups.set(commandId, lookup);
		}
		try {
			await refresh(room); // 1
		} catch (error) {
			for (const p of batch) p.resolve(storeFailure(room, p, error));
			return;
		}

		let tentative = room.state;
		const outcomes = new Map<string, Promise<CommandResult>>();
		const accepted: Array<{ pending: Pending; events: RecordedEvent[]; append: ReturnType<EventStore['append']> }> = [];
		const at = now().toISOString();

		for (const p of batch) {
			// 2
			const earlier = outcomes.get(p.commandId);
			if (earlier) {
				// The same commandId twice in one batch: the second gets the first's answer.
				void earlier.then((r) => p.resolve(r.ok ? { ...r, duplicate: true } : r));
				continue;
			}
			outcomes.set(p.commandId, settled(p));
			let known;
			try {
				known = await lookups.get(p.commandId);
			} catch (error) {
				p.resolve(storeFailure(room, p, error));
				continue;
			}
			if (known) {
				p.resolve({ ok: true, version: known.to, duplicate: true });
				continue;
			}
			const decision = decide(tentative, p.command, { roomId: room.id, actor: p.actor, now: at });
			if (!decision.ok) {
				p.resolve({ ok: false, code: decision.error.code, message: decision.error.message });
				continue;
			}
			const actor = { id: p.actor.id, name: p.actor.name };
			const events: RecordedEvent[] = decision.events.map((event, i) => ({
				v: tentative.version + 1 + i,
				commandId: p.commandId,
				at,
				actor,
				event
			}));
			const append = store.append(
				room.id,
				tentative.version,
				p.commandId,
				events.map(({ v: _v, ...rest }) => rest),
				room.epoch
			); // 3
			append.catch(() => undefined); // observed below; avoid an unhandled rejection meanwhile
			accepted.push({ pending: p, events, append });
			tentative = evolveAll(tentative, events);
		}

		// 4
		const committed: RecordedEvent[] = [];
		const retry: Pending[] = [];
		let diverged = false;
		for (const { pending, events, append } of accepted) {
			let result;
			try {
				result = await append;
			} catch (error) {
				diverged = true;
				pending.resolve(storeFailure(room, pending, error));
				continue;
			}
			if (!diverged && result.ok && !result.duplicate) {
				committed.push(...events);
				pending.resolve({ ok: true, version: result.range.to, duplicate: false });
			} else if (result.ok && result.duplicate) {
				diverged = true;
				pending.resolve({ ok: true, version: result.range.to, duplicate: true });
			} else {
				diverged = true;
				retry.push(pending);
			}
		}

		if (committed.length) {
			room.state = evolveAll(room.state, committed);
			broadcaster.publish({ roomId: room.id, epoch: room.epoch, events: committed });
		}
		if (diverged) {
			// What we evolved past the failure is not in the log: re-read what is.
			try {
				await refreshPublishing(room);
			} catch {
				// The store is down; the next batch reads again.
			}
		}
		// 5
		const again = retry.filter((p) => ++p.attempts <= maxConflictRetries);
		for (const p of retry) {
			if (p.attempts > maxConflictRetries) {
				p.resolve(unavailable('The room is very busy; please retry.'));
			}
		}
		if (again.length) await processBatch(room, again);

		if (room.state.version - room.snapshotVersion >= snapshotEvery) await snapshot(room);
	}

	/** Wraps a pending command's resolve so others can wait for its answer. */
	function settled(p: Pending): Promise<CommandResult> {
		return new Promise((done) => {
			const resolve = p.resolve;
			p.resolve = (result) => {
				resolve(result);
				done(result);
			};
		});
	}

	/** Refresh after divergence, broadcasting what other writers committed so our clients see it too. */
	async function refreshPublishing(room: RoomRuntime): Promise<void> {
		const events = await refresh(room);
		if (events.length) broadcaster.publish({ roomId: room.id, epoch: room.epoch, events });
	}

	function storeFailure(room: RoomRuntime, p: Pending, error: unknown): CommandResult {
		const retryable = error instanceof StoreUnavailableError;
		log.error(
			{ roomId: room.id, commandId: p.commandId, type: p.command.type, err: String(error) },
			retryable ? 'store unavailable' : 'append failed'
		);
		return unavailable(
			retryable
				? 'The room could not be saved just now. Nothing was applied; it will be retried.'
				: 'The room could not be saved. Nothing was applied; please retry.'
		);
	}

	async function snapshot(room: RoomRuntime): Promise<void> {
		try {
			await store.saveSnapshot(room.id, { version: room.state.version, epoch: room.epoch, state: room.state });
			room.snapshotVersion = room.state.version;
		} catch (error) {
			log.warn({ roomId: room.id, err: String(error) }, 'snapshot failed; will try again later');
		}
	}

	return {
		/** Decides and commits one command; resolves once it is durable (or refused). */
		async execute(roomId: string, commandId: string, command: Command, actor: Actor): Promise<CommandResult> {
			let room: RoomRuntime;
			try {
				if (command.type !== 'room.create' && command.type !== 'room.restore' && !(await exists(roomId))) {
					return { ok: false, code: 'unknown_room', message: `There is no room "${roomId}".` };
				}
				room = await runtime(roomId);
			} catch (error) {
				log.error({ roomId, commandId, err: String(error) }, 'room load failed');
				return unavailable('The room could not be loaded just now. Please retry.');
			}
			return new Promise<CommandResult>((resolve) =>
				enqueue(room, { commandId, command, actor, attempts: 0, resolve })
			);
		},

		/** What a (re)joining client needs: events after its position, or the whole state. */
		async join(roomId: string, since?: Position): Promise<JoinAnswer> {
			try {
				if (!(await exists(roomId))) {
					return { ok: false, code: 'unknown_room', message: `There is no room "${roomId}".` };
				}
				const room = await runtime(roomId);
				return await withLock(room, async () => {
					await refresh(room);
					const { state, epoch } = room;
					const base = { ok: true as const, roomId, epoch };
					if (since && since.epoch === epoch && since.version <= state.version) {
						const behind = state.version - since.version;
						if (behind <= WIRE_LIMITS.maxCatchUpEvents) {
							const read = await store.readFrom(roomId, since.version);
							if (read.ok) return { ...base, mode: 'events', events: read.events as RecordedEvent[] };
						}
					}
					return { ...base, mode: 'snapshot', state };
				});
			} catch (error) {
				log.error({ roomId, err: String(error) }, 'join failed');
				return { ok: false, code: 'unavailable', message: 'The room could not be loaded just now. Retrying.' };
			}
		},

		/** The committed state of a room (for exports and server-side pages), or null if unknown. */
		async state(roomId: string): Promise<RoomState | null> {
			if (!(await exists(roomId))) return null;
			const room = await runtime(roomId);
			return withLock(room, async () => {
				await refresh(room);
				return room.state;
			});
		},

		/** Rooms with their names, for the room list. */
		async listRooms(): Promise<Array<{ id: string; name: string; organisation: string; version: number }>> {
			const ids = await store.listRooms();
			const out = [];
			for (const id of ids) {
				const state = await this.state(id);
				if (state?.meta) out.push({ id, name: state.meta.name, organisation: state.meta.organisation, version: state.version });
			}
			return out;
		},

		/** Waits for queued work, then snapshots every loaded room (used on shutdown). */
		async flush(): Promise<void> {
			for (const pending of rooms.values()) {
				const room = await pending.catch(() => null);
				if (room && room.state.version > room.snapshotVersion) await withLock(room, () => snapshot(room));
			}
		}
	};
}

export type RoomEngine = ReturnType<typeof createRoomEngine>;
export type { StoredEvent };
