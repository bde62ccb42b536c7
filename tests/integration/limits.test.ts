/**
 * Command and connection limits beyond one connection (issue 13, item 16): a session's connections share
 * one command budget, everyone at one address shares another, and one address may hold only so many
 * open connections (fewer without a session). In Redis mode the shared budgets hold across instances.
 */
import type { AddressInfo } from 'node:net';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../src/lib/protocol';
import { createAccessService } from '../../server/access/access-service';
import { openFileKv } from '../../server/access/file-kv';
import { createApplication, memoryAttemptsLimiter, memoryCommandLimiter, type ApplicationDeps } from '../../server/app';
import { openBackends } from '../../server/backends';
import { loadConfig } from '../../server/config';
import { openFileBlobStore } from '../../server/store/file/file-blob-store';
import { openFileEventStore } from '../../server/store/file/file-event-store';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { tempDir } from '../support/temp-dir';
import { createRoom, join, quote, send, silentLog, type TestSocket } from '../support/test-server';

type Started = { url: string; deps: Partial<ApplicationDeps> & Pick<ApplicationDeps, 'access'>; close(): Promise<void> };

async function listen(deps: Parameters<typeof createApplication>[0], cleanup: () => Promise<void>): Promise<Started> {
	const app = createApplication(deps);
	await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`,
		deps,
		async close() {
			app.io.disconnectSockets(true);
			await new Promise<void>((resolve) => app.httpServer.close(() => resolve()));
			await app.close();
			await cleanup();
		}
	};
}

/** An embedded server with the given limits (everything else as in the other tests). */
async function startLimited(limits: Pick<ApplicationDeps, 'limiters' | 'connectionLimits'>): Promise<Started> {
	const tmp = await tempDir();
	return listen(
		{
			store: await openFileEventStore({ dataDir: tmp.dir }),
			blobs: await openFileBlobStore(`${tmp.dir}/blobs`),
			access: createAccessService(await openFileKv(tmp.dir)),
			log: silentLog,
			build: 'test',
			...limits
		},
		tmp.cleanup
	);
}

const sockets: TestSocket[] = [];
afterAll(() => sockets.forEach((s) => s.disconnect()));

/** Connects; resolves with the socket, or with the refusal's message. */
function open(url: string, token?: string): Promise<TestSocket | string> {
	const socket: TestSocket = connect(url, {
		transports: ['websocket'],
		auth: token ? { token } : {},
		forceNew: true,
		reconnection: false
	});
	sockets.push(socket);
	return new Promise((resolve) => {
		socket.once('connect', () => resolve(socket));
		socket.once('connect_error', (error) => resolve(error.message));
	});
}
async function opened(url: string, token?: string): Promise<TestSocket> {
	const socket = await open(url, token);
	if (typeof socket === 'string') throw new Error(socket);
	return socket;
}

/** Sends `count` commands from each socket at once; answers how many were applied and how many refused as rate limited. */
async function burst(roomId: string, from: TestSocket[], count: number): Promise<{ applied: number; limited: number }> {
	const results: CommandResult[] = await Promise.all(
		from.flatMap((s) => Array.from({ length: count }, (_, n) => send(s, roomId, quote('Too slow', n))))
	);
	return {
		applied: results.filter((r) => r.ok).length,
		limited: results.filter((r) => !r.ok && r.code === 'rate_limited').length
	};
}

async function roomWith(
	url: string,
	access: Started['deps']['access'],
	roomId: string,
	sessions: number,
	connectionsEach: number
) {
	const owner = await opened(url, await access.grantDirectly(roomId, 'facilitator', 'Owner'));
	await createRoom(owner, roomId);
	const groups: TestSocket[][] = [];
	for (let s = 0; s < sessions; s++) {
		const token = await access.grantDirectly(roomId, 'contributor', `Person ${s}`);
		const group: TestSocket[] = [];
		for (let c = 0; c < connectionsEach; c++) {
			const socket = await opened(url, token);
			expect((await join(socket, roomId)).ok).toBe(true);
			group.push(socket);
		}
		groups.push(group);
	}
	return groups;
}

describe('command budgets', () => {
	const withBudgets = (session: number, address: number) =>
		startLimited({
			limiters: {
				attempts: memoryAttemptsLimiter(),
				commands: memoryCommandLimiter(10),
				sessionCommands: memoryCommandLimiter(session),
				addressCommands: memoryCommandLimiter(address)
			}
		});

	it('a session’s connections share one budget: four connections get no more than one', async () => {
		const server = await withBudgets(10, 10_000);
		const [connections] = await roomWith(server.url, server.deps.access, 'limit-session', 1, 4);
		const { applied, limited } = await burst('limit-session', connections!, 10);
		expect(applied).toBe(10);
		expect(limited).toBe(30);
		await server.close();
	});

	it('everyone at one address shares a budget too: four people get no more than the address’s', async () => {
		const server = await withBudgets(10_000, 30);
		const people = await roomWith(server.url, server.deps.access, 'limit-address', 4, 1);
		// The owner's four set-up commands came from this address too.
		const { applied, limited } = await burst('limit-address', people.flat(), 10);
		expect(applied).toBe(26);
		expect(limited).toBe(14);
		await server.close();
	});
});

describe('connections per address', () => {
	let server: Started;
	beforeAll(async () => {
		server = await startLimited({
			limiters: { attempts: memoryAttemptsLimiter(), commands: memoryCommandLimiter(100) },
			connectionLimits: { perAddress: 5, anonymousPerAddress: 2 }
		});
	});
	afterAll(() => server.close());

	it('refuses connections without a session past the tighter cap, and every connection past the address cap', async () => {
		const anonymous = [await open(server.url), await open(server.url), await open(server.url)];
		expect(typeof anonymous[0]).not.toBe('string');
		expect(typeof anonymous[1]).not.toBe('string');
		expect(anonymous[2]).toMatch(/Too many connections from your network address/);

		const token = await server.deps.access.grantDirectly('limit-conn', 'viewer', 'Lobby TV');
		const withSession = [
			await open(server.url, token),
			await open(server.url, token),
			await open(server.url, token),
			await open(server.url, token)
		];
		expect(withSession.slice(0, 3).every((s) => typeof s !== 'string')).toBe(true);
		expect(withSession[3]).toMatch(/Too many connections/);

		// Closing one makes room for the next.
		(withSession[0] as TestSocket).disconnect();
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(typeof (await open(server.url, token))).not.toBe('string');
	});
});

describe.runIf(canRunRedisTests())('Redis mode: shared budgets across instances', () => {
	let redis: RedisServer;
	const servers: Started[] = [];
	beforeAll(async () => {
		redis = await startRedis();
		const config = loadConfig({ REDIS_URL: redis.url, COMMAND_RATE_LIMIT: '10', COMMAND_RATE_LIMIT_PER_ADDRESS: '1000' });
		for (let i = 0; i < 2; i++) {
			const backend = await openBackends(config, silentLog);
			servers.push(await listen({ ...backend.deps, log: silentLog, build: 'test' }, backend.close));
		}
	}, 60_000);
	afterAll(async () => {
		for (const s of servers) await s.close();
		await redis?.destroy();
	});

	it('one session on two instances gets one budget', async () => {
		const [a, b] = servers as [Started, Started];
		const owner = await opened(a.url, await a.deps.access.grantDirectly('limit-redis', 'facilitator', 'Owner'));
		await createRoom(owner, 'limit-redis');
		const token = await a.deps.access.grantDirectly('limit-redis', 'contributor', 'Two places');
		const here = await opened(a.url, token);
		const there = await opened(b.url, token);
		for (const s of [here, there]) expect((await join(s, 'limit-redis')).ok).toBe(true);
		const { applied, limited } = await burst('limit-redis', [here, there], 10);
		expect(applied).toBe(10);
		expect(limited).toBe(10);
	});
});
