/**
 * The delivery queue on Redis, shared by every instance, on the app's own ioredis client (BullMQ pins
 * another major version of ioredis). Jobs wait in a sorted set by due time; a Lua script claims the
 * earliest due one atomically by moving it to a sorted set of leases scored by expiry, with an owner
 * token. A lease that runs out (its instance died mid-delivery) is claimed again by the same script.
 * The keys share one hash tag, so a Redis Cluster keeps them on one slot.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redisCall } from '../store/redis/redis-errors';
import type { DeliveryJob, DeliveryQueue, Lease } from './queue';

const KEYS = ['{webhooks}:due', '{webhooks}:leases', '{webhooks}:jobs', '{webhooks}:owners'] as const;

/** KEYS: due, leases, jobs, owners. ARGV: id, job, dueAt. */
const ADD = `
if redis.call('HSETNX', KEYS[3], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1`;

/** KEYS: due, leases, jobs, owners. ARGV: now, leaseMs, token. The earliest due job, else an expired lease. */
const CLAIM = `
local now = tonumber(ARGV[1])
local id = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1)[1]
if id then
  redis.call('ZREM', KEYS[1], id)
else
  id = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1)[1]
  if not id then return false end
end
local job = redis.call('HGET', KEYS[3], id)
if not job then
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[4], id)
  return false
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), id)
redis.call('HSET', KEYS[4], id, ARGV[3])
return job`;

/** KEYS: due, leases, jobs, owners. ARGV: id, token, job ('' when done), dueAt. */
const RELEASE = `
if redis.call('HGET', KEYS[4], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[3], ARGV[1])
else
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
end
return 1`;

export function openRedisQueue(redis: Redis): DeliveryQueue {
	const run = (what: string, script: string, ...args: string[]) =>
		redisCall(`webhook queue ${what}`, () => redis.eval(script, KEYS.length, ...KEYS, ...args));
	return {
		async add(job, dueAt) {
			return (await run('add', ADD, job.id, JSON.stringify(job), String(dueAt))) === 1;
		},
		async claim(now, leaseMs) {
			const token = randomUUID();
			const text = await run('claim', CLAIM, String(now), String(leaseMs), token);
			return typeof text === 'string' ? { job: JSON.parse(text) as DeliveryJob, token } : null;
		},
		async done(lease: Lease) {
			await run('done', RELEASE, lease.job.id, lease.token, '', '0');
		},
		async later(lease, job, dueAt) {
			await run('release', RELEASE, lease.job.id, lease.token, JSON.stringify(job), String(dueAt));
		},
		async size() {
			return redisCall('webhook queue size', () => redis.hlen(KEYS[2]));
		}
	};
}
