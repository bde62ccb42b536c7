/**
 * Access: who may do what in which room (DESIGN.md section 7).
 *
 * - People join through an invite link per room and role (`/join#<token>`: the token sits in the URL
 *   fragment, which browsers never send, so it reaches no server or proxy log). Joining turns it into a
 *   session token in an httpOnly cookie (or, for scripts and tests, the socket handshake `auth.token`).
 * - TVs pair without a keyboard: `/tv` shows a short code; a facilitator enters it and names the screen;
 *   the TV's own random token becomes a viewer session for that room.
 * - Tokens are random (256 bits) and stored only as SHA-256 hashes; a link is shown once, when made.
 * - Sessions end after an idle time and after an absolute lifetime (`SessionLifetimes`), checked on every
 *   lookup; each grant remembers the invite link it came from, so a facilitator can end everyone's access
 *   from one link.
 */
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { KvStore } from '../store/kv';
import { createAccounts, type Account, type Membership } from '../people/accounts';
import { createGroupRoles, higherRole, type GroupGrant } from '../people/group-roles';
import { createInvitations } from '../people/invitations';
import { createAuditTrail, type AuditTrail } from '../people/audit-trail';

import type { Role } from '../../src/lib/domain';

export type { Role };
const RANK: Record<Role, number> = { viewer: 0, contributor: 1, facilitator: 2 };

export interface Grant {
	role: Role;
	/** For screens: the display this session is. */
	displayId?: string;
	/** The invite link (its id, not its token) this grant came from. */
	inviteId?: string;
}

export interface Session {
	/** Not secret: names the session in logs and socket channels. */
	id: string;
	name: string;
	kind: 'person' | 'screen';
	grants: Record<string, Grant>;
	createdAt: string;
	/** Last time the session was used (updated at most every few hours); absent on older records. */
	lastSeenAt?: string;
	/**
	 * An instance admin: may create rooms and take over any room (`isInstanceAdmin`). For a session of an
	 * account, read from the account on every lookup; older sessions made admin by the setup link carry it.
	 */
	instanceAdmin?: boolean;
	/** The account this session signed in to. Its name, memberships and admin flag are read from it. */
	accountId?: string;
	/** A visitor who came by a guest link: no account, shown as a guest wherever their name shows. */
	guest?: boolean;
	/** What the browser said it is when the session began ("Chrome on Windows"), for My account. */
	device?: string;
	/** Read from the instance's settings for an account's session: may this person create rooms. */
	canCreateRooms?: boolean;
}

/** Instance-wide settings, kept in the access store. */
export interface InstanceSettings {
	/** Every signed-in person may create rooms (else instance admins only). */
	everyoneCreatesRooms: boolean;
}
const DEFAULT_INSTANCE_SETTINGS: InstanceSettings = { everyoneCreatesRooms: false };

/**
 * An instance admin: sees every room, takes over any room, grants any role, manages the instance.
 */
export function isInstanceAdmin(session: Session | null): boolean {
	return session?.kind === 'person' && session.guest !== true && session.instanceAdmin === true;
}

/**
 * The one rule for who may create rooms (and restore a backup into a new room): an instance admin, or any
 * signed-in person when the instance's settings let everyone create rooms.
 */
export function mayCreateRooms(session: Session | null): boolean {
	return isInstanceAdmin(session) || (session?.kind === 'person' && session.guest !== true && session.canCreateRooms === true);
}

/** How long sessions live: `idleMs` after their last use, and never more than `maxMs` after they began. */
export interface SessionLifetimes {
	idleMs: number;
	maxMs: number;
}
const DAY_MS = 24 * 3600_000;
export const DEFAULT_LIFETIMES: SessionLifetimes = { idleMs: 30 * DAY_MS, maxMs: 180 * DAY_MS };

interface InviteRecord {
	/** Not secret: names the link in the sessions made from it. */
	id?: string;
	roomId: string;
	role: Role;
	createdAt: string;
	/** A guest link: who opens it is a guest (no account), until it expires or its uses run out. */
	guest?: true;
}

/** A guest link as its room's facilitators see it (never its token). */
export interface GuestLink {
	id: string;
	roomId: string;
	role: Role;
	createdAt: string;
	createdBy: string;
	/** Milliseconds since the epoch. */
	expiresAt: number;
	/** Opens left; null: any number until it expires. */
	usesLeft: number | null;
	used: number;
}

/** A guest's name as every screen shows it: marked, so nobody mistakes a visitor for a member. */
export const guestName = (name: string) => `${name} (guest)`;

interface PairingRecord {
	deviceHash: string;
	expiresAt: number;
	claimed: { roomId: string; displayId: string } | null;
}

export const PAIRING_TTL_MS = 10 * 60_000;
/** No 0/O, 1/I/L: easy to read off a TV across a room and to type. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 6;

/** Sessions remembered per invite link (the newest), to end them together. */
const INVITE_SESSIONS_KEEP = 10_000;

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

/** Sessions remembered per account (the newest), for My account's list of devices. */
const ACCOUNT_SESSIONS_KEEP = 200;

/** What a session of an account takes from it. */
function fromAccount(
	account: Account,
	settings: InstanceSettings,
	/** What the account's provider groups give it in each room (single sign-on). */
	byGroups: Record<string, GroupGrant> = {}
): Pick<Session, 'name' | 'grants' | 'instanceAdmin' | 'canCreateRooms'> {
	const grants: Record<string, Grant> = {};
	for (const [roomId, m] of Object.entries(account.memberships)) grants[roomId] = { role: m.role };
	// A role from a group and one granted directly: the higher counts.
	for (const [roomId, g] of Object.entries(byGroups)) grants[roomId] = { role: higherRole(grants[roomId]?.role, g.role)! };
	const instanceAdmin = account.instanceAdmin || account.sso?.admin === true;
	return {
		name: account.name,
		grants,
		instanceAdmin,
		canCreateRooms: instanceAdmin || settings.everyoneCreatesRooms
	};
}

export function createAccessService(
	kv: KvStore,
	now: () => number = Date.now,
	lifetimes: SessionLifetimes = DEFAULT_LIFETIMES,
	/** The audit trail (server/people/audit-trail.ts); by default kept in `kv`. */
	trail: AuditTrail = createAuditTrail(kv, now)
) {
	const iso = () => new Date(now()).toISOString();
	const accounts = createAccounts(kv, now);
	const groupRoles = createGroupRoles(kv, now);
	/** What an account's provider groups give it now (nothing for an account without single sign-on). */
	const groupGrantsOf = async (account: Account): Promise<Record<string, GroupGrant>> =>
		account.sso ? groupRoles.grantsFor(account.sso.groups) : {};
	/** A session's last use is written at most this often, so a busy person does not rewrite it per request. */
	const touchEveryMs = Math.min(lifetimes.idleMs / 24, 3600_000);

	/** When a session ends by itself (ms since the epoch): idle or absolute, whichever comes first. */
	function endsAt(s: Session): number {
		const created = Date.parse(s.createdAt);
		const seen = Date.parse(s.lastSeenAt ?? s.createdAt);
		return Math.min(seen + lifetimes.idleMs, created + lifetimes.maxMs);
	}

	/** Stores a session under its token's hash, expiring with it; its id points at the hash. */
	async function save(hash: string, s: Session): Promise<void> {
		const ttl = Math.max(1, endsAt(s) - now());
		await kv.set(`session:${hash}`, s, ttl);
		await kv.set(`session-ref:${s.id}`, { hash }, ttl);
	}

	async function drop(hash: string, s: Session | null): Promise<void> {
		await kv.delete(`session:${hash}`);
		if (s) {
			const ref = await kv.get<{ hash: string }>(`session-ref:${s.id}`);
			if (ref?.hash === hash) await kv.delete(`session-ref:${s.id}`);
		}
	}

	/** The live session stored under a hash, or null; an expired one is deleted, a used one touched. */
	async function byHash(hash: string): Promise<Session | null> {
		const s = await kv.get<Session>(`session:${hash}`);
		if (!s) return null;
		if (endsAt(s) <= now()) {
			await drop(hash, s);
			return null;
		}
		if (now() - Date.parse(s.lastSeenAt ?? s.createdAt) >= touchEveryMs) {
			const touched = { ...s, lastSeenAt: iso() };
			await save(hash, touched);
			if (s.accountId) await accounts.seen(s.accountId);
			return touched;
		}
		return s;
	}

	/**
	 * A session as its holder is: for a session of an account, the account's name, memberships and admin
	 * flag, read now (a role changed or a person removed counts at once). A session begun before the
	 * account's "sign out everywhere", or whose account is gone, has ended.
	 */
	async function asHeld(hash: string, s: Session): Promise<Session | null> {
		if (s.guest) {
			// A guest's visit lasts as long as the link they came by: expired or turned off, it ends.
			const inviteId = Object.values(s.grants)[0]?.inviteId;
			if (!inviteId || !(await kv.get(`guest-link:${inviteId}`))) {
				await drop(hash, s);
				return null;
			}
			return s;
		}
		if (!s.accountId) return s;
		const account = await accounts.get(s.accountId);
		if (!account || (account.sessionsValidFrom && Date.parse(s.createdAt) < Date.parse(account.sessionsValidFrom))) {
			await drop(hash, s);
			return null;
		}
		return { ...s, ...fromAccount(account, await instanceSettings(), await groupGrantsOf(account)) };
	}

	async function instanceSettings(): Promise<InstanceSettings> {
		return { ...DEFAULT_INSTANCE_SETTINGS, ...(await kv.get<Partial<InstanceSettings>>('instance-settings')) };
	}

	async function session(token: string | undefined | null): Promise<Session | null> {
		if (!token || !TOKEN_SHAPE.test(token)) return null;
		const hash = hashToken(token);
		const s = await byHash(hash);
		return s ? asHeld(hash, s) : null;
	}

	/** Starts a session of an account: a fresh token (the browser's previous session ends). */
	async function startAccountSession(
		signedIn: Account,
		existingToken: string | null,
		device: string
	): Promise<{ token: string; session: Session }> {
		let account = signedIn;
		if (existingToken && TOKEN_SHAPE.test(existingToken)) {
			const hash = hashToken(existingToken);
			const previous = await kv.get<Session>(`session:${hash}`);
			// A paired TV's session stays the TV's.
			if (previous && previous.kind === 'person') {
				// Upgrading in place: the rooms this browser joined by a link before accounts go to the account
				// (never lowering a role it holds). A guest's visit stays a guest's.
				if (!previous.accountId && !previous.guest && endsAt(previous) > now()) {
					for (const [roomId, grant] of Object.entries(previous.grants)) {
						account = (await accounts.grant(account.id, roomId, grant.role, 'invite')) ?? account;
					}
				}
				await drop(hash, previous);
			}
		}
		const stored: Session = {
			id: randomUUID(),
			name: account.name,
			kind: 'person',
			grants: {},
			accountId: account.id,
			device,
			createdAt: iso(),
			lastSeenAt: iso()
		};
		const token = newToken();
		await save(hashToken(token), stored);
		await kv.push(`account-sessions:${account.id}`, stored.id, ACCOUNT_SESSIONS_KEEP);
		await accounts.seen(account.id);
		return { token, session: { ...stored, ...fromAccount(account, await instanceSettings(), await groupGrantsOf(account)) } };
	}

	/**
	 * Opens a guest link: a new guest session (no account) with the link's role in its room, named as the
	 * guest typed and marked as a guest. Each open uses one of the link's uses; the last one ends the link.
	 */
	async function joinAsGuest(
		inviteToken: string,
		invite: InviteRecord,
		name: string,
		existing: Session | null
	): Promise<{ ok: true; token: string; session: Session; roomId: string; role: Role } | AccessError> {
		if (existing?.accountId) {
			return {
				ok: false,
				code: 'forbidden',
				message: `You are signed in as ${existing.name}: guest links are for visitors without an account. Ask a facilitator of the room to invite you.`
			};
		}
		const hash = hashToken(inviteToken);
		const link = invite.id ? await kv.get<GuestLink>(`guest-link:${invite.id}`) : null;
		if (!link || link.expiresAt <= now() || link.usesLeft === 0) {
			// A used-up link stays until it expires, so it can say so (and its record expires with it).
			if (!link || link.expiresAt <= now()) await kv.delete(`invite:${hash}`);
			return {
				ok: false,
				code: 'expired',
				message: 'This guest link has expired or been used up. Ask the facilitator for a new one.'
			};
		}
		const usesLeft = link.usesLeft === null ? null : link.usesLeft - 1;
		const ttl = link.expiresAt - now();
		await kv.set(`guest-link:${link.id}`, { ...link, usesLeft, used: link.used + 1 } satisfies GuestLink, ttl);
		const guest: Session = {
			id: randomUUID(),
			name: guestName(name || 'Visitor'),
			kind: 'person',
			guest: true,
			grants: { [invite.roomId]: { role: invite.role, inviteId: invite.id } },
			createdAt: iso(),
			lastSeenAt: iso()
		};
		const token = newToken();
		await save(hashToken(token), guest);
		await indexGrant(invite.roomId, guest.id);
		if (invite.id) await kv.push(`invite-sessions:${invite.id}`, guest.id, INVITE_SESSIONS_KEEP);
		return { ok: true, token, session: guest, roomId: invite.roomId, role: invite.role };
	}

	/** The ids of an account's sessions that have not ended. */
	async function liveSessionIds(accountId: string): Promise<string[]> {
		const ids: string[] = [];
		for (const id of new Set(await kv.list<string>(`account-sessions:${accountId}`))) {
			const ref = await kv.get<{ hash: string }>(`session-ref:${id}`);
			if (ref && (await kv.get(`session:${ref.hash}`))) ids.push(id);
		}
		return ids;
	}

	/** Remembers that a session holds a grant in a room, so deleting the room can end it. */
	const indexGrant = (roomId: string, sessionId: string) => kv.push(`room-sessions:${roomId}`, sessionId, INVITE_SESSIONS_KEEP);

	/** Removes a room from a session found by id; a session left with no room and no admin flag ends. */
	async function dropGrant(sessionId: string, roomId: string): Promise<boolean> {
		const ref = await kv.get<{ hash: string }>(`session-ref:${sessionId}`);
		const s = ref ? await kv.get<Session>(`session:${ref.hash}`) : null;
		if (!ref || !s || !Object.hasOwn(s.grants, roomId)) return false;
		const grants = Object.fromEntries(Object.entries(s.grants).filter(([room]) => room !== roomId));
		if (Object.keys(grants).length === 0 && !s.instanceAdmin) await drop(ref.hash, s);
		else await save(ref.hash, { ...s, grants });
		return true;
	}

	/** Records a change of name in the audit trail of every room the session belongs to. */
	async function auditRename(s: Session, from: string): Promise<void> {
		const actor = { id: s.accountId ?? s.id, name: s.name, kind: s.guest ? ('guest' as const) : s.kind };
		for (const roomId of Object.keys(s.grants)) await trail.record({ action: 'renamed', roomId, actor, detail: from });
	}

	return {
		/** The session behind a token, or null (unknown, revoked, expired, or malformed). */
		session,

		/** When a session ends by itself, in ms since the epoch (sockets are closed then). */
		endsAt,

		/** How long a browser should keep the cookie of this session, in seconds. */
		cookieMaxAgeS: (s: Session) => Math.max(1, Math.ceil((Date.parse(s.createdAt) + lifetimes.maxMs - now()) / 1000)),

		/**
		 * Marks a session as in use (a socket stays connected), so its idle time starts again. Answers when
		 * it now ends and the roles it holds now (an account's may have changed), or null if it has ended
		 * (expired, revoked, signed out).
		 */
		async touch(sessionId: string): Promise<{ endsAt: number; roles: Record<string, Role> } | null> {
			const ref = await kv.get<{ hash: string }>(`session-ref:${sessionId}`);
			const s = ref ? await byHash(ref.hash) : null;
			// A guest whose link ended, or an account signed out everywhere, has ended too.
			const held = ref && s ? await asHeld(ref.hash, s) : null;
			if (!held) return null;
			return { endsAt: endsAt(held), roles: Object.fromEntries(Object.entries(held.grants).map(([room, g]) => [room, g.role])) };
		},

		/** The service's clock (ms since the epoch). */
		now,

		/** How long sessions live. */
		lifetimes,

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
			const record: InviteRecord = { id: randomUUID(), roomId, role, createdAt: iso() };
			await kv.set(`invite:${hash}`, record);
			await kv.set(`room-invite:${roomId}:${role}`, { hash, id: record.id, createdAt: record.createdAt });
			return token;
		},

		/**
		 * Ends everyone's access to a room that came from a role's current link: their grant for this room is
		 * removed (a session left with no room ends). The link itself keeps working. Returns the ids of the
		 * sessions changed, so their connections can be closed.
		 */
		async endSessionsFromInvite(roomId: string, role: Role): Promise<string[]> {
			const current = await kv.get<{ id?: string }>(`room-invite:${roomId}:${role}`);
			if (!current?.id) return [];
			const ended: string[] = [];
			for (const sessionId of new Set(await kv.list<string>(`invite-sessions:${current.id}`))) {
				const ref = await kv.get<{ hash: string }>(`session-ref:${sessionId}`);
				const s = ref ? await kv.get<Session>(`session:${ref.hash}`) : null;
				if (!ref || !s || s.grants[roomId]?.inviteId !== current.id) continue;
				const grants = Object.fromEntries(Object.entries(s.grants).filter(([room]) => room !== roomId));
				if (Object.keys(grants).length === 0 && !s.instanceAdmin) await drop(ref.hash, s);
				else await save(ref.hash, { ...s, grants });
				ended.push(sessionId);
			}
			await kv.delete(`invite-sessions:${current.id}`);
			return ended;
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
			if (invite.guest) return joinAsGuest(inviteToken, invite, name, existing);
			if (existing?.accountId && existingToken) {
				// A signed-in person joins as themselves: the room goes to their account (never lowering a role).
				const account = await accounts.grant(existing.accountId, invite.roomId, invite.role, 'invite');
				if (!account) return { ok: false, code: 'not_found', message: 'Your account was not found. Sign in again.' };
				const renewed = await startAccountSession(account, existingToken, existing.device ?? '');
				return {
					ok: true,
					token: renewed.token,
					session: renewed.session,
					roomId: invite.roomId,
					role: account.memberships[invite.roomId]!.role
				};
			}
			// A paired TV's session stays the TV's: a person opening a link in that browser gets their own.
			const carried = existing?.kind === 'person' ? existing : null;
			const base: Session = carried ?? { id: randomUUID(), name: name || 'Guest', kind: 'person', grants: {}, createdAt: iso() };
			const had = Object.hasOwn(base.grants, invite.roomId) ? base.grants[invite.roomId]! : null;
			// A higher role already held stays, with the link it came from.
			const grant: Grant = had && RANK[had.role] > RANK[invite.role] ? had : { role: invite.role, inviteId: invite.id };
			const role = grant.role;
			// A renewed session: its lifetimes start again, as after any sign-in.
			const next: Session = {
				...base,
				name: name || base.name,
				grants: { ...base.grants, [invite.roomId]: grant },
				createdAt: iso(),
				lastSeenAt: iso()
			};
			const token = newToken();
			if (carried && existingToken) await drop(hashToken(existingToken), carried);
			await save(hashToken(token), next);
			if (grant.inviteId) await kv.push(`invite-sessions:${grant.inviteId}`, next.id, INVITE_SESSIONS_KEEP);
			if (!had) await indexGrant(invite.roomId, next.id);
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
			if (s.accountId) {
				await accounts.rename(s.accountId, name);
				const next: Session = { ...s, name };
				await auditRename(next, s.name);
				return next;
			}
			const next: Session = { ...s, name };
			await save(hashToken(token), next);
			await auditRename(next, s.name);
			return next;
		},

		/** A room's access audit entries, newest first (older lines included). */
		audit: (roomId: string) => trail.room(roomId),

		/** The audit trail, for recording and reading entries. */
		trail,

		/** A TV asks to pair: returns its code (shown on screen) and its secret token (its cookie). */
		async startPairing(): Promise<{ code: string; token: string; expiresAt: number }> {
			const token = newToken();
			let code: string;
			do {
				code = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
			} while (await kv.get(`pairing:${code}`));
			const expiresAt = now() + PAIRING_TTL_MS;
			await kv.set(
				`pairing:${code}`,
				{ deviceHash: hashToken(token), expiresAt, claimed: null } satisfies PairingRecord,
				PAIRING_TTL_MS
			);
			await kv.set(`device:${hashToken(token)}`, { code }, PAIRING_TTL_MS);
			return { code, token, expiresAt };
		},

		/** What a pairing TV should do now: keep waiting, start again (expired), or show its room. */
		async pairingStatus(
			token: string | null
		): Promise<{ state: 'waiting' | 'expired' } | { state: 'paired'; roomId: string; displayId: string }> {
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
				return {
					ok: false,
					code: 'expired',
					message: 'That code is not valid or has expired. The TV shows a fresh one; enter that.'
				};
			}
			const displayId = `d-${randomUUID().slice(0, 12)}`;
			const screen: Session = {
				id: randomUUID(),
				name: screenName,
				kind: 'screen',
				grants: { [roomId]: { role: 'viewer', displayId } },
				createdAt: iso(),
				lastSeenAt: iso()
			};
			await save(pairing.deviceHash, screen);
			await kv.set(`display:${roomId}:${displayId}`, { hash: pairing.deviceHash, sessionId: screen.id });
			await kv.delete(`pairing:${code}`);
			return { ok: true, displayId, sessionId: screen.id };
		},

		/** Unpairs a display: its session ends. Returns the session id, so its sockets can be closed. */
		async revokeDisplay(roomId: string, displayId: string): Promise<string | null> {
			const display = await kv.get<{ hash: string; sessionId: string }>(`display:${roomId}:${displayId}`);
			if (!display) return null;
			await drop(display.hash, await kv.get<Session>(`session:${display.hash}`));
			await kv.delete(`display:${roomId}:${displayId}`);
			return display.sessionId;
		},

		/** A session for scripts and tests: a token with a role in a room, without an invite link. */
		async grantDirectly(roomId: string, role: Role, name: string): Promise<string> {
			const token = newToken();
			const s: Session = {
				id: randomUUID(),
				name,
				kind: 'person',
				grants: { [roomId]: { role } },
				createdAt: iso(),
				lastSeenAt: iso()
			};
			await save(hashToken(token), s);
			await indexGrant(roomId, s.id);
			return token;
		},

		/** Adds (or changes) a session's role in a room; the cookie stays the same. */
		async addGrant(token: string, roomId: string, role: Role): Promise<void> {
			const s = await session(token);
			if (!s) throw new Error('No such session');
			if (s.accountId) {
				await accounts.grant(s.accountId, roomId, role, 'created', { replace: true });
				return;
			}
			await save(hashToken(token), { ...s, grants: { ...s.grants, [roomId]: { role } } });
			if (!Object.hasOwn(s.grants, roomId)) await indexGrant(roomId, s.id);
		},

		/**
		 * An instance admin makes themselves facilitator of a room (nobody else could let them in: the
		 * facilitator lost their cookie). Recorded in the room's access audit trail. Answers the session, or
		 * null when the token is no instance admin's.
		 */
		async takeOver(token: string, roomId: string): Promise<Session | null> {
			const s = await session(token);
			if (!s || !isInstanceAdmin(s)) return null;
			const from = Object.hasOwn(s.grants, roomId) ? s.grants[roomId]!.role : null;
			const next: Session = { ...s, grants: { ...s.grants, [roomId]: { role: 'facilitator' } } };
			if (s.accountId) await accounts.grant(s.accountId, roomId, 'facilitator', 'took_over', { replace: true });
			else await save(hashToken(token), next);
			if (from === null) await indexGrant(roomId, s.id);
			await trail.record({
				action: 'took_over',
				roomId,
				actor: { id: s.accountId ?? s.id, name: s.name, kind: s.guest ? 'guest' : s.kind },
				role: 'facilitator',
				fromRole: from
			});
			return next;
		},

		/**
		 * Makes a one-time setup link's token: whoever opens it first becomes an instance admin. Answers null
		 * once an instance admin exists (`npm run admin -- setup-link` can make one anyway: `force`). A new
		 * link replaces the previous one.
		 */
		async makeSetupToken(force = false): Promise<string | null> {
			if (!force && (await kv.get('instance-admin-claimed'))) return null;
			const token = newToken();
			await kv.set('setup-token', { hash: hashToken(token), createdAt: iso() });
			return token;
		},

		/**
		 * Redeems the setup link: `becomeAdmin` makes the first admin's account (or makes the signed-in
		 * person's account an admin), and a session of that account starts with a fresh token. Single use,
		 * also when two browsers open the link at once; if `becomeAdmin` refuses (a login taken), the link
		 * stays usable. Returns the token to set as the cookie.
		 */
		async claimSetup(
			setupToken: string,
			existingToken: string | null,
			device: string,
			becomeAdmin: (
				signedIn: Session | null
			) => Promise<{ ok: true; account: Account } | { ok: false; code: string; message: string }>
		): Promise<{ ok: true; token: string; session: Session; account: Account } | { ok: false; code: string; message: string }> {
			const refused: AccessError = {
				ok: false,
				code: 'not_found',
				message:
					'This setup link has been used or replaced. Restart the server to print a new one, or run npm run admin -- setup-link.'
			};
			const stored = await kv.get<{ hash: string }>('setup-token');
			const given = TOKEN_SHAPE.test(setupToken) ? Buffer.from(hashToken(setupToken), 'hex') : null;
			if (!stored || !given || !timingSafeEqual(Buffer.from(stored.hash, 'hex'), given)) return refused;
			// Single use, also when two browsers open the link at once: only one of them takes it.
			const taken = await kv.take<{ hash: string }>('setup-token');
			if (taken?.hash !== stored.hash) {
				// A newer link was made meanwhile: it stays usable.
				if (taken) await kv.set('setup-token', taken);
				return refused;
			}
			const existing = await session(existingToken);
			const made = await becomeAdmin(existing?.kind === 'person' && existing.accountId ? existing : null);
			if (!made.ok) {
				await kv.set('setup-token', taken);
				return made;
			}
			await kv.set('instance-admin-claimed', { at: iso(), accountId: made.account.id });
			const started = await startAccountSession(made.account, existingToken, device);
			return { ok: true, token: started.token, session: started.session, account: made.account };
		},

		/**
		 * Ends all access to a room that is being deleted: its invite links stop working, and every session
		 * known to hold a grant there loses it (a session left with nothing ends). Paired screens end. The
		 * room's id is retired, so a new room never inherits a grant this missed. Answers the sessions
		 * changed, so their connections can be closed.
		 */
		async forgetRoom(roomId: string, displayIds: readonly string[]): Promise<string[]> {
			const changed = new Set<string>();
			for (const role of ['facilitator', 'contributor', 'viewer'] as const) {
				const current = await kv.get<{ hash: string; id?: string }>(`room-invite:${roomId}:${role}`);
				if (!current) continue;
				await kv.delete(`invite:${current.hash}`);
				await kv.delete(`room-invite:${roomId}:${role}`);
				if (!current.id) continue;
				for (const id of await kv.list<string>(`invite-sessions:${current.id}`)) if (await dropGrant(id, roomId)) changed.add(id);
				await kv.delete(`invite-sessions:${current.id}`);
			}
			for (const id of await kv.list<string>(`room-sessions:${roomId}`)) if (await dropGrant(id, roomId)) changed.add(id);
			for (const displayId of displayIds) {
				const display = await kv.get<{ hash: string; sessionId: string }>(`display:${roomId}:${displayId}`);
				if (!display) continue;
				await drop(display.hash, await kv.get<Session>(`session:${display.hash}`));
				await kv.delete(`display:${roomId}:${displayId}`);
				changed.add(display.sessionId);
			}
			await groupRoles.forgetRoom(roomId);
			for (const accountId of await accounts.forgetRoom(roomId))
				for (const id of await liveSessionIds(accountId)) changed.add(id);
			await kv.delete(`room-sessions:${roomId}`);
			await kv.delete(`audit:${roomId}`);
			await trail.forgetRoom(roomId);
			await kv.set(`retired-room:${roomId}`, { at: iso() });
			return [...changed];
		},

		/** Whether someone has opened a setup link (there is an instance admin). */
		hasInstanceAdmin: async () => (await kv.get('instance-admin-claimed')) !== null,

		/** Whether a room id belonged to a deleted room (new rooms never take it). */
		isRetired: async (roomId: string) => (await kv.get(`retired-room:${roomId}`)) !== null,

		/** Makes a guest link for a room: a role, a lifetime and a number of uses. Returns the token (shown once). */
		async makeGuestLink(
			roomId: string,
			role: Role,
			options: { ttlMs: number; uses: number | null; createdBy: string }
		): Promise<{ token: string; link: GuestLink }> {
			const token = newToken();
			const link: GuestLink = {
				id: randomUUID(),
				roomId,
				role,
				createdAt: iso(),
				createdBy: options.createdBy,
				expiresAt: now() + options.ttlMs,
				usesLeft: options.uses,
				used: 0
			};
			const record: InviteRecord = { id: link.id, roomId, role, createdAt: link.createdAt, guest: true };
			await kv.set(`invite:${hashToken(token)}`, record, options.ttlMs);
			await kv.set(`guest-link:${link.id}`, link, options.ttlMs);
			await kv.set(`guest-link-hash:${link.id}`, { hash: hashToken(token) }, options.ttlMs);
			await kv.push(`room-guest-links:${roomId}`, link.id, 10_000);
			return { token, link };
		},

		/** A room's guest links that still work, newest first. */
		async guestLinks(roomId: string): Promise<GuestLink[]> {
			const ids = [...new Set(await kv.list<string>(`room-guest-links:${roomId}`))].reverse();
			const links = await Promise.all(ids.map((id) => kv.get<GuestLink>(`guest-link:${id}`)));
			return links.filter((l): l is GuestLink => l !== null && l.roomId === roomId && l.expiresAt > now());
		},

		/** Stops a guest link; the guests who came by it lose the room too. Answers their session ids. */
		async revokeGuestLink(roomId: string, id: string): Promise<string[] | null> {
			const link = await kv.get<GuestLink>(`guest-link:${id}`);
			if (!link || link.roomId !== roomId) return null;
			const ref = await kv.get<{ hash: string }>(`guest-link-hash:${id}`);
			if (ref) await kv.delete(`invite:${ref.hash}`);
			await kv.delete(`guest-link:${id}`);
			await kv.delete(`guest-link-hash:${id}`);
			const ended: string[] = [];
			for (const sessionId of new Set(await kv.list<string>(`invite-sessions:${id}`)))
				if (await dropGrant(sessionId, roomId)) ended.push(sessionId);
			await kv.delete(`invite-sessions:${id}`);
			return ended;
		},

		/** The accounts of this server (people). */
		accounts,

		/** The access store itself, for features that keep access data of their own (single sign-on's sign-ins). */
		kv,

		/** Provider groups mapped to roles, per room (single sign-on). */
		groupRoles,

		/** What an account's provider groups give it in each room now. */
		groupGrantsOf,

		/**
		 * A room's people: each account with a role there, directly (a membership), through its provider
		 * groups, or both; `role` is the one that counts (the higher).
		 */
		async membersOf(
			roomId: string
		): Promise<Array<{ account: Account; role: Role; direct: Membership | null; group: GroupGrant | null }>> {
			const out: Array<{ account: Account; role: Role; direct: Membership | null; group: GroupGrant | null }> = [];
			for (const account of await accounts.listedIn(roomId)) {
				const direct = Object.hasOwn(account.memberships, roomId) ? account.memberships[roomId]! : null;
				const group = (await groupGrantsOf(account))[roomId] ?? null;
				const role = higherRole(direct?.role, group?.role);
				if (role) out.push({ account, role, direct, group });
			}
			return out;
		},

		/** Invitations of people to rooms, and password-reset links. */
		invitations: createInvitations(kv, now),

		/** Starts a session of an account (after a sign-in): a fresh token; the browser's previous session ends. */
		startAccountSession,

		/** Instance-wide settings (who may create rooms). */
		instanceSettings,

		async setInstanceSettings(patch: Partial<InstanceSettings>): Promise<InstanceSettings> {
			const next = { ...(await instanceSettings()), ...patch };
			await kv.set('instance-settings', next);
			return next;
		},

		/** The live sessions of an account, newest first, for My account. */
		async accountSessions(accountId: string): Promise<Session[]> {
			const out: Session[] = [];
			for (const id of [...new Set(await kv.list<string>(`account-sessions:${accountId}`))].reverse()) {
				const ref = await kv.get<{ hash: string }>(`session-ref:${id}`);
				const s = ref ? await kv.get<Session>(`session:${ref.hash}`) : null;
				if (s && s.accountId === accountId && endsAt(s) > now()) {
					const held = await asHeld(ref!.hash, s);
					if (held) out.push(held);
				}
			}
			return out;
		},

		/** The ids of an account's live sessions (to close their connections). */
		sessionIdsOf: liveSessionIds,

		/** Ends one session of an account (My account: "end this session"). Answers whether it was theirs. */
		async endAccountSession(accountId: string, sessionId: string): Promise<boolean> {
			const ref = await kv.get<{ hash: string }>(`session-ref:${sessionId}`);
			const s = ref ? await kv.get<Session>(`session:${ref.hash}`) : null;
			if (!ref || !s || s.accountId !== accountId) return false;
			await drop(ref.hash, s);
			return true;
		},

		/** Marks that an instance admin exists (the setup link is then not printed at start). */
		async noteInstanceAdmin(accountId: string): Promise<void> {
			await kv.set('instance-admin-claimed', { at: iso(), accountId });
		},

		/** Ends a session (sign out). */
		async endSession(token: string): Promise<void> {
			if (!TOKEN_SHAPE.test(token)) return;
			const hash = hashToken(token);
			await drop(hash, await kv.get<Session>(`session:${hash}`));
		}
	};
}

export type AccessService = ReturnType<typeof createAccessService>;
