/**
 * One contract for both blob stores (embedded files and Redis): what `stat` and `read` promise, so a
 * large file is served by streaming only the bytes asked for, and which rooms uploaded a blob. Redis runs against its own redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Redis } from 'ioredis';
import { openFileBlobStore } from '../../server/store/file/file-blob-store';
import type { BlobStore } from '../../server/store/port';
import { openRedisBlobStore } from '../../server/store/redis/redis-blob-store';
import { createRedisClient, waitForRedisReady } from '../../server/store/redis/redis-client';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { tempDir } from '../support/temp-dir';

async function collect(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

function blobStoreContract(name: string, open: () => Promise<BlobStore>) {
	describe(`${name} blob store: stat and read`, () => {
		// Over 2 MiB, so a Redis read takes several GETRANGE calls.
		const bytes = randomBytes(2 * 1_048_576 + 12_345);

		it('tells the size and type of a blob without its bytes, and null for one it does not have', async () => {
			const store = await open();
			const before = Date.now();
			const { id } = await store.put(bytes, 'video/mp4');
			const info = await store.stat(id);
			expect(info).toMatchObject({ size: bytes.length, contentType: 'video/mp4' });
			// When it was stored, which collection reads (a file's mtime may round down to the second).
			expect(info!.storedAt).toBeGreaterThanOrEqual(before - 1_000);
			expect(info!.storedAt).toBeLessThanOrEqual(Date.now());
			expect(await store.stat('b'.repeat(64))).toBeNull();
		});

		it('streams the whole blob, or exactly the bytes of a range, across chunk boundaries', async () => {
			const store = await open();
			const { id } = await store.put(bytes, 'video/mp4');
			expect((await collect(store.read(id))).equals(bytes)).toBe(true);
			for (const [start, end] of [
				[0, 0],
				[1_048_570, 1_048_580],
				[5, 2 * 1_048_576 + 100],
				[bytes.length - 2, bytes.length - 1]
			] as const) {
				expect((await collect(store.read(id, { start, end }))).equals(bytes.subarray(start, end + 1))).toBe(true);
			}
		});

		it('reports a blob it does not have as an error of the stream, not a crash', async () => {
			const store = await open();
			await expect(collect(store.read('c'.repeat(64), { start: 0, end: 10 }))).rejects.toThrow();
		});

		it('remembers which rooms uploaded a blob, one room at a time', async () => {
			const store = await open();
			const { id } = await store.put(randomBytes(100), 'text/csv');
			expect(await store.uploadedTo(id, 'room-a')).toBe(false);
			await store.recordUpload(id, 'room-a');
			await store.recordUpload(id, 'room-a');
			expect(await store.uploadedTo(id, 'room-a')).toBe(true);
			expect(await store.uploadedTo(id, 'room-b')).toBe(false);
			await expect(store.recordUpload(id, '../room-b')).rejects.toThrow(/Invalid room id/);
		});

		it('refuses an id that is not a sha256 before touching storage', async () => {
			const store = await open();
			await expect(store.stat('../../etc/passwd')).rejects.toThrow(/Invalid blob id/);
			expect(() => store.read('../../etc/passwd')).toThrow(/Invalid blob id/);
		});
	});
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
	for (const cleanup of cleanups) await cleanup();
});

blobStoreContract('file', async () => {
	const tmp = await tempDir('customer-room-blob-contract-');
	cleanups.push(tmp.cleanup);
	return openFileBlobStore(tmp.dir);
});

describe.runIf(canRunRedisTests())('with a redis-server', () => {
	let server: RedisServer;
	let redis: Redis;
	beforeAll(async () => {
		server = await startRedis();
		redis = createRedisClient(server.url, 'commands', () => {});
		await waitForRedisReady(redis, 5000);
	});
	afterAll(async () => {
		redis?.disconnect();
		await server?.destroy();
	});
	blobStoreContract('redis', async () => openRedisBlobStore(redis));
});
