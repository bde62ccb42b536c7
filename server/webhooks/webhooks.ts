/**
 * Webhooks out: a listener on committed events queues one job per message and endpoint (on the
 * instance that committed, beside the broadcast), and a dispatcher on every instance claims due jobs
 * under a lease, signs and sends them, logs each attempt, and retries with backoff for about a day. An
 * endpoint that has failed for a whole day is paused, with the reason shown to facilitators.
 */
import { randomBytes } from 'node:crypto';
import type { RecordedEvent, RoomState } from '../../src/lib/domain';
import type { RoomEventsMessage } from '../../src/lib/protocol';
import type { DeliveryView } from '../../src/lib/protocol/webhooks';
import type { ScreenHealth } from '../../src/lib/protocol/screens';
import type { Broadcaster } from '../engine/room-engine';
import type { AuditTrail } from '../people/audit-trail';
import type { Logger } from '../log';
import type { KvStore } from '../store/kv';
import type { EventStore } from '../store/port';
import { createEndpointStore, type StoredEndpoint } from './endpoint-store';
import { messagesOf, screenOfflineMessages, pingMessage, type WebhookMessage } from './messages';
import { shapeBody } from './presets';
import type { DeliveryJob, DeliveryQueue, Lease } from './queue';
import { sendWebhook } from './send';
import { signatureHeaders } from './signing';

/**
 * Waits after each failed attempt (Standard Webhooks' suggested schedule): 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h, 10 h; eight attempts over about 27 hours, then the message is given up.
 */
export const RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
/** An endpoint whose every delivery has failed for this long is paused. */
export const PAUSE_AFTER_MS = 24 * 3_600_000;
/**
 * The catch-up queues events this much older than the committing instance would have: one that died
 * between committing and queueing left them behind. Younger ones are still its to queue.
 */
export const CATCH_UP_AFTER_MS = 10_000;
/** How often each instance looks for events left behind. */
const CATCH_UP_EVERY_MS = 5_000;

/** Up to where a room's events are queued (or were before any endpoint existed). */
interface Cursor {
	epoch: string;
	version: number;
}
const ROOMS_KEY = 'webhooks:rooms';
const cursorKey = (roomId: string) => `webhooks:cursor:${roomId}`;

export interface WebhooksDeps {
	kv: KvStore;
	queue: DeliveryQueue;
	log: Logger;
	/** The room's state, for names in messages (teams, touchpoints, KPIs). */
	state: (roomId: string) => Promise<RoomState | null>;
	/** The event log, read by the catch-up. */
	store: Pick<EventStore, 'head' | 'readFrom'>;
	/** Where an endpoint paused after a day of failures is recorded (the room's audit trail). */
	audit?: Pick<AuditTrail, 'record'>;
	/** WEBHOOK_ALLOW_PRIVATE: let requests reach private, loopback and link-local addresses. */
	allowPrivate: boolean;
	/** Paired screens' health per room (server/displays/display-status.ts), for `screen.offline`. */
	screens?: (roomId: string) => Promise<Record<string, ScreenHealth>>;
	now?: () => number;
	/** Longest wait for an answer (default 10 s). */
	timeoutMs?: number;
	/** How often due jobs are looked for (default every second). */
	pollMs?: number;
	/** Jobs sent at once by one instance (default 4). */
	concurrency?: number;
}

export function createWebhooks(deps: WebhooksDeps) {
	const now = deps.now ?? Date.now;
	const timeoutMs = deps.timeoutMs ?? 10_000;
	// A lease outlives the longest attempt, so only a dead instance's job is claimed again.
	const leaseMs = timeoutMs + 5_000;
	const concurrency = deps.concurrency ?? 4;
	const endpoints = createEndpointStore(deps.kv, now);
	const inFlight = new Set<Promise<void>>();
	let timer: NodeJS.Timeout | null = null;
	let draining: Promise<void> | null = null;

	/** Queues a message for every active endpoint of its room that asked for its kind. */
	async function queueMessages(roomId: string, messages: readonly WebhookMessage[]): Promise<void> {
		const targets = await endpoints.list(roomId);
		for (const endpoint of targets) {
			if ((await endpoints.health(endpoint.id)).paused) continue;
			for (const message of messages) {
				if (message.kind === 'ping' || !endpoint.kinds.includes(message.kind)) continue;
				await deps.queue.add({ id: `${message.id}:${endpoint.id}`, roomId, endpointId: endpoint.id, message, attempt: 0 }, now());
			}
		}
	}

	async function onCommitted(message: RoomEventsMessage): Promise<void> {
		// Most rooms have no endpoints: nothing else is read for them.
		if ((await endpoints.list(message.roomId)).length === 0) return;
		const state = await deps.state(message.roomId);
		if (!state) return;
		const messages = messagesOf(message.roomId, message.epoch, message.events, state);
		if (messages.length > 0) await queueMessages(message.roomId, messages);
		// The cursor moves only over a run with no gap: an event before this batch that another instance
		// committed but has not queued (or never will: it died) is left for the catch-up.
		const first = message.events[0]?.v ?? 0;
		const last = message.events.at(-1)?.v ?? 0;
		const cursor = await deps.kv.get<Cursor>(cursorKey(message.roomId));
		if (cursor?.epoch === message.epoch && cursor.version === first - 1)
			await deps.kv.set(cursorKey(message.roomId), { epoch: message.epoch, version: last } satisfies Cursor);
		kick();
	}

	/**
	 * Queues what an instance committed but died before queueing: events past the room's cursor and older
	 * than CATCH_UP_AFTER_MS. Queueing twice is harmless (job ids are the events'; the queue refuses an id
	 * it holds or did lately).
	 */
	async function catchUp(roomId: string): Promise<void> {
		const head = await deps.store.head(roomId);
		if (!head) return;
		const cursor = await deps.kv.get<Cursor>(cursorKey(roomId));
		// No cursor yet, or history rewritten (a restore): start from now, sending nothing old.
		if (!cursor || cursor.epoch !== head.epoch)
			return deps.kv.set(cursorKey(roomId), { epoch: head.epoch, version: head.version });
		if (cursor.version >= head.version) return;
		const read = await deps.store.readFrom(roomId, cursor.version, 500);
		if (!read.ok) return deps.kv.set(cursorKey(roomId), { epoch: head.epoch, version: head.version });
		// In order, up to the first that is too recent (instances' clocks may differ a little).
		const young = read.events.findIndex((e) => Date.parse(e.at) > now() - CATCH_UP_AFTER_MS);
		const due = young < 0 ? read.events : read.events.slice(0, young);
		const last = due.at(-1);
		if (!last) return;
		const state = await deps.state(roomId);
		if (!state) return;
		await queueMessages(roomId, messagesOf(roomId, head.epoch, due as RecordedEvent[], state));
		await deps.kv.set(cursorKey(roomId), { epoch: head.epoch, version: last.v } satisfies Cursor);
		deps.log.info({ roomId, events: due.length }, 'webhooks queued for events an instance committed but did not queue');
	}

	let lastCatchUp = 0;
	/** Every few seconds: every room with endpoints caught up. */
	async function catchUpAll(): Promise<void> {
		if (now() - lastCatchUp < CATCH_UP_EVERY_MS) return;
		lastCatchUp = now();
		for (const roomId of (await deps.kv.get<string[]>(ROOMS_KEY)) ?? []) {
			await catchUp(roomId);
			await screensOffline(roomId);
		}
	}

	/**
	 * Queues `screen.offline` for the room's screens offline longer than their alert time. Every instance
	 * checks; the queue takes each outage's message once (its id names the outage).
	 */
	async function screensOffline(roomId: string): Promise<void> {
		if (!deps.screens) return;
		const state = await deps.state(roomId);
		if (!state || Object.keys(state.displays).length === 0) return;
		const messages = screenOfflineMessages(roomId, state, await deps.screens(roomId), now());
		if (messages.length > 0) await queueMessages(roomId, messages);
	}

	/** One attempt at one job: send, log, then done, later, or given up (and perhaps the endpoint paused). */
	async function attempt(lease: Lease): Promise<void> {
		const { job } = lease;
		const endpoint = await endpoints.get(job.roomId, job.endpointId);
		if (!endpoint) return deps.queue.done(lease);
		const attemptNo = job.attempt + 1;
		const at = new Date(now());
		if ((await endpoints.health(endpoint.id)).paused) {
			await endpoints.log(
				endpoint.id,
				entry(job, attemptNo, at, 'failed', null, 'Not sent: the endpoint is paused.', null),
				job.message
			);
			return deps.queue.done(lease);
		}
		const result = await deliver(endpoint, job.message, at);
		if (result.outcome === 'delivered') {
			await endpoints.succeeded(endpoint.id);
			await endpoints.log(endpoint.id, entry(job, attemptNo, at, 'delivered', result.status, result.excerpt, null), job.message);
			return deps.queue.done(lease);
		}
		const failingSince = await endpoints.failed(endpoint.id);
		const pause = now() - Date.parse(failingSince) >= PAUSE_AFTER_MS;
		const delay = result.outcome === 'refused' || pause ? undefined : RETRY_DELAYS_MS[attemptNo - 1];
		const next = delay === undefined ? null : now() + delay;
		await endpoints.log(
			endpoint.id,
			entry(
				job,
				attemptNo,
				at,
				result.outcome,
				result.status,
				result.excerpt,
				next === null ? null : new Date(next).toISOString()
			),
			job.message
		);
		if (pause) {
			const reason = `Every delivery since ${failingSince} has failed (last: ${result.status ?? result.excerpt}). It was paused after a day of failures: check the address and the receiving system, then resume it.`;
			await endpoints.pause(endpoint.id, reason);
			await deps.audit
				?.record({
					action: 'webhook_paused',
					roomId: job.roomId,
					actor: { id: 'system', name: 'Customer Room', kind: 'system' },
					detail: `${new URL(endpoint.url).host}, ${endpoint.id}: a day of failed deliveries`
				})
				.catch(() => undefined);
			deps.log.warn({ roomId: job.roomId, endpointId: endpoint.id }, 'a webhook endpoint failed for a day and was paused');
		}
		if (next === null) return deps.queue.done(lease);
		await deps.queue.later(lease, { ...job, attempt: attemptNo }, next);
	}

	/** Shapes, signs and sends a message to an endpoint. */
	function deliver(endpoint: StoredEndpoint, message: WebhookMessage, at: Date) {
		const body = JSON.stringify(shapeBody(endpoint.preset, message, endpoint.roomUrl));
		const headers = signatureHeaders(endpoints.signingSecrets(endpoint), message.id, at, body);
		return sendWebhook(endpoint.url, body, headers, { allowPrivate: deps.allowPrivate, timeoutMs });
	}

	/** Claims and sends every due job, `concurrency` at a time; resolves when none is due and all are sent. */
	function drain(): Promise<void> {
		draining ??= (async () => {
			try {
				for (;;) {
					while (inFlight.size >= concurrency) await Promise.race(inFlight);
					const lease = await deps.queue.claim(now(), leaseMs);
					if (!lease) break;
					const run = attempt(lease)
						.catch((error: unknown) =>
							deps.log.warn(
								{ roomId: lease.job.roomId, endpointId: lease.job.endpointId, err: String(error) },
								'a webhook attempt failed'
							)
						)
						.finally(() => inFlight.delete(run));
					inFlight.add(run);
				}
				await Promise.all(inFlight);
			} finally {
				draining = null;
			}
		})();
		return draining;
	}

	function kick(): void {
		if (timer)
			void drain().catch((error: unknown) => deps.log.warn({ err: String(error) }, 'the webhook queue could not be read'));
	}

	function tick(): void {
		void catchUpAll()
			.catch((error: unknown) => deps.log.warn({ err: String(error) }, 'webhooks could not catch up with the event log'))
			.finally(kick);
	}

	return {
		endpoints,
		/** Wraps the engine's broadcaster: after each committed batch, queue its webhooks. */
		wrap(inner: Broadcaster): Broadcaster {
			return {
				publish(message: RoomEventsMessage) {
					inner.publish(message);
					onCommitted(message).catch((error: unknown) =>
						deps.log.warn({ roomId: message.roomId, err: String(error) }, 'webhooks could not be queued')
					);
				}
			};
		},
		/** Queues a logged message again, as a new job with the same message id; false if the log no longer has it. */
		async sendAgain(roomId: string, endpointId: string, messageId: string): Promise<boolean> {
			const message = await endpoints.loggedMessage(endpointId, messageId);
			if (!message) return false;
			const id = `${messageId}:${endpointId}:again:${randomBytes(6).toString('base64url')}`;
			await deps.queue.add({ id, roomId, endpointId, message, attempt: 0 }, now());
			kick();
			return true;
		},
		/** Queues a test message for one endpoint. */
		async ping(roomId: string, roomName: string, endpointId: string): Promise<string> {
			const message = pingMessage(roomId, roomName, `msg_ping_${randomBytes(9).toString('base64url')}`, new Date(now()));
			await deps.queue.add({ id: `${message.id}:${endpointId}`, roomId, endpointId, message, attempt: 0 }, now());
			kick();
			return message.id;
		},
		/** Sends every job due now (tests with a clock of their own call this instead of waiting). */
		drain,
		/** Queues what the event log has past a room's cursor (tests call it; the timer does every few seconds). */
		catchUp,
		/** A room got its first endpoint (or lost its last): the catch-up looks at it (or no longer). */
		async watch(roomId: string, watched: boolean): Promise<void> {
			const rooms = new Set((await deps.kv.get<string[]>(ROOMS_KEY)) ?? []);
			if (watched === rooms.has(roomId)) return;
			if (watched) {
				rooms.add(roomId);
				await catchUp(roomId);
			} else rooms.delete(roomId);
			await deps.kv.set(ROOMS_KEY, [...rooms]);
		},
		start(pollMs = deps.pollMs ?? 1_000): void {
			timer ??= setInterval(tick, pollMs);
			timer.unref();
		},
		async stop(): Promise<void> {
			if (timer) clearInterval(timer);
			timer = null;
			await draining;
		}
	};
}

export type Webhooks = ReturnType<typeof createWebhooks>;

function entry(
	job: DeliveryJob,
	attempt: number,
	at: Date,
	outcome: DeliveryView['outcome'],
	status: number | null,
	excerpt: string,
	nextAttemptAt: string | null
): DeliveryView {
	return {
		messageId: job.message.id,
		kind: job.message.kind,
		attempt,
		at: at.toISOString(),
		outcome,
		status,
		excerpt,
		nextAttemptAt
	};
}
