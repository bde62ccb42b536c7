/**
 * Sentiment, new phrases and raw import files through real servers: two instances on one real Redis
 * agree on every verbatim's tone, the tone counts and the phrases new this month (found by the instance
 * that took the verbatims, recorded through its engine, read by the other from the shared log, and
 * broadcast to a client on the other); and a room that keeps raw uploads for N days has them deleted by
 * the server's sweep once the (moved) clock passes them, in the embedded file store and in Redis alike,
 * with the import's history saying when.
 */
import type { AddressInfo } from 'node:net';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessService } from '../../server/access/access-service';
import { openFileKv } from '../../server/access/file-kv';
import { openRedisKv } from '../../server/access/redis-kv';
import { createApplication, memoryAttemptsLimiter, memoryCommandLimiter } from '../../server/app';
import { openRedisBackend } from '../../server/redis-backend';
import { openFileBlobStore } from '../../server/store/file/file-blob-store';
import { openFileEventStore } from '../../server/store/file/file-event-store';
import { sentimentScore } from '../../server/text/sentiment';
import { canonicalJson, DEFAULT_REDACTION, type Command, type RoomState } from '../../src/lib/domain';
import type { RoomEventsMessage } from '../../src/lib/protocol';
import { curateHttp, simpleComplaintMapping } from '../support/curate-http';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { tempDir } from '../support/temp-dir';
import { createRoom, join, send, silentLog, type TestSocket } from '../support/test-server';

const DAY = 86_400_000;

/** One instance of the app, in process, on the embedded stores or on Redis, with a clock the test moves. */
async function startInstance(redisUrl: string | null, clock: { now: number }) {
	const tmp = await tempDir();
	const redis = redisUrl ? await openRedisBackend(redisUrl, silentLog) : null;
	const blobs = redis ? redis.blobs : await openFileBlobStore(`${tmp.dir}/blobs`);
	const app = createApplication({
		store: redis ? redis.store : await openFileEventStore({ dataDir: tmp.dir }),
		blobs,
		fanout: redis?.fanout,
		// Sessions live by the machine's clock: only the room's clock moves.
		access: createAccessService(redis ? openRedisKv(redis.commandClient) : await openFileKv(tmp.dir), Date.now),
		log: silentLog,
		build: 'test',
		clock: () => clock.now,
		phraseSettleMs: 30,
		blobCollection: { enabled: false },
		limiters: { attempts: memoryAttemptsLimiter(), commands: memoryCommandLimiter(100_000) }
	});
	await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
	const sockets: TestSocket[] = [];
	return {
		app,
		url,
		blobs,
		async client(roomId: string, role: 'facilitator' | 'viewer' = 'facilitator'): Promise<TestSocket> {
			const token = await app.access.grantDirectly(roomId, role, role === 'viewer' ? 'Vic' : 'Fran');
			const socket: TestSocket = connect(url, {
				transports: ['websocket'],
				auth: { name: 'Fran', token },
				forceNew: true,
				reconnection: false
			});
			sockets.push(socket);
			await new Promise<void>((resolve, reject) => {
				socket.once('connect', () => resolve());
				socket.once('connect_error', reject);
			});
			return socket;
		},
		token: (roomId: string) => app.access.grantDirectly(roomId, 'facilitator', 'Fran'),
		async close() {
			for (const s of sockets) s.disconnect();
			await new Promise<void>((resolve) => app.httpServer.close(() => resolve()));
			await app.close();
			await redis?.close();
			await tmp.cleanup();
		}
	};
}
type Instance = Awaited<ReturnType<typeof startInstance>>;

async function must(socket: TestSocket, roomId: string, command: Command): Promise<number> {
	const result = await send(socket, roomId, command);
	if (!result.ok) throw new Error(`${command.type}: ${result.message}`);
	return result.version;
}

async function until<T>(read: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (value) return value;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

const redisOk = canRunRedisTests();
let redis: RedisServer | null = null;
beforeAll(async () => {
	if (redisOk) redis = await startRedis();
}, 30_000);
afterAll(async () => redis?.destroy());

describe.runIf(redisOk)('two instances on one Redis', () => {
	const clock = { now: Date.now() };
	let a: Instance;
	let b: Instance;
	beforeAll(async () => {
		a = await startInstance(redis!.url, clock);
		b = await startInstance(redis!.url, clock);
	}, 30_000);
	afterAll(async () => {
		await a?.close();
		await b?.close();
	});

	it("agree on each verbatim's tone, the tone counts and the phrases new this month, and a client on the other hears them", async () => {
		const roomId = 'tone-two';
		const writer = await a.client(roomId);
		await createRoom(writer, roomId);
		const listener = await b.client(roomId, 'viewer');
		expect((await join(listener, roomId)).ok).toBe(true);
		const heard: RoomEventsMessage[] = [];
		listener.on('room:events', (m) => heard.push(m));

		let n = 0;
		const say = (text: string, date: string) =>
			must(writer, roomId, {
				type: 'complaint.quote',
				categoryId: 'cant-open',
				verbatim: { id: `v-${++n}`, text, date, channel: 'Web', segment: null }
			});
		for (const month of ['2026-05', '2026-06', '2026-07', '2026-08']) {
			for (let i = 0; i < 3; i++) await say('The form timed out, thanks for the help anyway.', `${month}-1${i}`);
		}
		for (let i = 0; i < 4; i++) await say('The app login is broken and nobody helped. Awful.', `2026-09-1${i}`);

		const found = await until(
			async () => (await a.app.engine.state(roomId))?.phrases['apply'],
			'phrases on the instance that took the quotes'
		);
		expect(found.period).toBe('2026-09');
		expect(found.phrases.map((p) => p.text)).toContain('app login');
		const onB = await until(async () => (await b.app.engine.state(roomId))?.phrases['apply'], 'phrases on the other instance');
		expect(canonicalJson(onB)).toBe(canonicalJson(found));

		const stateA = (await a.app.engine.state(roomId)) as RoomState;
		const stateB = (await b.app.engine.state(roomId)) as RoomState;
		const category = stateA.complaints['cant-open']!;
		expect(canonicalJson(stateB.complaints['cant-open'])).toBe(canonicalJson(category));
		expect(category.tone?.['2026-09']).toEqual({ negative: 4, neutral: 0, positive: 0 });
		expect(category.tone?.['2026-05']).toEqual({ negative: 0, neutral: 0, positive: 3 });
		const newest = category.verbatims[0]!;
		expect(newest.sentiment).toBe(sentimentScore(newest.text));

		await until(
			async () => heard.some((m) => m.events.some((e) => e.event.type === 'phrases.recorded')),
			'the phrases broadcast'
		);
		const recorded = heard.flatMap((m) => m.events).filter((e) => e.event.type === 'phrases.recorded');
		// Found once: the instance that took the quotes records it, the other only reads it.
		expect(recorded.at(-1)?.actor.name).toBe('Customer Room');
	}, 60_000);
});

describe.each([
	['the embedded store', false],
	['Redis', true]
] as const)('raw import files kept for N days, on %s', (_name, onRedis) => {
	const clock = { now: Date.now() };
	let server: Instance;
	beforeAll(async () => {
		if (onRedis && !redis) return;
		server = await startInstance(onRedis ? redis!.url : null, clock);
	}, 30_000);
	afterAll(async () => server?.close());

	it.runIf(!onRedis || redisOk)(
		'are deleted by the sweep once the days have passed, and the import history says when',
		async () => {
			const roomId = onRedis ? 'raw-days-redis' : 'raw-days-file';
			const owner = await server.client(roomId);
			await createRoom(owner, roomId);
			await must(owner, roomId, {
				type: 'room.configure',
				patch: {
					settings: {
						corridorHidesVerbatims: true,
						theme: 'dark',
						redaction: { ...DEFAULT_REDACTION, importFile: 'raw', rawDays: 2 }
					}
				}
			});
			const http = curateHttp(server.url, roomId, await server.token(roomId));
			const csv = 'date,issue,text\n2026-11-02,Fees,Write to jane.doe@example.com about the fee\n';
			const uploaded = await http.upload(new TextEncoder().encode(csv), 'import');
			expect(uploaded.status).toBe(201);
			const blobId = String(uploaded.body.blobId);
			const done = await http.runImport({
				blobId,
				fileName: 'fees.csv',
				mapping: simpleComplaintMapping('apply', true),
				dryRun: false
			});
			expect(done.done.ok).toBe(true);
			const record = Object.values((await server.app.engine.state(roomId))!.imports)[0]!;
			expect(record).toMatchObject({ blobId, rawFile: true });
			expect(await server.blobs.has(blobId)).toBe(true);

			// A day on: not due yet.
			clock.now += 1 * DAY;
			expect(await server.app.rawFiles.sweep()).toBe(0);
			expect(await server.blobs.has(blobId)).toBe(true);
			expect((await http.blob(blobId)).status).toBe(200);

			// Three days on: due, deleted, and recorded.
			clock.now += 2 * DAY;
			expect(await server.app.rawFiles.sweep()).toBe(1);
			expect(await server.blobs.has(blobId)).toBe(false);
			const after = (await server.app.engine.state(roomId))!.imports[record.id]!;
			expect(after.fileDeletedAt).toBe(new Date(clock.now).toISOString());
			expect((await http.blob(blobId)).status).toBe(404);
			// Once is enough: the next sweep finds nothing to do.
			expect(await server.app.rawFiles.sweep()).toBe(0);
		},
		60_000
	);
});
