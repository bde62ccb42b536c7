/**
 * Invitations of one person to one room, and password-reset links: single-use, expiring links whose
 * token sits in the URL fragment (`/invite#token`, `/reset#token`), so it reaches no server or proxy
 * log. Tokens are random (256 bits), stored only as SHA-256 hashes, and looked up by hash (a lookup by
 * hash is as good as a constant-time comparison: the stored value is never compared with the input).
 *
 *   person-invite:<hash>         the invitation (expires with it)
 *   person-invite-id:<id>        { hash } (to revoke or resend by id)
 *   room-person-invites:<roomId> invitation ids of a room, oldest first
 *   reset:<hash>                 { accountId, expiresAt }
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '../../src/lib/domain';
import type { KvStore } from '../store/kv';

export const INVITE_TTL_MS = 7 * 24 * 3600_000;
export const RESET_TTL_MS = 24 * 3600_000;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,100}$/;
const hash = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

export interface PersonInvite {
	id: string;
	roomId: string;
	role: Role;
	/** The invited person's name, as the inviter typed it (they may change it when they accept). */
	name: string;
	email: string | null;
	by: { id: string; name: string };
	createdAt: string;
	expiresAt: string;
	/** Whether the last link was e-mailed (else it was shown to copy). */
	emailed: boolean;
}

export function createInvitations(kv: KvStore, now: () => number = Date.now) {
	const iso = (ms = now()) => new Date(ms).toISOString();

	async function byToken(token: string): Promise<{ hash: string; invite: PersonInvite } | null> {
		if (!TOKEN_SHAPE.test(token)) return null;
		const h = hash(token);
		const invite = await kv.get<PersonInvite>(`person-invite:${h}`);
		return invite && Date.parse(invite.expiresAt) > now() ? { hash: h, invite } : null;
	}

	async function store(invite: PersonInvite): Promise<string> {
		const token = newToken();
		const ttl = Date.parse(invite.expiresAt) - now();
		await kv.set(`person-invite:${hash(token)}`, invite, ttl);
		await kv.set(`person-invite-id:${invite.id}`, { hash: hash(token) }, ttl);
		return token;
	}

	async function byId(roomId: string, id: string): Promise<{ hash: string; invite: PersonInvite } | null> {
		const ref = await kv.get<{ hash: string }>(`person-invite-id:${id}`);
		const invite = ref ? await kv.get<PersonInvite>(`person-invite:${ref.hash}`) : null;
		return ref && invite && invite.roomId === roomId ? { hash: ref.hash, invite } : null;
	}

	return {
		/** Makes an invitation; answers it and its token (shown or e-mailed once, never stored). */
		async create(input: {
			roomId: string;
			role: Role;
			name: string;
			email: string | null;
			by: { id: string; name: string };
			ttlMs?: number;
		}): Promise<{ invite: PersonInvite; token: string }> {
			const invite: PersonInvite = {
				id: randomUUID(),
				roomId: input.roomId,
				role: input.role,
				name: input.name.trim(),
				email: input.email?.trim().toLowerCase() || null,
				by: input.by,
				createdAt: iso(),
				expiresAt: iso(now() + (input.ttlMs ?? INVITE_TTL_MS)),
				emailed: false
			};
			const token = await store(invite);
			await kv.push(`room-person-invites:${input.roomId}`, invite.id, 10_000);
			return { invite, token };
		},

		/** Records that an invitation's link went out by e-mail. */
		async markEmailed(roomId: string, id: string): Promise<void> {
			const found = await byId(roomId, id);
			if (!found) return;
			const ttl = Date.parse(found.invite.expiresAt) - now();
			if (ttl > 0) await kv.set(`person-invite:${found.hash}`, { ...found.invite, emailed: true }, ttl);
		},

		/** The invitation a link carries, if it still works. */
		peek: async (token: string) => (await byToken(token))?.invite ?? null,

		/** Uses up an invitation (single use: of two browsers at once, one gets it). */
		async take(token: string): Promise<PersonInvite | null> {
			const found = await byToken(token);
			if (!found) return null;
			const taken = await kv.take<PersonInvite>(`person-invite:${found.hash}`);
			if (!taken) return null;
			await kv.delete(`person-invite-id:${taken.id}`);
			return taken;
		},

		/** Puts back an invitation taken by an acceptance that then failed (a login already taken). */
		async putBack(token: string, invite: PersonInvite): Promise<void> {
			const ttl = Date.parse(invite.expiresAt) - now();
			if (ttl <= 0) return;
			await kv.set(`person-invite:${hash(token)}`, invite, ttl);
			await kv.set(`person-invite-id:${invite.id}`, { hash: hash(token) }, ttl);
		},

		/** A room's invitations not yet accepted, revoked or expired, oldest first. */
		async pending(roomId: string): Promise<PersonInvite[]> {
			const ids = [...new Set(await kv.list<string>(`room-person-invites:${roomId}`))];
			const found = await Promise.all(ids.map((id) => byId(roomId, id)));
			return found.filter((f) => f !== null && Date.parse(f.invite.expiresAt) > now()).map((f) => f!.invite);
		},

		/** Stops an invitation's link from working. Answers the invitation, or null if there was none. */
		async revoke(roomId: string, id: string): Promise<PersonInvite | null> {
			const found = await byId(roomId, id);
			if (!found) return null;
			await kv.delete(`person-invite:${found.hash}`);
			await kv.delete(`person-invite-id:${id}`);
			return found.invite;
		},

		/** A new link for an invitation (the old link stops working; the expiry starts again). */
		async resend(roomId: string, id: string): Promise<{ invite: PersonInvite; token: string } | null> {
			const found = await byId(roomId, id);
			if (!found) return null;
			await kv.delete(`person-invite:${found.hash}`);
			const invite: PersonInvite = { ...found.invite, createdAt: iso(), expiresAt: iso(now() + INVITE_TTL_MS), emailed: false };
			return { invite, token: await store(invite) };
		},

		/** A password-reset link's token for an account (single use, a day to live). */
		async makeReset(accountId: string, ttlMs = RESET_TTL_MS): Promise<{ token: string; expiresAt: string }> {
			const token = newToken();
			const expiresAt = iso(now() + ttlMs);
			await kv.set(`reset:${hash(token)}`, { accountId, expiresAt }, ttlMs);
			return { token, expiresAt };
		},

		/** The account a reset link is for, if it still works, without using it up. */
		async peekReset(token: string): Promise<string | null> {
			if (!TOKEN_SHAPE.test(token)) return null;
			const found = await kv.get<{ accountId: string; expiresAt: string }>(`reset:${hash(token)}`);
			return found && Date.parse(found.expiresAt) > now() ? found.accountId : null;
		},

		/** Uses up a reset link; answers its account. */
		async takeReset(token: string): Promise<string | null> {
			if (!TOKEN_SHAPE.test(token)) return null;
			const found = await kv.take<{ accountId: string; expiresAt: string }>(`reset:${hash(token)}`);
			return found && Date.parse(found.expiresAt) > now() ? found.accountId : null;
		}
	};
}

export type Invitations = ReturnType<typeof createInvitations>;
