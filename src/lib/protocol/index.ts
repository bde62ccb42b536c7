/**
 * The wire contract between browsers and the server (socket.io). Zod schemas first, types derived;
 * both `Server` and the client `Socket` are generic over the event maps below, so neither side can
 * drift from the other.
 *
 * Flow:
 *   client --room:join {roomId, since?}--> server  ack: events since `since`, or a snapshot
 *   client --command {roomId, commandId, command}--> server  ack: {ok, version} | {ok:false, code}
 *   server --room:events {roomId, epoch, events}--> every client in the room, after the append committed
 */
import { z } from 'zod';
import { Command, Id, RecordedEvent, Role, RoomState, type Audience } from '../domain';
import { ErrorResult } from './errors';
import { HEALTH_EVERY_MS } from './health-timing';
import {
	DisplayActRequest,
	DisplayActResult,
	DisplayActionMessage,
	DisplayHealthReport,
	ScreensStatusRequest,
	ScreensStatusResult
} from './screens';

export * from './screens';

/** Hard caps applied before any parsing (socket.io's maxHttpBufferSize) and by the schemas. */
export const WIRE_LIMITS = {
	/** Largest socket message the server accepts, in bytes. */
	maxMessageBytes: 1_000_000,
	/** Most events sent in one catch-up answer; a client further behind gets a snapshot. */
	maxCatchUpEvents: 2_000
} as const;

export * from './errors';

/** A room's position in its history. `epoch` changes only when history is rewritten (restore). */
export const Position = z.strictObject({ version: z.int().min(0), epoch: z.string().max(64) });
export type Position = z.infer<typeof Position>;

/**
 * client -> server: join a room, optionally from a known position; the wall page adds `as: 'wall'` and is
 * sent only what a wall shows (the wall projection). Example: `{ roomId: 'demo', since: { version: 120, epoch: 'k2…' }, as: 'wall' }`
 */
export const JoinRequest = z.strictObject({ roomId: Id, since: Position.optional(), as: z.literal('wall').optional() });
export type JoinRequest = z.infer<typeof JoinRequest>;

/** client -> server: stop receiving a room's events (no answer). Example: `{ roomId: 'demo' }` */
export const LeaveRequest = z.strictObject({ roomId: z.string().max(64) });
export type LeaveRequest = z.infer<typeof LeaveRequest>;

/**
 * server -> client, the answer to a join: the events after `since` when the log still has them
 * (and the epoch matches), else the whole state at a version.
 */
export type JoinAnswer =
	| { ok: true; mode: 'events'; roomId: string; epoch: string; events: RecordedEvent[] }
	| { ok: true; mode: 'snapshot'; roomId: string; epoch: string; state: RoomState }
	| ErrorResult;
/** What the server sends a connection in a room: everything, a viewer's share, what a wall shows, or what corridor mode shows. */
export const AudienceSchema = z.enum(['full', 'viewer', 'wall', 'corridor']) satisfies z.ZodType<Audience>;

const joined = { ok: z.literal(true), roomId: z.string(), epoch: z.string(), role: Role, audience: AudienceSchema };
/**
 * The join answer as the client gets it: with the role it has in the room, and what the server sends it
 * (a screen paired as a corridor display gets only what corridor mode shows, whatever its URL says).
 */
export const JoinResult = z.union([
	z.strictObject({ ...joined, mode: z.literal('events'), events: z.array(RecordedEvent) }),
	z.strictObject({ ...joined, mode: z.literal('snapshot'), state: RoomState }),
	ErrorResult
]);
export type JoinResult = z.infer<typeof JoinResult>;

/** What a member may do in a room (the domain's one definition). */
export { Role };

/** client -> server: one command. Example: `{ roomId: 'demo', commandId: 'c-1f…', command: { type: 'team.post', … } }` */
export const CommandRequest = z.strictObject({
	roomId: Id,
	/** Made by the client, reused on every retry: the server applies a commandId at most once. */
	commandId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'commandIds are 8-64 letters, digits, - or _'),
	command: Command
});
export type CommandRequest = z.infer<typeof CommandRequest>;

/** server -> client, the answer to a command. `duplicate` is true when it had been applied before. */
export const CommandResult = z.union([
	z.strictObject({ ok: z.literal(true), version: z.int().min(1), duplicate: z.boolean() }),
	ErrorResult
]);
export type CommandResult = z.infer<typeof CommandResult>;

/** server -> clients in a room: events in order, right after they were committed. */
export const RoomEventsMessage = z.strictObject({ roomId: z.string(), epoch: z.string(), events: z.array(RecordedEvent) });
export type RoomEventsMessage = z.infer<typeof RoomEventsMessage>;

/** Sent on connect: the build the server runs, so a wall can reload itself after a deploy. */
export const HelloMessage = z.strictObject({
	build: z.string(),
	actor: z.strictObject({ id: z.string(), name: z.string() }),
	/** Whether the connection carries a session (an invite was redeemed, or a TV was paired). */
	signedIn: z.boolean(),
	/**
	 * The server's clock when it sent this (ms since the epoch). Times in the room are the server's; a
	 * screen measures "since then" against this clock, not its own (see src/lib/client/server-clock.ts).
	 */
	serverTime: z.number()
});
export type HelloMessage = z.infer<typeof HelloMessage>;

/** What a client may put in the socket handshake `auth` (never in a query string). */
export const HandshakeAuth = z.object({
	/** Ignored: the name on a session's changes is the one the server holds (see POST /api/me/name). */
	name: z.string().trim().max(60).optional(),
	clientId: z
		.string()
		.regex(/^[A-Za-z0-9_-]{8,64}$/)
		.optional(),
	/** A wall (TV or big screen) or a person's app; presence lists them apart. */
	kind: z.enum(['screen', 'person']).optional(),
	/** A session token, for clients without cookies (scripts, tests). Browsers use the httpOnly cookie. */
	token: z.string().max(100).optional()
});
export type HandshakeAuth = z.infer<typeof HandshakeAuth>;

/** Who is connected to a room, across every instance. Example: `{ roomId: 'demo', people: [{ name: 'Dana', kind: 'person', … }] }` */
export const PresenceMessage = z.strictObject({
	roomId: z.string(),
	people: z.array(z.strictObject({ id: z.string(), name: z.string(), role: Role, kind: z.enum(['screen', 'person']) }))
});
export type PresenceMessage = z.infer<typeof PresenceMessage>;

/** Whether the server can currently save commands (Redis mode: whether Redis answers). */
export const ServerStatusMessage = z.strictObject({ store: z.enum(['ok', 'unavailable']) });
export type ServerStatusMessage = z.infer<typeof ServerStatusMessage>;

/** Something may have been missed in a room: pull from your version. */
export const RoomStaleMessage = z.strictObject({ roomId: z.string() });
export type RoomStaleMessage = z.infer<typeof RoomStaleMessage>;

/** Why a connection's access ended; with `roomId`, only in that room. */
export const AccessRevokedMessage = z.strictObject({ reason: z.string(), roomId: z.string().optional() });
export type AccessRevokedMessage = z.infer<typeof AccessRevokedMessage>;

/**
 * Every client -> server message: its payload, the answer it gets through the acknowledgement (null: none)
 * and what it is for. The socket.io event map below is derived from it, and so is docs/protocol.md.
 */
export const CLIENT_MESSAGES = {
	'room:join': {
		request: JoinRequest,
		ack: JoinResult,
		purpose: 'Join a room (and start receiving its events), or catch up after a reconnection or a `room:stale`.'
	},
	'room:leave': { request: LeaveRequest, ack: null, purpose: "Stop receiving a room's events and presence." },
	command: { request: CommandRequest, ack: CommandResult, purpose: 'Send one command to a room you have joined.' },
	'display:health': {
		request: DisplayHealthReport,
		ack: null,
		purpose: `A paired TV's health, every ${HEALTH_EVERY_MS / 1000} seconds and after each join (src/lib/protocol/screens.ts).`
	},
	'screens:status': {
		request: ScreensStatusRequest,
		ack: ScreensStatusResult,
		purpose: "A facilitator reads every paired screen's health."
	},
	'display:act': {
		request: DisplayActRequest,
		ack: DisplayActResult,
		purpose: 'A facilitator asks a screen to identify itself or reload.'
	}
} as const;

/**
 * Every server -> client message: its payload and when the server sends it. The socket.io event map below
 * is derived from it, and so is docs/protocol.md.
 */
export const SERVER_MESSAGES = {
	'server:hello': {
		payload: HelloMessage,
		when: 'First, on every connection: the build the server runs (a page reloads itself after a deploy), who the connection acts as, whether it has a session, and the server clock.'
	},
	'server:status': {
		payload: ServerStatusMessage,
		when: 'On every connection, right after `server:hello`, and to every connection whenever the store becomes unavailable or available again (Redis mode: whether Redis answers). While it says `unavailable`, commands fail with the retryable code `unavailable`.'
	},
	'room:events': {
		payload: RoomEventsMessage,
		when: "To every connection in a room, right after events were committed, in order and numbered by version; each audience gets its projection (a corridor screen never receives what corridor mode hides). A command's ack comes after the `room:events` carrying its events."
	},
	'room:stale': {
		payload: RoomStaleMessage,
		when: 'When a connection may have missed events: after a fan-out or store outage, when events cannot be projected for its audience, or when its paired display was registered or changed mode. Answer it by joining again with `since` set to your position.'
	},
	'room:presence': {
		payload: PresenceMessage,
		when: 'To the people (not screens) in a room, whenever someone joins or leaves it, on any instance: who is connected now.'
	},
	'access:revoked': {
		payload: AccessRevokedMessage,
		when: "This connection's access ended (its display was unpaired, its session revoked or expired, the room deleted) or, with `roomId`, changed in that room (the person was removed). The server closes the connection about 200 ms later; do not reconnect with the same session for that room. A role change closes the connection without this message: reconnect and join again to get the new role."
	},
	'display:action': {
		payload: DisplayActionMessage,
		when: 'To one paired screen, when a facilitator asks it to identify itself (show its name large for a few seconds) or to reload.'
	}
} as const;

type Infer<S> = S extends z.ZodType ? z.infer<S> : never;

/** The answer a client message gets through its acknowledgement (never, for one without). */
export type AckResult<K extends keyof typeof CLIENT_MESSAGES> = Infer<(typeof CLIENT_MESSAGES)[K]['ack']>;

/** The client -> server event map, derived from CLIENT_MESSAGES. */
export type ClientToServerEvents = {
	[K in keyof typeof CLIENT_MESSAGES]: (typeof CLIENT_MESSAGES)[K]['ack'] extends z.ZodType
		? (
				request: Infer<(typeof CLIENT_MESSAGES)[K]['request']>,
				ack: (result: Infer<(typeof CLIENT_MESSAGES)[K]['ack']>) => void
			) => void
		: (request: Infer<(typeof CLIENT_MESSAGES)[K]['request']>) => void;
};

/** The server -> client event map, derived from SERVER_MESSAGES. */
export type ServerToClientEvents = {
	[K in keyof typeof SERVER_MESSAGES]: (message: Infer<(typeof SERVER_MESSAGES)[K]['payload']>) => void;
};

/** Between server instances (Redis mode), never to a browser. */
export interface InterServerEvents {
	/** A room was deleted on another instance: forget what this one cached of it. */
	'room:deleted': (roomId: string) => void;
}

export interface SocketData {
	actor: HelloMessage['actor'];
	kind: 'screen' | 'person';
	/** A person in their own name (not a paired screen, a guest link or a wall page): may check in and vote. */
	person: boolean;
	/** The session's id (not its token), or null for a connection without access. */
	sessionId: string | null;
	/** Role per room, from the session, read when the connection opened. */
	grants: Record<string, Role>;
	/** For a paired screen: its display per room, from the session. */
	displays: Record<string, string>;
	/** What each joined room sends this connection (decided at join). */
	audiences: Record<string, Audience>;
	/** When the session ends by itself (ms since the epoch); its connections close then. */
	sessionEndsAt: number | null;
	/** When the server last checked that the session is still live (ms since the epoch). */
	sessionCheckedAt: number;
}

/** Turns zod issues into the short, path-based form sent to clients. */
export function toIssues(error: z.ZodError): Array<{ path: string; message: string }> {
	return error.issues.slice(0, 20).map((i) => ({
		path: i.path.map(String).join('.') || '(root)',
		message: i.message
	}));
}

/** The error the server answers when a payload does not parse. */
export function invalidPayload(error: z.ZodError): ErrorResult {
	const issues = toIssues(error);
	const first = issues[0];
	return {
		ok: false,
		code: 'invalid_payload',
		message: first ? `Invalid ${first.path}: ${first.message}` : 'Invalid payload.',
		issues
	};
}

/**
 * One room in `GET /api/rooms`: a room this browser's session may open, with its role there (null: an
 * instance admin who is not a member, and sees the room so that none is ever orphaned).
 */
export interface RoomSummary {
	id: string;
	name: string;
	organisation: string;
	version: number;
	role: Role | null;
	/** Archived: read-only, listed apart, restorable from the room's settings. */
	archived: boolean;
}

/** `GET /api/rooms`: the rooms this browser's session has joined (an instance admin: every room). */
export interface RoomList {
	rooms: RoomSummary[];
	/** Whether this browser may create rooms (an instance admin, or anyone when the instance allows it). */
	mayCreateRooms: boolean;
	/** Whether this browser is an instance admin's (sees every room, grants any role). */
	instanceAdmin: boolean;
}
