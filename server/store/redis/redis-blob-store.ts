/**
 * Redis blob store: content-addressed (the id is the sha256 of the bytes, lowercase hex).
 *
 * Keys (one hash tag per blob, so every key of a blob shares a Cluster slot):
 *   blob:{<id>}:at     when it was last stored (ms), written first on every put, read by collection
 *   blob:{<id>}:type   the content type, written next; storing the same bytes again writes the new type
 *                      (every caller types bytes by their content, so no type an older path stored sticks)
 *   blob:{<id>}        the bytes, written last with SET NX; a blob exists when this key does
 *   blob:{<id>}:rooms  the ids of the rooms that uploaded the blob
 * The writes are sent together on one connection, in that order, so a blob that exists always has a type.
 * Collection deletes a blob in one script that first checks `at`, so a put racing it keeps its bytes.
 * Reads of large blobs stream in 1 MiB GETRANGE calls.
 *
 * Sizes are capped by the caller (uploads). Ids are validated before any key is built, so no caller-chosen
 * string ever becomes a key. Redis failures reject with a retryable StoreUnavailableError; use the client of
 * `createRedisClient(url, 'commands', ...)` (note its 800 ms command timeout also bounds one blob transfer).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Redis } from 'ioredis';
import type { BlobInfo, BlobStore, ByteRange } from '../port';
import { blobIdOf } from '../blob-id';
import { ROOM_ID } from '../contract';
import { BLOB_BYTES_KEY, BLOB_ID, blobKeys } from './keys';
import { redisCall } from './redis-errors';

function assertBlobId(id: string): void {
	if (typeof id !== 'string' || !BLOB_ID.test(id)) {
		throw new Error(`Invalid blob id ${JSON.stringify(id)}: expected 64 lowercase hex characters (sha256)`);
	}
}

/** Bytes per GETRANGE when streaming: one call stays far inside the client's command timeout. */
const READ_CHUNK = 1_048_576;

function assertRoomId(roomId: string): void {
	if (typeof roomId !== 'string' || !ROOM_ID.test(roomId)) throw new Error(`Invalid room id ${JSON.stringify(roomId)}`);
}

function sha256Hex(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Deletes a blob last stored before ARGV[1]. A blob with no `at` (stored by an older version) gets one
 * now (ARGV[2]) instead, so it is collected one grace period later at the earliest.
 */
const DELETE_IF_STALE = `
local at = redis.call('GET', KEYS[3])
if not at then
  redis.call('SET', KEYS[3], ARGV[2])
  return 0
end
if tonumber(at) >= tonumber(ARGV[1]) then return 0 end
return redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4]) > 0 and 1 or 0
`;

class RedisBlobStore implements BlobStore {
	constructor(private readonly redis: Redis) {}

	async put(bytes: Uint8Array, contentType: string): Promise<{ id: string; size: number }> {
		if (!(bytes instanceof Uint8Array)) throw new Error('Blob bytes must be a Uint8Array');
		if (typeof contentType !== 'string' || contentType.length === 0)
			throw new Error('Blob contentType must be a non-empty string');
		const id = await blobIdOf(bytes);
		const result = { id, size: bytes.byteLength };
		const keys = blobKeys(id);
		const [, , exists] = await redisCall('store blob', () =>
			Promise.all([
				this.redis.set(keys.at, String(Date.now())),
				this.redis.set(keys.type, contentType),
				this.redis.exists(keys.bytes)
			])
		);
		if (exists === 1) return result;
		const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		await redisCall('store blob', () => this.redis.set(keys.bytes, data, 'NX'));
		return result;
	}

	async get(id: string): Promise<{ bytes: Uint8Array; contentType: string } | null> {
		assertBlobId(id);
		const keys = blobKeys(id);
		const [data, type] = await redisCall('read blob', () => this.redis.mgetBuffer(keys.bytes, keys.type));
		if (data === null || data === undefined) return null;
		// Catches a value overwritten by hand before we serve it as if it were the original.
		if (sha256Hex(data) !== id) throw new Error(`Blob ${id} is corrupt: its bytes in Redis no longer match its id`);
		if (type === null || type === undefined) throw new Error(`Blob ${id} has no content type in Redis`);
		return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), contentType: type.toString('utf8') };
	}

	async stat(id: string): Promise<BlobInfo | null> {
		assertBlobId(id);
		const keys = blobKeys(id);
		const [exists, size, type, at] = await redisCall('stat blob', () =>
			Promise.all([
				this.redis.exists(keys.bytes),
				this.redis.strlen(keys.bytes),
				this.redis.get(keys.type),
				this.redis.get(keys.at)
			])
		);
		if (exists === 0) return null;
		if (type === null) throw new Error(`Blob ${id} has no content type in Redis`);
		return { size, contentType: type, storedAt: at === null ? Date.now() : Number(at) };
	}

	async list(): Promise<string[]> {
		const ids: string[] = [];
		let cursor = '0';
		do {
			const [next, keys] = await redisCall('list blobs', () => this.redis.scan(cursor, 'MATCH', 'blob:{*}', 'COUNT', 1000));
			cursor = next;
			for (const key of keys) {
				const match = BLOB_BYTES_KEY.exec(key);
				if (match) ids.push(match[1]!);
			}
		} while (cursor !== '0');
		return ids;
	}

	async deleteIfStale(id: string, storedBefore: number): Promise<boolean> {
		assertBlobId(id);
		const keys = blobKeys(id);
		const deleted = await redisCall('delete blob', () =>
			this.redis.eval(DELETE_IF_STALE, 4, keys.bytes, keys.type, keys.at, keys.rooms, String(storedBefore), String(Date.now()))
		);
		return deleted === 1;
	}

	read(id: string, range?: ByteRange): Readable {
		assertBlobId(id);
		const key = blobKeys(id).bytes;
		const redis = this.redis;
		// GETRANGE in chunks: a large file never sits whole in memory, and each call is short.
		async function* chunks(): AsyncGenerator<Buffer> {
			const end = range?.end ?? (await redisCall('stat blob', () => redis.strlen(key))) - 1;
			for (let at = range?.start ?? 0; at <= end; at += READ_CHUNK) {
				const last = Math.min(end, at + READ_CHUNK - 1);
				const chunk = await redisCall('read blob', () => redis.getrangeBuffer(key, at, last));
				if (chunk.length !== last - at + 1) throw new Error(`Blob ${id} is shorter in Redis than expected`);
				yield chunk;
			}
		}
		return Readable.from(chunks(), { objectMode: false });
	}

	async recordUpload(id: string, roomId: string): Promise<void> {
		assertBlobId(id);
		assertRoomId(roomId);
		await redisCall('record upload', () => this.redis.sadd(blobKeys(id).rooms, roomId));
	}

	async uploadedTo(id: string, roomId: string): Promise<boolean> {
		assertBlobId(id);
		assertRoomId(roomId);
		return (await redisCall('check upload', () => this.redis.sismember(blobKeys(id).rooms, roomId))) === 1;
	}

	async has(id: string): Promise<boolean> {
		assertBlobId(id);
		return (await redisCall('check blob', () => this.redis.exists(blobKeys(id).bytes))) === 1;
	}
}

/** A BlobStore on `redis` (a commands client; the caller owns it). */
export function openRedisBlobStore(redis: Redis): BlobStore {
	return new RedisBlobStore(redis);
}
