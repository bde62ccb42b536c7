/**
 * Redis blob store: content-addressed (the id is the sha256 of the bytes, lowercase hex).
 *
 * Keys (one hash tag per blob, so both keys of a blob share a Cluster slot):
 *   blob:{<id>}:type   the content type, written first with SET NX (the first content type wins)
 *   blob:{<id>}        the bytes, written second with SET NX; a blob exists when this key does
 * Both writes are sent together on one connection, in that order, so a blob that exists always has a type.
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
import { BLOB_ID, blobKeys, ROOM_ID } from './keys';
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

class RedisBlobStore implements BlobStore {
	constructor(private readonly redis: Redis) {}

	async put(bytes: Uint8Array, contentType: string): Promise<{ id: string; size: number }> {
		if (!(bytes instanceof Uint8Array)) throw new Error('Blob bytes must be a Uint8Array');
		if (typeof contentType !== 'string' || contentType.length === 0) throw new Error('Blob contentType must be a non-empty string');
		const id = sha256Hex(bytes);
		const result = { id, size: bytes.byteLength };
		if (await this.has(id)) return result;
		const keys = blobKeys(id);
		const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		await redisCall('store blob', () =>
			Promise.all([this.redis.set(keys.type, contentType, 'NX'), this.redis.set(keys.bytes, data, 'NX')])
		);
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
		const [exists, size, type] = await redisCall('stat blob', () =>
			Promise.all([this.redis.exists(keys.bytes), this.redis.strlen(keys.bytes), this.redis.get(keys.type)])
		);
		if (exists === 0) return null;
		if (type === null) throw new Error(`Blob ${id} has no content type in Redis`);
		return { size, contentType: type };
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
