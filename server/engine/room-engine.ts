/**
 * The room engine: load state (snapshot + log) -> mask customer words -> decide -> append -> evolve -> broadcast.
 * It knows nothing of sockets: it talks to an EventStore port and hands committed events to a
 * Broadcaster. Per room, commands wait in a mailbox and are decided in batches; the appends of one
 * batch go to the store together, so one fsync (group commit) covers them all.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
	canonicalJson,
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
import { answerKnownCommand } from '../store/contract';
import { redactCommand } from '../text/redact-command';
import { scoreCommand } from '../text/sentiment-command';
import type { Logger } from '../log';
import { StoreUnavailableError, type AppendResult, type CommandRange, type EventStore, type StoredEvent } from '../store/port';

/** The one way committed events leave the engine. */
export interface Broadcaster {
	publish(message: RoomEventsMessage): void;
}

export interface EngineOptions {
	store: EventStore;
	broadcaster: Broadcaster;
	log: Logger;
	now?: () => Date;
	/** Save a snapshot every this many events (default 500). */
	snapshotEvery?: number;
	/** Most commands decided in one batch (default 256). */
	maxBatch?: number;
	/** How often a batch is decided again after another instance appended first (default 5). */
	maxConflictRetries?: number;
}

export type Actor = DecideContext['actor'];

/** Who the log names for what the server records by itself (new phrases, raw files deleted). */
export const SERVER_ACTOR: Actor = { id: 'server', name: 'Customer Room', role: 'facilitator' };

interface Pending {
	commandId: string;
	command: Command;
	/** Digest of the command's body, kept by the store with its commandId (see commandDigest). */
	digest: string;
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

/**
 * What the store keeps beside a commandId to tell a resend from another command that reuses the id: the
 * first 128 bits of the SHA-256 of the command's canonical JSON (keys sorted, so equal commands agree).
 */
export function commandDigest(command: Command): string {
	return createHash('sha256').update(canonicalJson(command)).digest('hex').slice(0, 32);
}

/** The answer to a command whose commandId was already used for a different command (applied at `range`, if known). */
const reusedCommandId = (range: CommandRange | null): CommandResult => ({
	ok: false,
	code: 'conflict',
	message:
		`This commandId was already used for a different command${range ? ` (applied at version ${range.to})` : ''}, ` +
		'so this one was not applied. Send it again with a new commandId.'
});

/** The answer to a command the store already knows by its commandId: a resend, or another command under a reused id. */
function knownCommandAnswer(known: Parameters<typeof answerKnownCommand>[0], digest: string): CommandResult {
	const answer = answerKnownCommand(known, digest);
	return answer.ok ? { ok: true, version: answer.range.to, duplicate: true } : reusedCommandId(answer.range);
}

/** Creates the engine for every room of one store. */
export function createRoomEngine(options: EngineOptions) {
	const { store, broadcaster, log } = options;
	const now = options.now ?? (() => new Date());
	const snapshotEvery = options.snapshotEvery ?? 500;
	const maxBatch = options.maxBatch ?? 256;
	const maxConflictRetries = options.maxConflictRetries ?? 5;
	const rooms = new Map<string, Promise<RoomRuntime>>();
	/**
	 * Rooms seen to exist. A room once seen needs no second look: every command and join after the first
	 * skips a store round trip (with Redis, one of the few before a broadcast). Deleting a room forgets it
	 * here, and the other instances are told to `forget` it (app.ts).
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
	 * One batch, step by step. The appends go out in the same round trip as the read (with Redis: on the
	 * same connection, right behind it), decided on the state this instance last knew, because another
	 * instance seldom writes in between; when it has, the store's version check refuses the appends and they
	 * are decided again.
	 *  1. ask for what the log has beyond our version, without waiting for the answer;
	 *  2. per command: mask the customer words it carries (`redactCommand`), then decide on the tentative state; a refusal waits for step 4, which tells whether the
	 *     state was current, and then looks up whether the command was already applied (an accepted one
	 *     needs no lookup: its append answers a known commandId as a duplicate, or as another command
	 *     reusing the id when the digests differ);
	 *  3. append every accepted command, each only on top of the one before it (the store writes them in
	 *     order, shares one fsync, answers a commandId it already holds as a duplicate, so nothing is written
	 *     twice, and refuses an append whose predecessor was refused);
	 *  4. with the read in hand: if nothing had changed, the tentative state after the last command the store
	 *     accepted is the committed state, and its events are broadcast once; otherwise re-read the log and
	 *     broadcast what this batch wrote;
	 *  5. only then acknowledge each sender (append, broadcast, ack: a sender never hears of its version
	 *     before the events that reach it), and answer the refusals;
	 *  6. on a version conflict, decide the rest again on the fresh state (bounded).
	 */
	async function processBatch(room: RoomRuntime, batch: Pending[]): Promise<void> {
		// 1
		const base = room.state;
		const read = store.readFrom(room.id, base.version);
		read.catch(() => undefined); // observed in step 4; avoid an unhandled rejection meanwhile

		let tentative = base;
		const outcomes = new Map<string, { digest: string; answer: Promise<CommandResult> }>();
		/** Each accepted command with its append and the tentative state once its events are applied. */
		const accepted: Array<{ pending: Pending; events: RecordedEvent[]; append: Promise<AppendResult>; state: RoomState }> = [];
		const refused: Array<{ pending: Pending; result: CommandResult }> = [];
		const at = now().toISOString();

		for (const p of batch) {
			// 2
			const earlier = outcomes.get(p.commandId);
			if (earlier) {
				// The same commandId twice in one batch: a resend gets the first's answer; another command under
				// the same id is not applied.
				void earlier.answer.then((r) => {
					if (earlier.digest !== p.digest) p.resolve(reusedCommandId(r.ok ? { from: r.version, to: r.version } : null));
					else p.resolve(r.ok ? { ...r, duplicate: true } : r);
				});
				continue;
			}
			outcomes.set(p.commandId, { digest: p.digest, answer: settled(p) });
			// Customer words are masked here, on the state decided on, so no way in stores them raw; then
			// their tone is scored on the masked words, so the event carries it.
			const command = scoreCommand(redactCommand(p.command, tentative));
			const decision = decide(tentative, command, { roomId: room.id, actor: p.actor, now: at });
			if (!decision.ok) {
				refused.push({ pending: p, result: { ok: false, code: decision.error.code, message: decision.error.message } });
				continue;
			}
			const actor = { id: p.actor.id, name: p.actor.name };
			// Numbered here and only here: the store checks the numbering and writes the events as given.
			const events: RecordedEvent[] = decision.events.map((event, i) => ({
				v: tentative.version + 1 + i,
				commandId: p.commandId,
				at,
				actor,
				event
			}));
			let append: Promise<AppendResult>;
			try {
				append = store.append(
					room.id,
					tentative.version,
					p.commandId,
					events,
					room.epoch,
					accepted.at(-1)?.pending.commandId, // only on top of the batch's previous append
					p.digest
				); // 3
			} catch (error) {
				append = Promise.reject(error);
			}
			append.catch(() => undefined); // observed below; avoid an unhandled rejection meanwhile
			tentative = evolveAll(tentative, events);
			accepted.push({ pending: p, events, append, state: tentative });
		}

		// 4
		let current: boolean;
		let readFailure: unknown = null;
		try {
			const result = await read;
			current = result.ok && result.events.length === 0;
		} catch (error) {
			readFailure = error;
			current = false;
		}

		const committed: RecordedEvent[] = [];
		let committedState = room.state;
		/** Written by this batch, but not committed on the fast path: broadcast from the log. */
		const written = new Set<string>();
		const answers: Array<{ pending: Pending; result: CommandResult }> = [];
		const retry: Pending[] = [];
		let diverged = !current;
		for (const { pending, events, append, state } of accepted) {
			let result;
			try {
				result = await append;
			} catch (error) {
				diverged = true;
				answers.push({ pending, result: storeFailure(room, pending, error) });
				continue;
			}
			if (!diverged && result.ok && !result.duplicate) {
				committed.push(...events);
				committedState = state;
				answers.push({ pending, result: { ok: true, version: result.range.to, duplicate: false } });
			} else if (result.ok) {
				// Written (now, or before: a duplicate), but not on the state we decided on: acknowledged, and
				// broadcast from the log below rather than from what we decided.
				diverged = true;
				if (!result.duplicate) written.add(pending.commandId);
				answers.push({ pending, result: { ok: true, version: result.range.to, duplicate: result.duplicate } });
			} else if (result.reason === 'different_command') {
				diverged = true;
				answers.push({ pending, result: reusedCommandId(result.range) });
			} else {
				diverged = true;
				retry.push(pending);
			}
		}

		if (committed.length) {
			// The tentative state is what the log now holds: no need to fold the same events twice.
			room.state = committedState;
			broadcaster.publish({ roomId: room.id, epoch: room.epoch, events: committed });
		}
		if (diverged) {
			try {
				if (current) {
					// The log took something other than what we decided: read it, broadcast what it holds.
					await refreshPublishing(room);
				} else {
					// Another instance wrote first: catch up quietly (it broadcast its own events), and
					// broadcast only what this batch wrote.
					const events = await refresh(room);
					const ours = events.filter((e) => written.has(e.commandId));
					if (ours.length) broadcaster.publish({ roomId: room.id, epoch: room.epoch, events: ours });
				}
			} catch {
				// The store is down; the next batch reads again (and clients catch up by version).
			}
		}

		// 5
		for (const { pending, result } of answers) pending.resolve(result);
		// A refusal stands only if it was decided on the current state and the command was never applied.
		for (const { pending, result } of refused) {
			if (readFailure !== null) {
				pending.resolve(storeFailure(room, pending, readFailure));
				continue;
			}
			if (!current) {
				retry.push(pending);
				continue;
			}
			let known;
			try {
				known = await store.lookupCommand(room.id, pending.commandId);
			} catch (error) {
				pending.resolve(storeFailure(room, pending, error));
				continue;
			}
			pending.resolve(known ? knownCommandAnswer(known, pending.digest) : result);
		}

		// 6
		const again = retry.filter((p) => ++p.attempts <= maxConflictRetries);
		for (const p of retry) {
			if (p.attempts > maxConflictRetries) {
				p.resolve(unavailable('The room is very busy, so this command was not applied. Send it again with the same commandId.'));
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
		// The store may have written the append and failed only to answer (a timeout after Redis ran the
		// script), so nobody here can say it was not applied: a resend with the same commandId settles it.
		return unavailable(
			`The room could not be saved${retryable ? ' just now' : ''}. This command may or may not have been applied; ` +
				'send it again with the same commandId (it takes effect at most once).'
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
				return unavailable(
					'The room could not be loaded just now, so this command was not applied. Send it again with the same commandId.'
				);
			}
			return new Promise<CommandResult>((resolve) =>
				enqueue(room, { commandId, command, digest: commandDigest(command), actor, attempts: 0, resolve })
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
				return { ok: false, code: 'unavailable', message: 'The room could not be loaded just now. Join again in a moment.' };
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

		/** Rooms with their names, for the room list; `archived` rooms are listed apart. */
		async listRooms(): Promise<Array<{ id: string; name: string; organisation: string; version: number; archived: boolean }>> {
			const ids = await store.listRooms();
			const out = [];
			for (const id of ids) {
				const state = await this.state(id);
				if (state?.meta)
					out.push({
						id,
						name: state.meta.name,
						organisation: state.meta.organisation,
						version: state.version,
						archived: Boolean(state.meta.archivedAt)
					});
			}
			return out;
		},

		/**
		 * Deletes a room: the commands already queued for it are decided first, then its events and snapshot
		 * leave the store and this engine forgets it. Answers whether there was such a room.
		 */
		async deleteRoom(roomId: string): Promise<boolean> {
			if (!(await exists(roomId))) return false;
			const room = await runtime(roomId);
			return withLock(room, async () => {
				rooms.delete(roomId);
				existing.delete(roomId);
				return store.deleteRoom(roomId);
			});
		},

		/** Forgets what this engine cached of a room another instance deleted (its next look asks the store). */
		forget(roomId: string): void {
			rooms.delete(roomId);
			existing.delete(roomId);
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
