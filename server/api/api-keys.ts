/**
 * API keys (issue 18): how other systems (a contact-centre platform, a data warehouse, a survey tool)
 * push data into one room and read it. A room's facilitators make a key with a name, scopes and an
 * optional expiry; the key is shown once (`cr_` and 43 random base64url characters, 256 bits) and stored
 * only as its SHA-256 hash, so a leaked store leaks no key. Revoking deletes the hash: every instance
 * refuses the key on its next request.
 *
 * Stored in the access KvStore (shared by every instance in Redis mode):
 *   api-key:<hash>           the key's record
 *   api-key-ref:<id>         { hash } (to revoke by id)
 *   room-api-keys:<roomId>   ids of the room's keys, oldest first
 *   api-key-used:<id>        { at } the last use (written at most once a minute)
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { KvStore } from '../store/kv';

/** What a key may do; `read` reads the room, each `*:write` pushes one kind of data. */
export const API_SCOPES = ['read', 'kpis:write', 'surveys:write', 'complaints:write', 'artifacts:write'] as const;
export const ApiScope = z.enum(API_SCOPES);
export type ApiScope = z.infer<typeof ApiScope>;

/** A key as its room's facilitators see it: never the key itself. */
export interface ApiKey {
	id: string;
	roomId: string;
	name: string;
	scopes: ApiScope[];
	createdAt: string;
	createdBy: string;
	/** ms since the epoch, or null: never expires. */
	expiresAt: number | null;
	lastUsedAt: string | null;
}

/** The shape of a key: `cr_` and 43 base64url characters; anything else is refused before any lookup. */
const KEY_SHAPE = /^cr_[A-Za-z0-9_-]{43}$/;
const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');
const USED_EVERY_MS = 60_000;

export function createApiKeys(kv: KvStore, now: () => number = Date.now) {
	const iso = () => new Date(now()).toISOString();

	async function lastUsed(id: string): Promise<string | null> {
		return (await kv.get<{ at: string }>(`api-key-used:${id}`))?.at ?? null;
	}

	return {
		/** Makes a key; answers it (shown once) and its record. */
		async make(
			roomId: string,
			input: { name: string; scopes: ApiScope[]; expiresAt: number | null; createdBy: string }
		): Promise<{ key: string; record: ApiKey }> {
			const key = `cr_${randomBytes(32).toString('base64url')}`;
			const record: ApiKey = {
				id: randomUUID(),
				roomId,
				name: input.name,
				scopes: [...new Set(input.scopes)],
				createdAt: iso(),
				createdBy: input.createdBy,
				expiresAt: input.expiresAt,
				lastUsedAt: null
			};
			const ttl = input.expiresAt === null ? undefined : Math.max(1, input.expiresAt - now());
			await kv.set(`api-key:${hashKey(key)}`, record, ttl);
			await kv.set(`api-key-ref:${record.id}`, { hash: hashKey(key) }, ttl);
			await kv.push(`room-api-keys:${roomId}`, record.id, 10_000);
			return { key, record };
		},

		/** The key a Bearer token is, if it is one that works now (not revoked, not expired), or null. */
		async verify(token: string | null): Promise<ApiKey | null> {
			if (!token || !KEY_SHAPE.test(token)) return null;
			const record = await kv.get<ApiKey>(`api-key:${hashKey(token)}`);
			if (!record || (record.expiresAt !== null && record.expiresAt <= now())) return null;
			return record;
		},

		/** Notes a use of a key (written at most once a minute, so a busy integration does not rewrite it per request). */
		async used(record: ApiKey): Promise<void> {
			const last = await lastUsed(record.id);
			if (last && now() - Date.parse(last) < USED_EVERY_MS) return;
			await kv.set(`api-key-used:${record.id}`, { at: iso() });
		},

		/** A room's keys that still work, newest first. */
		async list(roomId: string): Promise<ApiKey[]> {
			const out: ApiKey[] = [];
			for (const id of [...new Set(await kv.list<string>(`room-api-keys:${roomId}`))].reverse()) {
				const ref = await kv.get<{ hash: string }>(`api-key-ref:${id}`);
				const record = ref ? await kv.get<ApiKey>(`api-key:${ref.hash}`) : null;
				if (!record || record.roomId !== roomId || (record.expiresAt !== null && record.expiresAt <= now())) continue;
				out.push({ ...record, lastUsedAt: await lastUsed(id) });
			}
			return out;
		},

		/** Revokes a key at once, on every instance. Answers the record, or null if the room has no such key. */
		async revoke(roomId: string, id: string): Promise<ApiKey | null> {
			const ref = await kv.get<{ hash: string }>(`api-key-ref:${id}`);
			const record = ref ? await kv.get<ApiKey>(`api-key:${ref.hash}`) : null;
			if (!ref || !record || record.roomId !== roomId) return null;
			await kv.delete(`api-key:${ref.hash}`);
			await kv.delete(`api-key-ref:${id}`);
			return record;
		},

		/** Revokes every key of a deleted room, on every instance; answers how many still worked. */
		async forgetRoom(roomId: string): Promise<number> {
			const working = await this.list(roomId);
			for (const key of working) await this.revoke(roomId, key.id);
			await kv.delete(`room-api-keys:${roomId}`);
			return working.length;
		}
	};
}

export type ApiKeys = ReturnType<typeof createApiKeys>;
