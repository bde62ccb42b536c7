/**
 * Paired screens' health (issue 21): when each was last heard from, what it runs, how big it is, how
 * fast it renders, how often it reconnects. Kept out of the room's event log on purpose: every TV reports
 * every half minute, which would grow the log (and every viewer's catch-up) without end for figures only
 * facilitators read. Embedded mode keeps it in memory (after a restart every TV reconnects within
 * seconds and reports again); Redis mode keeps it in one hash per room, shared by every instance, so a
 * facilitator on one instance sees a TV connected to another.
 */
import type { Redis } from 'ioredis';
import type { DisplayHealthReport, ScreenHealth } from '../../src/lib/protocol';
import { HEALTH_EVERY_MS } from '../../src/lib/protocol';

const DAY_MS = 24 * 3600_000;
/** A screen silent this long is offline, even if no disconnect was seen (an instance died with it). */
export const SILENT_AFTER_MS = Math.round(HEALTH_EVERY_MS * 2.5);
/** Connection times kept per screen (enough for a day of a bad network). */
const CONNECTS_KEEP = 500;

/** What is stored per screen. */
interface StatusRecord {
	lastSeenAt: number;
	connectedAt: number;
	disconnectedAt: number | null;
	firstConnectAt: number;
	/** Times connections opened, newest last, capped. */
	connects: number[];
	build: string | null;
	width: number | null;
	height: number | null;
	renderMs: number | null;
}

/** Where the records live: a map per room of display id to record. */
export interface StatusHash {
	get(roomId: string, displayId: string): Promise<StatusRecord | null>;
	set(roomId: string, displayId: string, record: StatusRecord): Promise<void>;
	all(roomId: string): Promise<Record<string, StatusRecord>>;
	delete(roomId: string, displayId: string): Promise<void>;
}

export function memoryStatusHash(): StatusHash {
	const rooms = new Map<string, Map<string, StatusRecord>>();
	const room = (roomId: string) => rooms.get(roomId) ?? rooms.set(roomId, new Map()).get(roomId)!;
	return {
		get: async (roomId, displayId) => room(roomId).get(displayId) ?? null,
		set: async (roomId, displayId, record) => void room(roomId).set(displayId, record),
		all: async (roomId) => Object.fromEntries(room(roomId)),
		delete: async (roomId, displayId) => void room(roomId).delete(displayId)
	};
}

/** One hash per room (hash-tagged, as the room's other keys); it expires a week after its last write. */
export function redisStatusHash(redis: Redis): StatusHash {
	const key = (roomId: string) => `room:{${roomId}}:screens`;
	const WEEK_S = 7 * 24 * 3600;
	return {
		async get(roomId, displayId) {
			const raw = await redis.hget(key(roomId), displayId);
			return raw ? (JSON.parse(raw) as StatusRecord) : null;
		},
		async set(roomId, displayId, record) {
			await redis.multi().hset(key(roomId), displayId, JSON.stringify(record)).expire(key(roomId), WEEK_S).exec();
		},
		async all(roomId) {
			const raw = await redis.hgetall(key(roomId));
			return Object.fromEntries(Object.entries(raw).map(([id, json]) => [id, JSON.parse(json) as StatusRecord]));
		},
		async delete(roomId, displayId) {
			await redis.hdel(key(roomId), displayId);
		}
	};
}

export function createDisplayStatus(hash: StatusHash, now: () => number = Date.now) {
	/**
	 * Changes a screen's record; only a connection makes one, so a late disconnect or report from a screen
	 * just removed does not bring its figures back.
	 */
	async function update(
		roomId: string,
		displayId: string,
		change: (r: StatusRecord) => StatusRecord,
		create = false
	): Promise<void> {
		const at = now();
		const stored = await hash.get(roomId, displayId);
		if (!stored && !create) return;
		const current = stored ?? {
			lastSeenAt: at,
			connectedAt: at,
			disconnectedAt: null,
			firstConnectAt: at,
			connects: [],
			build: null,
			width: null,
			height: null,
			renderMs: null
		};
		await hash.set(roomId, displayId, change(current));
	}

	return {
		/** A paired screen's connection joined its room. */
		connected(roomId: string, displayId: string): Promise<void> {
			const at = now();
			return update(
				roomId,
				displayId,
				(r) => ({
					...r,
					lastSeenAt: at,
					connectedAt: at,
					disconnectedAt: null,
					connects: [...r.connects.filter((t) => t > at - DAY_MS), at].slice(-CONNECTS_KEEP)
				}),
				true
			);
		},

		/** A paired screen reported its health. */
		reported(roomId: string, displayId: string, report: Omit<DisplayHealthReport, 'roomId'>): Promise<void> {
			const at = now();
			return update(roomId, displayId, (r) => ({
				...r,
				lastSeenAt: at,
				disconnectedAt: null,
				build: report.build,
				width: report.width,
				height: report.height,
				renderMs: report.renderMs ?? r.renderMs
			}));
		},

		/** A paired screen's connection closed. */
		disconnected(roomId: string, displayId: string): Promise<void> {
			const at = now();
			return update(roomId, displayId, (r) => ({ ...r, lastSeenAt: at, disconnectedAt: at }));
		},

		/** A removed screen's figures go with it. */
		forget: (roomId: string, displayId: string) => hash.delete(roomId, displayId),

		/** Every screen of a room the server has heard from, as facilitators see it. */
		async list(roomId: string): Promise<Record<string, ScreenHealth>> {
			const at = now();
			const out: Record<string, ScreenHealth> = {};
			for (const [displayId, r] of Object.entries(await hash.all(roomId))) {
				out[displayId] = {
					online: r.disconnectedAt === null && at - r.lastSeenAt < SILENT_AFTER_MS,
					lastSeenAt: r.lastSeenAt,
					connectedAt: r.connectedAt,
					build: r.build,
					width: r.width,
					height: r.height,
					renderMs: r.renderMs,
					reconnectsLastDay: r.connects.filter((t) => t > at - DAY_MS && t !== r.firstConnectAt).length
				};
			}
			return out;
		}
	};
}

export type DisplayStatus = ReturnType<typeof createDisplayStatus>;
