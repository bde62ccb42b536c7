/**
 * People across two instances on one real Redis: an account made on A signs in on B; a person removed
 * from a room on A loses the page they have open on B at once (the socket is told and closed),
 * and a role changed on B counts on A's next request.
 */
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { instancePool, type InstancePool } from '../support/instance-pool';
import { TEST_ADMIN_TOKEN, type ServerProcess } from '../support/server-process';
import { adminAccount, freshLogin, PASSWORD, request, tokenOfLink } from '../support/people';
import { join, type TestSocket } from '../support/test-server';

describe.runIf(canRunRedisTests())('people on Redis, two instances', () => {
	let redis: RedisServer;
	let pool: InstancePool;
	let a: ServerProcess;
	let b: ServerProcess;
	let admin: string;
	let roomId: string;

	beforeAll(async () => {
		redis = await startRedis();
		pool = instancePool(redis.url);
		[a, b] = await Promise.all([pool.start(), pool.start()]);
		const res = await fetch(`${a.url}/api/admin/setup-link`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }
		});
		const setup = tokenOfLink(((await res.json()) as { link: string }).link);
		admin = (await request(a.url, 'POST', '/api/setup', null, { token: setup, account: adminAccount() })).token!;
		const made = await request(a.url, 'POST', '/api/rooms', admin, {
			name: 'People on Redis',
			organisation: '',
			start: { kind: 'blank' }
		});
		roomId = made.body.roomId as string;
	}, 60_000);
	afterAll(async () => {
		await pool?.stopAll();
		await redis?.destroy();
	});

	it('a removal on instance A ends the open page on instance B at once; a role change on B counts on A', async () => {
		const invite = await request(a.url, 'POST', `/api/rooms/${roomId}/person-invites`, admin, {
			name: 'Bea Both',
			role: 'contributor'
		});
		const login = freshLogin('bea');
		const accepted = await request(b.url, 'POST', '/api/invites/accept', null, {
			token: tokenOfLink(invite.body.link as string),
			account: { name: 'Bea Both', login, password: PASSWORD }
		});
		expect(accepted.status).toBe(200);
		// Signed in again on the other instance: the account is shared.
		const onA = await request(a.url, 'POST', '/api/auth/sign-in', null, { login, password: PASSWORD });
		expect(onA.status).toBe(200);

		const members = (await request(a.url, 'GET', `/api/rooms/${roomId}/members`, admin)).body.members as Array<{
			id: string;
			name: string;
		}>;
		const bea = members.find((m) => m.name === 'Bea Both')!;
		expect((await request(b.url, 'PUT', `/api/rooms/${roomId}/members/${bea.id}`, admin, { role: 'viewer' })).status).toBe(200);
		expect((await request(a.url, 'GET', '/api/me', onA.token)).body.rooms).toEqual([{ roomId, role: 'viewer', displayId: null }]);

		const socket: TestSocket = connect(b.url, {
			transports: ['websocket'],
			forceNew: true,
			reconnection: false,
			auth: { token: accepted.token }
		});
		await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
		expect((await join(socket, roomId)).ok).toBe(true);
		const told = new Promise<{ reason: string; roomId?: string }>((resolve) => socket.once('access:revoked', resolve));
		const closed = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
		expect((await request(a.url, 'DELETE', `/api/rooms/${roomId}/members/${bea.id}`, admin)).status).toBe(200);
		expect((await told).roomId).toBe(roomId);
		await closed;
		expect((await request(b.url, 'GET', '/api/me', accepted.token)).body.rooms).toEqual([]);
	});
});
