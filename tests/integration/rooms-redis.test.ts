/**
 * Rooms in Redis mode, against the real server process and a real redis-server: a room created from a
 * template by an instance admin, then deleted with its typed name; afterwards Redis holds none of its
 * keys, its links and its people's grants are gone, and its file is collected. Two instances share the
 * setup link's single use.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient, waitForRedisReady } from '../../server/store/redis/redis-client';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { instancePool, type InstancePool } from '../support/instance-pool';
import { TEST_ADMIN_TOKEN, type ServerProcess } from '../support/server-process';
import { adminAccount } from '../support/people';

describe.runIf(canRunRedisTests())('rooms on Redis', () => {
	let redis: RedisServer;
	let client: Redis;
	let pool: InstancePool;
	let a: ServerProcess;
	let b: ServerProcess;

	beforeAll(async () => {
		redis = await startRedis();
		client = createRedisClient(redis.url, 'commands', () => {});
		await waitForRedisReady(client, 10_000);
		pool = instancePool(redis.url);
		[a, b] = await Promise.all([pool.start(), pool.start()]);
	}, 60_000);
	afterAll(async () => {
		await pool?.stopAll();
		client?.disconnect();
		await redis?.destroy();
	});

	async function call(base: string, method: string, path: string, token: string | null, body?: unknown) {
		const res = await fetch(`${base}${path}`, {
			method,
			headers: {
				...(token ? { cookie: `cr_session=${token}` } : {}),
				...(body === undefined
					? {}
					: { 'content-type': typeof body === 'string' ? 'application/octet-stream' : 'application/json' })
			},
			body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
		});
		const token2 = /cr_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? null;
		return { status: res.status, body: (await res.json()) as Record<string, unknown>, token: token2 };
	}

	async function setupLink(base: string): Promise<string> {
		const res = await fetch(`${base}/api/admin/setup-link`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }
		});
		return ((await res.json()) as { link: string }).link.split('#')[1]!;
	}

	it('a setup link made on one instance works once, on any instance', async () => {
		const token = await setupLink(a.url);
		const first = await call(b.url, 'POST', '/api/setup', null, { token, account: adminAccount() });
		expect(first.status).toBe(200);
		expect((await call(a.url, 'POST', '/api/setup', null, { token, account: adminAccount() })).status).toBe(404);
		expect((await call(a.url, 'GET', '/api/me', first.token)).body).toMatchObject({ mayCreateRooms: true });
	});

	it('deletes a room with its keys, grants, links and files; the wrong name deletes nothing', async () => {
		const admin = (await call(a.url, 'POST', '/api/setup', null, { token: await setupLink(a.url), account: adminAccount() }))
			.token!;
		const created = await call(a.url, 'POST', '/api/rooms', admin, {
			name: 'Redis Hospital',
			organisation: 'St Elsewhere',
			start: { kind: 'template', templateId: 'hospital' }
		});
		expect(created).toMatchObject({ status: 201, body: { roomId: 'redis-hospital' } });
		const uploaded = await call(
			a.url,
			'POST',
			'/api/rooms/redis-hospital/uploads',
			admin,
			'%PDF-1.4\n% patient leaflet\n%%EOF\n'
		);
		expect(uploaded.status).toBe(201);
		const blobId = uploaded.body.blobId as string;
		// The room's own export names the first stage, where the leaflet goes.
		const backup = await fetch(`${a.url}/api/rooms/redis-hospital/export/backup.json`, {
			headers: { cookie: `cr_session=${admin}` }
		});
		const stageId = ((await backup.json()) as { state: { stageOrder: string[] } }).state.stageOrder[0]!;
		const { io } = await import('socket.io-client');
		const socket = io(a.url, {
			transports: ['websocket'],
			auth: { token: admin, name: 'Admin' },
			forceNew: true,
			reconnection: false
		});
		await new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject)));
		expect(await socket.timeout(10_000).emitWithAck('room:join', { roomId: 'redis-hospital' })).toMatchObject({ ok: true });
		const added = await socket.timeout(10_000).emitWithAck('command', {
			roomId: 'redis-hospital',
			commandId: 'leaflet-1',
			command: {
				type: 'artifact.add',
				artifactId: 'leaflet',
				stageId,
				touchpointId: null,
				kind: 'document',
				title: 'Patient leaflet',
				caption: '',
				blobId,
				url: null,
				transcript: '',
				currentAsOf: null,
				sensitive: false,
				replacedBy: null
			}
		});
		expect(added).toMatchObject({ ok: true });
		socket.disconnect();
		const invite = (await call(a.url, 'POST', '/api/rooms/redis-hospital/invites', admin, { role: 'viewer' })).body
			.link as string;
		const viewer = await call(b.url, 'POST', '/api/join', null, { token: invite.split('#')[1], name: 'Vi' });
		expect(viewer.status).toBe(200);
		expect(await client.keys('room:{redis-hospital}:*')).not.toEqual([]);

		const wrong = await call(b.url, 'DELETE', '/api/rooms/redis-hospital', admin, { confirm: 'redis hospital' });
		expect(wrong.status).toBe(400);
		expect(await client.keys('room:{redis-hospital}:*')).not.toEqual([]);

		const deleted = await call(b.url, 'DELETE', '/api/rooms/redis-hospital', admin, { confirm: 'Redis Hospital' });
		expect(deleted.status).toBe(200);
		expect(await client.keys('room:{redis-hospital}:*')).toEqual([]);
		expect(await client.sismember('rooms', 'redis-hospital')).toBe(0);
		expect(await client.exists(`blob:{${blobId}}`)).toBe(0);
		expect(await client.keys('access:room-invite:redis-hospital:*')).toEqual([]);
		// The viewer's session held only this room: it ended. The admin keeps being an admin.
		expect((await call(a.url, 'GET', '/api/me', viewer.token)).body).toMatchObject({ signedIn: false });
		expect((await call(a.url, 'GET', '/api/me', admin)).body).toMatchObject({ signedIn: true, mayCreateRooms: true, rooms: [] });
		const listed = (await call(a.url, 'GET', '/api/rooms', admin)).body.rooms as Array<{ id: string }>;
		expect(listed.map((r) => r.id)).not.toContain('redis-hospital');
		// Instance a, which built the room, forgot it too: taking it over finds no room there.
		await expect
			.poll(async () => (await call(a.url, 'POST', '/api/rooms/redis-hospital/takeover', admin)).status, { timeout: 5_000 })
			.toBe(404);
	}, 60_000);
});
