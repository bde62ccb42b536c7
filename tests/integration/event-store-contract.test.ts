/**
 * One EventStore contract, run against the embedded file store and against the Redis store (a private
 * redis-server on a free port, AOF always). Each test gets empty data: a fresh directory, a flushed Redis.
 */
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { openFileEventStore } from '../../server/store/file/file-event-store';
import { createRedisClient, waitForRedisReady } from '../../server/store/redis/redis-client';
import { openRedisEventStore } from '../../server/store/redis/redis-event-store';
import { describeEventStore } from '../support/event-store-contract';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { tempDir } from '../support/temp-dir';

describe('file store', () => {
	const cleanups: Array<() => Promise<void>> = [];
	afterEach(async () => {
		for (const cleanup of cleanups.splice(0)) await cleanup();
	});

	describeEventStore('file store', async () => {
		const { dir, cleanup } = await tempDir('customer-room-contract-');
		cleanups.push(cleanup);
		return {
			open: (options) => openFileEventStore({ dataDir: dir, log: { warn() {} }, ...options }),
			isEmpty: async () => (await readdir(join(dir, 'rooms')).catch(() => [])).length === 0
		};
	});
});

describe.runIf(canRunRedisTests())('Redis store', () => {
	let server: RedisServer;
	let admin: Redis;
	const clients: Redis[] = [];

	beforeAll(async () => {
		server = await startRedis();
		admin = createRedisClient(server.url, 'commands', () => {});
		await waitForRedisReady(admin, 5_000);
	});

	afterEach(() => {
		for (const client of clients.splice(0)) client.disconnect();
	});

	afterAll(async () => {
		admin?.disconnect();
		await server?.destroy();
	});

	describeEventStore('Redis store', async () => {
		await admin.flushall();
		return {
			async open(options) {
				const redis = createRedisClient(server.url, 'commands', () => {});
				clients.push(redis);
				return openRedisEventStore({ redis, log: { warn() {} }, ...options });
			},
			isEmpty: async () => (await admin.dbsize()) === 0
		};
	});
});
