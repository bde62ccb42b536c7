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
import type {
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

/** The closed list of error codes a client can receive. */
export const ErrorCode = z.enum([
	/** The payload did not match the schema; `issues` says where. Not retryable as is. */
	'invalid_payload',
	/** No room with that id. */
	'unknown_room',
	/** The command names something that does not exist. */
	'not_found',
	/**
	 * The command conflicts with the current state (already exists, already in that status), or its
	 * commandId was already used for a different command. Not applied.
	 */
	'conflict',
	/** The command breaks a rule of the method (e.g. a fix team from one department). */
	'rule_violation',
	/** The sender's role may not do this. */
	'forbidden',
	/** The sender has not joined the room, or is not signed in. */
	'unauthenticated',
	/** Too many commands too fast; not applied: wait a few seconds, then resend with the same commandId. */
	'rate_limited',
	/**
	 * The store is unreachable or busy. The command may or may not have been applied (a store can fail after
	 * writing): resend it with the same commandId, which takes effect at most once.
	 */
	'unavailable',
	/** A bug on our side; the command may or may not have been applied: resend it with the same commandId. */
	'internal'
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export { RETRYABLE_CODES } from './codes';

/** The failure half of every acknowledgement. Example: `{ ok: false, code: 'forbidden', message: 'A viewer cannot…' }` */
export interface ErrorResult {
	ok: false;
	code: ErrorCode;
	message: string;
	/** For invalid_payload: where the payload went wrong. */
	issues?: Array<{ path: string; message: string }>;
}

/** A room's position in its history. `epoch` changes only when history is rewritten (restore). */
export const Position = z.strictObject({ version: z.int().min(0), epoch: z.string().max(64) });
export type Position = z.infer<typeof Position>;

/** client -> server: join a room, optionally from a known position. Example: `{ roomId: 'demo', since: { version: 120, epoch: 'k2…' } }` */
export const JoinRequest = z.strictObject({ roomId: Id, since: Position.optional() });
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
/**
 * The join answer as the client gets it: with the role it has in the room, and what the server sends it
 * (a screen paired as a corridor display gets only what corridor mode shows, whatever its URL says).
 */
export type JoinResult = (Extract<JoinAnswer, { ok: true }> & { role: Role; audience: Audience }) | ErrorResult;

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
export type CommandResult = { ok: true; version: number; duplicate: boolean } | ErrorResult;

/** server -> clients in a room: events in order, right after they were committed. */
export interface RoomEventsMessage {
	roomId: string;
	epoch: string;
	events: RecordedEvent[];
}

/** Sent on connect: the build the server runs, so a wall can reload itself after a deploy. */
export interface HelloMessage {
	build: string;
	actor: { id: string; name: string };
	/** Whether the connection carries a session (an invite was redeemed, or a TV was paired). */
	signedIn: boolean;
	/**
	 * The server's clock when it sent this (ms since the epoch). Times in the room are the server's; a
	 * screen measures "since then" against this clock, not its own (see src/lib/client/server-clock.ts).
	 */
	serverTime: number;
}

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
export interface PresenceMessage {
	roomId: string;
	people: Array<{ id: string; name: string; role: Role; kind: 'screen' | 'person' }>;
}

/** Whether the server can currently save commands (Redis mode: whether Redis answers). */
export interface ServerStatusMessage {
	store: 'ok' | 'unavailable';
}

export interface ClientToServerEvents {
	'room:join': (request: JoinRequest, ack: (result: JoinResult) => void) => void;
	'room:leave': (request: LeaveRequest) => void;
	command: (request: CommandRequest, ack: (result: CommandResult) => void) => void;
	/** A paired TV's health (src/lib/protocol/screens.ts); no answer. */
	'display:health': (report: DisplayHealthReport) => void;
	/** A facilitator reads every paired screen's health. */
	'screens:status': (request: ScreensStatusRequest, ack: (result: ScreensStatusResult) => void) => void;
	/** A facilitator asks a screen to identify itself or reload. */
	'display:act': (request: DisplayActRequest, ack: (result: DisplayActResult) => void) => void;
}

export interface ServerToClientEvents {
	'server:hello': (message: HelloMessage) => void;
	'room:events': (message: RoomEventsMessage) => void;
	/** Something may have been missed (e.g. a fan-out outage): pull from your version. */
	'room:stale': (message: { roomId: string }) => void;
	/** Sent to a room whenever someone joins or leaves it. */
	'room:presence': (message: PresenceMessage) => void;
	/**
	 * This connection's access ended (its display was unpaired, its session revoked), or, with `roomId`,
	 * changed in that room (a role changed, the person removed). The server then closes the connection; a
	 * page of another room connects again and keeps its rights there.
	 */
	'access:revoked': (message: { reason: string; roomId?: string }) => void;
	/** Sent on connect and whenever the store becomes unavailable or available again. */
	'server:status': (message: ServerStatusMessage) => void;
	/** To one paired screen: identify yourself, or reload (asked by a facilitator). */
	'display:action': (message: DisplayActionMessage) => void;
}

/** Between server instances (Redis mode), never to a browser. */
export interface InterServerEvents {
	/** A room was deleted on another instance: forget what this one cached of it. */
	'room:deleted': (roomId: string) => void;
}

export interface SocketData {
	actor: HelloMessage['actor'];
	kind: 'screen' | 'person';
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
