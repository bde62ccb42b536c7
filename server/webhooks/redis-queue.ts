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
import { DONE_KEEP_MS, type DeliveryJob, type DeliveryQueue, type Lease } from './queue';

const KEYS = ['{webhooks}:due', '{webhooks}:leases', '{webhooks}:jobs', '{webhooks}:owners'] as const;

/** KEYS: due, leases, jobs, owners, done marker. ARGV: id, job, dueAt. */
const ADD = `
if redis.call('EXISTS', KEYS[5]) == 1 then return 0 end
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

/** KEYS: due, leases, jobs, owners, done marker. ARGV: id, token, job ('' when done), dueAt, keepMs. */
const RELEASE = `
if redis.call('HGET', KEYS[4], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[3], ARGV[1])
  redis.call('SET', KEYS[5], '1', 'PX', ARGV[5])
else
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
end
return 1`;

/** The marker of a done job (same hash tag, so the same Cluster slot). */
const doneKey = (id: string) => `{webhooks}:done:${id}`;

export function openRedisQueue(redis: Redis): DeliveryQueue {
	const run = (what: string, script: string, ...args: string[]) =>
		redisCall(`webhook queue ${what}`, () => redis.eval(script, KEYS.length, ...KEYS, ...args));
	/** A script whose fifth key is the done marker of `id`. */
	const runFor = (what: string, script: string, id: string, ...args: string[]) =>
		redisCall(`webhook queue ${what}`, () => redis.eval(script, KEYS.length + 1, ...KEYS, doneKey(id), id, ...args));
	return {
		async add(job, dueAt) {
			return (await runFor('add', ADD, job.id, JSON.stringify(job), String(dueAt))) === 1;
		},
		async claim(now, leaseMs) {
			const token = randomUUID();
			const text = await run('claim', CLAIM, String(now), String(leaseMs), token);
			return typeof text === 'string' ? { job: JSON.parse(text) as DeliveryJob, token } : null;
		},
		async done(lease: Lease) {
			await runFor('done', RELEASE, lease.job.id, lease.token, '', '0', String(DONE_KEEP_MS));
		},
		async later(lease, job, dueAt) {
			await runFor('release', RELEASE, lease.job.id, lease.token, JSON.stringify(job), String(dueAt), String(DONE_KEEP_MS));
		},
		async size() {
			return redisCall('webhook queue size', () => redis.hlen(KEYS[2]));
		}
	};
}
