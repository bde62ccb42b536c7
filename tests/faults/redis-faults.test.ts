/**
 * Fault suite, Redis mode: three real server processes on one real redis-server (appendonly yes,
 * appendfsync always), every client behind its own link that spreads clients over the live instances.
 * Under a steady load: an instance is killed with SIGKILL (its clients move to the others) and replaced,
 * Redis is restarted, Redis is killed with SIGKILL and started again, clients go offline and reload.
 * Instances snapshot every 10 events (Redis trims the stream behind each snapshot), so restarts and new
 * instances load from snapshots; a follower reads the stream as it grows, keeping the whole log for the
 * checker, and must agree with what Redis holds at the end.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { openRedisEventStore } from '../../server/store/redis/redis-event-store';
import { instancePool, type InstancePool } from '../support/instance-pool';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { sessionToken } from '../support/server-process';
import { checkRun } from './checker';
import { CLIENT_FAULTS, FaultRun, LONG, faultSeed, followLog, readLog, setUpRoom } from './harness';

const ROOM = 'faults-redis';
const SHAPE = LONG
	? { instances: 3, writers: 4, walls: 5, faults: 16, spacing: [60, 300] as const }
	: { instances: 3, writers: 3, walls: 3, faults: 4, spacing: [25, 80] as const };

let redis: RedisServer;
let instances: InstancePool;
const cleanups: Array<() => Promise<void> | void> = [];
const anyInstance = () => [...instances.alive][0]!;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe.runIf(canRunRedisTests())('fault suite: Redis mode, several instances', () => {
	beforeAll(async () => {
		redis = await startRedis({ appendfsync: 'always' });
		instances = instancePool(redis.url, { COMMAND_RATE_LIMIT: '1000000', SNAPSHOT_EVERY: '10' });
		await Promise.all(Array.from({ length: SHAPE.instances }, () => instances.start()));
	}, 90_000);

	afterAll(async () => {
		while (cleanups.length) await cleanups.pop()!();
		await instances?.stopAll();
		await redis?.destroy();
	});

	it(
		'keeps every promise through instance kills, Redis restarts and kill -9, clients offline and reloading',
		{ timeout: LONG ? 900_000 : 150_000 },
		async () => {
			const seed = faultSeed();
			const setupVersion = await setUpRoom(anyInstance().url, ROOM);
			const follower = new Redis(redis.url);
			follower.on('error', () => {}); // Redis goes down on purpose; the follower reads again once it is back
			cleanups.push(() => void follower.disconnect());
			const followed = followLog(await openRedisEventStore({ redis: follower }), ROOM);
			cleanups.push(() => followed.stop());
			const run = new FaultRun({
				roomId: ROOM,
				seed,
				backends: () => instances.ports(),
				token: (role, name) => sessionToken(anyInstance().url, ROOM, role, name),
				spacing: SHAPE.spacing
			});
			cleanups.push(() => run.close());
			onTestFailed(() => {
				const outputs = instances.all().map((i) => {
					const state = instances.alive.has(i) ? 'running' : `exited (${i.child.exitCode ?? i.child.signalCode})`;
					return `--- instance on port ${i.port}, ${state}:\n${i.output().slice(-3000)}`;
				});
				console.error([run.summary('Redis mode, failed', followed.events().length), ...outputs].join('\n'));
			});
			await run.start(SHAPE.writers, SHAPE.walls);

			// Clients go offline, reload (and in the long run stall) meanwhile, so faults also overlap.
			const meanwhile = run.clientFaultsMeanwhile(CLIENT_FAULTS);
			for (const fault of run.plan(['instance', 'redis-restart', 'redis-kill', 'redis-back-rejoin'] as const, SHAPE.faults)) {
				await run.progress(run.gap());
				if (fault === 'instance') {
					const victim = run.rng.pick([...instances.alive]);
					run.note(`kill -9 an instance (pid ${victim.child.pid}); a new one starts once the load has moved on`);
					victim.child.kill('SIGKILL');
					await victim.exited;
					await run.progress(run.gap());
					await instances.start();
				} else if (fault === 'redis-restart') {
					run.note('restart Redis (SIGTERM, then start on the same AOF)');
					await redis.restart();
				} else if (fault === 'redis-back-rejoin') {
					// Each instance sends room:stale as soon as Redis is back, and every client rejoins at once, often
					// before the instance can read the room again: that join fails, and the client must stay in its
					// room (events keep coming, its commands are accepted) while it joins again.
					run.note('restart Redis; every client rejoins at once on room:stale and must keep up');
					const before = run.top;
					await redis.restart();
					await run.progress(run.gap());
					await run.everyClientReaches(Math.max(before, run.top));
				} else {
					const down = run.rng.int(1_500);
					run.note(`kill -9 Redis, start it again ${down} ms later`);
					await redis.kill();
					await delay(down);
					await redis.restart();
				}
			}
			await meanwhile.stop();
			await run.progress(run.gap());
			const top = await run.finish();

			await followed.stop();
			const log = followed.events();
			const { epoch, log: kept } = await readLog(await openRedisEventStore({ redis: follower }), ROOM);

			console.info(run.summary('Redis mode, 3 instances, snapshots every 10 events', log.length));
			expect(followed.problems).toEqual([]);
			expect(checkRun({ epoch, log, setupVersion, clients: run.histories })).toEqual([]);
			expect(log.length).toBe(top);
			// What Redis holds at the end (after trimming) is the end of what the follower read.
			expect(kept.map((e) => e.commandId)).toEqual(log.slice(log.length - kept.length).map((e) => e.commandId));
		}
	);
});
