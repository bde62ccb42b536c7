/**
 * A room's webhook endpoints over HTTP, for its facilitators (and instance admins):
 *
 *   GET    /api/rooms/:id/webhooks                          the endpoints, with status
 *   POST   /api/rooms/:id/webhooks                          add one: { url, preset, kinds, description }; answers its secret, once
 *   PATCH  /api/rooms/:id/webhooks/:endpointId              change it; { active: true } resumes a paused one
 *   DELETE /api/rooms/:id/webhooks/:endpointId
 *   POST   /api/rooms/:id/webhooks/:endpointId/rotate       a new secret, answered once; the old one signs for 24 h more
 *   GET    /api/rooms/:id/webhooks/:endpointId/deliveries   the delivery log, newest first
 *   POST   /api/rooms/:id/webhooks/:endpointId/resend       { messageId }: send a logged message again
 *   POST   /api/rooms/:id/webhooks/:endpointId/ping         send a test message
 *
 * Writes must come from this site (same origin), like every other write.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { CreateEndpointBody, MAX_ENDPOINTS_PER_ROOM, UpdateEndpointBody, WebhookKind } from '../../src/lib/protocol/webhooks';
import type { AuditAction } from '../../src/lib/protocol/audit';
import { isInstanceAdmin, type AccessService, type Session } from '../access/access-service';
import type { Logger } from '../log';
import type { StoredEndpoint } from '../webhooks/endpoint-store';
import type { RoomEngine } from '../engine/room-engine';
import type { Webhooks } from '../webhooks/webhooks';
import { readJson, sendJson } from './json';
import { isAllowedOrigin, isHttps, type TrustProxy } from './origin';
import { sessionTokenOf } from './session';

export interface WebhooksApiDeps {
	access: AccessService;
	engine: Pick<RoomEngine, 'state'>;
	webhooks: Webhooks;
	allowedOrigins: readonly string[];
	allowedHosts: readonly string[];
	trustProxy: TrustProxy | null;
	log: Logger;
}

const ENDPOINTS = /^\/api\/rooms\/([A-Za-z0-9_-]{1,64})\/webhooks$/;
const ENDPOINT =
	/^\/api\/rooms\/([A-Za-z0-9_-]{1,64})\/webhooks\/(wh_[A-Za-z0-9_-]{1,32})(?:\/(rotate|deliveries|resend|ping))?$/;
const ResendBody = z.strictObject({ messageId: z.string().min(1).max(300) });

/** The first problem with a body, as one sentence naming the field. */
function invalid(res: ServerResponse, error: z.ZodError): void {
	const issue = error.issues[0];
	const field = issue?.path.join('.') || 'body';
	sendJson(res, 400, { error: 'invalid_payload', message: `${field}: ${issue?.message ?? 'not valid'}` });
}

export function createWebhooksApi(deps: WebhooksApiDeps) {
	const { access, webhooks } = deps;
	const store = webhooks.endpoints;

	/** The caller's session if they may manage this room's webhooks; otherwise answers why not. */
	async function facilitatorOf(req: IncomingMessage, res: ServerResponse, roomId: string): Promise<Session | null> {
		const session = await access.session(sessionTokenOf(req));
		if (!session) return (sendJson(res, 401, { error: 'unauthenticated', message: 'Sign in first.' }), null);
		if (access.roleIn(session, roomId) !== 'facilitator' && !isInstanceAdmin(session))
			return (sendJson(res, 403, { error: 'forbidden', message: "Only the room's facilitators manage its webhooks." }), null);
		if (!(await deps.engine.state(roomId))?.meta)
			return (sendJson(res, 404, { error: 'not_found', message: `There is no room "${roomId}".` }), null);
		return session;
	}

	/**
	 * Records a change to an endpoint in the audit trail. Only the host is named: the rest of a Slack or
	 * Teams address is itself a secret.
	 */
	function audit(action: AuditAction, session: Session, roomId: string, endpoint: StoredEndpoint): void {
		access.trail
			.record({
				action,
				roomId,
				actor: { id: session.accountId ?? session.id, name: session.name, kind: session.guest ? 'guest' : 'person' },
				detail: `${new URL(endpoint.url).host}, ${endpoint.id}`
			})
			.catch((error: unknown) => deps.log.warn({ roomId, err: String(error), action }, 'an audit entry was not recorded'));
	}

	const noEndpoint = (res: ServerResponse) =>
		sendJson(res, 404, { error: 'not_found', message: 'No such webhook endpoint in this room: it may have been deleted.' });

	async function list(res: ServerResponse, roomId: string): Promise<void> {
		const endpoints = await Promise.all((await store.list(roomId)).map((e) => store.view(e)));
		sendJson(res, 200, { endpoints, kinds: WebhookKind.options });
	}

	async function create(req: IncomingMessage, res: ServerResponse, roomId: string, session: Session): Promise<void> {
		const body = CreateEndpointBody.safeParse(await readJson(req));
		if (!body.success) return invalid(res, body.error);
		if ((await store.list(roomId)).length >= MAX_ENDPOINTS_PER_ROOM)
			return sendJson(res, 409, {
				error: 'limit_reached',
				message: `A room has at most ${MAX_ENDPOINTS_PER_ROOM} webhook endpoints: delete one you no longer use first.`
			});
		const roomUrl = `${isHttps(req, deps.trustProxy) ? 'https' : 'http'}://${req.headers.host}/rooms/${roomId}`;
		const endpoint = await store.create(roomId, body.data, roomUrl);
		await webhooks.watch(roomId, true);
		audit('webhook_added', session, roomId, endpoint);
		sendJson(res, 201, { endpoint: await store.view(endpoint), secret: endpoint.secret });
	}

	async function update(req: IncomingMessage, res: ServerResponse, roomId: string, id: string, session: Session): Promise<void> {
		const body = UpdateEndpointBody.safeParse(await readJson(req));
		if (!body.success) return invalid(res, body.error);
		const endpoint = await store.update(roomId, id, body.data);
		if (!endpoint) return noEndpoint(res);
		audit(body.data.active === false ? 'webhook_paused' : 'webhook_changed', session, roomId, endpoint);
		sendJson(res, 200, { endpoint: await store.view(endpoint) });
	}

	async function rotate(res: ServerResponse, roomId: string, id: string, session: Session): Promise<void> {
		const endpoint = await store.rotate(roomId, id);
		if (!endpoint) return noEndpoint(res);
		audit('webhook_secret_rotated', session, roomId, endpoint);
		sendJson(res, 200, { endpoint: await store.view(endpoint), secret: endpoint.secret });
	}

	async function resend(req: IncomingMessage, res: ServerResponse, roomId: string, id: string): Promise<void> {
		const body = ResendBody.safeParse(await readJson(req));
		if (!body.success) return invalid(res, body.error);
		if (!(await webhooks.sendAgain(roomId, id, body.data.messageId)))
			return sendJson(res, 404, {
				error: 'not_found',
				message: 'That message is no longer in this endpoint’s delivery log, so it cannot be sent again.'
			});
		sendJson(res, 202, { queued: true });
	}

	async function endpointRoute(
		req: IncomingMessage,
		res: ServerResponse,
		roomId: string,
		id: string,
		action: string | undefined
	) {
		const method = req.method ?? 'GET';
		const wrong = (allowed: string) => sendJson(res, 405, { error: 'method_not_allowed', message: `Use ${allowed} here.` });
		if (!action && method !== 'PATCH' && method !== 'DELETE') return wrong('PATCH or DELETE');
		if (action === 'deliveries' && method !== 'GET') return wrong('GET');
		if (action && action !== 'deliveries' && method !== 'POST') return wrong('POST');
		const session = await facilitatorOf(req, res, roomId);
		if (!session) return;
		const endpoint = await store.get(roomId, id);
		if (!endpoint) return noEndpoint(res);
		if (!action && method === 'PATCH') return update(req, res, roomId, id, session);
		if (!action) {
			await store.remove(roomId, id);
			if ((await store.list(roomId)).length === 0) await webhooks.watch(roomId, false);
			audit('webhook_removed', session, roomId, endpoint);
			return sendJson(res, 200, { deleted: true });
		}
		if (action === 'rotate') return rotate(res, roomId, id, session);
		if (action === 'deliveries') return sendJson(res, 200, { deliveries: await store.deliveries(id) });
		if (action === 'resend') return resend(req, res, roomId, id);
		const roomName = (await deps.engine.state(roomId))?.meta?.name ?? roomId;
		sendJson(res, 202, { messageId: await webhooks.ping(roomId, roomName, id) });
	}

	/** Handles the webhook routes; answers false for any other path. */
	return async function handleWebhooks(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
		const all = ENDPOINTS.exec(url.pathname);
		const one = all ? null : ENDPOINT.exec(url.pathname);
		if (!all && !one) return false;
		const method = req.method ?? 'GET';
		if (method !== 'GET' && method !== 'HEAD' && !isAllowedOrigin(req, deps.allowedOrigins, deps.allowedHosts)) {
			sendJson(res, 403, { error: 'forbidden', message: 'Requests must come from this site.' });
			return true;
		}
		if (all) {
			const roomId = all[1]!;
			if (method !== 'GET' && method !== 'POST')
				sendJson(res, 405, { error: 'method_not_allowed', message: 'Use GET or POST here.' });
			else {
				const session = await facilitatorOf(req, res, roomId);
				if (session) await (method === 'GET' ? list(res, roomId) : create(req, res, roomId, session));
			}
			return true;
		}
		await endpointRoute(req, res, one![1]!, one![2]!, one![3]);
		return true;
	};
}
