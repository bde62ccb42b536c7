/**
 * Single sign-on across two instances on one real Redis, against a real OpenID provider: a sign-in begun
 * on one instance is finished by the other (behind one host name, a balancer may send the provider's
 * answer anywhere); the session works on both; the same answer replayed on the first is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { instancePool, type InstancePool } from '../support/instance-pool';
import { startTestProvider, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestProvider } from '../support/oidc-provider';
import { freePort, sessionToken, TEST_ADMIN_TOKEN, type ServerProcess } from '../support/server-process';
import { request } from '../support/people';
import { asBrowser, CookieJar, deliver, toProviderAndBack } from '../support/sso-http';

describe.runIf(canRunRedisTests())('single sign-on on Redis, two instances', () => {
	let redis: RedisServer;
	let pool: InstancePool;
	let provider: TestProvider;
	let a: ServerProcess;
	let b: ServerProcess;
	const ROOM = 'sso-redis';

	beforeAll(async () => {
		redis = await startRedis();
		const portA = await freePort();
		const portB = await freePort();
		provider = await startTestProvider([`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`]);
		pool = instancePool(redis.url, {
			OIDC_ISSUER: provider.issuer,
			OIDC_CLIENT_ID: TEST_CLIENT_ID,
			OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET
		});
		a = await pool.start({ PORT: String(portA) });
		b = await pool.start({ PORT: String(portB) });
		const facilitator = await sessionToken(a.url, ROOM, 'facilitator', 'Setup');
		const made = await fetch(`${a.url}/api/admin/rooms`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
			body: JSON.stringify({ roomId: ROOM, name: 'SSO on Redis', organisation: '' })
		});
		expect(made.status).toBe(200);
		const mapped = await request(b.url, 'PUT', `/api/rooms/${ROOM}/group-roles`, facilitator, {
			groups: [{ group: 'CX-Leadership', role: 'facilitator' }]
		});
		expect(mapped.status).toBe(200);
	}, 90_000);

	afterAll(async () => {
		await pool?.stopAll();
		await provider?.close();
		await redis?.stop();
	});

	it('a sign-in begun on A is finished on B; the session works on both; a replay on A is refused', async () => {
		provider.people.set('ana', { name: 'Ana Ruiz', email: 'ana@example.com', groups: ['CX-Leadership'] });
		const jar = new CookieJar();
		const trip = await toProviderAndBack(a.url, 'ana', jar, `/rooms/${ROOM}`);
		expect(trip.callbackUrl?.startsWith(a.url)).toBe(true);
		const onB = trip.callbackUrl!.replace(a.url, b.url);
		expect(await deliver(jar, onB)).toBe(`/rooms/${ROOM}`);
		for (const instance of [a, b]) {
			const { json } = await asBrowser(instance.url, jar, '/api/rooms');
			expect(json.rooms).toEqual([expect.objectContaining({ id: ROOM, role: 'facilitator' })]);
		}
		expect(await deliver(new CookieJar(), trip.callbackUrl!)).toBe('/sign-in?sso=expired');
	});
});
