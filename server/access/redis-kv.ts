/** The Redis KvStore: `access:<key>` strings holding JSON, with PX expiry; shared by every instance. */
import { setImmediate } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { redisCall } from '../store/redis/redis-errors';
import type { KvStore } from '../store/kv';

export function openRedisKv(redis: Redis): KvStore {
	const k = (key: string) => `access:${key}`;
	return {
		async get<T>(key: string) {
			const text = await redisCall('access read', () => redis.get(k(key)));
			return text === null ? null : (JSON.parse(text) as T);
		},
		async set(key, value, ttlMs) {
			const text = JSON.stringify(value);
			await redisCall('access write', () =>
				ttlMs === undefined ? redis.set(k(key), text) : redis.set(k(key), text, 'PX', Math.max(1, Math.round(ttlMs)))
			);
		},
		async delete(key) {
			await redisCall('access delete', () => redis.del(k(key)));
		},
		async take<T>(key: string) {
			const text = await redisCall('access delete', () => redis.getdel(k(key)));
			return text === null ? null : (JSON.parse(text) as T);
		},
		async push(key, value, keep) {
			await redisCall('access write', () => redis.multi().rpush(k(key), JSON.stringify(value)).ltrim(k(key), -keep, -1).exec());
		},
		async list<T>(key: string) {
			const items = await redisCall('access read', () => redis.lrange(k(key), 0, -1));
			// A list may be an audit trail of 50,000 entries: parsed a slice at a time, letting the event loop turn.
			const out: T[] = [];
			for (let start = 0; start < items.length; start += 2_000) {
				if (start > 0) await setImmediate();
				for (const text of items.slice(start, start + 2_000)) out.push(JSON.parse(text) as T);
			}
			return out;
		}
	};
}
