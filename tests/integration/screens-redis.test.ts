/**
 * Screen health in Redis mode: two real server processes on one redis-server. A TV connected to one
 * instance reports its health; a facilitator on the other reads it, sees it go offline when the TV
 * leaves, and identifies it through its own instance (the action crosses to the TV's through the adapter).
 */
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DisplayActionMessage, ScreensStatusResult } from '../../src/lib/protocol';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { sessionToken, startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';
import { createRoom, join, send, type TestSocket } from '../support/test-server';

const ROOM = 'screens-redis';
let redis: RedisServer;
const instances: ServerProcess[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

async function startInstance(): Promise<ServerProcess> {
	const { dir, cleanup } = await tempDir();
	cleanups.push(cleanup);
	const instance = await startServerProcess(dir, { REDIS_URL: redis.url, SEED_DEMO: 'false' });
	cleanups.push(async () => {
		instance.child.kill('SIGKILL');
		await instance.exited;
	});
	return instance;
}

async function socketTo(url: string, token: string, kind?: 'screen'): Promise<TestSocket> {
	const socket: TestSocket = connect(url, {
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		auth: { token, kind }
	});
	cleanups.push(() => void socket.disconnect());
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', reject);
	});
	return socket;
}

async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
	const deadline = Date.now() + 10_000;
	for (;;) {
		const value = await read();
		if (check(value)) return value;
		if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(value)}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

describe.runIf(canRunRedisTests())('screen health shared by two instances', () => {
	beforeAll(async () => {
		redis = await startRedis();
		instances.push(...(await Promise.all([startInstance(), startInstance()])));
	}, 60_000);

	afterAll(async () => {
		while (cleanups.length) await cleanups.pop()!();
		await redis?.destroy();
	});

	it('a TV on one instance is seen, and identified, by a facilitator on the other', async () => {
		const [a, b] = instances as [ServerProcess, ServerProcess];
		const facilitatorToken = await sessionToken(a.url, ROOM, 'facilitator', 'Fay');
		const facilitator = await socketTo(b.url, facilitatorToken);
		await createRoom(facilitator, ROOM);
		expect(await join(facilitator, ROOM)).toMatchObject({ ok: true });

		// Pair a TV through instance A, as /tv and /pair do.
		const started = await fetch(`${a.url}/api/pair/start`, { method: 'POST' });
		const tvToken = /cr_session=([^;]+)/.exec(started.headers.get('set-cookie') ?? '')![1]!;
		const { code } = (await started.json()) as { code: string };
		const claimed = await fetch(`${a.url}/api/rooms/${ROOM}/displays`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: `cr_session=${facilitatorToken}` },
			body: JSON.stringify({ code, name: 'Floor TV', mode: 'room' })
		});
		expect(claimed.status).toBe(200);
		const { displayId } = (await claimed.json()) as { displayId: string };

		const tv = await socketTo(a.url, tvToken, 'screen');
		expect(await join(tv, ROOM)).toMatchObject({ ok: true, role: 'viewer' });
		tv.emit('display:health', { roomId: ROOM, build: 'build-r', width: 1920, height: 1080, renderMs: 250 });

		const status = async () => {
			const result: ScreensStatusResult = await facilitator.timeout(5_000).emitWithAck('screens:status', { roomId: ROOM });
			if (!result.ok) throw new Error(result.message);
			return result.screens;
		};
		const seen = await until(status, (s) => s[displayId]?.build === 'build-r', 'instance B never saw the report');
		expect(seen[displayId]).toMatchObject({ online: true, width: 1920, renderMs: 250 });

		const told = new Promise<DisplayActionMessage>((resolve) => tv.once('display:action', resolve));
		expect(await facilitator.timeout(5_000).emitWithAck('display:act', { roomId: ROOM, displayId, action: 'identify' })).toEqual({
			ok: true,
			delivered: 1
		});
		expect(await told).toEqual({ roomId: ROOM, action: 'identify' });

		tv.disconnect();
		await until(status, (s) => s[displayId]?.online === false, 'still online on instance B after the TV left instance A');
		expect(await send(facilitator, ROOM, { type: 'display.remove', displayId })).toMatchObject({ ok: true });
	}, 60_000);
});
