/**
 * Webhooks out, over HTTP (server/http/webhooks-api.ts) and in the Access page: which room events an
 * endpoint may ask for, how a message is shaped, and what the facilitator sees of an endpoint and its
 * deliveries. The zod schemas are the source of truth; the types are inferred from them.
 */
import { z } from 'zod';

/**
 * The events an endpoint may subscribe to. Each is one room event, except three derived from the room
 * after the event: `kpi.targetCrossed` (a KPI's newest point meets its target where the point before it
 * did not, or the reverse), `kpi.signal` and `complaint.signal` (the newest point is a new XmR signal, by
 * the same rule the wall shows); and `screen.offline`, a paired screen offline longer than its alert time
 * (the Access page's flag), once per outage.
 */
export const WebhookKind = z.enum([
	'win.marked',
	'team.chartered',
	'team.statusChanged',
	'team.posted',
	'kpi.targetCrossed',
	'kpi.signal',
	'complaint.signal',
	'session.started',
	'session.ended',
	'touchpoint.assessed',
	'screen.offline'
]);
export type WebhookKind = z.infer<typeof WebhookKind>;

/** How the body is shaped: the raw JSON event, a Slack incoming webhook's `{ text }`, or a Teams workflow's card. */
export const WebhookPreset = z.enum(['raw', 'slack', 'teams']);
export type WebhookPreset = z.infer<typeof WebhookPreset>;

/** Most endpoints one room may have. */
export const MAX_ENDPOINTS_PER_ROOM = 20;

/** An endpoint's address: http or https, at most 2,000 characters, no user name or password in it. */
export const WebhookUrl = z
	.string()
	.trim()
	.max(2000, 'The address is at most 2,000 characters.')
	.refine((value) => {
		try {
			const url = new URL(value);
			return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
		} catch {
			return false;
		}
	}, 'Give the full address, starting with https:// (no user name or password in it).');

export const CreateEndpointBody = z.strictObject({
	url: WebhookUrl,
	preset: WebhookPreset,
	kinds: z.array(WebhookKind).min(1, 'Choose at least one event to send.').max(WebhookKind.options.length),
	description: z.string().trim().max(120).default('')
});
export type CreateEndpointBody = z.infer<typeof CreateEndpointBody>;

/** A change to an endpoint; `active: true` resumes a paused one. */
export const UpdateEndpointBody = z.strictObject({
	url: WebhookUrl.optional(),
	preset: WebhookPreset.optional(),
	kinds: z.array(WebhookKind).min(1, 'Choose at least one event to send.').max(WebhookKind.options.length).optional(),
	description: z.string().trim().max(120).optional(),
	active: z.boolean().optional()
});
export type UpdateEndpointBody = z.infer<typeof UpdateEndpointBody>;

/** What a facilitator sees of an endpoint: never its secret (shown once, when made or rotated). */
export const EndpointView = z.object({
	id: z.string(),
	url: z.string(),
	preset: WebhookPreset,
	kinds: z.array(WebhookKind),
	description: z.string(),
	createdAt: z.string(),
	/** `paused` after a day of failed deliveries (or by hand); `reason` says why. */
	status: z.enum(['active', 'paused']),
	pausedReason: z.string().nullable(),
	/** Since when every delivery has failed (null while they succeed). */
	failingSince: z.string().nullable(),
	/** Until when the secret before the last rotation still signs messages too. */
	previousSecretUntil: z.string().nullable()
});
export type EndpointView = z.infer<typeof EndpointView>;

/** One attempt at delivering a message, newest first in the log. */
export const DeliveryView = z.object({
	/** The message id (`webhook-id`): the same on every attempt at one message. */
	messageId: z.string(),
	kind: z.union([WebhookKind, z.literal('ping')]),
	attempt: z.int().min(1),
	at: z.string(),
	outcome: z.enum(['delivered', 'failed', 'refused']),
	/** The receiver's HTTP status, or null when none came (refused address, timeout, connection error). */
	status: z.int().nullable(),
	/** What went wrong, or the start of the receiver's answer (at most 500 characters). */
	excerpt: z.string(),
	/** When it will be tried again, if it will. */
	nextAttemptAt: z.string().nullable()
});
export type DeliveryView = z.infer<typeof DeliveryView>;

export const EndpointList = z.object({ endpoints: z.array(EndpointView), kinds: z.array(WebhookKind) });
export type EndpointList = z.infer<typeof EndpointList>;
