/**
 * The access service on the Redis store (the one every instance shares): lifetimes, the sessions made
 * from one link, the audit trail, the setup link and a deleted room's access, against a real redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createAccessService } from '../../server/access/access-service';
import { openRedisKv } from '../../server/access/redis-kv';
import { createRedisClient, waitForRedisReady } from '../../server/store/redis/redis-client';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';

const DAY = 24 * 3600_000;

describe.runIf(canRunRedisTests())('access on Redis', () => {
	let redis: RedisServer;
	let client: Redis;
	const clock = { now: Date.now() };
	let access: ReturnType<typeof createAccessService>;

	beforeAll(async () => {
		redis = await startRedis();
		client = createRedisClient(redis.url, 'commands', () => {});
		await waitForRedisReady(client, 10_000);
		access = createAccessService(openRedisKv(client), () => clock.now, { idleMs: 2 * DAY, maxMs: 5 * DAY });
	}, 30_000);
	afterAll(async () => {
		client?.disconnect();
		await redis?.destroy();
	});

	it('ends the sessions made from a link, keeps the others, and records renames', async () => {
		const link = await access.rotateInvite('r-room', 'contributor');
		const a = await access.join(link, 'Ann', null);
		const b = await access.join(link, 'Ben', null);
		if (!a.ok || !b.ok) throw new Error('join failed');
		const other = await access.grantDirectly('r-room', 'viewer', 'Vic');

		expect(await access.rename(a.token, 'Ann Lee')).toMatchObject({ name: 'Ann Lee' });
		expect(await access.audit('r-room')).toEqual([
			expect.objectContaining({ action: 'renamed', detail: 'Ann', actor: expect.objectContaining({ name: 'Ann Lee' }) })
		]);

		expect((await access.endSessionsFromInvite('r-room', 'contributor')).sort()).toEqual([a.session.id, b.session.id].sort());
		expect(await access.session(a.token)).toBeNull();
		expect(await access.session(b.token)).toBeNull();
		expect(access.roleIn(await access.session(other), 'r-room')).toBe('viewer');
	});

	it('the setup link works once, also for three claims at once; takeover and a deleted room leave their marks', async () => {
		const setup = (await access.makeSetupToken(true))!;
		const claims = await Promise.all(
			[1, 2, 3].map((n) =>
				access.claimSetup(setup, null, 'test', () =>
					access.accounts.create({ name: `Admin ${n}`, login: `admin-${n}`, passwordHash: null, instanceAdmin: true })
				)
			)
		);
		expect(claims.filter((c) => c.ok)).toHaveLength(1);
		const admin = claims.find((c) => c.ok)!;
		if (!admin.ok) throw new Error('no claim');
		expect(await access.hasInstanceAdmin()).toBe(true);
		expect(await access.makeSetupToken()).toBeNull();

		const member = await access.grantDirectly('r-gone', 'contributor', 'Cy');
		expect((await access.takeOver(admin.token, 'r-gone'))?.grants['r-gone']).toEqual({ role: 'facilitator' });
		expect(await access.audit('r-gone')).toEqual([expect.objectContaining({ action: 'took_over', fromRole: null })]);
		await access.rotateInvite('r-gone', 'viewer');

		const ended = await access.forgetRoom('r-gone', []);
		// The member's session and the admin's (whose account was in the room).
		expect(ended).toHaveLength(2);
		expect((await access.accounts.all()).filter((a) => a.instanceAdmin)).toHaveLength(1);
		expect(await access.session(member)).toBeNull();
		expect(await access.session(admin.token)).toMatchObject({ instanceAdmin: true, grants: {} });
		expect(await access.invites('r-gone')).toEqual({ facilitator: null, contributor: null, viewer: null });
		expect(await access.isRetired('r-gone')).toBe(true);
	});

	it('a session ends after its idle time; the key itself expires in Redis', async () => {
		const token = await access.grantDirectly('r-room', 'viewer', 'Idle');
		const keys = await client.keys('access:session:*');
		const ttls = await Promise.all(keys.map((k) => client.pttl(k)));
		expect(ttls.every((t) => t > 0 && t <= 2 * DAY)).toBe(true);
		clock.now += 2 * DAY + 1;
		expect(await access.session(token)).toBeNull();
	});
});
