import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileBlobStore } from '../../server/store/file/file-blob-store';

let dir: string;

beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'customer-room-blobs-'));
});

afterEach(async () => {
	await rm(dir, { recursive: true, force: true });
});

const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('file blob store', () => {
	it('stores bytes under their sha256 and gives them back with their content type', async () => {
		const store = await openFileBlobStore(dir);
		const bytes = bytesOf('%PDF-1.7 minutes of the March session');
		const { id, size } = await store.put(bytes, 'application/pdf');

		expect(id).toBe(createHash('sha256').update(bytes).digest('hex'));
		expect(size).toBe(bytes.byteLength);
		expect(await store.has(id)).toBe(true);
		const blob = await store.get(id);
		expect(blob?.contentType).toBe('application/pdf');
		expect(Array.from(blob?.bytes ?? [])).toEqual(Array.from(bytes));
	});

	it('answers null / false for a blob it does not have', async () => {
		const store = await openFileBlobStore(dir);
		const absent = 'a'.repeat(64);
		expect(await store.has(absent)).toBe(false);
		expect(await store.get(absent)).toBeNull();
	});

	it('stores the same bytes once', async () => {
		const store = await openFileBlobStore(dir);
		const bytes = bytesOf('same bytes');
		const [first, second] = await Promise.all([store.put(bytes, 'text/plain'), store.put(bytes, 'text/plain')]);
		const third = await store.put(bytes, 'text/plain');

		expect(second).toEqual(first);
		expect(third).toEqual(first);
		const shard = join(dir, first.id.slice(0, 2));
		expect((await readdir(shard)).sort()).toEqual([first.id, `${first.id}.json`]);
	});

	it('survives reopening', async () => {
		const { id } = await (await openFileBlobStore(dir)).put(bytesOf('kept'), 'text/plain');
		const reopened = await openFileBlobStore(dir);
		expect((await reopened.get(id))?.contentType).toBe('text/plain');
	});

	it('rejects ids that are not 64 lowercase hex characters before touching the disk', async () => {
		const store = await openFileBlobStore(dir);
		for (const bad of ['../../etc/passwd', 'abc', 'A'.repeat(64), `${'a'.repeat(63)}g`, `${'a'.repeat(64)}/x`, '']) {
			await expect(store.get(bad)).rejects.toThrow(/Invalid blob id/);
			await expect(store.has(bad)).rejects.toThrow(/Invalid blob id/);
		}
		expect(await readdir(dir)).toEqual([]);
	});
});
