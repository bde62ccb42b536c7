/**
 * A room's API keys, managed by its facilitators (and instance admins):
 *
 *   GET    /api/rooms/:id/api-keys           the keys that work, with when each was last used
 *   POST   /api/rooms/:id/api-keys           { name, scopes, days }  the key, shown once
 *   DELETE /api/rooms/:id/api-keys/:keyId    revoked at once, on every instance
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AccessService, Session } from '../access/access-service';
import { ApiScope, type ApiKey, type ApiKeys } from './api-keys';
import type { RoomEngine } from '../engine/room-engine';
import type { AuditTrail } from '../people/audit-trail';
import { isAllowedOrigin } from '../http/origin';
import { readJson, sendJson } from '../http/json';
import { facilitatorGuard } from '../http/room-guard';

export interface ApiKeysApiDeps {
	access: AccessService;
	keys: ApiKeys;
	engine: RoomEngine;
	allowedOrigins: readonly string[];
	allowedHosts: readonly string[];
	audit?: Pick<AuditTrail, 'record'>;
	now?: () => number;
}

const NewKeyBody = z.strictObject({
	name: z.string().trim().min(1, 'Name the key after the system that uses it.').max(60, 'A key’s name is at most 60 characters.'),
	scopes: z.array(ApiScope).min(1, 'Choose at least one thing the key may do.').max(5),
	/** Days until it stops working; null: until revoked. */
	days: z.int().min(1).max(3650).nullable()
});

const KEYS = /^\/api\/rooms\/([A-Za-z0-9_-]{1,64})\/api-keys$/;
const KEY = /^\/api\/rooms\/([A-Za-z0-9_-]{1,64})\/api-keys\/([0-9a-f-]{36})$/;

const view = (k: ApiKey) => ({
	id: k.id,
	name: k.name,
	scopes: k.scopes,
	createdAt: k.createdAt,
	createdBy: k.createdBy,
	expiresAt: k.expiresAt === null ? null : new Date(k.expiresAt).toISOString(),
	lastUsedAt: k.lastUsedAt
});

export function createApiKeysApi(deps: ApiKeysApiDeps) {
	const now = deps.now ?? Date.now;
	const facilitatorOf = facilitatorGuard(deps.access, deps.engine, 'its API keys');

	const actorOf = (s: Session) => ({
		id: s.accountId ?? s.id,
		name: s.name,
		kind: s.guest ? ('guest' as const) : ('person' as const)
	});

	return async function handleApiKeys(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
		const list = KEYS.exec(url.pathname);
		const one = KEY.exec(url.pathname);
		if (!list && !one) return false;
		const method = req.method ?? 'GET';
		if (method !== 'GET' && method !== 'HEAD' && !isAllowedOrigin(req, deps.allowedOrigins, deps.allowedHosts)) {
			sendJson(res, 403, { error: 'forbidden', message: 'Requests must come from this site.' });
			return true;
		}
		const roomId = (list ?? one)![1]!;
		if (list && method === 'GET') {
			if (!(await facilitatorOf(req, res, roomId))) return true;
			sendJson(res, 200, { keys: (await deps.keys.list(roomId)).map(view) });
		} else if (list && method === 'POST') {
			const session = await facilitatorOf(req, res, roomId);
			if (!session) return true;
			const body = NewKeyBody.safeParse(await readJson(req));
			if (!body.success) {
				sendJson(res, 400, {
					error: 'invalid_payload',
					message: body.error.issues[0]?.message ?? 'Send { name, scopes, days }.'
				});
				return true;
			}
			const made = await deps.keys.make(roomId, {
				name: body.data.name,
				scopes: body.data.scopes,
				expiresAt: body.data.days === null ? null : now() + body.data.days * 86_400_000,
				createdBy: session.name
			});
			void deps.audit
				?.record({
					action: 'api_key_made',
					roomId,
					actor: actorOf(session),
					subject: { id: made.record.id, name: made.record.name, kind: 'api-key' },
					detail: made.record.scopes.join(', ')
				})
				.catch(() => undefined);
			sendJson(res, 201, { key: made.key, ...view(made.record) });
		} else if (one && method === 'DELETE') {
			const session = await facilitatorOf(req, res, roomId);
			if (!session) return true;
			const revoked = await deps.keys.revoke(roomId, one[2]!);
			if (!revoked) {
				sendJson(res, 404, { error: 'not_found', message: 'This room has no such key; it may have been revoked already.' });
				return true;
			}
			void deps.audit
				?.record({
					action: 'api_key_revoked',
					roomId,
					actor: actorOf(session),
					subject: { id: revoked.id, name: revoked.name, kind: 'api-key' }
				})
				.catch(() => undefined);
			sendJson(res, 200, { revoked: revoked.id });
		} else {
			sendJson(res, 405, { error: 'method_not_allowed', message: list ? 'Use GET or POST.' : 'Use DELETE.' });
		}
		return true;
	};
}
