/**
 * API keys across two instances on one real Redis: a key made on A pushes through B; revoked on A, it is
 * refused by B on its very next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { instancePool, type InstancePool } from '../support/instance-pool';
import { sessionToken, TEST_ADMIN_TOKEN, type ServerProcess } from '../support/server-process';
import { request } from '../support/people';

describe.runIf(canRunRedisTests())('API keys on Redis, two instances', () => {
	let redis: RedisServer;
	let pool: InstancePool;
	let a: ServerProcess;
	let b: ServerProcess;
	let facilitator: string;
	const ROOM = 'keys-redis';

	beforeAll(async () => {
		redis = await startRedis();
		pool = instancePool(redis.url);
		[a, b] = await Promise.all([pool.start(), pool.start()]);
		const made = await fetch(`${a.url}/api/admin/rooms`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
			body: JSON.stringify({ roomId: ROOM, name: 'Keys on Redis', organisation: '' })
		});
		expect(made.status).toBe(200);
		facilitator = await sessionToken(a.url, ROOM, 'facilitator', 'Fran');
	}, 90_000);

	afterAll(async () => {
		await pool?.stopAll();
		await redis?.stop();
	});

	it('a key made on A works on B, and once revoked on A, B refuses it at once', async () => {
		const key = await request(a.url, 'POST', `/api/rooms/${ROOM}/api-keys`, facilitator, {
			name: 'Warehouse',
			scopes: ['read'],
			days: 30
		});
		expect(key.status).toBe(201);
		const read = (url: string) =>
			fetch(`${url}/api/v1/rooms/${ROOM}`, { headers: { authorization: `Bearer ${String(key.body.key)}` } });
		expect((await read(b.url)).status).toBe(200);
		expect((await request(a.url, 'DELETE', `/api/rooms/${ROOM}/api-keys/${String(key.body.id)}`, facilitator)).status).toBe(200);
		const refused = await read(b.url);
		expect(refused.status).toBe(401);
		expect(await refused.json()).toMatchObject({ error: 'unauthenticated', retryable: false });
	});
});
