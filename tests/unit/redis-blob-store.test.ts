/** The Redis blob store against a real redis-server (free port, AOF always), no mocks. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import type { Redis } from 'ioredis';
import { StoreUnavailableError } from '../../server/store/port';
import { openRedisBlobStore } from '../../server/store/redis/redis-blob-store';
import { createRedisClient, waitForRedisReady } from '../../server/store/redis/redis-client';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';

const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);

describe.runIf(canRunRedisTests())('redis blob store', () => {
	let server: RedisServer;
	let admin: Redis;
	let clients: Redis[];

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
		await admin.flushall();
	});

	afterEach(async () => {
		for (const client of clients) client.disconnect();
	});

	async function client(): Promise<Redis> {
		const redis = createRedisClient(server.url, 'commands', () => {});
		clients.push(redis);
		await waitForRedisReady(redis, 5000);
		return redis;
	}

	it('stores bytes under their sha256 and gives them back with their content type', async () => {
		const store = openRedisBlobStore(await client());
		const bytes = bytesOf('%PDF-1.7 minutes of the March session');
		const { id, size } = await store.put(bytes, 'application/pdf');

		expect(id).toBe(createHash('sha256').update(bytes).digest('hex'));
		expect(size).toBe(bytes.byteLength);
		expect(await store.has(id)).toBe(true);
		const blob = await store.get(id);
		expect(blob?.contentType).toBe('application/pdf');
		expect(blob?.bytes).toBeInstanceOf(Uint8Array);
		expect(Array.from(blob?.bytes ?? [])).toEqual(Array.from(bytes));
		expect((await admin.keys('blob:*')).sort()).toEqual([`blob:{${id}}`, `blob:{${id}}:at`, `blob:{${id}}:type`]);
	});

	it('keeps binary bytes exactly, including every byte value and a view into a larger buffer', async () => {
		const store = openRedisBlobStore(await client());
		const backing = new Uint8Array(600);
		for (let i = 0; i < backing.length; i++) backing[i] = (i * 7) % 256;
		const view = backing.subarray(40, 40 + 512);
		const { id, size } = await store.put(view, 'application/octet-stream');
		expect(size).toBe(512);
		expect(id).toBe(createHash('sha256').update(view).digest('hex'));
		expect(Array.from((await store.get(id))?.bytes ?? [])).toEqual(Array.from(view));
		expect(await store.put(new Uint8Array(0), 'text/plain')).toEqual({
			id: createHash('sha256').update(new Uint8Array(0)).digest('hex'),
			size: 0
		});
	});

	it('answers null / false for a blob it does not have', async () => {
		const store = openRedisBlobStore(await client());
		const absent = 'a'.repeat(64);
		expect(await store.has(absent)).toBe(false);
		expect(await store.get(absent)).toBeNull();
	});

	it('stores the same bytes once, and storing them again takes the new content type (no planted type sticks)', async () => {
		const store = openRedisBlobStore(await client());
		const bytes = bytesOf('same bytes');
		const [first, second] = await Promise.all([store.put(bytes, 'text/plain'), store.put(bytes, 'text/plain')]);
		const third = await store.put(bytes, 'text/csv');

		expect(second).toEqual(first);
		expect(third).toEqual(first);
		expect((await store.get(first.id))?.contentType).toBe('text/csv');
		expect(await admin.dbsize()).toBe(3);
	});

	it('is read back through a fresh client', async () => {
		const { id } = await openRedisBlobStore(await client()).put(bytesOf('kept'), 'text/plain');
		const again = openRedisBlobStore(await client());
		expect((await again.get(id))?.contentType).toBe('text/plain');
	});

	it('refuses to serve bytes that no longer match their id', async () => {
		const store = openRedisBlobStore(await client());
		const { id } = await store.put(bytesOf('original'), 'text/plain');
		await admin.set(`blob:{${id}}`, 'tampered');
		await expect(store.get(id)).rejects.toThrow(/corrupt/);
	});

	it('rejects ids that are not 64 lowercase hex characters before touching Redis', async () => {
		const store = openRedisBlobStore(await client());
		for (const bad of ['../../etc/passwd', 'abc', 'A'.repeat(64), `${'a'.repeat(63)}g`, `${'a'.repeat(64)}}:x`, '', '*']) {
			await expect(store.get(bad)).rejects.toThrow(/Invalid blob id/);
			await expect(store.has(bad)).rejects.toThrow(/Invalid blob id/);
		}
		await expect(store.put('text' as unknown as Uint8Array, 'text/plain')).rejects.toThrow(/Uint8Array/);
		await expect(store.put(bytesOf('x'), '')).rejects.toThrow(/contentType/);
		expect(await admin.dbsize()).toBe(0);
	});

	it('fails fast with StoreUnavailableError when Redis cannot be reached', async () => {
		const port = await new Promise<number>((resolve) => {
			const probe = createServer().listen(0, '127.0.0.1', () => {
				const address = probe.address();
				probe.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
			});
		});
		const nowhere = createRedisClient(`redis://127.0.0.1:${port}`, 'commands', () => {});
		clients.push(nowhere);
		const store = openRedisBlobStore(nowhere);
		const started = performance.now();
		await expect(store.has('a'.repeat(64))).rejects.toBeInstanceOf(StoreUnavailableError);
		await expect(store.put(bytesOf('x'), 'text/plain')).rejects.toBeInstanceOf(StoreUnavailableError);
		await expect(store.get('a'.repeat(64))).rejects.toThrow(/^Redis is unavailable \(read blob: /);
		expect(performance.now() - started).toBeLessThan(1500);
	});
});
