/**
 * Sign-in limits shared through Redis, against a real redis-server: the shared contract, then what only
 * Redis has: two instances see one count, and neither the e-mail address nor the client address is
 * written to Redis as it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { redisSignInLimits } from '../../server/auth/sign-in-limits';
import { createRedisClient, waitForRedisReady } from '../../server/store/redis/redis-client';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { describeSignInLimits } from '../support/sign-in-limits-contract';

const rules = {
	account: { attempts: 3, windowS: 60, lockS: 120 },
	address: { attempts: 5, windowS: 60, lockS: 300 }
};

describe.runIf(canRunRedisTests())('sign-in limits on Redis', () => {
	let redis: RedisServer;
	let clientA: Redis;
	let clientB: Redis;

	beforeAll(async () => {
		redis = await startRedis({ appendfsync: 'everysec' });
		clientA = createRedisClient(redis.url, 'commands', () => {});
		clientB = createRedisClient(redis.url, 'commands', () => {});
		await Promise.all([waitForRedisReady(clientA, 10_000), waitForRedisReady(clientB, 10_000)]);
	}, 30_000);
	afterAll(async () => {
		clientA?.disconnect();
		clientB?.disconnect();
		await redis?.destroy();
	});

	let prefixes = 0;
	// Each test gets its own keys, so no count carries over from the one before.
	describeSignInLimits('Redis', (rules) => redisSignInLimits(clientA, rules, `rl:sign-in-contract-${++prefixes}`));

	it('failures on one instance lock the account on the other, and a success on either starts again', async () => {
		const a = redisSignInLimits(clientA, rules);
		const b = redisSignInLimits(clientB, rules);
		for (const [limits, address] of [
			[a, '10.0.0.1'],
			[b, '10.0.0.2']
		] as const) {
			expect(await limits.check('ann@example.com', address)).toEqual({ allowed: true });
			expect(await limits.fail('ann@example.com', address)).toEqual({ locked: false });
		}
		expect(await a.check('ann@example.com', '10.0.0.1')).toEqual({ allowed: true });
		expect(await a.fail('ann@example.com', '10.0.0.1')).toEqual({ locked: true, retryAfterS: 120, lockedBy: 'account' });
		expect(await b.check('ann@example.com', '10.0.0.3')).toMatchObject({ allowed: false, lockedBy: 'account' });

		expect(await b.check('ben@example.com', '10.0.0.3')).toEqual({ allowed: true });
		expect(await b.fail('ben@example.com', '10.0.0.3')).toEqual({ locked: false });
		await a.succeed('ben@example.com', '10.0.0.3');
		for (let i = 0; i < 2; i++) {
			expect(await b.check('ben@example.com', '10.0.0.3')).toEqual({ allowed: true });
			expect(await b.fail('ben@example.com', '10.0.0.3')).toEqual({ locked: false });
		}
	});

	it('counts attempts sent to both instances at once', async () => {
		const a = redisSignInLimits(clientA, rules);
		const b = redisSignInLimits(clientB, rules);
		const checks = await Promise.all(
			Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).check('cat@example.com', `10.2.0.${i}`))
		);
		expect(checks.filter((c) => c.allowed)).toHaveLength(3);
	});

	it('an address locked on one instance is locked on the other', async () => {
		const a = redisSignInLimits(clientA, rules);
		const b = redisSignInLimits(clientB, rules);
		for (const account of ['d1', 'd2', 'd3', 'd4']) {
			await a.check(account, '192.0.2.50');
			await a.fail(account, '192.0.2.50');
		}
		await a.check('d5', '192.0.2.50');
		expect(await a.fail('d5', '192.0.2.50')).toEqual({ locked: true, retryAfterS: 300, lockedBy: 'address' });
		expect(await b.check('d6', '192.0.2.50')).toMatchObject({ allowed: false, lockedBy: 'address' });
	});

	it('stores hashed keys only: no e-mail or client address in Redis', async () => {
		const keys = await clientA.keys('*');
		expect(keys.length).toBeGreaterThan(0);
		expect(keys.every((key) => key.startsWith('rl:sign-in'))).toBe(true);
		expect(keys.join(' ')).not.toMatch(/example\.com|10\.0\.0|192\.0\.2/);
	});
});
