/**
 * Embedded blob store: content-addressed files under one directory.
 *
 * Layout: `<dir>/<id[0..2]>/<id>` holds the bytes and `<dir>/<id[0..2]>/<id>.json` holds
 * `{"contentType":"...","size":n}`, where `id` is the sha256 of the bytes in lowercase hex. The two-character
 * fan-out keeps directories small. Both files are written to a temp name, fsync'd and renamed; the
 * metadata is renamed (and its directory fsync'd) before the bytes, so a blob that exists always has its
 * metadata. The same bytes stored again take the new content type (every caller types bytes by their
 * content, so no type an older path stored sticks) and a fresh modification time: the bytes file's mtime
 * is when the blob was last stored, which collection reads. `<dir>/<id[0..2]>/<id>.rooms/<roomId>`
 * (empty) records that a room uploaded the blob.
 */
import { createHash } from 'node:crypto';
import { createReadStream, rmSync, unlinkSync } from 'node:fs';
import { access, readdir, readFile, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobInfo, BlobStore, ByteRange } from '../port';
import { blobIdOf } from '../blob-id';
import { fsyncDir, isMissing, makePrivateDir, readIfExists, writeDurably } from './durable-fs';

const BLOB_ID = /^[0-9a-f]{64}$/;
const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws unless `id` is a sha256 hex digest, so no caller-chosen string ever becomes a path. */
function assertBlobId(id: string): void {
	if (typeof id !== 'string' || !BLOB_ID.test(id)) {
		throw new Error(`Invalid blob id ${JSON.stringify(id)}: expected 64 lowercase hex characters (sha256)`);
	}
}

/** Throws unless `roomId` is a room id (letters, digits, `-`, `_`), so it is safe as a file name. */
function assertRoomId(roomId: string): void {
	if (typeof roomId !== 'string' || !ROOM_ID.test(roomId)) throw new Error(`Invalid room id ${JSON.stringify(roomId)}`);
}

function sha256Hex(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

function parseMeta(text: string): { contentType: string } | null {
	try {
		const parsed: unknown = JSON.parse(text);
		if (typeof parsed === 'object' && parsed !== null && 'contentType' in parsed && typeof parsed.contentType === 'string') {
			return { contentType: parsed.contentType };
		}
	} catch {
		// Reported by the caller.
	}
	return null;
}

class FileBlobStore implements BlobStore {
	/** Puts in progress, by blob id: collection never deletes a blob while one runs (one writer per data dir). */
	private readonly storing = new Map<string, number>();

	constructor(private readonly dir: string) {}

	private paths(id: string): { shard: string; data: string; meta: string; rooms: string } {
		const shard = join(this.dir, id.slice(0, 2));
		return { shard, data: join(shard, id), meta: join(shard, `${id}.json`), rooms: join(shard, `${id}.rooms`) };
	}

	async put(bytes: Uint8Array, contentType: string): Promise<{ id: string; size: number }> {
		if (!(bytes instanceof Uint8Array)) throw new Error('Blob bytes must be a Uint8Array');
		if (typeof contentType !== 'string' || contentType.length === 0)
			throw new Error('Blob contentType must be a non-empty string');
		const id = await blobIdOf(bytes);
		this.storing.set(id, (this.storing.get(id) ?? 0) + 1);
		try {
			await this.write(id, bytes, contentType);
			return { id, size: bytes.byteLength };
		} finally {
			const left = this.storing.get(id)! - 1;
			if (left) this.storing.set(id, left);
			else this.storing.delete(id);
		}
	}

	private async write(id: string, bytes: Uint8Array, contentType: string): Promise<void> {
		const { shard, data, meta } = this.paths(id);
		const metaBytes = Buffer.from(`${JSON.stringify({ contentType, size: bytes.byteLength })}\n`, 'utf8');
		if (await this.has(id)) {
			const now = new Date();
			await utimes(data, now, now);
			const stored = parseMeta(await readFile(meta, 'utf8'));
			if (stored?.contentType === contentType) return;
			await writeDurably(meta, metaBytes);
			return fsyncDir(shard);
		}
		await makePrivateDir(shard);
		await fsyncDir(this.dir);
		await writeDurably(meta, metaBytes);
		await fsyncDir(shard);
		await writeDurably(data, bytes);
		await fsyncDir(shard);
	}

	async get(id: string): Promise<{ bytes: Uint8Array; contentType: string } | null> {
		assertBlobId(id);
		const { data, meta } = this.paths(id);
		const bytes = await readIfExists(data);
		if (bytes === null) return null;
		// Catches bit rot or a hand-edited file before we serve it as if it were the original.
		if (sha256Hex(bytes) !== id) throw new Error(`Blob ${id} is corrupt: its bytes no longer match its id (${data})`);
		const parsed = parseMeta(await readFile(meta, 'utf8'));
		if (!parsed) throw new Error(`Blob ${id} has unreadable metadata (${meta})`);
		return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), contentType: parsed.contentType };
	}

	async stat(id: string): Promise<BlobInfo | null> {
		assertBlobId(id);
		const { data, meta } = this.paths(id);
		const text = await readIfExists(meta);
		if (text === null) return null;
		const parsed = parseMeta(text.toString('utf8'));
		if (!parsed) throw new Error(`Blob ${id} has unreadable metadata (${meta})`);
		try {
			// The file's own size, not the one recorded: the two agree unless someone edited the file.
			const found = await stat(data);
			return { size: found.size, contentType: parsed.contentType, storedAt: found.mtimeMs };
		} catch (error) {
			if (isMissing(error)) return null;
			throw error;
		}
	}

	async list(): Promise<string[]> {
		const ids: string[] = [];
		for (const shard of await readdir(this.dir)) {
			if (!/^[0-9a-f]{2}$/.test(shard)) continue;
			for (const name of await readdir(join(this.dir, shard))) if (BLOB_ID.test(name)) ids.push(name);
		}
		return ids;
	}

	async deleteIfStale(id: string, storedBefore: number): Promise<boolean> {
		const found = await this.stat(id);
		if (!found || found.storedAt >= storedBefore || this.storing.has(id)) return false;
		// Synchronous from the check on: no put can start in between (one process writes a data dir).
		const { data, meta, rooms } = this.paths(id);
		unlinkSync(data);
		for (const path of [meta, rooms]) rmSync(path, { recursive: true, force: true });
		return true;
	}

	read(id: string, range?: ByteRange): Readable {
		assertBlobId(id);
		return createReadStream(this.paths(id).data, range ? { start: range.start, end: range.end } : {});
	}

	async recordUpload(id: string, roomId: string): Promise<void> {
		assertBlobId(id);
		assertRoomId(roomId);
		const { rooms } = this.paths(id);
		await makePrivateDir(rooms);
		await writeDurably(join(rooms, roomId), new Uint8Array(0));
		await fsyncDir(rooms);
	}

	async uploadedTo(id: string, roomId: string): Promise<boolean> {
		assertBlobId(id);
		assertRoomId(roomId);
		return exists(join(this.paths(id).rooms, roomId));
	}

	async has(id: string): Promise<boolean> {
		assertBlobId(id);
		return exists(this.paths(id).data);
	}
}

async function exists(path: string): Promise<boolean> {
	try {
		await access(path);
		return true;
	} catch (error) {
		if (isMissing(error)) return false;
		throw error;
	}
}

/**
 * Opens (creating if needed) a content-addressed blob store in `dir`. Blob ids are sha256 hex; any other id
 * is rejected before the file system is touched.
 */
export async function openFileBlobStore(dir: string): Promise<BlobStore> {
	await makePrivateDir(dir);
	return new FileBlobStore(dir);
}
