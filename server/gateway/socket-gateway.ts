/**
 * The socket.io gateway: a thin adapter. Per message: check the ack, parse with zod, call the engine,
 * answer with a typed result. Nothing a client sends reaches the engine unparsed, and no handler can
 * throw into socket.io.
 */
import type { Logger } from '../log';
import { randomUUID } from 'node:crypto';
import {
	CommandRequest,
	HandshakeAuth,
	JoinRequest,
	LeaveRequest,
	invalidPayload,
	type AckResult,
	type ErrorResult,
	type RoomEventsMessage
} from '../../src/lib/protocol';
import {
	SERVER_ONLY_COMMANDS,
	audienceFor,
	mayIssue,
	isPersonal,
	NOT_A_PERSON,
	own,
	projectEvents,
	projectState,
	type Audience
} from '../../src/lib/domain';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AccessService } from '../access/access-service';
import { sessionTokenFromCookies } from '../http/session';
import type { Broadcaster, RoomEngine } from '../engine/room-engine';

import { audienceChannel, displayChannel, peopleChannel, roomChannel, type AppServer, type AppSocket } from './channels';
import { encodedOnce, encodeJoinAnswersOnce } from './join-encoding';
import { clientAddress, type TrustProxy } from '../http/origin';
import { connectionCounter, mayRunCommand, type ConnectionLimits } from './limits';
import { createPresence } from './presence';
import { screenHandlers } from './screens';
import type { DisplayStatus } from '../displays/display-status';
import { watchSessionLifetimes } from './session-expiry';

export { roomChannel, type AppServer };

/** The socket.io room of one session, so revoking it can close its connections on every instance. */
export const sessionChannel = (sessionId: string) => `session:${sessionId}`;

const AUDIENCES: readonly Audience[] = ['full', 'viewer', 'wall', 'corridor'];

/**
 * The engine's only way out, after the append committed: one emit per audience of the room, each with
 * the events as that audience may see them. An audience whose events cannot be projected without the
 * state is told to join again (it then gets a projected snapshot). A display whose mode changed is told
 * to join again too, so it moves to its new audience.
 */
export function socketBroadcaster(io: AppServer): Broadcaster {
	return {
		publish(message: RoomEventsMessage) {
			const { roomId } = message;
			// Most events are the same for every audience: one emit to all their channels (one encoding,
			// one message between instances), as before there were audiences.
			const same: string[] = [];
			for (const audience of AUDIENCES) {
				const events = projectEvents(message.events, audience);
				const channel = audienceChannel(roomId, audience);
				if (events === message.events) same.push(channel);
				else if (events) io.to(channel).emit('room:events', { ...message, events });
				else io.to(channel).emit('room:stale', { roomId });
			}
			// Never `io.to([])`: with no channel named, socket.io sends to every connection (ballots included).
			if (same.length) io.to(same).emit('room:events', message);
			for (const { event } of message.events) {
				const displayId =
					event.type === 'display.registered'
						? event.display.id
						: event.type === 'display.updated' && event.patch.mode
							? event.displayId
							: null;
				if (displayId) io.to(displayChannel(roomId, displayId)).emit('room:stale', { roomId });
			}
		}
	};
}

const noSnapshot = (roomId: string): ErrorResult => ({
	ok: false,
	code: 'unavailable',
	message: `Room "${roomId}" could not be loaded just now. Join again in a moment.`
});

const notJoined = (roomId: string): ErrorResult => ({
	ok: false,
	code: 'unauthenticated',
	message: `Join room "${roomId}" before sending commands to it.`
});

const noAccess = (roomId: string): ErrorResult => ({
	ok: false,
	code: 'unauthenticated',
	message: `You have no access to room "${roomId}". Open the invite link you were given, or ask the facilitator for one.`
});

/** The client events answered through an acknowledgement. */
type AckedEvent = 'room:join' | 'command';
/** The answer an event's acknowledgement takes, from the protocol's event map, so the compiler checks every reply. */
type AckOf<E extends AckedEvent> = AckResult<E>;
/** What a failure log names once the payload is read: the room and the command (never the command's content). */
interface HandlerContext {
	roomId?: string;
	commandId?: string;
}

export interface GatewayDeps {
	/** Which proxies to believe for the client's address (TRUST_PROXY); null: none. */
	trustProxy: TrustProxy | null;
	engine: RoomEngine;
	log: Logger;
	build: string;
	/** Whether the store can save right now; sent to each client on connect. */
	storeStatus: () => 'ok' | 'unavailable';
	access: AccessService;
	commandLimiter: RateLimiterAbstract;
	/** Command budgets shared by a session's connections and by an address (none when absent). */
	sessionCommandLimiter?: RateLimiterAbstract;
	addressCommandLimiter?: RateLimiterAbstract;
	/** Most open connections per client address, with and without a session (no limit when absent). */
	connectionLimits?: ConnectionLimits;
	/** How often connections are checked against their session's lifetime (default every minute). */
	sessionSweepMs?: number;
	/** Paired screens' health (server/displays/display-status.ts). */
	displayStatus: DisplayStatus;
}

/** Wires the handlers of every connection. */
export function attachGateway(io: AppServer, deps: GatewayDeps) {
	const { engine, log, build } = deps;
	const presence = createPresence(io, log);
	const screens = screenHandlers({ io, engine, status: deps.displayStatus, log });
	const stopSweep = watchSessionLifetimes(io, deps.access, log, deps.sessionSweepMs);
	const connections = connectionCounter(deps.connectionLimits ?? { perAddress: Infinity, anonymousPerAddress: Infinity });
	const commandLimits = {
		connection: deps.commandLimiter,
		session: deps.sessionCommandLimiter,
		address: deps.addressCommandLimiter
	};

	io.use((socket, next) => {
		const auth = HandshakeAuth.safeParse(socket.handshake.auth ?? {});
		const token = (auth.success && auth.data.token) || sessionTokenFromCookies(socket.request.headers.cookie);
		deps.access
			.session(token)
			.then((session) => {
				if (!connections.admits(clientAddress(socket.request, deps.trustProxy), session !== null)) {
					return next(
						new Error(
							'Too many connections from your network address. Close pages or screens you no longer use; the operator can raise MAX_CONNECTIONS_PER_ADDRESS.'
						)
					);
				}
				// A connection without a session may connect (to be told what to do) but joins nothing.
				socket.data.sessionId = session?.id ?? null;
				socket.data.grants = Object.fromEntries(Object.entries(session?.grants ?? {}).map(([room, g]) => [room, g.role]));
				socket.data.displays = Object.fromEntries(
					Object.entries(session?.grants ?? {}).flatMap(([room, g]) => (g.displayId ? [[room, g.displayId]] : []))
				);
				socket.data.audiences = {};
				socket.data.sessionEndsAt = session ? deps.access.endsAt(session) : null;
				socket.data.sessionCheckedAt = deps.access.now();
				// A wall page says it is a screen even when a person's session opened it.
				socket.data.kind = (auth.success && auth.data.kind) || session?.kind || 'person';
				socket.data.person = session?.kind === 'person' && session.guest !== true && socket.data.kind === 'person';
				// The name on a session's changes is the one the server holds (renaming is POST /api/me/name);
				// a name in the handshake is ignored.
				// An account's changes carry its id, so one person is one author on every device.
				socket.data.actor = {
					id: session?.accountId ?? session?.id ?? (auth.success ? auth.data.clientId : undefined) ?? randomUUID(),
					name: session?.name ?? 'Guest'
				};
				next();
			})
			.catch(() => next(new Error('The server could not check your access just now; retrying.')));
	});

	io.on('connection', (socket: AppSocket) => {
		const address = clientAddress(socket.request, deps.trustProxy);
		const hasSession = socket.data.sessionId !== null;
		connections.opened(address, hasSession);
		socket.on('disconnect', () => connections.closed(address, hasSession));
		encodeJoinAnswersOnce(socket);
		screens.attach(socket);
		socket.emit('server:hello', {
			build,
			actor: socket.data.actor,
			signedIn: socket.data.sessionId !== null,
			// The clock the engine stamps the room's times with.
			serverTime: Date.now()
		});
		if (socket.data.sessionId) void socket.join(sessionChannel(socket.data.sessionId));
		socket.emit('server:status', { store: deps.storeStatus() });
		socket.on('disconnecting', () => {
			for (const channel of socket.rooms) {
				if (channel.startsWith('room:')) presence.changed(channel.slice('room:'.length));
			}
		});

		socket.on('room:join', (raw: unknown, ack: unknown) =>
			guarded(socket, 'room:join', ack, async (reply, context) => {
				const parsed = JoinRequest.safeParse(raw);
				if (!parsed.success) return reply(invalidPayload(parsed.error));
				const { roomId, since, as } = parsed.data;
				context.roomId = roomId;
				const role = Object.hasOwn(socket.data.grants, roomId) ? socket.data.grants[roomId]! : null;
				if (!role) return reply(noAccess(roomId));
				const displayId = own(socket.data.displays, roomId);
				// A paired screen's audience depends on its display's mode, which lives in the room.
				const audience = audienceFor(displayId === undefined ? null : await engine.state(roomId), role, displayId, as === 'wall');
				const before = own(socket.data.audiences, roomId);
				// Join the channels first, so nothing committed after the read below can be missed;
				// the client drops what it already has by version.
				const channels = [roomChannel(roomId), audienceChannel(roomId, audience)];
				if (socket.data.kind === 'person') channels.push(peopleChannel(roomId));
				if (displayId !== undefined) channels.push(displayChannel(roomId, displayId));
				const added = channels.filter((channel) => !socket.rooms.has(channel));
				await socket.join(added);
				// A client whose audience changed holds the other projection: it gets a snapshot. So does a paired
				// screen's new connection: its display's mode may have changed while it was away.
				const sameAudience = before === undefined ? displayId === undefined : before === audience;
				const result = await engine.join(roomId, sameAudience ? since : undefined);
				if (!result.ok) {
					// A failed join leaves the socket as it was: a client already in the room (catching up
					// after room:stale) keeps its events and may keep sending while it joins again.
					for (const channel of added) await socket.leave(channel);
					return reply(result);
				}
				if (before !== undefined && before !== audience) await socket.leave(audienceChannel(roomId, before));
				socket.data.audiences[roomId] = audience;
				presence.changed(roomId);
				screens.joined(socket, roomId);
				const events = result.mode === 'events' ? projectEvents(result.events, audience) : null;
				if (result.mode === 'events' && events) return reply({ ...result, events, role, audience });
				// A snapshot, or catch-up events that cannot be projected without the state.
				const snapshot = result.mode === 'snapshot' ? result : await engine.join(roomId);
				if (!snapshot.ok || snapshot.mode !== 'snapshot') return reply(snapshot.ok ? noSnapshot(roomId) : snapshot);
				reply(encodedOnce({ ...snapshot, state: projectState(snapshot.state, audience), role, audience }));
			})
		);

		socket.on('room:leave', (raw: unknown) => {
			const parsed = LeaveRequest.safeParse(raw);
			if (!parsed.success) return;
			const { roomId } = parsed.data;
			for (const channel of [roomChannel(roomId), peopleChannel(roomId), ...AUDIENCES.map((a) => audienceChannel(roomId, a))]) {
				void socket.leave(channel);
			}
			const displayId = own(socket.data.displays, roomId);
			if (displayId !== undefined) void socket.leave(displayChannel(roomId, displayId));
			delete socket.data.audiences[roomId];
			presence.changed(parsed.data.roomId);
		});

		socket.on('command', (raw: unknown, ack: unknown) =>
			guarded(socket, 'command', ack, async (reply, context) => {
				const parsed = CommandRequest.safeParse(raw);
				if (!parsed.success) return reply(invalidPayload(parsed.error));
				const { roomId, commandId, command } = parsed.data;
				Object.assign(context, { roomId, commandId });
				const role = Object.hasOwn(socket.data.grants, roomId) ? socket.data.grants[roomId]! : null;
				if (!role) return reply(noAccess(roomId));
				// Checked here too (decide checks it again) so a refused role never learns anything, not even
				// that a commandId was used before.
				if (!mayIssue(role, command.type)) {
					return reply({ ok: false, code: 'forbidden', message: `A ${role} cannot do this here.` });
				}
				// Checking in and voting are in one's own name: never from a paired screen or a guest link.
				const person = socket.data.person && own(socket.data.displays, roomId) === undefined;
				if (isPersonal(command.type) && !person) return reply({ ok: false, code: 'forbidden', message: NOT_A_PERSON });
				if (SERVER_ONLY_COMMANDS.has(command.type)) {
					return reply({
						ok: false,
						code: 'forbidden',
						message: 'Imports and restores go through the Curate page, not a socket.'
					});
				}
				// Creating a room is the one command sent before joining it (there is nothing to join yet).
				if (command.type !== 'room.create' && !socket.rooms.has(roomChannel(roomId))) return reply(notJoined(roomId));
				const allowed = await mayRunCommand(commandLimits, { socketId: socket.id, sessionId: socket.data.sessionId, address });
				if (!allowed) {
					return reply({
						ok: false,
						code: 'rate_limited',
						message:
							'Too many changes were sent in the last few seconds, so this one was not applied. ' +
							'Wait a few seconds, then send it again with the same commandId.'
					});
				}
				reply(await engine.execute(roomId, commandId, command, { ...socket.data.actor, role, person }));
			})
		);
	});

	/**
	 * Runs a handler that must answer through an ack. A message without an ack callback is dropped
	 * (there is nobody to answer); a thrown error becomes an `internal` result, never a crash.
	 */
	function guarded<E extends AckedEvent>(
		socket: AppSocket,
		event: E,
		ack: unknown,
		handler: (reply: (result: AckOf<E>) => void, context: HandlerContext) => Promise<void>
	): void {
		if (typeof ack !== 'function') {
			log.warn({ socketId: socket.id, event }, 'message without acknowledgement dropped');
			return;
		}
		const answer = ack as (result: AckOf<E> | ErrorResult) => void;
		const context: HandlerContext = {};
		let answered = false;
		const reply = (result: AckOf<E> | ErrorResult) => {
			if (answered) return;
			answered = true;
			answer(result);
		};
		handler(reply, context).catch((error: unknown) => {
			log.error({ socketId: socket.id, event, ...context, err: String(error) }, 'handler failed');
			// The handler may have failed after the engine applied the command, so say only what is known.
			reply({
				ok: false,
				code: 'internal',
				message:
					'Something went wrong on the server. A command may or may not have been applied; ' +
					'send it again with the same commandId (it takes effect at most once).'
			});
		});
	}

	return { presence, stopSweep };
}
