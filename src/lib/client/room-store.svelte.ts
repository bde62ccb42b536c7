/**
 * The browser's copy of one room: joins, applies broadcast events through the same `evolve` as the
 * server, catches up by version after any disconnection, and keeps an outbox of commands that were
 * not acknowledged yet, resending them with the same commandId (the server applies each once).
 */
import { createContext } from 'svelte';
import type { Audience, Command, RecordedEvent, RoomState } from '$lib/domain';
// Deep imports: the browser folds events without loading zod (the schemas live in other modules).
import { evolveAll } from '$lib/domain/evolve';
import { RETRYABLE_CODES } from '$lib/protocol/codes';
import type {
	CommandResult,
	HelloMessage,
	Role,
	JoinResult,
	PresenceMessage,
	RoomEventsMessage,
	ServerStatusMessage
} from '$lib/protocol';
import { clockSkew, serverNow } from './server-clock';
import { newId, on, type RoomSocket } from './socket';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** What a store just applied: a whole state from a join (a new epoch starts here) or events in order. */
export type AppliedUpdate =
	{ kind: 'snapshot'; epoch: string; state: RoomState } | { kind: 'events'; events: readonly RecordedEvent[] };

export interface RoomStoreOptions {
	onNewBuild?: () => void;
	onRevoked?: () => void;
	/** Told of every change to `state`, in order (the fault suite records each client's history with it). */
	onApplied?: (update: AppliedUpdate) => void;
	/** The store feeds a wall: it joins as one, so the server sends only what a wall shows (the wall projection). */
	asWall?: boolean;
}

export interface OutboxEntry {
	commandId: string;
	command: Command;
	sentAt: number;
	settle: (result: CommandResult) => void;
	/** Sent and not yet answered; not sent again until it is. */
	inFlight: boolean;
	/**
	 * The server's acknowledgement, kept until this client's state reaches its version: the entry leaves the
	 * outbox when what it did is on screen, not before.
	 */
	acked: Extract<CommandResult, { ok: true }> | null;
}

const ACK_TIMEOUT_MS = 10_000;
/** A refused connection is tried again after this pause. */
const RECONNECT_MS = 2_000;
/** Backoff for joins answered "retry later" (the room could not be loaded just now). */
const JOIN_RETRY_MIN_MS = 500;
const JOIN_RETRY_MAX_MS = 10_000;
/** A live page checks its version this often anyway: no lost broadcast can leave a wall behind for long. */
const RESYNC_MS = 60_000;
/** Backoff for commands answered "retry later" (store briefly down, rate limited). */
const RESEND_MIN_MS = 500;
const RESEND_MAX_MS = 10_000;

/** What a person reads while this page resends a command the server asked to have sent again. */
function resendNotice(code: string): string {
	return code === 'rate_limited'
		? 'Too many changes at once: this page sends the rest again in a few seconds.'
		: 'Your changes could not be saved just now: this page sends them again by itself.';
}

export class RoomStore {
	/** The room as every screen computes it; null until the first join answers. */
	state = $state.raw<RoomState | null>(null);
	connection = $state<ConnectionState>('connecting');
	/** When this client last heard from the room (ms since epoch): the data's age on screen. */
	syncedAt = $state<number | null>(null);
	/** Commands sent but not yet acknowledged, oldest first. */
	outbox = $state.raw<OutboxEntry[]>([]);
	/** Events applied by the last update, for a brief highlight of what changed. */
	lastApplied = $state.raw<RecordedEvent[]>([]);
	/** Who the server says we are. */
	actor = $state<{ id: string; name: string } | null>(null);
	/** What this person may do in this room, as the server said on joining. */
	role = $state<Role | null>(null);
	/** What the server sends this connection of the room (a corridor screen gets only what corridor mode shows). */
	audience = $state<Audience | null>(null);
	/** The server refused this connection access to the room (no invite redeemed, or revoked). */
	denied = $state(false);
	error = $state<string | null>(null);
	/** Who else is connected to this room (people and screens), across every server instance. */
	presence = $state.raw<PresenceMessage['people']>([]);
	/** How far the server's clock is ahead of this screen's (ms), from `server:hello`. */
	skewMs = $state(0);

	readonly roomId: string;
	#socket: RoomSocket;
	#epoch: string | null = null;
	/**
	 * This connection is in the room: a join succeeded on it. A later join (to catch up) that fails leaves
	 * it in the room, as the server does, so events keep coming and commands keep going meanwhile.
	 */
	#joined = false;
	/** A join is in flight: events that arrive meanwhile wait in #buffer for its answer. */
	#joining = false;
	#joinDelay = JOIN_RETRY_MIN_MS;
	#buffer: RecordedEvent[] = [];
	#build: string | null = null;
	#retryTimer: ReturnType<typeof setTimeout> | undefined;
	#resendTimer: ReturnType<typeof setTimeout> | undefined;
	#resyncTimer: ReturnType<typeof setInterval> | undefined;
	#reconnectTimer: ReturnType<typeof setTimeout> | undefined;
	#resendDelay = RESEND_MIN_MS;
	#onNewBuild: (() => void) | undefined;
	#onRevoked: (() => void) | undefined;
	#onApplied: ((update: AppliedUpdate) => void) | undefined;
	#asWall: boolean;

	constructor(roomId: string, socket: RoomSocket, options: RoomStoreOptions = {}) {
		this.roomId = roomId;
		this.#socket = socket;
		this.#onNewBuild = options.onNewBuild;
		this.#onRevoked = options.onRevoked;
		this.#onApplied = options.onApplied;
		this.#asWall = options.asWall ?? false;
	}

	/** The typed socket this store joined with, for requests outside the room's events (screen management). */
	get socket(): RoomSocket {
		return this.#socket;
	}

	get version(): number {
		return this.state?.version ?? 0;
	}

	/** The server's time now (ms since the epoch): what every screen measures the room's times against. */
	serverNow(localNow: number = Date.now()): number {
		return serverNow(localNow, this.skewMs);
	}

	/** Starts listening and joining; returns the function that stops it all. */
	start(): () => void {
		const s = this.#socket;
		// The server cannot save (its store is down): keep showing the last state, say so, and
		// catch up when it is back (the server then sends room:stale).
		const onStatus = (m: ServerStatusMessage) => {
			if (m.store === 'unavailable' && s.connected) this.connection = 'reconnecting';
			else if (m.store === 'ok' && this.#joined) this.connection = 'live';
		};
		const onHello = (m: HelloMessage) => {
			this.actor = m.actor;
			this.skewMs = clockSkew(m.serverTime, Date.now());
			if (this.#build && m.build !== this.#build && m.build !== 'dev') this.#onNewBuild?.();
			this.#build = m.build;
		};
		// The server pings every few seconds: a quiet room that is still connected is still current.
		const onPing = () => {
			if (this.#joined) this.syncedAt = Date.now();
		};
		s.io.on('ping', onPing);
		const stops = [
			() => void s.io.off('ping', onPing),
			on(s, 'connect', () => this.#join()),
			on(s, 'disconnect', (reason: string) => {
				this.#joined = false;
				// The server closed the connection after a change of access elsewhere (another room): connect
				// again, with the rights the person has now. A revoked page stays stopped.
				if (reason === 'io server disconnect' && !this.denied) {
					clearTimeout(this.#reconnectTimer);
					this.#reconnectTimer = setTimeout(() => s.connect(), 500);
				}
				// Answers to what was in flight will not come on this connection: resend after the rejoin.
				for (const entry of this.outbox) entry.inFlight = false;
				// A page whose access ended stays offline: nothing connects it again.
				this.connection = this.denied ? 'offline' : 'reconnecting';
			}),
			on(s, 'room:events', (m: RoomEventsMessage) => this.#receive(m)),
			on(s, 'room:stale', (m: { roomId: string }) => m.roomId === this.roomId && this.#join()),
			on(s, 'server:hello', onHello),
			on(s, 'room:presence', (m: PresenceMessage) => {
				if (m.roomId === this.roomId) this.presence = m.people;
			}),
			on(s, 'server:status', onStatus),
			// This connection's access ended (a TV unpaired, a session revoked): stop, and let the page decide.
			on(s, 'access:revoked', (m: { reason: string; roomId?: string }) => {
				if (m.roomId !== undefined && m.roomId !== this.roomId) return;
				this.denied = true;
				this.connection = 'offline';
				this.error = m.reason;
				this.#onRevoked?.();
			}),
			// socket.io does not retry a connection the server refused; ours refuses only when it cannot check
			// access just now (its store is down), so try again after a pause.
			on(s, 'connect_error', () => {
				if (s.active) return;
				clearTimeout(this.#reconnectTimer);
				this.#reconnectTimer = setTimeout(() => s.connect(), RECONNECT_MS);
			})
		];
		if (s.connected) this.#join();
		// A join from our version costs nothing when nothing was missed (an empty list of events).
		this.#resyncTimer = setInterval(
			() => {
				if (this.#joined && !this.#joining) this.#join();
			},
			RESYNC_MS + Math.floor(Math.random() * 5_000)
		);
		return () => {
			clearInterval(this.#resyncTimer);
			clearTimeout(this.#retryTimer);
			clearTimeout(this.#resendTimer);
			clearTimeout(this.#reconnectTimer);
			for (const stop of stops) stop();
			if (s.connected) s.emit('room:leave', { roomId: this.roomId });
		};
	}

	/**
	 * Sends a command. It stays in the outbox until acknowledged and is resent with the same commandId
	 * after a reconnect, so it takes effect exactly once. Resolves with the server's answer.
	 */
	send(command: Command): Promise<CommandResult> {
		return new Promise((settle) => {
			const entry: OutboxEntry = { commandId: newId('c'), command, sentAt: Date.now(), settle, inFlight: false, acked: null };
			this.outbox = [...this.outbox, entry];
			if (this.#joined) this.#transmit(entry);
		});
	}

	#transmit(entry: OutboxEntry): void {
		if (entry.inFlight || entry.acked) return;
		entry.inFlight = true;
		this.#socket
			.timeout(ACK_TIMEOUT_MS)
			.emit('command', { roomId: this.roomId, commandId: entry.commandId, command: entry.command }, (err, result) => {
				entry.inFlight = false;
				// A lost ack or a "retry later" keeps the entry: it is sent again with the same commandId,
				// and the server applies it once.
				if (err || (!result.ok && RETRYABLE_CODES.has(result.code))) {
					// The server's message tells a protocol client what to do; this page does it, and says so.
					if (!err && !result.ok) this.error = resendNotice(result.code);
					return this.#scheduleResend();
				}
				this.#resendDelay = RESEND_MIN_MS;
				if (result.ok) {
					entry.acked = result;
					return this.#settleApplied();
				}
				this.outbox = this.outbox.filter((e) => e !== entry);
				this.error = result.message;
				entry.settle(result);
			});
	}

	/** Settles the acknowledged commands whose version this client's state has reached. */
	#settleApplied(): void {
		const version = this.state?.version;
		if (version === undefined) return;
		const applied = this.outbox.filter((e) => e.acked && e.acked.version <= version);
		if (!applied.length) return;
		this.outbox = this.outbox.filter((e) => !applied.includes(e));
		for (const entry of applied) if (entry.acked) entry.settle(entry.acked);
	}

	#scheduleResend(): void {
		if (this.#resendTimer !== undefined) return;
		this.#resendTimer = setTimeout(() => {
			this.#resendTimer = undefined;
			if (this.#joined) for (const entry of this.outbox) this.#transmit(entry);
		}, this.#resendDelay);
		this.#resendDelay = Math.min(this.#resendDelay * 2, RESEND_MAX_MS);
	}

	#join(): void {
		if (this.#joining) return;
		this.#joining = true;
		clearTimeout(this.#retryTimer);
		const since = this.state && this.#epoch ? { version: this.state.version, epoch: this.#epoch } : undefined;
		const request = this.#asWall ? { roomId: this.roomId, since, as: 'wall' as const } : { roomId: this.roomId, since };
		this.#socket.timeout(ACK_TIMEOUT_MS).emit('room:join', request, (err, result) => {
			this.#joining = false;
			if (err) this.#retryJoin();
			if (err || !this.#accept(result)) {
				// Still in the room (an earlier join on this connection holds): what arrived meanwhile applies.
				if (this.#joined) this.#drainBuffer();
				return;
			}
			this.#joined = true;
			this.#joinDelay = JOIN_RETRY_MIN_MS;
			this.connection = 'live';
			this.syncedAt = Date.now();
			for (const entry of this.outbox) this.#transmit(entry);
		});
	}

	/** Joins again after a pause that doubles with each failure (reset by a join that succeeds). */
	#retryJoin(): void {
		clearTimeout(this.#retryTimer);
		if (!this.#socket.connected) return;
		this.#retryTimer = setTimeout(() => this.#join(), this.#joinDelay);
		this.#joinDelay = Math.min(this.#joinDelay * 2, JOIN_RETRY_MAX_MS);
	}

	#accept(result: JoinResult): boolean {
		if (!result.ok) {
			this.error = result.message;
			// No such room, or no access to it: retrying will not help until the person does something.
			if (result.code === 'unknown_room' || result.code === 'unauthenticated' || result.code === 'forbidden') {
				this.#joined = false;
				this.connection = 'offline';
				this.denied = result.code !== 'unknown_room';
			} else this.#retryJoin();
			return false;
		}
		this.role = result.role;
		this.audience = result.audience;
		this.denied = false;
		if (result.mode === 'snapshot') {
			this.#epoch = result.epoch;
			this.state = result.state;
			this.lastApplied = [];
			this.#onApplied?.({ kind: 'snapshot', epoch: result.epoch, state: result.state });
			this.#settleApplied();
		} else {
			this.#epoch = result.epoch;
			this.#apply(result.events);
		}
		this.#drainBuffer();
		this.error = null;
		return true;
	}

	/** Events broadcast while a join was in flight: keep only what follows our version. */
	#drainBuffer(): void {
		const buffered = this.#buffer;
		this.#buffer = [];
		this.#apply(buffered);
	}

	#receive(message: RoomEventsMessage): void {
		if (message.roomId !== this.roomId) return;
		if (!this.#joined || this.#joining) {
			this.#buffer.push(...message.events);
			return;
		}
		if (message.epoch !== this.#epoch) {
			// History was rewritten (restore from backup): start over from a snapshot.
			this.state = null;
			this.#epoch = null;
			return this.#join();
		}
		this.#apply(message.events);
		this.syncedAt = Date.now();
	}

	/** Applies events in order; a gap means something was missed, so catch up from our version. */
	#apply(events: readonly RecordedEvent[]): void {
		if (!this.state) return;
		const fresh: RecordedEvent[] = [];
		let expected = this.state.version + 1;
		for (const e of events) {
			if (e.v < expected) continue;
			if (e.v > expected) {
				this.#commit(fresh);
				return this.#join();
			}
			fresh.push(e);
			expected++;
		}
		this.#commit(fresh);
	}

	#commit(events: RecordedEvent[]): void {
		if (!events.length || !this.state) return;
		this.state = evolveAll(this.state, events);
		this.lastApplied = events;
		this.#onApplied?.({ kind: 'events', events });
		this.#settleApplied();
	}
}

const [getRoomStore, setRoomStoreContext] = createContext<RoomStore>();

/** Hands a room store to every component below. */
export const setRoomStore = setRoomStoreContext;
/** The room store set by an ancestor (a room page). */
export const useRoomStore = getRoomStore;
