/**
 * The socket messages of screen management (issue 21): a paired TV reports its health, facilitators read
 * every screen's health and send a screen an action. None of these enter the room's event log: health is
 * reported every half minute by every TV, which would swamp the log every viewer replays, and an action
 * (identify, reload) is a moment, not a fact about the room.
 *
 *   TV          --display:health {roomId, build, width, height, renderMs}-->  server (no answer)
 *   facilitator --screens:status {roomId}-->  server  ack: { ok, screens: { [displayId]: ScreenHealth } }
 *   facilitator --display:act {roomId, displayId, action}-->  server  ack: { ok } ; server --display:action--> that TV
 */
import { z } from 'zod';
import { Id } from '../domain';
import { ErrorResult } from './errors';

export { HEALTH_EVERY_MS } from './health-timing';

/** TV -> server, every HEALTH_EVERY_MS and after each join. Example: `{ roomId: 'demo', build: 'b1a2', width: 3840, height: 2160, renderMs: 412 }` */
export const DisplayHealthReport = z.strictObject({
	roomId: Id,
	/** The app build the TV's page runs (from the first `server:hello` it got). */
	build: z.string().max(64),
	/** The wall's size in device pixels. */
	width: z.int().min(0).max(20_000),
	height: z.int().min(0).max(20_000),
	/** The last render: the first complete one after loading, then the last live update, to its paint (ms). */
	renderMs: z.number().min(0).max(600_000).nullable()
});
export type DisplayHealthReport = z.infer<typeof DisplayHealthReport>;

/** Facilitator -> server: every paired screen's health. Example: `{ roomId: 'demo' }` */
export const ScreensStatusRequest = z.strictObject({ roomId: Id });
export type ScreensStatusRequest = z.infer<typeof ScreensStatusRequest>;

/** What a facilitator can ask a screen to do now: show its name large for a few seconds, or reload. */
export const DisplayAction = z.enum(['identify', 'reload']);
export type DisplayAction = z.infer<typeof DisplayAction>;

/** Facilitator -> server. Example: `{ roomId: 'demo', displayId: 'd-1a2b3c4d5e6f', action: 'identify' }` */
export const DisplayActRequest = z.strictObject({ roomId: Id, displayId: Id, action: DisplayAction });
export type DisplayActRequest = z.infer<typeof DisplayActRequest>;

/** One screen's health as the server last heard it (times in ms since the epoch, by the server's clock). */
export const ScreenHealth = z.strictObject({
	/** A connection is open and reported within the last 2.5 report periods. */
	online: z.boolean(),
	/** Last time the server heard from the screen. */
	lastSeenAt: z.number(),
	/** When its current (or last) connection opened. */
	connectedAt: z.number(),
	build: z.string().nullable(),
	width: z.number().nullable(),
	height: z.number().nullable(),
	renderMs: z.number().nullable(),
	/** Connections opened in the last 24 hours after the screen's first one. */
	reconnectsLastDay: z.int().min(0)
});
export type ScreenHealth = z.infer<typeof ScreenHealth>;

/** Minutes a screen may be offline before facilitators are told, unless its settings say otherwise. */
export const DEFAULT_OFFLINE_ALERT_MIN = 10;

/**
 * The one rule for "offline too long" (the Access page's flag and the `screen.offline` webhook): not
 * online, and not heard from for the display's alert time.
 */
export function offlineTooLong(display: { offlineAlertMin?: number }, health: ScreenHealth, now: number): boolean {
	return !health.online && now - health.lastSeenAt >= (display.offlineAlertMin ?? DEFAULT_OFFLINE_ALERT_MIN) * 60_000;
}

/** The answer to `screens:status`: health per display id (a screen never heard from is absent). */
export const ScreensStatusResult = z.union([
	z.strictObject({ ok: z.literal(true), serverTime: z.number(), screens: z.record(z.string(), ScreenHealth) }),
	ErrorResult
]);
export type ScreensStatusResult = z.infer<typeof ScreensStatusResult>;

/** The answer to `display:act`: `delivered` counts the screen's open connections told (0: it is offline). */
export const DisplayActResult = z.union([z.strictObject({ ok: z.literal(true), delivered: z.int().min(0) }), ErrorResult]);
export type DisplayActResult = z.infer<typeof DisplayActResult>;

/** server -> one paired screen's connections: do this now. Example: `{ roomId: 'demo', action: 'identify' }` */
export const DisplayActionMessage = z.strictObject({ roomId: z.string(), action: DisplayAction });
export type DisplayActionMessage = z.infer<typeof DisplayActionMessage>;
