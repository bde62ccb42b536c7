/**
 * Access: who may do what in which room (DESIGN.md section 7).
 *
 * - People join through an invite link per room and role (`/join#<token>`: the token sits in the URL
 *   fragment, which browsers never send, so it reaches no server or proxy log). Joining turns it into a
 *   session token in an httpOnly cookie (or, for scripts and tests, the socket handshake `auth.token`).
 * - TVs pair without a keyboard: `/tv` shows a short code; a facilitator enters it and names the screen;
 *   the TV's own random token becomes a viewer session for that room.
 * - Tokens are random (256 bits) and stored only as SHA-256 hashes; a link is shown once, when made.
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { KvStore } from './kv';

export type Role = 'facilitator' | 'contributor' | 'viewer';
const RANK: Record<Role, number> = { viewer: 0, contributor: 1, facilitator: 2 };

export interface Grant {
	role: Role;
	/** For screens: the display this session is. */
	displayId?: string;
}

export interface Session {
	/** Not secret: names the session in logs and socket channels. */
	id: string;
	name: string;
	kind: 'person' | 'screen';
	grants: Record<string, Grant>;
	createdAt: string;
}

interface InviteRecord {
	roomId: string;
	role: Role;
	createdAt: string;
}

interface PairingRecord {
	deviceHash: string;
	expiresAt: number;
	claimed: { roomId: string; displayId: string } | null;
}

export const PAIRING_TTL_MS = 10 * 60_000;
/** No 0/O, 1/I/L: easy to read off a TV across a room and to type. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 6;

/** One line of a room's access audit trail (kept in the access store, beside the room's events). */
export interface AuditLine {
	at: string;
	action: 'renamed';
	sessionId: string;
	from: string;
	to: string;
}
/** Audit lines kept per room (the newest). */
const AUDIT_KEEP = 1_000;

export type AccessError = { ok: false; code: 'not_found' | 'expired' | 'forbidden'; message: string };

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,100}$/;

/** Normalizes what a person typed ("k7m 4qx") to a code ("K7M4QX"), or null if it cannot be one. */
export function normalizeCode(input: string): string | null {
	const code = input.toUpperCase().replace(/[\s-]/g, '');
	if (code.length !== CODE_LENGTH) return null;
	return [...code].every((c) => CODE_ALPHABET.includes(c)) ? code : null;
}

export function createAccessService(kv: KvStore, now: () => number = Date.now) {
	const iso = () => new Date(now()).toISOString();

	async function session(token: string | undefined | null): Promise<Session | null> {
		if (!token || !TOKEN_SHAPE.test(token)) return null;
		return kv.get<Session>(`session:${hashToken(token)}`);
	}

	/** Records a change of name in the audit trail of every room the session belongs to. */
	async function auditRename(s: Session, from: string): Promise<void> {
		const line: AuditLine = { at: iso(), action: 'renamed', sessionId: s.id, from, to: s.name };
		for (const roomId of Object.keys(s.grants)) await kv.push(`audit:${roomId}`, line, AUDIT_KEEP);
	}

	return {
		/** The session behind a token, or null (unknown, revoked, or malformed). */
		session,

		/** The role a session has in a room, if any. */
		roleIn(s: Session | null, roomId: string): Role | null {
			return s && Object.hasOwn(s.grants, roomId) ? s.grants[roomId]!.role : null;
		},

		/** Makes a new link for a role in a room, revoking the previous one. Returns the token (shown once). */
		async rotateInvite(roomId: string, role: Role): Promise<string> {
			const previous = await kv.get<{ hash: string }>(`room-invite:${roomId}:${role}`);
			if (previous) await kv.delete(`invite:${previous.hash}`);
			const token = newToken();
			const hash = hashToken(token);
			const record: InviteRecord = { roomId, role, createdAt: iso() };
			await kv.set(`invite:${hash}`, record);
			await kv.set(`room-invite:${roomId}:${role}`, { hash, createdAt: record.createdAt });
			return token;
		},

		/** Stops a role's link from working. People who already joined keep their access. */
		async revokeInvite(roomId: string, role: Role): Promise<void> {
			const current = await kv.get<{ hash: string }>(`room-invite:${roomId}:${role}`);
			if (current) await kv.delete(`invite:${current.hash}`);
			await kv.delete(`room-invite:${roomId}:${role}`);
		},

		/** Which roles of a room have a working link, and since when (never the links themselves). */
		async invites(roomId: string): Promise<Record<Role, { createdAt: string } | null>> {
			const out = { facilitator: null, contributor: null, viewer: null } as Record<Role, { createdAt: string } | null>;
			for (const role of Object.keys(out) as Role[]) {
				const current = await kv.get<{ createdAt: string }>(`room-invite:${roomId}:${role}`);
				out[role] = current ? { createdAt: current.createdAt } : null;
			}
			return out;
		},

		/**
		 * Redeems an invite: adds the room to the caller's session (made if it has none) with the invite's
		 * role, never lowering a role it already has. The session always gets a fresh token (its grants carry
		 * over and the old token stops working), so a token planted in a browser before it joined never
		 * gains the rights of the join. Returns the token to set as the cookie.
		 */
		async join(
			inviteToken: string,
			name: string,
			existingToken: string | null
		): Promise<{ ok: true; token: string; session: Session; roomId: string; role: Role } | AccessError> {
			if (!TOKEN_SHAPE.test(inviteToken)) return { ok: false, code: 'not_found', message: 'This invite link is not valid.' };
			const invite = await kv.get<InviteRecord>(`invite:${hashToken(inviteToken)}`);
			if (!invite) {
				return { ok: false, code: 'not_found', message: 'This invite link no longer works. Ask the facilitator for a new one.' };
			}
			const existing = await session(existingToken);
			// A paired TV's session stays the TV's: a person opening a link in that browser gets their own.
			const carried = existing?.kind === 'person' ? existing : null;
			const base: Session = carried ?? { id: randomUUID(), name: name || 'Guest', kind: 'person', grants: {}, createdAt: iso() };
			const had = Object.hasOwn(base.grants, invite.roomId) ? base.grants[invite.roomId]!.role : null;
			const role = had && RANK[had] > RANK[invite.role] ? had : invite.role;
			const next: Session = { ...base, name: name || base.name, grants: { ...base.grants, [invite.roomId]: { role } } };
			const token = newToken();
			await kv.set(`session:${hashToken(token)}`, next);
			if (carried && existingToken) await kv.delete(`session:${hashToken(existingToken)}`);
			if (carried && next.name !== carried.name) await auditRename(next, carried.name);
			return { ok: true, token, session: next, roomId: invite.roomId, role };
		},

		/**
		 * Renames a person: the name the server records on their changes from now on. Recorded in the
		 * audit trail of each of their rooms. Screens are named by the facilitator who paired them.
		 */
		async rename(token: string | null, name: string): Promise<Session | 'screen' | null> {
			const s = await session(token);
			if (!s || !token) return null;
			if (s.kind === 'screen') return 'screen';
			if (s.name === name) return s;
			const next: Session = { ...s, name };
			await kv.set(`session:${hashToken(token)}`, next);
			await auditRename(next, s.name);
			return next;
		},

		/** A room's access audit trail, oldest first. */
		audit: (roomId: string) => kv.list<AuditLine>(`audit:${roomId}`),

		/** A TV asks to pair: returns its code (shown on screen) and its secret token (its cookie). */
		async startPairing(): Promise<{ code: string; token: string; expiresAt: number }> {
			const token = newToken();
			let code = '';
			do {
				code = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
			} while (await kv.get(`pairing:${code}`));
			const expiresAt = now() + PAIRING_TTL_MS;
			await kv.set(`pairing:${code}`, { deviceHash: hashToken(token), expiresAt, claimed: null } satisfies PairingRecord, PAIRING_TTL_MS);
			await kv.set(`device:${hashToken(token)}`, { code }, PAIRING_TTL_MS);
			return { code, token, expiresAt };
		},

		/** What a pairing TV should do now: keep waiting, start again (expired), or show its room. */
		async pairingStatus(token: string | null): Promise<{ state: 'waiting' | 'expired' } | { state: 'paired'; roomId: string; displayId: string }> {
			if (!token || !TOKEN_SHAPE.test(token)) return { state: 'expired' };
			const s = await session(token);
			if (s?.kind === 'screen') {
				const [roomId, grant] = Object.entries(s.grants)[0] ?? [];
				if (roomId && grant?.displayId) return { state: 'paired', roomId, displayId: grant.displayId };
			}
			const device = await kv.get<{ code: string }>(`device:${hashToken(token)}`);
			return device && (await kv.get(`pairing:${device.code}`)) ? { state: 'waiting' } : { state: 'expired' };
		},

		/**
		 * A facilitator claims a code for a room: the TV's token becomes a viewer session for it. Single
		 * use: the code is gone afterwards.
		 */
		async claimPairing(
			typed: string,
			roomId: string,
			screenName: string
		): Promise<{ ok: true; displayId: string; sessionId: string } | AccessError> {
			const code = normalizeCode(typed);
			const pairing = code ? await kv.get<PairingRecord>(`pairing:${code}`) : null;
			if (!code || !pairing || pairing.expiresAt <= now()) {
				return { ok: false, code: 'expired', message: 'That code is not valid or has expired. The TV shows a fresh one; enter that.' };
			}
			const displayId = `d-${randomUUID().slice(0, 12)}`;
			const screen: Session = {
				id: randomUUID(),
				name: screenName,
				kind: 'screen',
				grants: { [roomId]: { role: 'viewer', displayId } },
				createdAt: iso()
			};
			await kv.set(`session:${pairing.deviceHash}`, screen);
			await kv.set(`display:${roomId}:${displayId}`, { hash: pairing.deviceHash, sessionId: screen.id });
			await kv.delete(`pairing:${code}`);
			return { ok: true, displayId, sessionId: screen.id };
		},

		/** Unpairs a display: its session ends. Returns the session id, so its sockets can be closed. */
		async revokeDisplay(roomId: string, displayId: string): Promise<string | null> {
			const display = await kv.get<{ hash: string; sessionId: string }>(`display:${roomId}:${displayId}`);
			if (!display) return null;
			await kv.delete(`session:${display.hash}`);
			await kv.delete(`display:${roomId}:${displayId}`);
			return display.sessionId;
		},

		/** A session for scripts and tests: a token with a role in a room, without an invite link. */
		async grantDirectly(roomId: string, role: Role, name: string): Promise<string> {
			const token = newToken();
			const s: Session = { id: randomUUID(), name, kind: 'person', grants: { [roomId]: { role } }, createdAt: iso() };
			await kv.set(`session:${hashToken(token)}`, s);
			return token;
		},

		/** Adds (or changes) a session's role in a room. */
		async addGrant(token: string, roomId: string, role: Role): Promise<void> {
			const s = await session(token);
			if (!s) throw new Error('No such session');
			await kv.set(`session:${hashToken(token)}`, { ...s, grants: { ...s.grants, [roomId]: { role } } });
		},

		/** Ends a session (sign out). */
		async endSession(token: string): Promise<void> {
			if (TOKEN_SHAPE.test(token)) await kv.delete(`session:${hashToken(token)}`);
		}
	};
}

export type AccessService = ReturnType<typeof createAccessService>;
