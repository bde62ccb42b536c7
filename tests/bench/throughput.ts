/**
 * Durable command throughput: how many commands a second one room takes when acknowledged only once they
 * are durable (embedded: fdatasync'd log, group commit; Redis: AOF with appendfsync always, or everysec).
 * A few laptops keep a fixed number of commands in flight (closed loop: each answer lets the next command
 * go), so the ack times here are under saturation, not the latency of a quiet room.
 */
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '../support/redis-server';
import type { TestSocket } from '../support/test-server';
import { nowMs, sleep } from './clock';
import { laptopsInNewRoom, quoteCommand } from './clients';
import type { Section } from './report';
import { cpuPercent, startOurs } from './servers';
import { fmt, round, roundSummary, summarize } from './stats';

const ROOM = 'bench';
const SENDERS = 4;
const IN_FLIGHT_PER_SENDER = 64;

export type Durability = 'embedded' | 'redis-always' | 'redis-everysec';

export interface ThroughputResult {
	store: Durability;
	seconds: number;
	inFlight: number;
	commandsPerS: number | null;
	acked: number;
	failed: number;
	ack: ReturnType<typeof roundSummary>;
	serverCpuPct: number | null;
	serverEldP99: number;
	redisCpuPct: number | null;
}

/** Redis's own CPU time (user + system, seconds), from INFO. */
async function redisCpuS(client: Redis): Promise<number> {
	const info = await client.info('cpu');
	const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
	return value('used_cpu_user') + value('used_cpu_sys');
}

export async function runThroughput(store: Durability, seconds: number, warmupS: number): Promise<ThroughputResult> {
	const redis: RedisServer | null =
		store === 'embedded' ? null : await startRedis({ appendfsync: store === 'redis-always' ? 'always' : 'everysec' });
	const deployment = await startOurs(redis ? { redisUrl: redis.url } : {});
	const redisClient = redis ? new Redis(redis.url) : null;
	const senders: TestSocket[] = [];
	try {
		const url = deployment.urls[0]!;
		await laptopsInNewRoom(url, ROOM, SENDERS, senders);
		const run = `tp-${Date.now().toString(36)}`;
		let n = 0;
		const start = nowMs();
		const measureFrom = start + warmupS * 1000;
		const end = measureFrom + seconds * 1000;
		const acks: number[] = [];
		let failed = 0;
		let redisCpuAtStart = 0;
		let probeAtStart: Promise<unknown> | null = null;
		const loop = async (socket: TestSocket) => {
			while (nowMs() < end) {
				const id = `${run}-${n++}`;
				const sent = nowMs();
				const result = await socket
					.timeout(30_000)
					.emitWithAck('command', { roomId: ROOM, commandId: id, command: quoteCommand('cant-open', id) });
				const at = nowMs();
				if (sent < measureFrom) continue;
				if (at > end) break;
				if (result.ok) acks.push(at - sent);
				else failed++;
			}
		};
		const warmupDone = (async () => {
			await sleep(measureFrom - nowMs());
			probeAtStart = deployment.instances[0]!.probe();
			if (redisClient) redisCpuAtStart = await redisCpuS(redisClient);
		})();
		await Promise.all(senders.flatMap((s) => Array.from({ length: IN_FLIGHT_PER_SENDER }, () => loop(s))));
		await warmupDone;
		await probeAtStart;
		const probe = await deployment.instances[0]!.probe();
		const redisCpu = redisClient ? (await redisCpuS(redisClient)) - redisCpuAtStart : NaN;
		return {
			store,
			seconds,
			inFlight: SENDERS * IN_FLIGHT_PER_SENDER,
			commandsPerS: round(acks.length / seconds, 0),
			acked: acks.length,
			failed,
			ack: roundSummary(summarize(acks)),
			serverCpuPct: round(cpuPercent(probe), 0),
			serverEldP99: probe.eld.p99,
			redisCpuPct: round((redisCpu / seconds) * 100, 0)
		};
	} finally {
		for (const s of senders) s.disconnect();
		redisClient?.disconnect();
		await deployment.stop();
		await redis?.destroy();
	}
}

const LABEL: Record<Durability, string> = {
	embedded: 'embedded (fdatasync, group commit)',
	'redis-always': 'Redis, appendfsync always',
	'redis-everysec': 'Redis, appendfsync everysec'
};

export async function throughputSection(options: { quick: boolean; log: (m: string) => void }): Promise<Section> {
	const results: ThroughputResult[] = [];
	for (const store of ['embedded', 'redis-always', 'redis-everysec'] as const) {
		options.log(`throughput: ${store}`);
		results.push(await runThroughput(store, options.quick ? 3 : 10, options.quick ? 1 : 2));
	}
	return {
		name: 'throughput',
		data: results,
		targets: [],
		tables: [
			{
				title: `Durable command throughput, one room, one instance (${SENDERS} laptops, ${SENDERS * IN_FLIGHT_PER_SENDER} commands in flight)`,
				head: ['store', 'commands/s', 'ack p50 ms', 'ack p99 ms', 'failed', 'server CPU %', 'server ELD p99', 'Redis CPU %'],
				rows: results.map((r) => [
					LABEL[r.store],
					fmt(r.commandsPerS, 0),
					fmt(r.ack.p50, 1),
					fmt(r.ack.p99, 1),
					String(r.failed),
					fmt(r.serverCpuPct, 0),
					fmt(r.serverEldP99, 1),
					fmt(r.redisCpuPct, 0)
				]),
				notes: ['each command is acknowledged only once durable; one event per command (complaint.quote)']
			}
		]
	};
}
