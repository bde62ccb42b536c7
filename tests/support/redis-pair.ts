/**
 * Two server instances (real processes) on one private Redis, for tests of what every instance must agree
 * on: `useRedisPair(roomId)` starts them before the file's tests and stops them after; `socketTo` opens a
 * signed-in socket to either instance, and `joinedState` is the room as a client joining an instance now
 * receives it.
 */
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll } from 'vitest';
import type { RoomState } from '../../src/lib/domain';
import { startRedis, type RedisServer } from './redis-server';
import { sessionToken, startServerProcess, type ServerProcess } from './server-process';
import { tempDir } from './temp-dir';
import { join, type TestSocket } from './test-server';

export interface RedisPair {
	/** The two instances, once started (in `beforeAll`). */
	readonly instances: readonly [ServerProcess, ServerProcess];
	/** A connected socket to `instance`, signed in with a session of `role` in the room. */
	socketTo(
		instance: ServerProcess,
		role?: 'facilitator' | 'contributor',
		name?: string
	): Promise<{ socket: TestSocket; token: string }>;
	/** The room as a client joining `instance` now receives it. */
	joinedState(instance: ServerProcess): Promise<RoomState>;
}

export function useRedisPair(roomId: string): RedisPair {
	let redis: RedisServer | undefined;
	let started: [ServerProcess, ServerProcess] | null = null;
	const cleanups: Array<() => Promise<void> | void> = [];

	async function startInstance(url: string): Promise<ServerProcess> {
		const { dir, cleanup } = await tempDir();
		cleanups.push(cleanup);
		const instance = await startServerProcess(dir, { REDIS_URL: url, SEED_DEMO: 'false' });
		cleanups.push(async () => {
			instance.child.kill('SIGKILL');
			await instance.exited;
		});
		return instance;
	}

	beforeAll(async () => {
		redis = await startRedis({});
		const [a, b] = await Promise.all([startInstance(redis.url), startInstance(redis.url)]);
		started = [a, b];
	}, 60_000);

	afterAll(async () => {
		while (cleanups.length) await cleanups.pop()!();
		await redis?.destroy();
	});

	const pair: RedisPair = {
		get instances() {
			if (!started) throw new Error('the instances start in beforeAll');
			return started;
		},
		async socketTo(instance, role = 'facilitator', name = 'Tester') {
			const token = await sessionToken(pair.instances[0].url, roomId, role, name);
			const socket: TestSocket = connect(instance.url, {
				transports: ['websocket'],
				forceNew: true,
				reconnection: false,
				auth: { token }
			});
			cleanups.push(() => void socket.disconnect());
			await new Promise<void>((resolve, reject) => {
				socket.once('connect', () => resolve());
				socket.once('connect_error', reject);
			});
			return { socket, token };
		},
		async joinedState(instance) {
			const { socket } = await pair.socketTo(instance);
			const joined = await join(socket, roomId);
			socket.disconnect();
			if (!joined.ok || joined.mode !== 'snapshot') throw new Error('expected a snapshot');
			return joined.state;
		}
	};
	return pair;
}
