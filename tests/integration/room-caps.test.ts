/**
 * Caps hold on the server's own paths too: an import adds no more than an import may, a room keeps no
 * more files than its storage quota (uploads and restores alike), and files no room refers to any
 * more are collected, in the embedded file store and in Redis, without taking one an upload is storing.
 */
import { createHash } from 'node:crypto';
import { utimes } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlobCollector } from '../../server/files/blob-collector';
import { DEMO_ROOM_ID } from '../../server/seed/demo-room';
import { seedDemoRoomIfEmpty } from '../../server/seed/seed';
import type { BlobStore } from '../../server/store/port';
import { openRedisBlobStore } from '../../server/store/redis/redis-blob-store';
import { createRedisClient, waitForRedisReady } from '../../server/store/redis/redis-client';
import { curateHttp, simpleComplaintMapping } from '../support/curate-http';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { createRoom, join, send, silentLog, startTestServer, type TestServer } from '../support/test-server';

const LIMIT = 300 * 1024;
const DAY = 24 * 3_600_000;
let server: TestServer;

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** A PDF of `size` bytes (typed by its header), different for each `seed`. */
const pdf = (size: number, seed: string) => Buffer.concat([Buffer.from(`%PDF-1.4\n% ${seed}\n`), Buffer.alloc(size, 32)]);

beforeAll(async () => {
	server = await startTestServer({ roomStorageLimit: LIMIT });
	await seedDemoRoomIfEmpty(server.app.engine, silentLog);
});
afterAll(async () => server?.close());

describe('imports', () => {
	it('refuses an import that would add more complaint categories than one import may, saying so, and adds none', async () => {
		const socket = await server.client('Ines');
		await createRoom(socket, 'r3');
		const http = curateHttp(server.url, 'r3', await server.access.grantDirectly('r3', 'contributor', 'Ines'));
		const rows = Array.from({ length: 5_001 }, (_, i) => `2025-03-01,Issue number ${i}`);
		const file = await http.upload(Buffer.from(`date,issue\n${rows.join('\n')}\n`), 'import');
		const outcome = await http.runImport({
			blobId: file.body.blobId as string,
			mapping: simpleComplaintMapping('apply'),
			dryRun: false
		});
		expect(outcome.done.ok).toBe(false);
		expect(outcome.done.message).toMatch(/add 5,001 complaint categories; one import adds at most 5,000\. Split the file/);
		expect(Object.keys((await server.app.engine.state('r3'))!.complaints)).toEqual(['cant-open']);
	});
});

describe('storage quota', () => {
	it("refuses an upload that would take a room past its quota, and shows the room's use", async () => {
		const socket = await server.client('Uma');
		await createRoom(socket, 'r4');
		const http = curateHttp(server.url, 'r4', await server.access.grantDirectly('r4', 'contributor', 'Uma'));
		expect((await http.upload(pdf(200 * 1024, 'first'))).status).toBe(201);
		const second = await http.upload(pdf(200 * 1024, 'second'));
		expect(second.status).toBe(413);
		expect(second.body.message).toMatch(/This room's files take 0\.2 MB of the 0\.3 MB it may keep/);
		expect(second.body.message).toMatch(/ROOM_STORAGE_LIMIT_MB/);
		const use = await http.get('/storage');
		expect(use.status).toBe(200);
		const body = JSON.parse(use.text) as { used: number; limit: number };
		expect(body.limit).toBe(LIMIT);
		expect(body.used).toBeGreaterThanOrEqual(200 * 1024);
		expect(body.used).toBeLessThan(LIMIT);
		// Another room has its own quota.
		expect(
			(
				await curateHttp(server.url, DEMO_ROOM_ID, await server.access.grantDirectly(DEMO_ROOM_ID, 'contributor', 'Uma')).upload(
					pdf(200 * 1024, 'second')
				)
			).status
		).toBe(201);
	});

	it("refuses a backup whose files exceed a room's quota, and stores none of them", async () => {
		const http = curateHttp(server.url, DEMO_ROOM_ID, await server.access.grantDirectly(DEMO_ROOM_ID, 'facilitator', 'Dana'));
		const backup = JSON.parse((await http.get('/export/backup.json')).text) as {
			state: { stageOrder: string[]; artifacts: Record<string, unknown> };
			blobs: Record<string, { contentType: string; data: string }>;
		};
		const big = pdf(400 * 1024, 'restored');
		backup.blobs[sha(big)] = { contentType: 'application/pdf', data: big.toString('base64') };
		backup.state.artifacts['report'] = {
			id: 'report',
			stageId: backup.state.stageOrder[0],
			touchpointId: null,
			kind: 'document',
			title: 'Annual report',
			caption: '',
			blobId: sha(big),
			url: null,
			transcript: '',
			currentAsOf: null,
			sensitive: false,
			replacedBy: null,
			file: { name: 'report.pdf', mime: 'application/pdf', size: big.length, thumbBlobId: null }
		};
		const answer = await http.restore(JSON.stringify(backup));
		expect(answer.status).toBe(413);
		expect(answer.body.message).toMatch(/more than the 0\.3 MB a room may keep/);
		expect(await server.blobs.has(sha(big))).toBe(false);
	});
});

/** Makes a blob look as if it was last stored `ms` ago. */
type Backdate = (id: string, ms: number) => Promise<void>;

function collectionSuite(
	name: string,
	open: () => Promise<{ blobs: BlobStore; backdate: Backdate; close?: () => Promise<void> }>
) {
	describe(`collecting unreferenced files (${name})`, () => {
		let blobs: BlobStore;
		let backdate: Backdate;
		let close: (() => Promise<void>) | undefined;
		beforeAll(async () => ({ blobs, backdate, close } = await open()));
		afterAll(async () => close?.());

		it('deletes old files no room refers to, keeps referenced and young ones, and keeps one stored again meanwhile', async () => {
			const collector = createBlobCollector({ engine: server.app.engine, blobs, log: silentLog, graceMs: DAY });
			const referenced = pdf(1000, `${name} referenced`);
			const orphan = pdf(1000, `${name} orphan`);
			const young = pdf(1000, `${name} young`);
			const again = pdf(1000, `${name} uploaded again`);
			for (const bytes of [referenced, orphan, young, again]) await blobs.put(bytes, 'application/pdf');
			for (const bytes of [referenced, orphan, again]) await backdate(sha(bytes), 2 * DAY);
			const socket = await server.client('Gus', { [DEMO_ROOM_ID]: 'facilitator' });
			await join(socket, DEMO_ROOM_ID);
			const stageId = (await server.app.engine.state(DEMO_ROOM_ID))!.stageOrder[0]!;
			const added = await send(socket, DEMO_ROOM_ID, {
				type: 'artifact.add',
				artifactId: `kept-${name.replace(/\W/g, '-')}`,
				stageId,
				touchpointId: null,
				kind: 'document',
				title: 'Kept',
				caption: '',
				blobId: sha(referenced),
				url: null,
				transcript: '',
				currentAsOf: null,
				sensitive: false,
				replacedBy: null,
				file: null
			});
			expect(added.ok).toBe(true);
			// An upload of the old orphan's twin is storing while the collection runs: it keeps its bytes.
			const storing = blobs.put(again, 'application/pdf');
			const run = await collector.collect();
			await storing;
			expect(run.deleted).toBeGreaterThanOrEqual(1);
			expect(await blobs.has(sha(orphan))).toBe(false);
			expect(await blobs.has(sha(referenced))).toBe(true);
			expect(await blobs.has(sha(young))).toBe(true);
			expect(await blobs.has(sha(again))).toBe(true);
			expect((await blobs.get(sha(again)))?.contentType).toBe('application/pdf');
		});
	});
}

collectionSuite('file store', async () => ({
	blobs: server.blobs,
	backdate: async (id, ms) => {
		const when = new Date(Date.now() - ms);
		await utimes(joinPath(server.dataDir, 'blobs', id.slice(0, 2), id), when, when);
	}
}));

if (canRunRedisTests()) {
	let redisServer: RedisServer;
	let redis: Redis;
	collectionSuite('Redis', async () => {
		redisServer = await startRedis();
		redis = createRedisClient(redisServer.url, 'commands', () => {});
		await waitForRedisReady(redis, 5000);
		return {
			blobs: openRedisBlobStore(redis),
			backdate: async (id, ms) => void (await redis.set(`blob:{${id}}:at`, String(Date.now() - ms))),
			close: async () => {
				redis.disconnect();
				await redisServer.destroy();
			}
		};
	});
}
