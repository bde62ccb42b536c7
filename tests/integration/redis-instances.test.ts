/**
 * Redis mode: three real server processes (the production entry point) on one real redis-server,
 * with RoomStore clients (the browser's own code) on every instance.
 */
import { Redis } from 'ioredis';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../server/http/session';
import { canonicalJson, projectState, type RoomState } from '../../src/lib/domain';
import { openRedisBlobStore } from '../../server/store/redis/redis-blob-store';
import { openRedisEventStore } from '../../server/store/redis/redis-event-store';
import { startRedis, type RedisServer } from '../support/redis-server';
import { roomClient, waitForConvergence, waitUntil, type RoomClient } from '../support/room-clients';
import { sessionToken, startServerProcess, type ServerProcess } from '../support/server-process';
import { startBalancer } from '../support/tcp-balancer';
import { tempDir } from '../support/temp-dir';
import { createRoom, quote, send, type TestSocket } from '../support/test-server';

let redis: RedisServer;
let instances: ServerProcess[] = [];
const alive = new Set<ServerProcess>();
const cleanups: Array<() => Promise<void> | void> = [];

async function startInstance(env: Record<string, string> = {}, balanced = true): Promise<ServerProcess> {
	const { dir, cleanup } = await tempDir();
	cleanups.push(cleanup);
	const instance = await startServerProcess(dir, {
		REDIS_URL: redis.url,
		SEED_DEMO: 'false',
		COMMAND_RATE_LIMIT: '100000',
		...env
	});
	if (balanced) {
		alive.add(instance);
		void instance.exited.then(() => alive.delete(instance));
	}
	cleanups.push(async () => {
		instance.child.kill('SIGKILL');
		await instance.exited;
	});
	return instance;
}

/** A facilitator session token for a room (minted through an instance's admin API; shared via Redis). */
const tokenFor = (roomId: string, name = 'Tester') => sessionToken(instances[0]!.url, roomId, 'facilitator', name);

async function socketTo(url: string, roomId: string): Promise<TestSocket> {
	const token = await tokenFor(roomId);
	const socket: TestSocket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
	cleanups.push(() => void socket.disconnect());
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', reject);
	});
	return socket;
}

async function clients(urls: string[], roomId: string, perUrl: number): Promise<RoomClient[]> {
	const token = await tokenFor(roomId);
	const list = urls.flatMap((url, i) => Array.from({ length: perUrl }, (_, k) => roomClient(url, roomId, token, `i${i}-c${k}`)));
	for (const c of list) cleanups.push(() => c.close());
	return list;
}

/** The room's log as Redis holds it: commandId of every event, in order. */
async function loggedCommandIds(roomId: string): Promise<string[]> {
	const client = new Redis(redis.url, { lazyConnect: false });
	try {
		const store = await openRedisEventStore({ redis: client });
		const read = await store.readFrom(roomId, 0);
		if (!read.ok) throw new Error('log compacted');
		return read.events.map((e) => e.commandId);
	} finally {
		client.disconnect();
	}
}

beforeAll(async () => {
	redis = await startRedis({ appendfsync: 'always' });
	instances = await Promise.all([startInstance(), startInstance(), startInstance()]);
}, 60_000);

afterAll(async () => {
	while (cleanups.length) await cleanups.pop()!();
	await redis?.destroy();
});

describe('Redis mode: several instances serving one room', () => {
	it('converges 300 concurrent commands sent through all three instances, each applied once', async () => {
		const admin = await socketTo(instances[0]!.url, 'multi');
		await createRoom(admin, 'multi');
		const list = await clients(
			instances.map((i) => i.url),
			'multi',
			2
		);
		await waitUntil(() => list.every((c) => c.store.connection === 'live'), 'every client live');

		const results = await Promise.all(
			Array.from({ length: 300 }, (_, n) => list[n % list.length]!.store.send(quote(`Concurrent ${n}`, n)))
		);
		expect(results.every((r) => r.ok)).toBe(true);
		const top = Math.max(...results.map((r) => (r.ok ? r.version : 0)));
		await waitForConvergence(list, top);

		const ids = await loggedCommandIds('multi');
		expect(ids).toHaveLength(top);
		expect(new Set(ids).size).toBe(ids.length); // every command here makes one event: no id twice
	});

	it('keeps a wall on another instance current on its projection: live quotes, and a catch-up after a reconnection', async () => {
		const admin = await socketTo(instances[0]!.url, 'walls');
		await createRoom(admin, 'walls');
		const token = await tokenFor('walls');
		const laptop = roomClient(instances[0]!.url, 'walls', token, 'laptop');
		const wall = roomClient(instances[1]!.url, 'walls', token, 'wall', 'screen', { asWall: true });
		cleanups.push(
			() => laptop.close(),
			() => wall.close()
		);
		await waitUntil(() => laptop.store.connection === 'live' && wall.store.connection === 'live', 'both live');
		expect(wall.store.audience).toBe('wall');

		const caughtUp = () => wall.store.connection === 'live' && wall.store.version === laptop.store.version;
		for (let n = 0; n < 6; n++) expect((await laptop.store.send(quote(`Live ${n}`, n))).ok).toBe(true);
		await waitUntil(caughtUp, 'the wall to reach the laptop');
		// Dropped, while more happens on the other instance: it catches up from its version.
		wall.socket.io.engine.close();
		for (let n = 6; n < 9; n++) expect((await laptop.store.send(quote(`Missed ${n}`, n))).ok).toBe(true);
		await waitUntil(caughtUp, 'the wall to catch up');
		const project = (state: RoomState | null) => canonicalJson(projectState(state!, 'wall'));
		expect(project(wall.store.state)).toBe(project(laptop.store.state));
		// A wall joining now starts from the projection: the two newest quotes, not nine.
		const late = roomClient(instances[1]!.url, 'walls', token, 'late wall', 'screen', { asWall: true });
		cleanups.push(() => late.close());
		await waitUntil(() => late.store.connection === 'live', 'the late wall live');
		expect(late.store.state!.complaints['cant-open']!.verbatims).toHaveLength(2);
		expect(project(late.store.state)).toBe(project(laptop.store.state));
	});

	it('serves a stored file from every instance', async () => {
		const client = new Redis(redis.url);
		cleanups.push(() => void client.disconnect());
		await openRedisEventStore({ redis: client });
		const bytes = new TextEncoder().encode('%PDF-1.4 welcome letter');
		const blobs = openRedisBlobStore(client);
		const { id } = await blobs.put(bytes, 'application/pdf');
		await blobs.recordUpload(id, 'multi');
		const cookie = `${SESSION_COOKIE}=${await tokenFor('multi')}`;
		for (const instance of instances) {
			const res = await fetch(`${instance.url}/api/blobs/${id}`, { headers: { cookie } });
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toBe('application/pdf');
			expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
		}
		expect((await fetch(`${instances[0]!.url}/api/blobs/${'0'.repeat(64)}`, { headers: { cookie } })).status).toBe(404);
		// Only for members: the same file to a browser with no session is refused.
		expect((await fetch(`${instances[0]!.url}/api/blobs/${id}`)).status).toBe(401);
		expect((await fetch(`${instances[0]!.url}/api/blobs/../../etc/passwd`)).status).toBe(404);
	});

	it('limits commands per connection: the one over the limit is refused and not applied, other connections go on', async () => {
		const limited = await startInstance({ COMMAND_RATE_LIMIT: '5' }, false);
		const first = await socketTo(limited.url, 'limited');
		await createRoom(first, 'limited'); // four commands
		expect((await send(first, 'limited', quote('fifth', 5))).ok).toBe(true);
		const over = await send(first, 'limited', quote('sixth', 6), 'over-the-limit');
		expect(over).toMatchObject({ ok: false, code: 'rate_limited' });
		expect(await loggedCommandIds('limited')).not.toContain('over-the-limit');

		// A second connection, on the same instance, has its own allowance.
		const second = await socketTo(limited.url, 'limited');
		expect((await second.timeout(5_000).emitWithAck('room:join', { roomId: 'limited' })).ok).toBe(true);
		expect((await send(second, 'limited', quote('from another connection', 7))).ok).toBe(true);
	});

	it('shows who is connected, across instances, with screens apart from people', async () => {
		const admin = await socketTo(instances[1]!.url, 'presence');
		await createRoom(admin, 'presence');
		// Presence shows each session's name, as the server holds it.
		const facilitator = roomClient(
			instances[0]!.url,
			'presence',
			await tokenFor('presence', 'Facilitator Fay'),
			'Facilitator Fay'
		);
		const wall = roomClient(instances[1]!.url, 'presence', await tokenFor('presence', 'Lobby TV'), 'Lobby TV', 'screen');
		const member = roomClient(instances[2]!.url, 'presence', await tokenFor('presence', 'Member Max'), 'Member Max');
		cleanups.push(
			() => facilitator.close(),
			() => wall.close(),
			() => member.close()
		);
		await waitUntil(
			() => ['Lobby TV', 'Member Max', 'Facilitator Fay'].every((n) => facilitator.store.presence.some((p) => p.name === n)),
			'presence from all instances'
		);
		expect(facilitator.store.presence.find((p) => p.name === 'Lobby TV')!.kind).toBe('screen');
		expect(facilitator.store.presence.find((p) => p.name === 'Member Max')!.kind).toBe('person');
		member.close();
		await waitUntil(() => !facilitator.store.presence.some((p) => p.name === 'Member Max'), 'presence to drop a leaver');
	});

	it('survives SIGKILL of one instance mid-stream: its clients move to another and converge', async () => {
		const balancer = await startBalancer(() => [...alive].map((i) => i.port));
		cleanups.push(() => balancer.close());
		const admin = await socketTo(instances[0]!.url, 'failover');
		await createRoom(admin, 'failover');
		const list = await clients([`http://127.0.0.1:${balancer.port}`], 'failover', 6);
		await waitUntil(() => list.every((c) => c.store.connection === 'live'), 'every client live');

		const victim = instances[1]!;
		let sent = 0;
		const pending: Array<Promise<unknown>> = [];
		const acked: string[] = [];
		for (let round = 0; round < 40; round++) {
			for (const c of list) {
				const n = sent++;
				pending.push(c.store.send(quote(`Failover ${n}`, n)).then((r) => r.ok && acked.push(`Failover ${n}`)));
			}
			if (round === 10) victim.child.kill('SIGKILL');
			await new Promise((r) => setTimeout(r, 10));
		}
		await victim.exited;
		await Promise.all(pending);
		expect(acked).toHaveLength(sent);
		const top = Math.max(...list.map((c) => c.store.state!.version));
		await waitForConvergence(list, top);
		const ids = await loggedCommandIds('failover');
		expect(new Set(ids).size).toBe(ids.length);
		const texts = list[0]!.store.state!.complaints['cant-open']!.verbatims.length;
		expect(texts).toBe(50); // capped list, but the count below proves nothing was lost
		expect(ids.length).toBe(4 + sent); // createRoom's 4 commands + every acknowledged one, once each

		instances[1] = await startInstance();
	});

	it('fails fast while Redis is down, shows it, and converges after Redis restarts', async () => {
		const admin = await socketTo(instances[0]!.url, 'outage');
		await createRoom(admin, 'outage');
		const list = await clients(
			instances.map((i) => i.url),
			'outage',
			1
		);
		await waitUntil(() => list.every((c) => c.store.connection === 'live'), 'every client live');
		const before = list.map((c) => c.store.send(quote('before the outage', 1)));
		const beforeResults = await Promise.all(before);
		expect(beforeResults.every((r) => r.ok)).toBe(true);
		await waitForConvergence(list, Math.max(...beforeResults.map((r) => (r.ok ? r.version : 0))));

		await redis.kill(); // SIGKILL: only what Redis fsync'd (appendfsync always) survives
		await waitUntil(() => list.every((c) => c.store.connection === 'reconnecting'), 'clients to show reconnecting');
		// The last state stays on screen while Redis is away.
		expect(list.every((c) => c.store.state!.complaints['cant-open']!.verbatims.length === 3)).toBe(true);

		const timings: number[] = [];
		for (let n = 0; n < 5; n++) {
			const started = performance.now();
			const result = await send(admin, 'outage', quote(`during ${n}`, 100 + n));
			timings.push(performance.now() - started);
			expect(result).toMatchObject({ ok: false, code: 'unavailable' });
		}
		console.info(`commands during the Redis outage answered 'unavailable' in ${timings.map((t) => t.toFixed(0)).join(', ')} ms`);
		expect(Math.max(...timings)).toBeLessThan(1_000);
		// Made during the outage: they wait in the outboxes and go through once Redis is back.
		const during = list.map((c, k) => c.store.send(quote(`queued during the outage ${k}`, 200 + k)));

		await redis.restart();
		expect((await Promise.all(during)).every((r) => r.ok)).toBe(true);
		const top = Math.max(...list.map((c) => c.store.state!.version));
		await waitForConvergence(list, top, 30_000);
		expect(list.every((c) => c.store.connection === 'live')).toBe(true);
		const ids = await loggedCommandIds('outage');
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.length).toBe(4 + 3 + 3); // the room, before, and the three queued ones: nothing lost, nothing twice
	}, 90_000); // several restarts under a loaded machine; the waits inside say what they wait for
});
