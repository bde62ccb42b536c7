/**
 * Update-to-wall latency. A laptop sends a wall update (touchpoint.assess) on a fixed schedule; N walls in
 * worker processes apply it; we note when each wall had it. Then, in the same run and with the same worker
 * processes, the raw baseline: a bare socket.io server broadcasting a message of the same shape and size
 * (a copy of one our walls received) to the same number of sockets, triggered the same way.
 *
 * Figures (ms from the moment the command was due):
 *  - per delivery: every (command, wall) pair;
 *  - all walls: per command, until the last wall had it (what "every wall updated" means);
 *  - first wall: per command, until the first wall had it (upper bound on our time before the broadcast).
 */
import { startRedis, type RedisServer } from '../support/redis-server';
import { io as connectRaw, type Socket } from 'socket.io-client';
import { createRoom, type TestSocket } from '../support/test-server';
import { sessionToken } from '../support/server-process';
import { sleep } from './clock';
import { assessCommand, connectClient, mintTokens } from './clients';
import type { Collected, Target } from './fleet-protocol';
import type { Fleet } from './fleet';
import { runSchedule, type ScheduleRun } from './schedule';
import { cpuPercent, startOurs, startRaw, type Deployment, type ProbeReport } from './servers';
import type { Section, TargetCheck } from './report';
import { fmt, ratio, round, roundSummary, summarize } from './stats';
import type { RoomEventsMessage } from '../../src/lib/protocol';

const ROOM = 'bench';
/** Walls share this many viewer sessions (minting one per wall would measure the session store instead). */
const SESSIONS = 20;

export interface LatencyCase {
	walls: number;
	topology: 'embedded' | 'redis';
	/** Commands per second. */
	rate: number;
	/** Seconds measured, after `warmupS` seconds not counted. */
	seconds: number;
	warmupS: number;
}

type Rounded = ReturnType<typeof roundSummary>;

export interface PhaseResult {
	deliveryPct: number | null;
	deliveries: Rounded;
	allWalls: Rounded;
	firstWall: Rounded;
	ack: Rounded;
	commands: number;
	acked: number;
	messageBytes: number;
	gaps: number;
	reconnects: number;
	connectS: number | null;
	server: Array<{ cpuPct: number | null; eldP50: number; eldP99: number; eldMax: number; rssMiB: number | null; heapAfterGcMiB: number | null }>;
	workersCpuPct: number | null;
}

export interface LatencyResult extends LatencyCase {
	instances: number;
	ours: PhaseResult;
	baseline: PhaseResult;
	/** ours / baseline. */
	ratios: { p50: number | null; p99: number | null; max: number | null; allWallsP50: number | null; allWallsP99: number | null };
	/** first wall p50, ours minus baseline: what we spend before our broadcast starts (decide, append, fsync). */
	beforeBroadcastMs: number | null;
}

const MiB = (b: number) => round(b / 1024 / 1024, 1);

interface Measured {
	run: ScheduleRun;
	collected: Collected[];
	probes: ProbeReport[];
	elapsedMs: number;
}

/** Connects walls, sends on schedule, drains, probes and collects: the part both phases share. */
async function measure(fleet: Fleet, deployment: Deployment, c: LatencyCase, prefix: string, send: (seq: number) => Promise<boolean>): Promise<Measured> {
	const total = Math.round((c.seconds + c.warmupS) * c.rate);
	await fleet.arm(prefix, total);
	await Promise.all(deployment.instances.map((i) => i.probe()));
	const started = performance.now();
	const run = await runSchedule(total, 1000 / c.rate, send);
	await fleet.drain(total * c.walls, 10_000);
	const elapsedMs = performance.now() - started;
	const probes = await Promise.all(deployment.instances.map((i) => i.probe()));
	return { run, collected: await fleet.collect(), probes, elapsedMs };
}

function analyse(m: Measured, c: LatencyCase, connectS: number | null): PhaseResult & { sample: RoomEventsMessage | null } {
	const total = m.run.due.length;
	const warm = Math.round(c.warmupS * c.rate);
	const deliveries: number[] = [];
	const first = new Float64Array(total).fill(Infinity);
	const last = new Float64Array(total).fill(-Infinity);
	const missing = new Uint32Array(total);
	for (const w of m.collected) {
		for (let wall = 0; wall < w.walls; wall++) {
			for (let seq = warm; seq < total; seq++) {
				const t = w.times[wall * total + seq]!;
				if (Number.isNaN(t)) {
					missing[seq]!++;
					continue;
				}
				const latency = t - m.run.due[seq]!;
				deliveries.push(latency);
				if (latency < first[seq]!) first[seq] = latency;
				if (latency > last[seq]!) last[seq] = latency;
			}
		}
	}
	const measured = [...Array(total).keys()].filter((s) => s >= warm);
	const complete = measured.filter((s) => missing[s] === 0);
	const expected = measured.length * c.walls;
	const acks = measured.filter((s) => m.run.ok[s]).map((s) => m.run.ackAt[s]! - m.run.due[s]!);
	const cpuWorkers = m.collected.reduce((a, w) => a + w.cpuUs, 0);
	return {
		deliveryPct: expected ? round((deliveries.length / expected) * 100, 3) : null,
		deliveries: roundSummary(summarize(deliveries)),
		allWalls: roundSummary(summarize(complete.map((s) => last[s]!))),
		firstWall: roundSummary(summarize(measured.filter((s) => first[s]! < Infinity).map((s) => first[s]!))),
		ack: roundSummary(summarize(acks)),
		commands: measured.length,
		acked: acks.length,
		messageBytes: 0,
		gaps: m.collected.reduce((a, w) => a + w.gaps, 0),
		reconnects: m.collected.reduce((a, w) => a + w.reconnects, 0),
		connectS,
		server: m.probes.map((p) => ({
			cpuPct: round(cpuPercent(p), 1),
			eldP50: p.eld.p50,
			eldP99: p.eld.p99,
			eldMax: p.eld.max,
			rssMiB: MiB(p.rss),
			heapAfterGcMiB: MiB(p.heapAfterGc)
		})),
		workersCpuPct: round((cpuWorkers / 1000 / m.elapsedMs) * 100, 1),
		sample: m.collected.find((w) => w.sample)?.sample ?? null
	};
}

/**
 * One phase on a started deployment: connects the walls, sends on schedule through `send`, and analyses
 * what the walls recorded. Stops the deployment and disconnects the walls whatever happens.
 */
async function phase(
	fleet: Fleet,
	c: LatencyCase,
	deployment: Deployment,
	setup: () => Promise<{ target: Target; prefix: string; send: (commandId: string, seq: number) => Promise<boolean>; close: () => void }>
) {
	let close = () => {};
	try {
		const { target, prefix, send, ...rest } = await setup();
		close = rest.close;
		const started = performance.now();
		const report = await fleet.connect(target, c.walls, { apply: 'fold' });
		if (report.ready !== c.walls) throw new Error(`only ${report.ready} of ${c.walls} walls connected: ${report.errors.join('; ')}`);
		const connectS = (performance.now() - started) / 1000;
		await sleep(1_000); // presence settles (it is debounced)
		const m = await measure(fleet, deployment, c, prefix, (seq) => send(`${prefix}${seq}`, seq));
		const result = analyse(m, c, round(connectS, 1));
		result.messageBytes = result.sample ? Buffer.byteLength(JSON.stringify(result.sample)) : 0;
		return result;
	} finally {
		close();
		await fleet.disconnect();
		await deployment.stop();
	}
}

/** Our server: walls join room `bench`; the laptop (on the first instance) sends touchpoint.assess. */
async function oursPhase(fleet: Fleet, c: LatencyCase, redis: RedisServer | null) {
	const deployment = await startOurs(redis ? { instances: 2, redisUrl: redis.url } : {});
	return phase(fleet, c, deployment, async () => {
		const url = deployment.urls[0]!;
		const laptop: TestSocket = await connectClient(url, await sessionToken(url, ROOM, 'facilitator', 'Bench laptop'));
		await createRoom(laptop, ROOM);
		const tokens = await mintTokens(url, ROOM, 'viewer', Math.min(SESSIONS, c.walls));
		return {
			target: { kind: 'ours', urls: deployment.urls, roomId: ROOM, tokens },
			prefix: `lat-${Date.now().toString(36)}-`,
			send: async (commandId, seq) => (await laptop.timeout(30_000).emitWithAck('command', { roomId: ROOM, commandId, command: assessCommand(seq) })).ok,
			close: () => laptop.disconnect()
		};
	});
}

/** The raw baseline: the same message, broadcast by a bare socket.io server to the same number of walls. */
async function baselinePhase(fleet: Fleet, c: LatencyCase, redis: RedisServer | null, template: RoomEventsMessage) {
	const deployment = await startRaw(redis ? { instances: 2, redisUrl: redis.url } : {});
	return phase(fleet, c, deployment, async () => {
		const laptop: Socket = connectRaw(deployment.urls[0]!, { transports: ['websocket'], forceNew: true, reconnection: false });
		await laptop.timeout(10_000).emitWithAck('template', template);
		return {
			target: { kind: 'raw', urls: deployment.urls },
			prefix: `raw-${Date.now().toString(36)}-`,
			send: async (commandId) => ((await laptop.timeout(30_000).emitWithAck('send', { commandId })) as { ok: boolean }).ok,
			close: () => laptop.disconnect()
		};
	});
}

export async function runLatency(fleet: Fleet, c: LatencyCase): Promise<LatencyResult> {
	const redis = c.topology === 'redis' ? await startRedis() : null;
	try {
		const { sample, ...ours } = await oursPhase(fleet, c, redis);
		if (!sample) throw new Error('no wall received a broadcast from our server');
		const { sample: _raw, ...baseline } = await baselinePhase(fleet, c, redis, sample);
		return {
			...c,
			instances: redis ? 2 : 1,
			ours,
			baseline,
			ratios: {
				p50: round(ratio(ours.deliveries.p50 ?? NaN, baseline.deliveries.p50 ?? NaN)),
				p99: round(ratio(ours.deliveries.p99 ?? NaN, baseline.deliveries.p99 ?? NaN)),
				max: round(ratio(ours.deliveries.max ?? NaN, baseline.deliveries.max ?? NaN)),
				allWallsP50: round(ratio(ours.allWalls.p50 ?? NaN, baseline.allWalls.p50 ?? NaN)),
				allWallsP99: round(ratio(ours.allWalls.p99 ?? NaN, baseline.allWalls.p99 ?? NaN))
			},
			beforeBroadcastMs: round((ours.firstWall.p50 ?? NaN) - (baseline.firstWall.p50 ?? NaN))
		};
	} finally {
		await redis?.destroy();
	}
}


const label = (r: LatencyResult) => `${r.walls.toLocaleString('en')} walls, ${r.topology === 'redis' ? '2 instances + Redis' : 'embedded'}`;
const ms = (v: number | null) => fmt(v, 1);
const x = (v: number | null) => (v === null ? '-' : `${v.toFixed(2)}x`);

/** Every latency case of a run: N walls x {embedded, two instances on Redis}. */
export async function latencySection(fleet: Fleet, options: { quick: boolean; walls: number[]; log: (m: string) => void }): Promise<Section> {
	const results: LatencyResult[] = [];
	for (const walls of options.walls) {
		for (const topology of ['embedded', 'redis'] as const) {
			const c: LatencyCase = {
				walls,
				topology,
				// A broadcast to 5,000 sockets keeps two cores busy for a while: send less often, so the
				// schedule measures latency, not a queue.
				rate: walls >= 5000 ? 4 : 10,
				seconds: options.quick ? 5 : walls >= 5000 ? 20 : 15,
				warmupS: options.quick ? 1 : 2
			};
			options.log(`latency: ${walls} walls, ${topology}`);
			results.push(await runLatency(fleet, c));
		}
	}
	const targets: TargetCheck[] = [];
	for (const r of results) {
		const limit = r.walls >= 5000 ? 1.5 : 1.15;
		targets.push({
			name: `p99 vs raw socket.io, ${label(r)}`,
			target: `<= ${limit}x`,
			measured: `${x(r.ratios.p99)} (all walls: ${x(r.ratios.allWallsP99)})`,
			met: r.ratios.p99 === null ? null : r.ratios.p99 <= limit
		});
		targets.push({
			name: `first wall p50, ${label(r)}`,
			target: '<= 3 ms',
			measured: `${ms(r.ours.firstWall.p50)} ms`,
			met: r.ours.firstWall.p50 === null ? null : r.ours.firstWall.p50 <= 3
		});
		targets.push({
			name: `delivery, ${label(r)}`,
			target: '100%',
			measured: `${r.ours.deliveryPct ?? '-'}%`,
			met: r.ours.deliveryPct === 100
		});
	}
	return {
		name: 'latency',
		data: results,
		targets,
		tables: [
			{
				title: 'Update-to-wall latency, ms from the command being due (per delivery; "all" = until the last wall had it)',
				head: ['case', 'ours p50', 'p99', 'max', 'all p99', 'raw p50', 'p99', 'max', 'all p99', 'p50 x', 'p99 x', 'max x', 'all p99 x', 'first wall p50', 'before bcast', 'delivery'],
				rows: results.map((r) => [
					label(r),
					ms(r.ours.deliveries.p50),
					ms(r.ours.deliveries.p99),
					ms(r.ours.deliveries.max),
					ms(r.ours.allWalls.p99),
					ms(r.baseline.deliveries.p50),
					ms(r.baseline.deliveries.p99),
					ms(r.baseline.deliveries.max),
					ms(r.baseline.allWalls.p99),
					x(r.ratios.p50),
					x(r.ratios.p99),
					x(r.ratios.max),
					x(r.ratios.allWallsP99),
					ms(r.ours.firstWall.p50),
					ms(r.beforeBroadcastMs),
					`${r.ours.deliveryPct ?? '-'}%`
				]),
				notes: ['x = ours / raw socket.io broadcast of the same message size to the same number of sockets, same run, same client processes']
			},
			{
				title: 'Update-to-wall latency: load and resources during the measured window',
				head: ['case', 'cmd/s', 'commands', 'msg bytes', 'ack p50', 'ack p99', 'server CPU %', 'ELD p99', 'ELD max', 'RSS MiB', 'raw CPU %', 'raw ELD p99', 'raw RSS MiB', 'walls CPU %', 'gaps', 'reconnects'],
				rows: results.map((r) => [
					label(r),
					String(r.rate),
					String(r.ours.commands),
					String(r.ours.messageBytes),
					ms(r.ours.ack.p50),
					ms(r.ours.ack.p99),
					r.ours.server.map((s) => fmt(s.cpuPct, 0)).join(' + '),
					r.ours.server.map((s) => fmt(s.eldP99, 1)).join(' / '),
					r.ours.server.map((s) => fmt(s.eldMax, 1)).join(' / '),
					r.ours.server.map((s) => fmt(s.rssMiB, 0)).join(' + '),
					r.baseline.server.map((s) => fmt(s.cpuPct, 0)).join(' + '),
					r.baseline.server.map((s) => fmt(s.eldP99, 1)).join(' / '),
					r.baseline.server.map((s) => fmt(s.rssMiB, 0)).join(' + '),
					fmt(r.ours.workersCpuPct, 0),
					String(r.ours.gaps),
					String(r.ours.reconnects)
				]),
				notes: ['CPU % of one core over the window; ELD = event-loop delay (ms); per instance where there are two']
			}
		]
	};
}
