/**
 * Redis event store (REDIS_URL): the same EventStore contract as the embedded store, for several server
 * instances sharing one Redis. Key layout: see keys.ts; the atomic scripts: see scripts.ts.
 *
 * - append: ONE Lua script checks the commandId (a repeat returns the original range), then the expected
 *   version (a mismatch returns the current version), then XADDs each event with its version as the stream
 *   entry id, records the command's range and moves the head. The events come numbered by the caller (checked
 *   by assertAppend, ../contract.ts); their JSON (with `v`) is built here and passed in as arguments. A room id is added to the global `rooms` set (one single-key SADD, sent on the
 *   same connection right before the script) when a room may be created: expectedVersion 0 or a snapshot.
 * - Every command of one call is sent synchronously, before the call's first `await`, so appends that are
 *   issued without awaiting (pipelined) reach Redis, and take their versions, in call order.
 * - readFrom: one MULTI with the head/oldest and an XRANGE from `afterVersion + 1`; `compacted` when
 *   `afterVersion < oldest`, where `oldest` (meta) is the lowest afterVersion that can still be served.
 * - saveSnapshot: a Lua script stores the snapshot, keeps `snapshotRetainEvents` events behind it (XTRIM
 *   MINID) and raises `oldest`. A snapshot ahead of the log, with another epoch or older than the stored one is
 *   refused; a snapshot for an unknown room creates the room at the snapshot's version (like the file store).
 *
 * Durability: an append resolves when Redis has replied; run Redis with `appendonly yes` and
 * `appendfsync always` so that reply comes after the AOF fsync (openRedisEventStore warns otherwise).
 *
 * Failures: every Redis error or connection problem rejects with a retryable StoreUnavailableError with a
 * short message (redis-errors.ts). To fail fast instead of hanging while Redis is down, the client must be
 * created with the options of `createRedisClient(url, 'commands', onError)` (redis-client.ts):
 * `enableOfflineQueue: false`, `maxRetriesPerRequest: 0`, `autoResendUnfulfilledCommands: false`,
 * `commandTimeout: 800`. Invalid arguments and corrupt data throw plain Errors (not retryable).
 */
import type { Logger } from '../../log';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type {
	AppendArgs,
	AppendResult,
	CommandRange,
	EventStore,
	KnownCommand,
	ReadResult,
	RoomHead,
	Snapshot,
	StoredEvent
} from '../port';
import { StoreUnavailableError } from '../port';
import {
	ROOM_ID,
	answerKnownCommand,
	assertAppend,
	assertRead,
	assertRoomId,
	assertSnapshot,
	integerOption,
	isRecord
} from '../contract';
import { decodeEntry, encodeEvent } from './event-codec';
import { ROOMS_KEY, entryId, roomKeys } from './keys';
import { waitForRedisReady } from './redis-client';
import { describeRedisFailure, redisCall, storeUnavailable } from './redis-errors';
import { APPEND_SCRIPT, SNAPSHOT_SCRIPT } from './scripts';

export interface RedisEventStoreOptions {
	/** An ioredis client for commands, created and owned (closed) by the caller; see the file comment. */
	redis: Redis;
	/** Log events kept behind a snapshot, so clients slightly behind can still catch up by events. */
	snapshotRetainEvents?: number;
	/** How many recent commandIds each room remembers for idempotency. */
	commandMemory?: number;
	/** How long openRedisEventStore waits for the client to become ready (ms). */
	readyTimeoutMs?: number;
	log?: Pick<Logger, 'warn'>;
}

/** The Redis EventStore, as returned by {@link openRedisEventStore}. */
export interface RedisEventStore extends EventStore {
	readonly snapshotRetainEvents: number;
	readonly commandMemory: number;
}

const DEFAULT_RETAIN_EVENTS = 1000;
const DEFAULT_COMMAND_MEMORY = 50_000;
const DEFAULT_READY_TIMEOUT_MS = 10_000;
const APPEND_COMMAND = 'customerRoomAppend';
const SNAPSHOT_COMMAND = 'customerRoomSnapshot';

type ScriptCommand = (...args: (string | number)[]) => Promise<unknown>;
type ScriptedRedis = Redis & Record<typeof APPEND_COMMAND | typeof SNAPSHOT_COMMAND, ScriptCommand>;

const consoleLog: Pick<Logger, 'warn'> = { warn: (fields, message) => console.warn(message, fields) };

/** A script reply: `[status, detail]`, both strings. */
function scriptReply(raw: unknown, script: string): [string, string] {
	if (Array.isArray(raw) && typeof raw[0] === 'string' && typeof raw[1] === 'string') return [raw[0], raw[1]];
	throw new Error(`Unexpected reply from the ${script} script: ${JSON.stringify(raw)}`);
}

/** A remembered command: `from:to`, or `from:to:digest` for commands appended with a digest. */
function parseKnown(text: string, roomId: string): KnownCommand {
	const match = /^(\d+):(\d+)(?::([0-9a-f]{1,64}))?$/.exec(text);
	const from = Number(match?.[1]);
	const to = Number(match?.[2]);
	if (!match || !Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1 || to < from) {
		throw new Error(`Room ${roomId}: unreadable command range ${JSON.stringify(text)} in Redis`);
	}
	return match[3] === undefined ? { from, to } : { from, to, digest: match[3] };
}

function parseRange(text: string, roomId: string): CommandRange {
	const { from, to } = parseKnown(text, roomId);
	return { from, to };
}

function parseCount(text: string | null | undefined, what: string, roomId: string): number {
	const value = Number(text);
	if (text === null || text === undefined || !Number.isSafeInteger(value) || value < 0) {
		throw new Error(`Room ${roomId}: unreadable ${what} ${JSON.stringify(text)} in Redis`);
	}
	return value;
}

class RedisEventStoreImpl implements RedisEventStore {
	private closed = false;
	private readonly redis: ScriptedRedis;

	constructor(
		redis: Redis,
		readonly snapshotRetainEvents: number,
		readonly commandMemory: number
	) {
		redis.defineCommand(APPEND_COMMAND, { numberOfKeys: 4, lua: APPEND_SCRIPT });
		redis.defineCommand(SNAPSHOT_COMMAND, { numberOfKeys: 3, lua: SNAPSHOT_SCRIPT });
		this.redis = redis as ScriptedRedis;
	}

	private assertOpen(): void {
		if (this.closed) throw new Error('The Redis event store is closed');
	}

	async listRooms(): Promise<string[]> {
		this.assertOpen();
		const ids = (await redisCall('list rooms', () => this.redis.smembers(ROOMS_KEY))).filter((id) => ROOM_ID.test(id));
		const exists = await redisCall('list rooms', () => Promise.all(ids.map((id) => this.redis.exists(roomKeys(id).meta))));
		return ids.filter((_, index) => exists[index] === 1).sort();
	}

	async head(roomId: string): Promise<RoomHead | null> {
		this.assertOpen();
		assertRoomId(roomId);
		const [version, epoch] = await redisCall('head', () => this.redis.hmget(roomKeys(roomId).meta, 'version', 'epoch'));
		if (version === null || version === undefined) return null;
		if (typeof epoch !== 'string') throw new Error(`Room ${roomId}: meta has a version but no epoch in Redis`);
		return { version: parseCount(version, 'version', roomId), epoch };
	}

	async append(...args: AppendArgs): Promise<AppendResult> {
		// Everything up to the Redis calls is synchronous, so pipelined appends reach Redis in call order.
		this.assertOpen();
		assertAppend(...args);
		const [roomId, expectedVersion, commandId, events, epoch, after, digest] = args;
		const encoded = events.map(encodeEvent);
		const keys = roomKeys(roomId);
		const raw = await redisCall('append', async () => {
			// Registered before the script runs (same connection, sent first); idempotent.
			const registered = expectedVersion === 0 ? this.redis.sadd(ROOMS_KEY, roomId) : null;
			const reply = this.redis[APPEND_COMMAND](
				keys.meta,
				keys.log,
				keys.cmds,
				keys.cmdsByVersion,
				expectedVersion,
				commandId,
				epoch ?? randomUUID(),
				this.commandMemory,
				after ?? '',
				digest ?? '',
				...encoded
			);
			const [, result] = await Promise.all([registered, reply]);
			return result;
		});
		const [status, detail] = scriptReply(raw, 'append');
		switch (status) {
			case 'appended':
				return { ok: true, duplicate: false, range: parseRange(detail, roomId) };
			case 'duplicate':
				return answerKnownCommand(parseKnown(detail, roomId), digest);
			case 'conflict':
				return { ok: false, reason: 'version_conflict', currentVersion: parseCount(detail, 'version', roomId) };
			default:
				throw new Error(`Room ${roomId}: append refused, the room's keys in Redis are inconsistent (${detail})`);
		}
	}

	async readFrom(roomId: string, afterVersion: number, limit?: number): Promise<ReadResult> {
		this.assertOpen();
		assertRead(roomId, afterVersion, limit);
		const keys = roomKeys(roomId);
		const start = entryId(afterVersion + 1);
		// One transaction, so a snapshot trimming the log cannot slip between the meta and the range.
		const replies = await redisCall('read', async () => {
			const tx = this.redis.multi().hmget(keys.meta, 'version', 'oldest');
			if (limit === undefined) tx.xrange(keys.log, start, '+');
			else tx.xrange(keys.log, start, '+', 'COUNT', limit);
			return tx.exec();
		});
		if (replies === null) throw new StoreUnavailableError('Redis is unavailable (read: transaction aborted); try again');
		const [metaReply, rangeReply] = replies;
		for (const reply of replies) if (reply[0]) throw storeUnavailable('read', reply[0]);
		const meta = metaReply?.[1] as (string | null)[] | undefined;
		const entries = rangeReply?.[1] as [string, string[]][] | undefined;
		if (!Array.isArray(meta) || !Array.isArray(entries)) throw new Error(`Room ${roomId}: unexpected reply to a read from Redis`);
		if (meta[0] === null || meta[0] === undefined) return { ok: true, events: [] };
		const version = parseCount(meta[0], 'version', roomId);
		const oldest = parseCount(meta[1], 'oldest version', roomId);
		if (afterVersion < oldest) return { ok: false, reason: 'compacted', oldestAvailable: oldest };
		const events: StoredEvent[] = entries.map((entry) => decodeEntry(roomId, entry));
		const expected = Math.max(0, Math.min(version - afterVersion, limit ?? Number.MAX_SAFE_INTEGER));
		if (events.length !== expected || events.some((event, index) => event.v !== afterVersion + 1 + index)) {
			throw new Error(
				`Room ${roomId}: the log in Redis has a gap after version ${afterVersion} (head ${version}); restore the room from a backup`
			);
		}
		return { ok: true, events };
	}

	async lookupCommand(roomId: string, commandId: string): Promise<KnownCommand | null> {
		this.assertOpen();
		assertRoomId(roomId);
		if (typeof commandId !== 'string' || commandId.length === 0) return null;
		const range = await redisCall('look up command', () => this.redis.hget(roomKeys(roomId).cmds, commandId));
		return range === null ? null : parseKnown(range, roomId);
	}

	async saveSnapshot(roomId: string, snapshot: Snapshot): Promise<void> {
		this.assertOpen();
		assertSnapshot(roomId, snapshot);
		const body = JSON.stringify({ version: snapshot.version, epoch: snapshot.epoch, state: snapshot.state });
		if (!('state' in (JSON.parse(body) as object))) throw new Error('snapshot.state must be JSON');
		const keys = roomKeys(roomId);
		const raw = await redisCall('save snapshot', async () => {
			const registered = this.redis.sadd(ROOMS_KEY, roomId);
			const reply = this.redis[SNAPSHOT_COMMAND](
				keys.meta,
				keys.log,
				keys.snapshot,
				snapshot.version,
				snapshot.epoch,
				body,
				this.snapshotRetainEvents
			);
			const [, result] = await Promise.all([registered, reply]);
			return result;
		});
		const [status, detail] = scriptReply(raw, 'snapshot');
		switch (status) {
			case 'created':
			case 'saved':
				return;
			case 'epoch':
				throw new Error(`Snapshot epoch ${snapshot.epoch} does not match room ${roomId}'s epoch ${detail}`);
			case 'ahead':
				throw new Error(`Snapshot version ${snapshot.version} is ahead of room ${roomId}'s version ${detail}`);
			case 'older':
				throw new Error(`Snapshot version ${snapshot.version} is older than room ${roomId}'s snapshot at ${detail}`);
			default:
				throw new Error(`Unexpected reply from the snapshot script: ${status}`);
		}
	}

	async loadSnapshot(roomId: string): Promise<Snapshot | null> {
		this.assertOpen();
		assertRoomId(roomId);
		const text = await redisCall('load snapshot', () => this.redis.get(roomKeys(roomId).snapshot));
		if (text === null) return null;
		let parsed: unknown = null;
		try {
			parsed = JSON.parse(text);
		} catch {
			// Reported below.
		}
		if (
			!isRecord(parsed) ||
			typeof parsed.version !== 'number' ||
			!Number.isSafeInteger(parsed.version) ||
			parsed.version < 1 ||
			typeof parsed.epoch !== 'string' ||
			!('state' in parsed)
		) {
			throw new Error(`Snapshot of room ${roomId} in Redis is unreadable`);
		}
		return { version: parsed.version, epoch: parsed.epoch, state: parsed.state };
	}

	/** Nothing to flush: every acknowledged write is already in Redis. The caller owns (and quits) the client. */
	/** Deletes a room's keys in one transaction (all on the room's slot), then forgets its id. */
	async deleteRoom(roomId: string): Promise<boolean> {
		this.assertOpen();
		assertRoomId(roomId);
		const keys = roomKeys(roomId);
		const deleted = await redisCall('delete room', () =>
			this.redis.multi().del(keys.meta, keys.log, keys.cmds, keys.cmdsByVersion, keys.snapshot).exec()
		);
		await redisCall('delete room', () => this.redis.srem(ROOMS_KEY, roomId));
		const count = deleted?.[0]?.[1];
		return typeof count === 'number' && count > 0;
	}

	async close(): Promise<void> {
		this.closed = true;
	}
}

/** Warns if Redis would not keep acknowledged appends through a crash. Best effort: managed Redis may refuse. */
async function checkDurability(redis: Redis, log: Pick<Logger, 'warn'>): Promise<void> {
	try {
		const info = await redis.info('persistence');
		if (/^aof_enabled:0\r?$/m.test(info)) {
			log.warn(
				{},
				'Redis has AOF off: acknowledged commands can be lost if Redis restarts (set appendonly yes, appendfsync always)'
			);
			return;
		}
		const reply = await redis.call('CONFIG', 'GET', 'appendfsync');
		const value = Array.isArray(reply) ? reply[1] : isRecord(reply) ? reply.appendfsync : undefined;
		if (typeof value === 'string' && value !== 'always') {
			log.warn(
				{ appendfsync: value },
				`Redis runs appendfsync ${value}: a crash can lose recently acknowledged commands (set appendfsync always)`
			);
		}
	} catch (error) {
		log.warn({ reason: describeRedisFailure(error) }, 'Could not check Redis persistence settings');
	}
}

/**
 * Opens the Redis event store on `options.redis` (see the file comment for the client options it needs):
 * waits until the client is ready (StoreUnavailableError after `readyTimeoutMs`), then checks that Redis
 * persists with AOF (a warning if not).
 */
export async function openRedisEventStore(options: RedisEventStoreOptions): Promise<RedisEventStore> {
	const retain = integerOption(options.snapshotRetainEvents, DEFAULT_RETAIN_EVENTS, 'snapshotRetainEvents', 0);
	const memory = integerOption(options.commandMemory, DEFAULT_COMMAND_MEMORY, 'commandMemory', 1);
	const readyTimeout = integerOption(options.readyTimeoutMs, DEFAULT_READY_TIMEOUT_MS, 'readyTimeoutMs', 1);
	await waitForRedisReady(options.redis, readyTimeout);
	await checkDurability(options.redis, options.log ?? consoleLog);
	return new RedisEventStoreImpl(options.redis, retain, memory);
}
