/**
 * A commandId reused for a different command: both stores keep a digest of the command's body with its
 * id, so a resend is told apart from another command under the same id (answered `conflict`, nothing
 * applied), across restarts and snapshots. Commands stored before digests were kept still count as the
 * same command, as they did.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { EventStore, NewEvent } from '../../server/store/port';
import { openFileEventStore } from '../../server/store/file/file-event-store';
import { createRedisClient, waitForRedisReady } from '../../server/store/redis/redis-client';
import { openRedisEventStore } from '../../server/store/redis/redis-event-store';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { tempDir } from '../support/temp-dir';
import { createRoom, join, send, startTestServer, type TestServer } from '../support/test-server';

const ROOM = 'digests';
const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

function eventsFor(commandId: string, count = 1): NewEvent[] {
	return Array.from({ length: count }, (_, index) => ({
		commandId,
		at: '2026-11-01T10:00:00.000Z',
		actor: { id: 'u1', name: 'Ada' },
		event: { type: 'note.added', index }
	}));
}

/** Opens a store on the same data every time it is called (a restart), and cleans up at the end. */
interface StoreKind {
	name: string;
	available: boolean;
	setUp(): Promise<void>;
	open(): Promise<EventStore>;
	tearDown(): Promise<void>;
}

function fileKind(): StoreKind {
	let dir: Awaited<ReturnType<typeof tempDir>>;
	return {
		name: 'file store',
		available: true,
		async setUp() {
			dir = await tempDir();
		},
		open: () => openFileEventStore({ dataDir: dir.dir, snapshotRetainEvents: 0, log: { warn() {} } }),
		tearDown: () => dir.cleanup()
	};
}

function redisKind(): StoreKind {
	let server: RedisServer;
	const clients: Redis[] = [];
	return {
		name: 'Redis store',
		available: canRunRedisTests(),
		async setUp() {
			server = await startRedis();
		},
		async open() {
			const redis = createRedisClient(server.url, 'commands', () => {});
			clients.push(redis);
			await waitForRedisReady(redis, 5_000);
			return openRedisEventStore({ redis, snapshotRetainEvents: 0, log: { warn() {} } });
		},
		async tearDown() {
			for (const client of clients) client.disconnect();
			await server?.destroy();
		}
	};
}

for (const kind of [fileKind(), redisKind()]) {
	describe.runIf(kind.available)(`command digests (${kind.name})`, () => {
		let store: EventStore;
		const open: EventStore[] = [];
		const reopen = async () => {
			await store.close();
			store = await kind.open();
			open.push(store);
		};

		beforeAll(async () => {
			await kind.setUp();
			store = await kind.open();
			open.push(store);
			expect(await store.append(ROOM, 0, 'first', eventsFor('first'), 'epoch-1', undefined, A)).toEqual({
				ok: true,
				duplicate: false,
				range: { from: 1, to: 1 }
			});
			// Written the way every command was before digests were kept.
			expect((await store.append(ROOM, 1, 'legacy', eventsFor('legacy', 2), 'epoch-1')).ok).toBe(true);
		});

		afterEach(async () => {
			expect(await store.head(ROOM)).toMatchObject({ version: 3 });
		});

		afterAll(async () => {
			for (const s of open) await s.close().catch(() => undefined);
			await kind.tearDown();
		});

		it('answers a resend of the same command as a duplicate', async () => {
			expect(await store.append(ROOM, 3, 'first', eventsFor('first'), undefined, undefined, A)).toEqual({
				ok: true,
				duplicate: true,
				range: { from: 1, to: 1 }
			});
			expect(await store.lookupCommand(ROOM, 'first')).toEqual({ from: 1, to: 1, digest: A });
		});

		it('hands readers events without the digest', async () => {
			const read = await store.readFrom(ROOM, 0);
			expect(read.ok && read.events.map((e) => Object.keys(e).sort().join())).toEqual(['actor,at,commandId,event,v', 'actor,at,commandId,event,v', 'actor,at,commandId,event,v']);
		});

		it('refuses another command under a used commandId, writing nothing', async () => {
			expect(await store.append(ROOM, 3, 'first', eventsFor('first', 3), undefined, undefined, B)).toEqual({
				ok: false,
				reason: 'different_command',
				range: { from: 1, to: 1 }
			});
		});

		it('keeps the digest through a restart', async () => {
			await reopen();
			expect(await store.lookupCommand(ROOM, 'first')).toEqual({ from: 1, to: 1, digest: A });
			expect(await store.append(ROOM, 3, 'first', eventsFor('first'), undefined, undefined, B)).toMatchObject({
				reason: 'different_command'
			});
		});

		it('keeps the digest through a snapshot that compacts the log away, and a restart after it', async () => {
			await store.saveSnapshot(ROOM, { version: 3, epoch: 'epoch-1', state: { version: 3 } });
			const read = await store.readFrom(ROOM, 0);
			expect(read.ok).toBe(false);
			await reopen();
			expect(await store.lookupCommand(ROOM, 'first')).toEqual({ from: 1, to: 1, digest: A });
			expect(await store.append(ROOM, 3, 'first', eventsFor('first'), undefined, undefined, B)).toMatchObject({
				reason: 'different_command'
			});
		});

		it('treats a command stored without a digest as the same command, whatever its body, as before', async () => {
			expect(await store.lookupCommand(ROOM, 'legacy')).toEqual({ from: 2, to: 3 });
			expect(await store.append(ROOM, 3, 'legacy', eventsFor('legacy'), undefined, undefined, B)).toEqual({
				ok: true,
				duplicate: true,
				range: { from: 2, to: 3 }
			});
		});
	});
}

describe('a commandId reused for a different command, over a socket', () => {
	let server: TestServer;

	beforeAll(async () => {
		server = await startTestServer();
	});

	afterAll(async () => {
		await server.close();
	});

	it('is answered conflict and not applied; a resend of the first command is still a duplicate', async () => {
		const socket = await server.client('Fay');
		await createRoom(socket, 'r1');
		const first = await send(socket, 'r1', { type: 'stage.add', stageId: 'pay', name: 'Pay', customerGoal: 'I want to pay easily' }, 'reused-1');
		expect(first).toMatchObject({ ok: true, duplicate: false });
		const version = first.ok ? first.version : 0;

		const other = await send(socket, 'r1', { type: 'stage.add', stageId: 'use', name: 'Use', customerGoal: 'I want it to work' }, 'reused-1');
		expect(other).toMatchObject({ ok: false, code: 'conflict' });
		expect(!other.ok && other.message).toMatch(/already used for a different command.*not applied.*new commandId/);

		const resend = await send(socket, 'r1', { type: 'stage.add', stageId: 'pay', name: 'Pay', customerGoal: 'I want to pay easily' }, 'reused-1');
		expect(resend).toEqual({ ok: true, version, duplicate: true });

		const joined = await join(socket, 'r1');
		expect(joined.ok && joined.mode === 'snapshot' && Object.keys(joined.state.stages).sort()).toEqual(['apply', 'pay']);
	});

	it('is answered conflict when both come in one batch', async () => {
		const socket = await server.client('Fay');
		await createRoom(socket, 'r2');
		const [a, b] = await Promise.all([
			send(socket, 'r2', { type: 'stage.add', stageId: 'pay', name: 'Pay', customerGoal: 'I want to pay easily' }, 'same-batch'),
			send(socket, 'r2', { type: 'stage.add', stageId: 'use', name: 'Use', customerGoal: 'I want it to work' }, 'same-batch')
		]);
		expect(a).toMatchObject({ ok: true, duplicate: false });
		expect(b).toMatchObject({ ok: false, code: 'conflict' });
	});
});
