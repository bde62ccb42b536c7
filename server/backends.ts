/**
 * Opens what the app stands on, for production and `vite dev` alike: the event and blob stores, access
 * data and rate limits, embedded in DATA_DIR by default, or shared in Redis when REDIS_URL is set.
 */
import type { Logger } from './log';
import path from 'node:path';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { createAccessService } from './access/access-service';
import { openFileKv } from './access/file-kv';
import { openRedisKv } from './access/redis-kv';
import { createDisplayStatus, redisStatusHash } from './displays/display-status';
import { memoryAttemptsLimiter, memoryCommandLimiter, memoryRestoreLimiter, RESTORE_LIMIT, type ApplicationDeps } from './app';
import { redisSignInLimits } from './auth/sign-in-limits';
import type { Config } from './config';
import { openEmbeddedAuditTrail } from './people/file-audit-lists';
import { openRedisBackend } from './redis-backend';
import { openFileBlobStore } from './store/file/file-blob-store';
import { openFileEventStore } from './store/file/file-event-store';
import { openFileQueue } from './webhooks/file-queue';
import { openRedisQueue } from './webhooks/redis-queue';

export async function openBackends(config: Config, log: Logger) {
	if (config.redisUrl) {
		const redis = await openRedisBackend(config.redisUrl, log);
		const limiter = (keyPrefix: string, points: number, duration: number) =>
			new RateLimiterRedis({
				storeClient: redis.commandClient,
				keyPrefix,
				points,
				duration,
				// While Redis is away, limit per instance rather than fail open or closed.
				insuranceLimiter: new RateLimiterMemory({ points, duration })
			});
		return {
			deps: {
				store: redis.store,
				blobs: redis.blobs,
				fanout: redis.fanout,
				access: createAccessService(openRedisKv(redis.commandClient), Date.now, config.sessionLifetimes),
				displayStatus: createDisplayStatus(redisStatusHash(redis.commandClient)),
				limiters: {
					// Attempts are counted per address, which may reach any instance: shared through Redis.
					attempts: limiter('rl:attempts', 20, 60),
					// Commands are counted per connection, and a connection lives on one instance: counted in
					// memory, which spares every command a Redis round trip before the engine sees it.
					commands: memoryCommandLimiter(config.commandRateLimit),
					// Restores are counted per session, which may reach any instance.
					restores: limiter('rl:restores', RESTORE_LIMIT.points, RESTORE_LIMIT.duration),
					// A session's connections and an address's may reach several instances: shared through Redis.
					sessionCommands: limiter('rl:session-commands', config.commandRateLimit, 5),
					addressCommands: limiter('rl:address-commands', config.addressCommandRateLimit, 5)
				},
				// Sign-in failures per account and per address, which may reach any instance.
				signInLimits: redisSignInLimits(redis.commandClient),
				connectionLimits: config.connectionLimits,
				// One queue for every instance: each delivery is claimed by one of them at a time.
				webhooks: { queue: openRedisQueue(redis.commandClient), allowPrivate: config.webhookAllowPrivate }
			} satisfies Partial<ApplicationDeps>,
			onStatus: redis.onStatus,
			close: redis.close,
			kind: 'redis' as const
		};
	}
	const store = await openFileEventStore({
		dataDir: config.dataDir,
		log
	});
	return {
		deps: {
			store,
			blobs: await openFileBlobStore(path.join(config.dataDir, 'blobs')),
			access: await openEmbeddedAccess(config),
			limiters: {
				attempts: memoryAttemptsLimiter(),
				commands: memoryCommandLimiter(config.commandRateLimit),
				sessionCommands: memoryCommandLimiter(config.commandRateLimit),
				addressCommands: memoryCommandLimiter(config.addressCommandRateLimit),
				restores: memoryRestoreLimiter()
			},
			connectionLimits: config.connectionLimits,
			webhooks: { queue: await openFileQueue(config.dataDir), allowPrivate: config.webhookAllowPrivate }
		} satisfies Partial<ApplicationDeps>,
		onStatus: undefined,
		close: async () => {},
		kind: 'embedded' as const
	};
}

/** The embedded access service: access.json for sessions and invites, append-only files for the audit trail. */
async function openEmbeddedAccess(config: Config) {
	const kv = await openFileKv(config.dataDir);
	return createAccessService(kv, Date.now, config.sessionLifetimes, await openEmbeddedAuditTrail(config.dataDir, kv));
}
