/**
 * The three ioredis connections of Redis mode, each with the options its job needs.
 *
 * `commands` (the event and blob stores) and `publish` (the socket.io adapter's broadcasts) FAIL FAST:
 * - `enableOfflineQueue: false`: a command issued while the connection is not ready rejects at once
 *   instead of waiting in a queue for a Redis that may not come back soon;
 * - `maxRetriesPerRequest: 0`: commands already written when the connection drops are rejected on the first
 *   reconnect attempt instead of being held over several attempts;
 * - `autoResendUnfulfilledCommands: false`: a command whose caller was already told it failed is never sent
 *   again behind its back after a reconnect (the caller retries with the same commandId instead);
 * - `commandTimeout: 800`: a Redis that accepts the connection but does not answer (paused, overloaded, a
 *   half-open network path) fails the command in 0.8 s; `socketTimeout` then drops the dead socket;
 * - `connectTimeout: 2000` and a reconnect backoff capped at 2 s (plus jitter): the client keeps trying
 *   forever, and is back within about 2 s of Redis returning.
 * Together these keep an append from hanging: with Redis down it rejects within about a second, and the
 * stores turn that into a retryable StoreUnavailableError.
 *
 * `subscribe` (the socket.io adapter's subscriber) keeps the offline queue and never drops queued commands
 * (`maxRetriesPerRequest: null`, no command timeout): @socket.io/redis-adapter 8.3 calls `psubscribe` and
 * `subscribe` once, in its constructor, without awaiting or handling them, so if Redis is down when the server
 * starts those commands must wait for the connection rather than fail; after a reconnect ioredis
 * re-subscribes by itself (`autoResubscribe`).
 *
 * Every client gets an 'error' listener (ioredis emits one per failed connection attempt, and an 'error'
 * event without a listener would crash the process). The adapter also fires `publish` (and its subscribe
 * calls) without handling the returned promise, so on the publish and subscribe clients every command's
 * rejection is caught and passed to `onError` instead of becoming an unhandled rejection.
 *
 * Redis 7 or newer is expected (the append script uses a `#!lua` shebang so Redis checks memory before it
 * writes anything). For durability run it with `appendonly yes` and `appendfsync always`.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { StoreUnavailableError } from '../port';

export type RedisRole = 'commands' | 'publish' | 'subscribe';

/** How long a command may wait for its reply before it fails (ms). */
export const COMMAND_TIMEOUT_MS = 800;
const CONNECT_TIMEOUT_MS = 2000;
const SOCKET_TIMEOUT_MS = 2000;
const MAX_RECONNECT_DELAY_MS = 2000;

/** Reconnect delay: 50 ms doubling up to 2 s, plus up to 100 ms jitter so instances do not reconnect in step. */
export function reconnectDelay(attempt: number): number {
	const base = Math.min(50 * 2 ** Math.min(Math.max(attempt - 1, 0), 10), MAX_RECONNECT_DELAY_MS);
	return base + Math.floor(Math.random() * 100);
}

/** The ioredis options for a connection of `role` (see the file comment for why). */
export function redisClientOptions(role: RedisRole): RedisOptions {
	const common: RedisOptions = {
		lazyConnect: false,
		connectionName: `customer-room-${role}`,
		connectTimeout: CONNECT_TIMEOUT_MS,
		retryStrategy: reconnectDelay,
		enableReadyCheck: true,
		keepAlive: 10_000,
		// CLIENT SETINFO only exists from Redis 7.2; on older servers it adds an error on every connect.
		disableClientInfo: true,
		// After a failover the old primary answers READONLY: reconnect (DNS / proxy then leads to the new one).
		reconnectOnError: (error) => error.message.startsWith('READONLY')
	};
	if (role === 'subscribe') {
		return { ...common, enableOfflineQueue: true, maxRetriesPerRequest: null, autoResubscribe: true };
	}
	return {
		...common,
		enableOfflineQueue: false,
		maxRetriesPerRequest: 0,
		autoResendUnfulfilledCommands: false,
		commandTimeout: COMMAND_TIMEOUT_MS,
		socketTimeout: SOCKET_TIMEOUT_MS
	};
}

/** Routes every command's rejection to `onError`, so fire-and-forget callers cannot cause unhandled rejections. */
function reportRejections(client: Redis, onError: (err: Error) => void): void {
	const send = client.sendCommand.bind(client);
	// ioredis sends a queued command again after a reconnect: report each command's failure once.
	const watched = new WeakSet<Promise<unknown>>();
	client.sendCommand = (command, stream) => {
		const result = send(command, stream);
		if (result instanceof Promise && !watched.has(result)) {
			watched.add(result);
			result.catch((error: unknown) => onError(error instanceof Error ? error : new Error(String(error))));
		}
		return result;
	};
}

/**
 * Creates an ioredis client for `role` on `url` (`redis://` or `rediss://`, credentials in the URL), with an
 * 'error' listener attached before it starts connecting. The caller owns it and closes it (`quit()`), after
 * closing the stores and the socket.io server that use it.
 */
export function createRedisClient(url: string, role: RedisRole, onError: (err: Error) => void): Redis {
	const client = new Redis(url, redisClientOptions(role));
	client.on('error', onError);
	if (role !== 'commands') reportRejections(client, onError);
	return client;
}

/** `url` with any password replaced by `***`, for logs and messages. */
export function redactRedisUrl(url: string): string {
	try {
		const parsed = new URL(url);
		if (parsed.password) parsed.password = '***';
		return parsed.toString();
	} catch {
		return '(unparseable Redis URL)';
	}
}

/**
 * Resolves once `redis` is ready (connected, handshake done, data loaded), or rejects with a
 * StoreUnavailableError after `timeoutMs` or when the client is closed. A fail-fast client rejects every
 * command until then, so start-up code waits here before its first command.
 */
export function waitForRedisReady(redis: Redis, timeoutMs: number): Promise<void> {
	if (redis.status === 'ready') return Promise.resolve();
	if (redis.status === 'end') return Promise.reject(new StoreUnavailableError('Redis is unavailable (the client was closed)'));
	if (redis.status === 'wait') redis.connect().catch(() => {});
	return new Promise((resolve, reject) => {
		const cleanup = (): void => {
			clearTimeout(timer);
			redis.off('ready', onReady);
			redis.off('end', onEnd);
		};
		const onReady = (): void => {
			cleanup();
			resolve();
		};
		const onEnd = (): void => {
			cleanup();
			reject(new StoreUnavailableError('Redis is unavailable (the client was closed)'));
		};
		const timer = setTimeout(() => {
			cleanup();
			reject(new StoreUnavailableError(`Redis is unavailable (not ready after ${timeoutMs} ms)`));
		}, timeoutMs);
		redis.on('ready', onReady);
		redis.on('end', onEnd);
	});
}
