/**
 * Redis mode (REDIS_URL): three connections, as the socket.io Redis adapter and a fail-fast store want
 * them: one for commands (the event store), one to publish and one to subscribe (fan-out). Each has an
 * error listener; none logs the URL (it may carry a password).
 */
import type { Logger } from './log';
import { createRedisClient, waitForRedisReady } from './store/redis/redis-client';
import { openRedisBlobStore } from './store/redis/redis-blob-store';
import { openRedisEventStore } from './store/redis/redis-event-store';

const READY_TIMEOUT_MS = 10_000;

/** Connects to Redis and opens the shared event store; `onStatus` reports outages and recoveries. */
export async function openRedisBackend(url: string, log: Logger) {
	const onError = (role: string) => (error: Error) => log.warn({ role, err: error.message }, 'redis connection error');
	const commands = createRedisClient(url, 'commands', onError('commands'));
	const pub = createRedisClient(url, 'publish', onError('publish'));
	const sub = createRedisClient(url, 'subscribe', onError('subscribe'));
	await Promise.all([commands, pub, sub].map((client) => waitForRedisReady(client, READY_TIMEOUT_MS)));
	const store = await openRedisEventStore({
		redis: commands,
		log
	});

	return {
		store,
		commandClient: commands,
		blobs: openRedisBlobStore(commands),
		fanout: { pub, sub },
		/**
		 * `status` follows the command connection (can commands be saved?); `stale` fires when the
		 * subscriber comes back after losing its connection, since broadcasts may have been missed.
		 */
		onStatus(status: (s: 'ok' | 'unavailable') => void, stale: () => void): void {
			commands.on('ready', () => status('ok'));
			commands.on('close', () => status('unavailable'));
			let subscriberLost = false;
			sub.on('close', () => {
				subscriberLost = true;
			});
			sub.on('ready', () => {
				if (!subscriberLost) return;
				subscriberLost = false;
				log.info({}, 'redis subscriber back; clients catch up from their versions');
				stale();
				// ioredis says "ready" before its re-subscriptions are confirmed: a broadcast published in
				// between is lost to us, so ask once more when they surely are. Catch-up by version makes
				// asking twice harmless.
				setTimeout(stale, 1_500).unref();
			});
		},
		async close(): Promise<void> {
			await Promise.allSettled([commands.quit(), pub.quit(), sub.quit()]);
		}
	};
}
