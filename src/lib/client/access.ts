/**
 * The browser's side of the access API (server/http/access-api.ts): redeem an invite, who am I, invite
 * links, TV pairing. Every helper answers `{ ok: true, ... }` or `{ ok: false, status, message }` with a
 * message a person can act on, so pages never show a status code or a stack trace.
 */
import type { Role } from '$lib/protocol';

export type { Role };

export type Failure = { ok: false; status: number; message: string };
export type ApiResult<T> = ({ ok: true } & T) | Failure;

/** A room this browser has joined, as the home page lists it (an instance admin also sees the others: role null). */
export interface MyRoom {
	id: string;
	name: string;
	organisation: string;
	role: Role | null;
	archived: boolean;
}

export interface Me {
	signedIn: boolean;
	name: string | null;
	kind: 'person' | 'screen' | null;
	/** May create rooms (an instance admin, or anyone when the instance allows it). */
	mayCreateRooms: boolean;
	/** An instance admin: sees every room, takes over any room, grants any role. */
	instanceAdmin: boolean;
	/** Signed in to an account; null for a guest, a screen, or a link joined before accounts. */
	account: { id: string } | null;
	guest: boolean;
	rooms: Array<{ roomId: string; role: Role; displayId: string | null }>;
}

export type InviteStatus = Record<Role, { createdAt: string } | null>;

export interface Pairing {
	code: string;
	/** Milliseconds since the epoch. */
	expiresAt: number;
	/** SVG markup of a QR code for `pairUrl`, made by the server. */
	qr: string;
	pairUrl: string;
}

export type PairingStatus = { state: 'waiting' | 'expired' } | { state: 'paired'; roomId: string; displayId: string };

export const ROLES: readonly Role[] = ['facilitator', 'contributor', 'viewer'];

const UNREACHABLE = 'Could not reach the server. Check your connection, then try again.';

/** What the server says when a request fails, in words for the person who made it. */
function failureMessage(status: number, body: unknown): string {
	const message = typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : '';
	if (message) return message;
	if (status === 401) return 'Open your invite link first.';
	if (status === 403) return 'You may not do this here.';
	if (status === 429) return 'Too many attempts. Wait a minute and try again.';
	return `The server answered ${status}. Try again in a moment.`;
}

/** Sends a request; answers the parsed body and the response, or a failure in words. */
export async function request<T>(path: string, init: RequestInit = {}): Promise<{ ok: true; body: T; res: Response } | Failure> {
	let res: Response;
	try {
		res = await fetch(path, {
			...init,
			credentials: 'same-origin',
			cache: 'no-store',
			headers: init.body ? { 'content-type': 'application/json' } : undefined
		});
	} catch {
		return { ok: false, status: 0, message: UNREACHABLE };
	}
	const body: unknown = await res.json().catch(() => null);
	if (!res.ok) return { ok: false, status: res.status, message: failureMessage(res.status, body) };
	return { ok: true, body: body as T, res };
}

async function call<T>(path: string, init: RequestInit = {}): Promise<ApiResult<T>> {
	const result = await request<T>(path, init);
	return result.ok ? { ok: true, ...result.body } : result;
}

const post = (body: unknown): RequestInit => ({ method: 'POST', body: JSON.stringify(body) });
const room = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}`;

/** Redeems an invite link's token; the server sets this browser's session cookie. */
export const joinWithInvite = (token: string, name: string) =>
	call<{ roomId: string; role: Role; name: string }>('/api/join', post({ token, name }));

/** Changes the name the server records on this person's changes (recorded in the rooms' audit trail). */
export const renameMe = (name: string) => call<{ name: string }>('/api/me/name', post({ name }));

/** Who this browser is signed in as, and in which rooms. */
export const fetchMe = () => call<Me>('/api/me');

/** The rooms this browser has joined, with its role in each. */
export const fetchMyRooms = () => call<{ rooms: MyRoom[] }>('/api/rooms');

/** Which roles of a room have a working invite link (facilitators only). */
export const fetchInvites = (roomId: string) => call<{ invites: InviteStatus }>(`${room(roomId)}/invites`);

/** Makes a new link for a role, turning the previous one off. The link is in this answer only. */
export const makeInvite = (roomId: string, role: Role) =>
	call<{ role: Role; link: string }>(`${room(roomId)}/invites`, post({ role }));

/** Turns a role's link off; people who already joined keep their access. */
export const turnOffInvite = (roomId: string, role: Role) =>
	call<{ ok: true }>(`${room(roomId)}/invites/${role}`, { method: 'DELETE' });

/** Ends the access to a room of everyone who joined with a role's current link (facilitators only). */
export const endAccessFromInvite = (roomId: string, role: Role) =>
	call<{ ended: number }>(`${room(roomId)}/invites/${role}/sessions`, { method: 'DELETE' });

/**
 * A TV asks for a pairing code (and gets its own session cookie). `msLeft` is measured against the
 * server's clock (its Date header), since TV sticks often have a wrong one.
 */
export async function startPairing(): Promise<ApiResult<Pairing & { msLeft: number }>> {
	const result = await request<Pairing>('/api/pair/start', { method: 'POST' });
	if (!result.ok) return result;
	const byOurClock = result.body.expiresAt - Date.now();
	// The Date header counts whole seconds: trust our own clock when it agrees with the server's.
	const serverNow = Date.parse(result.res.headers.get('date') ?? '');
	const byServerClock = Number.isFinite(serverNow) ? result.body.expiresAt - serverNow : byOurClock;
	const msLeft = Math.abs(byServerClock - byOurClock) < 2_000 ? byOurClock : byServerClock;
	return { ok: true, ...result.body, msLeft };
}

/** Whether this TV has been paired yet. */
export const fetchPairingStatus = () => call<PairingStatus>('/api/pair/status');

/** A facilitator pairs the TV showing `code` with a room. */
export const pairScreen = (roomId: string, screen: { code: string; name: string; mode: 'room' | 'corridor' }) =>
	call<{ displayId: string }>(`${room(roomId)}/displays`, post(screen));

/** Where a paired TV shows its room. */
export const wallPath = (roomId: string, displayId: string) =>
	`/rooms/${encodeURIComponent(roomId)}/wall?display=${encodeURIComponent(displayId)}`;

/** "K7M4QX" -> ["K7M", "4QX"]: read aloud and typed in two halves. */
export function codeGroups(code: string): [string, string] {
	const half = Math.ceil(code.length / 2);
	return [code.slice(0, half), code.slice(half)];
}

/** What a person typed ("k7m-4qx ") as a code for the server ("K7M4QX"). */
export const normalizeCode = (typed: string) => typed.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** Milliseconds left -> "9:05"; never negative. */
export function countdown(ms: number): string {
	const seconds = Math.max(0, Math.ceil(ms / 1000));
	return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** What each role may do, in the words the access screens use. */
export const ROLE_LABEL: Record<Role, { name: string; can: string }> = {
	facilitator: { name: 'Facilitator', can: 'Everything, including sessions, screens and these links.' },
	contributor: { name: 'Contributor', can: 'Adds and edits content and works in fix teams.' },
	viewer: { name: 'Viewer', can: 'Sees the room, changes nothing.' }
};

/** A role inside a sentence: "invited you as a contributor". */
export function roleInSentence(role: Role): string {
	switch (role) {
		case 'facilitator':
			return 'a facilitator';
		case 'contributor':
			return 'a contributor';
		case 'viewer':
			return 'a viewer';
	}
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** "2026-05-03T12:02:00Z" -> "3 May 2026, 14:02" in this browser's time zone. */
export function madeAt(iso: string): string {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	const time = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
	return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${time}`;
}
