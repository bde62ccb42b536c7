/** The Redis KvStore: `access:<key>` strings holding JSON, with PX expiry; shared by every instance. */
import type { Redis } from 'ioredis';
import { redisCall } from '../store/redis/redis-errors';
import type { KvStore } from './kv';

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
		}
	};
}
