/**
 * What only the Redis event store has, against a real redis-server (started on a free port, AOF always), no
 * mocks: hash-tagged keys and stream entry ids, two clients racing on one room (the Lua script's atomicity),
 * exact trimming behind a snapshot, failing fast while Redis is down and recovering after it returns, and the
 * AOF warning. The EventStore contract it shares with the file store is event-store-contract.test.ts.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { StoreUnavailableError, type AppendResult } from '../../server/store/port';
import { createRedisClient, waitForRedisReady } from '../../server/store/redis/redis-client';
import {
	openRedisEventStore,
	type RedisEventStore,
	type RedisEventStoreOptions
} from '../../server/store/redis/redis-event-store';
import { prng } from '../support/prng';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { eventsFor } from '../support/stored-events';

const ROOM = 'r1';

/** Appends `commands` single-event commands named c1, c2, ... one after another. */
async function appendCommands(store: RedisEventStore, commands: number, roomId = ROOM): Promise<void> {
	for (let i = 1; i <= commands; i++) {
		const version = (await store.head(roomId))?.version ?? 0;
		const result = await store.append(roomId, version, `c${i}`, eventsFor(`c${i}`, 1, version), 'epoch-1');
		expect(result.ok).toBe(true);
	}
}

const versions = (result: Awaited<ReturnType<RedisEventStore['readFrom']>>): number[] | false =>
	result.ok && result.events.map((e) => e.v);

const redisAvailable = canRunRedisTests();

describe.runIf(redisAvailable)('redis event store', () => {
	let server: RedisServer;
	/** A separate connection for inspecting keys and resetting the database between tests. */
	let admin: Redis;
	let clients: Redis[];
	let clientErrors: Error[];

	beforeAll(async () => {
		server = await startRedis();
		admin = createRedisClient(server.url, 'commands', () => {});
		await waitForRedisReady(admin, 5000);
	});

	afterAll(async () => {
		admin?.disconnect();
		await server?.destroy();
	});

	beforeEach(async () => {
		clients = [];
		clientErrors = [];
		await admin.flushall();
	});

	afterEach(async () => {
		for (const client of clients) client.disconnect();
	});

	function client(): Redis {
		const redis = createRedisClient(server.url, 'commands', (error) => clientErrors.push(error));
		clients.push(redis);
		return redis;
	}

	async function openStore(options: Partial<RedisEventStoreOptions> = {}): Promise<RedisEventStore> {
		return openRedisEventStore({ redis: client(), log: { warn: () => {} }, ...options });
	}

	describe('keys in Redis', () => {
		it('keeps every room key on one hash tag, and lists rooms in the global set', async () => {
			const store = await openStore();
			await appendCommands(store, 2);
			await store.saveSnapshot(ROOM, { version: 2, epoch: 'epoch-1', state: {} });
			expect((await admin.keys('room:{r1}:*')).sort()).toEqual([
				'room:{r1}:cmds',
				'room:{r1}:cmds-by-version',
				'room:{r1}:log',
				'room:{r1}:meta',
				'room:{r1}:snapshot'
			]);
			expect(await admin.type('room:{r1}:log')).toBe('stream');
			expect((await admin.keys('*')).filter((key) => !key.startsWith('room:{r1}:'))).toEqual(['rooms']);
			expect(await admin.smembers('rooms')).toEqual([ROOM]);
			expect(await admin.hgetall('room:{r1}:meta')).toEqual({ version: '2', epoch: 'epoch-1', oldest: '0', snapshot: '2' });
		});

		it('uses the version as the stream entry id', async () => {
			const store = await openStore();
			await store.append(ROOM, 0, 'c1', eventsFor('c1', 3), 'epoch-1');
			const entries = await admin.xrange('room:{r1}:log', '-', '+');
			expect(entries.map(([id]) => id)).toEqual(['1-0', '2-0', '3-0']);
			expect(JSON.parse(entries[2]?.[1][1] ?? 'null')).toMatchObject({ v: 3, commandId: 'c1' });
		});

		it('lists only rooms whose meta exists', async () => {
			const store = await openStore();
			await appendCommands(store, 1, 'b-room');
			await appendCommands(store, 1, 'a-room');
			await admin.sadd('rooms', 'ghost', 'not a valid id');
			expect(await store.listRooms()).toEqual(['a-room', 'b-room']);
		});

		it('trims the remembered commands to commandMemory in both keys', async () => {
			const store = await openStore({ commandMemory: 3 });
			await appendCommands(store, 5);
			// Which commands are forgotten is the contract's; here: neither key keeps the forgotten ones.
			expect((await admin.hkeys('room:{r1}:cmds')).sort()).toEqual(['c3', 'c4', 'c5']);
			expect(await admin.zrange('room:{r1}:cmds-by-version', '0', '-1')).toEqual(['c3', 'c4', 'c5']);
		});
	});

	describe('two clients racing on one room', () => {
		it('lets exactly one of two appends at the same expected version win, 100 times over, with no gaps', async () => {
			const a = await openStore();
			const b = await openStore();
			const rounds = 100;
			const random = prng(7);
			const sentByA: Promise<AppendResult>[] = [];
			const sentByB: Promise<AppendResult>[] = [];
			// 200 appends in flight at once (none awaited): per expected version 0..99 one from each client, in a
			// random order, yielding to I/O after each so the two connections' commands reach Redis interleaved.
			for (let v = 0; v < rounds; v++) {
				const order = random.chance(0.5) ? (['a', 'b'] as const) : (['b', 'a'] as const);
				for (const who of order) {
					const store = who === 'a' ? a : b;
					(who === 'a' ? sentByA : sentByB).push(store.append(ROOM, v, `${who}${v}`, eventsFor(`${who}${v}`, 1, v), 'epoch-1'));
					await new Promise((resolve) => setImmediate(resolve));
				}
			}
			const fromA = await Promise.all(sentByA);
			const fromB = await Promise.all(sentByB);

			const winners: string[] = [];
			for (let v = 0; v < rounds; v++) {
				const pair = [fromA[v], fromB[v]];
				const won = pair.filter((r) => r?.ok);
				expect(won, `expected version ${v}`).toHaveLength(1);
				expect(won[0]).toEqual({ ok: true, duplicate: false, range: { from: v + 1, to: v + 1 } });
				const lost = pair.find((r) => r !== undefined && !r.ok);
				expect(lost).toMatchObject({ ok: false, reason: 'version_conflict' });
				if (lost && !lost.ok && lost.reason === 'version_conflict') expect(lost.currentVersion).toBeGreaterThan(v);
				winners.push(fromA[v]?.ok ? `a${v}` : `b${v}`);
			}
			// Which client wins each round depends on timing; what matters is one winner per version.

			expect(await a.head(ROOM)).toEqual({ version: rounds, epoch: 'epoch-1' });
			const all = await b.readFrom(ROOM, 0);
			expect(all.ok && all.events.map((e) => e.v)).toEqual(Array.from({ length: rounds }, (_, i) => i + 1));
			expect(all.ok && all.events.map((e) => e.commandId)).toEqual(winners);
			const ids = (await admin.xrange('room:{r1}:log', '-', '+')).map(([id]) => id);
			expect(new Set(ids).size).toBe(rounds);
			expect(await admin.hlen('room:{r1}:cmds')).toBe(rounds);
		});

		it('loses no command when two clients read, append and retry on conflict, as the engine does', async () => {
			const stores = [await openStore(), await openStore()];
			const perClient = 100;
			let conflicts = 0;
			await Promise.all(
				stores.map(async (store, s) => {
					for (let i = 0; i < perClient; i++) {
						const commandId = `s${s}-${i}`;
						for (;;) {
							const version = (await store.head(ROOM))?.version ?? 0;
							const result = await store.append(ROOM, version, commandId, eventsFor(commandId, 2, version), 'epoch-1');
							if (result.ok) break;
							conflicts++;
						}
					}
				})
			);
			const all = await stores[0]!.readFrom(ROOM, 0);
			expect(all.ok).toBe(true);
			if (!all.ok) return;
			expect(all.events.map((e) => e.v)).toEqual(Array.from({ length: 2 * perClient * 2 }, (_, i) => i + 1));
			const commands = all.events.filter((_, i) => i % 2 === 0).map((e) => e.commandId);
			expect(new Set(commands).size).toBe(2 * perClient);
			// Both events of a command are adjacent: no other command slipped in between.
			all.events.forEach((e, i) => {
				if (i % 2 === 1) expect(e.commandId).toBe(all.events[i - 1]?.commandId);
			});
			expect(conflicts).toBeGreaterThan(0);
		});
	});

	describe('trimming behind a snapshot', () => {
		it('keeps snapshotRetainEvents events behind a snapshot and reports reads before them as compacted', async () => {
			const store = await openStore({ snapshotRetainEvents: 5 });
			await appendCommands(store, 20);
			await store.saveSnapshot(ROOM, { version: 20, epoch: 'epoch-1', state: { at: 20 } });
			expect(await admin.xlen('room:{r1}:log')).toBe(5);
			expect(await store.readFrom(ROOM, 0)).toEqual({ ok: false, reason: 'compacted', oldestAvailable: 15 });
			expect(await store.readFrom(ROOM, 14)).toEqual({ ok: false, reason: 'compacted', oldestAvailable: 15 });
			expect(versions(await store.readFrom(ROOM, 15))).toEqual([16, 17, 18, 19, 20]);
			expect(versions(await store.readFrom(ROOM, 17, 2))).toEqual([18, 19]);

			for (let i = 21; i <= 40; i++) await store.append(ROOM, i - 1, `c${i}`, eventsFor(`c${i}`, 1, i - 1));
			// A snapshot behind the head trims relative to the snapshot, not the head.
			await store.saveSnapshot(ROOM, { version: 30, epoch: 'epoch-1', state: { at: 30 } });
			expect(await store.readFrom(ROOM, 24)).toEqual({ ok: false, reason: 'compacted', oldestAvailable: 25 });
			expect(versions(await store.readFrom(ROOM, 25))).toEqual(Array.from({ length: 15 }, (_, i) => i + 26));
			expect(await store.loadSnapshot(ROOM)).toEqual({ version: 30, epoch: 'epoch-1', state: { at: 30 } });
			expect(await store.lookupCommand(ROOM, 'c3')).toEqual({ from: 3, to: 3 });
			expect((await store.head(ROOM))?.version).toBe(40);
		});
	});

	it("refuses calls after close without closing the caller's client", async () => {
		const redis = client();
		const store = await openRedisEventStore({ redis, log: { warn: () => {} } });
		await store.close();
		await expect(store.head(ROOM)).rejects.toThrow(/closed/);
		expect(await redis.ping()).toBe('PONG');
	});
});

describe.runIf(redisAvailable)('redis event store: Redis down and back', () => {
	let server: RedisServer;
	let redis: Redis;
	let store: RedisEventStore;

	beforeAll(async () => {
		server = await startRedis({ appendfsync: 'always' });
		redis = createRedisClient(server.url, 'commands', () => {});
		store = await openRedisEventStore({ redis, log: { warn: () => {} } });
	});

	afterAll(async () => {
		redis?.disconnect();
		await server?.destroy();
	});

	it('warns when Redis does not fsync every write', async () => {
		const relaxed = await startRedis({ appendfsync: 'everysec' });
		const other = createRedisClient(relaxed.url, 'commands', () => {});
		try {
			const warnings: string[] = [];
			await openRedisEventStore({ redis: other, log: { warn: (_fields, msg) => warnings.push(msg) } });
			expect(warnings.join('\n')).toMatch(/appendfsync everysec/);
		} finally {
			await other.quit();
			await relaxed.destroy();
		}
	});

	it('fails fast with StoreUnavailableError while Redis is down, then works again with every acknowledged event', async () => {
		// 30 acknowledged commands, the last ten pipelined.
		for (let v = 0; v < 20; v++) await store.append(ROOM, v, `c${v + 1}`, eventsFor(`c${v + 1}`, 1, v), 'epoch-1');
		await Promise.all(
			Array.from({ length: 10 }, (_, i) => store.append(ROOM, 20 + i, `c${21 + i}`, eventsFor(`c${21 + i}`, 1, 20 + i)))
		);
		expect((await store.head(ROOM))?.version).toBe(30);

		await server.kill();
		const started = performance.now();
		const failure = await store.append(ROOM, 30, 'c31', eventsFor('c31', 1, 30)).catch((e: unknown) => e);
		const elapsed = performance.now() - started;
		expect(failure).toBeInstanceOf(StoreUnavailableError);
		expect((failure as StoreUnavailableError).retryable).toBe(true);
		expect((failure as Error).message).toMatch(/^Redis is unavailable \(append: /);
		expect((failure as Error).message).not.toContain(String(server.port));
		expect(elapsed).toBeLessThan(1500);
		for (const call of [store.head(ROOM), store.readFrom(ROOM, 0), store.lookupCommand(ROOM, 'c1'), store.listRooms()]) {
			await expect(call).rejects.toBeInstanceOf(StoreUnavailableError);
		}

		await server.restart();
		await waitForRedisReady(redis, 10_000);

		expect(await store.head(ROOM)).toEqual({ version: 30, epoch: 'epoch-1' });
		const all = await store.readFrom(ROOM, 0);
		expect(all.ok && all.events.map((e) => e.commandId)).toEqual(Array.from({ length: 30 }, (_, i) => `c${i + 1}`));
		expect(await store.lookupCommand(ROOM, 'c31')).toBeNull();
		expect(await store.append(ROOM, 0, 'c30', eventsFor('c30'))).toEqual({
			ok: true,
			duplicate: true,
			range: { from: 30, to: 30 }
		});
		expect(await store.append(ROOM, 30, 'c31', eventsFor('c31', 1, 30))).toEqual({
			ok: true,
			duplicate: false,
			range: { from: 31, to: 31 }
		});
	});

	it('settles appends in flight when Redis is SIGKILLed, and keeps every acknowledged one', async () => {
		const room = 'in-flight';
		type Outcome = { acked: true; to: number } | { acked: false; error: unknown };
		const pending: Promise<Outcome>[] = Array.from({ length: 300 }, (_, i) =>
			store.append(room, i, `p${i}`, eventsFor(`p${i}`, 1, i), 'epoch-1').then(
				(result): Outcome => {
					if (!result.ok) throw new Error(`unexpected conflict at ${i}`);
					return { acked: true, to: result.range.to };
				},
				(error: unknown): Outcome => ({ acked: false, error })
			)
		);
		await new Promise((resolve) => setTimeout(resolve, 1));
		const started = performance.now();
		await server.kill();
		const outcomes = await Promise.all(pending);
		expect(performance.now() - started).toBeLessThan(1500);
		for (const outcome of outcomes) if (!outcome.acked) expect(outcome.error).toBeInstanceOf(StoreUnavailableError);
		const acked = outcomes.flatMap((o, i) => (o.acked ? [i] : []));
		// Acknowledgements come in version order: a prefix of the appends.
		expect(acked).toEqual(Array.from({ length: acked.length }, (_, i) => i));

		await server.restart();
		await waitForRedisReady(redis, 10_000);
		const head = await store.head(room);
		// Every acknowledged append survived SIGKILL (appendfsync always); an unacknowledged one may have landed too.
		expect(head?.version ?? 0).toBeGreaterThanOrEqual(acked.length);
		const all = await store.readFrom(room, 0);
		expect(all.ok && all.events.map((e) => e.v)).toEqual(Array.from({ length: head?.version ?? 0 }, (_, i) => i + 1));
		expect(all.ok && all.events.map((e) => e.commandId)).toEqual(Array.from({ length: head?.version ?? 0 }, (_, i) => `p${i}`));
	});

	it('opening the store on a client that cannot connect fails with StoreUnavailableError', async () => {
		const nowhere = createRedisClient('redis://127.0.0.1:1', 'commands', () => {});
		try {
			await expect(openRedisEventStore({ redis: nowhere, readyTimeoutMs: 300 })).rejects.toBeInstanceOf(StoreUnavailableError);
		} finally {
			nowhere.disconnect();
		}
	});

	it('publish and subscribe clients survive Redis being down: no unhandled rejection, subscriptions made while down take effect', async () => {
		await server.kill();
		const pubErrors: Error[] = [];
		const pub = createRedisClient(server.url, 'publish', (error) => pubErrors.push(error));
		const sub = createRedisClient(server.url, 'subscribe', () => {});
		try {
			// Fire and forget, as @socket.io/redis-adapter does.
			void pub.publish('customer-room#/#', 'lost');
			void sub.subscribe('customer-room#/#');
			await new Promise((resolve) => setTimeout(resolve, 200));
			expect(pubErrors.length).toBeGreaterThan(0);

			await server.restart();
			const received = new Promise<string>((resolve) =>
				sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => resolve(message.toString()))
			);
			const deadline = Date.now() + 10_000;
			let delivered = 0;
			while (delivered === 0 && Date.now() < deadline) {
				delivered = await pub.publish('customer-room#/#', 'hello').catch(() => 0);
				if (delivered === 0) await new Promise((resolve) => setTimeout(resolve, 100));
			}
			expect(await received).toBe('hello');
		} finally {
			pub.disconnect();
			sub.disconnect();
		}
	});
});
