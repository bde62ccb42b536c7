/**
 * Webhook endpoints are access data (their secrets sign messages), kept in the access KvStore, never in
 * the room's event log: per room one list of endpoints, per endpoint its health (failing since, paused)
 * and a delivery log of its newest attempts. Secrets leave this module only to sign, and once to the
 * facilitator who made or rotated them.
 */
import { randomBytes } from 'node:crypto';
import type { KvStore } from '../store/kv';
import type { CreateEndpointBody, DeliveryView, EndpointView, UpdateEndpointBody } from '../../src/lib/protocol/webhooks';
import type { WebhookMessage } from './messages';
import { makeSecret } from './signing';

export interface StoredEndpoint {
	id: string;
	roomId: string;
	url: string;
	preset: EndpointView['preset'];
	kinds: EndpointView['kinds'];
	description: string;
	createdAt: string;
	/** The room's page, for the link in chat messages: taken from the address the facilitator used. */
	roomUrl: string;
	secret: string;
	previousSecret: { secret: string; until: string } | null;
}

export interface EndpointHealth {
	failingSince: string | null;
	paused: { at: string; reason: string } | null;
}

/** How long the secret before a rotation keeps signing too. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
/** Attempts kept in each endpoint's delivery log. */
export const LOG_KEEP = 100;

type LoggedDelivery = DeliveryView & { message: WebhookMessage };

const HEALTHY: EndpointHealth = { failingSince: null, paused: null };
const listKey = (roomId: string) => `webhooks:room:${roomId}`;
const healthKey = (endpointId: string) => `webhooks:health:${endpointId}`;
const logKey = (endpointId: string) => `webhooks:log:${endpointId}`;

export function createEndpointStore(kv: KvStore, now: () => number = Date.now) {
	const list = async (roomId: string) => (await kv.get<StoredEndpoint[]>(listKey(roomId))) ?? [];
	const health = async (endpointId: string) => (await kv.get<EndpointHealth>(healthKey(endpointId))) ?? HEALTHY;

	/** The secrets that sign now: the current one, and the one before while its overlap lasts. */
	function signingSecrets(endpoint: StoredEndpoint): string[] {
		const previous = endpoint.previousSecret;
		return previous && Date.parse(previous.until) > now() ? [endpoint.secret, previous.secret] : [endpoint.secret];
	}

	async function view(endpoint: StoredEndpoint): Promise<EndpointView> {
		const h = await health(endpoint.id);
		const previous =
			endpoint.previousSecret && Date.parse(endpoint.previousSecret.until) > now() ? endpoint.previousSecret.until : null;
		return {
			id: endpoint.id,
			url: endpoint.url,
			preset: endpoint.preset,
			kinds: endpoint.kinds,
			description: endpoint.description,
			createdAt: endpoint.createdAt,
			status: h.paused ? 'paused' : 'active',
			pausedReason: h.paused?.reason ?? null,
			failingSince: h.failingSince,
			previousSecretUntil: previous
		};
	}

	async function change(
		roomId: string,
		id: string,
		apply: (e: StoredEndpoint) => StoredEndpoint
	): Promise<StoredEndpoint | null> {
		const all = await list(roomId);
		const index = all.findIndex((e) => e.id === id);
		if (index < 0) return null;
		all[index] = apply(all[index]!);
		await kv.set(listKey(roomId), all);
		return all[index]!;
	}

	return {
		list,
		view,
		health,
		signingSecrets,
		async get(roomId: string, id: string): Promise<StoredEndpoint | null> {
			return (await list(roomId)).find((e) => e.id === id) ?? null;
		},
		/** Adds an endpoint; answers it with its secret (shown once). */
		async create(roomId: string, body: CreateEndpointBody, roomUrl: string): Promise<StoredEndpoint> {
			const endpoint: StoredEndpoint = {
				id: `wh_${randomBytes(9).toString('base64url')}`,
				roomId,
				url: body.url,
				preset: body.preset,
				kinds: [...new Set(body.kinds)],
				description: body.description,
				createdAt: new Date(now()).toISOString(),
				roomUrl,
				secret: makeSecret(),
				previousSecret: null
			};
			await kv.set(listKey(roomId), [...(await list(roomId)), endpoint]);
			return endpoint;
		},
		async update(roomId: string, id: string, body: UpdateEndpointBody): Promise<StoredEndpoint | null> {
			const { active, ...rest } = body;
			const changed = await change(roomId, id, (e) => ({
				...e,
				...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
				kinds: rest.kinds ? [...new Set(rest.kinds)] : e.kinds
			}));
			if (changed && active === true) await kv.set(healthKey(id), HEALTHY);
			if (changed && active === false) await this.pause(id, 'A facilitator paused it.');
			return changed;
		},
		async remove(roomId: string, id: string): Promise<boolean> {
			const all = await list(roomId);
			if (!all.some((e) => e.id === id)) return false;
			await kv.set(
				listKey(roomId),
				all.filter((e) => e.id !== id)
			);
			await kv.delete(healthKey(id));
			await kv.delete(logKey(id));
			return true;
		},
		/** Removes every endpoint of a deleted room, with its health and delivery log; answers how many. */
		async forgetRoom(roomId: string): Promise<number> {
			const all = await list(roomId);
			for (const endpoint of all) {
				await kv.delete(healthKey(endpoint.id));
				await kv.delete(logKey(endpoint.id));
			}
			await kv.delete(listKey(roomId));
			return all.length;
		},
		/** A new secret; the one before keeps signing for ROTATION_OVERLAP_MS. */
		async rotate(roomId: string, id: string): Promise<StoredEndpoint | null> {
			return change(roomId, id, (e) => ({
				...e,
				secret: makeSecret(),
				previousSecret: { secret: e.secret, until: new Date(now() + ROTATION_OVERLAP_MS).toISOString() }
			}));
		},
		async pause(id: string, reason: string): Promise<void> {
			await kv.set(healthKey(id), { ...(await health(id)), paused: { at: new Date(now()).toISOString(), reason } });
		},
		/** Records a failure; answers since when the endpoint has been failing. */
		async failed(id: string): Promise<string> {
			const h = await health(id);
			if (h.failingSince) return h.failingSince;
			const since = new Date(now()).toISOString();
			await kv.set(healthKey(id), { ...h, failingSince: since });
			return since;
		},
		async succeeded(id: string): Promise<void> {
			const h = await health(id);
			if (h.failingSince) await kv.set(healthKey(id), { ...h, failingSince: null });
		},
		/** Adds an attempt to the log, with its message (to send again). */
		async log(id: string, entry: DeliveryView, message: WebhookMessage): Promise<void> {
			await kv.push(logKey(id), { ...entry, message } satisfies LoggedDelivery, LOG_KEEP);
		},
		/** The delivery log, newest first. */
		async deliveries(id: string): Promise<DeliveryView[]> {
			return [...(await kv.list<LoggedDelivery>(logKey(id)))].reverse().map(({ message: _message, ...view }) => view);
		},
		/** A message the log still holds, to send again. */
		async loggedMessage(id: string, messageId: string): Promise<WebhookMessage | null> {
			return (await kv.list<LoggedDelivery>(logKey(id))).findLast((d) => d.messageId === messageId)?.message ?? null;
		}
	};
}

export type EndpointStore = ReturnType<typeof createEndpointStore>;
