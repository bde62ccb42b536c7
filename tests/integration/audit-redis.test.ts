/**
 * The audit trail in Redis mode: two server processes on one real redis-server see the same trail. An
 * entry recorded on one instance is in the other's room and instance views at once, and survives both
 * instances being replaced and Redis restarting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, auditCsv, createRoom, instanceAdmin, rename, takeOver } from '../support/audit-http';
import { instancePool, type InstancePool } from '../support/instance-pool';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { sessionToken, type ServerProcess } from '../support/server-process';

const ROOM = 'audit-shared';

describe.runIf(canRunRedisTests())('the audit trail on Redis, across instances', () => {
	let redis: RedisServer;
	let pool: InstancePool;
	let a: ServerProcess;
	let b: ServerProcess;

	beforeAll(async () => {
		redis = await startRedis();
		pool = instancePool(redis.url);
		[a, b] = await Promise.all([pool.start(), pool.start()]);
		await createRoom(a.url, ROOM, 'Shared room');
	}, 60_000);
	afterAll(async () => {
		await pool?.stopAll();
		await redis?.destroy();
	});

	it('an entry recorded on one instance is read on the other', async () => {
		const fran = await sessionToken(a.url, ROOM, 'facilitator', 'Fran');
		expect(await rename(a.url, fran, 'Fran Facil')).toBe(200);
		const admin = await instanceAdmin(b.url);
		expect(await takeOver(b.url, admin, ROOM)).toBe(200);

		for (const instance of [a, b]) {
			const room = await audit(instance.url, `/api/rooms/${ROOM}/audit`, fran);
			expect(room.body.rows.map((r) => r.action)).toEqual(['took_over', 'renamed', 'room.created']);
			const all = await audit(instance.url, '/api/admin/audit', admin);
			// The instance's own entries (the admin's account, made by the setup link) are there too.
			const actions = all.body.rows.map((r) => r.action);
			expect(actions.filter((a) => a !== 'account_created' && a !== 'admin_granted')).toEqual(['took_over', 'renamed']);
			expect(actions).toEqual(expect.arrayContaining(['account_created', 'admin_granted']));
		}
		const csv = await auditCsv(a.url, `/api/rooms/${ROOM}/audit.csv?person=administrator&kind=access`, admin);
		expect(csv.records.map((r) => r.action)).toEqual(['took_over']);
	});

	it('the trail outlives the instances that wrote it, and a restart of Redis', async () => {
		const admin = await instanceAdmin(a.url);
		await pool.stopAll();
		// Redis itself restarts too: the trail comes back from its append-only file.
		await redis.restart();
		const c = await pool.start();
		const rows = (await audit(c.url, '/api/admin/audit?kind=took_over', admin)).body.rows;
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ roomId: ROOM, actor: { name: 'Administrator', kind: 'person' }, fromRole: null });
	}, 60_000);
});
