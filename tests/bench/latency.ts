/**
 * Update-to-wall latency, ours against a raw socket.io broadcast, measured side by side in one window.
 *
 * Both servers run at once: ours (embedded, or two instances on Redis) with N walls joined to a room, and
 * the raw baseline (one bare socket.io server, or two on the same Redis adapter) with N walls of its own,
 * all walls in the same worker processes. A laptop sends on one fixed schedule, turn about: a wall update
 * (touchpoint.assess) to ours, then a trigger to the raw server, which broadcasts a copy of the message our
 * walls receive (same shape, same size). So both see the same machine at the same moments, and a busy
 * neighbour on the machine slows both alike. Walls note on CLOCK_MONOTONIC when they had each message (ours:
 * applied in version order with the domain's evolve; raw: received).
 *
 * Figures (ms from the moment the command was due, so a late send counts against us):
 *  - per delivery: every (command, wall) pair;
 *  - all walls: per command, until the last wall had it (what "every wall updated" means);
 *  - first wall: per command, until the first wall had it; ours minus raw is what we spend before our
 *    broadcast starts (parse, decide, durable append);
 *  - first wall from arrival: from the moment the command's message reached the server (noted by probe.mjs
 *    as the websocket library hands it over) until the first wall had it.
 *
 * What a wall does with a message (`apply`): `check` decodes it and checks versions are in order with no gap,
 * as the raw walls decode theirs; `fold` also applies each event to the wall's state with the domain's
 * evolve, as the wall page does. A TV folds on its own CPU (about 4 µs an event here); a thousand walls
 * folding in the bench's worker processes share the server's two cores, so the ratios against the raw
 * baseline, which does nothing with what it receives, are judged on `check`, and one `fold` case is printed
 * beside them to show what that client work adds on a single machine.
 */
import { io as connectRaw, type Socket } from 'socket.io-client';
import type { RoomEventsMessage } from '../../src/lib/protocol';
import { startRedis } from '../support/redis-server';
import { sessionToken } from '../support/server-process';
import { createRoom, type TestSocket } from '../support/test-server';
import { sleep } from './clock';
import { assessCommand, connectClient, mintTokens } from './clients';
import type { Collected } from './fleet-protocol';
import type { Fleet } from './fleet';
import type { Section, TargetCheck } from './report';
import { runSchedule, type ScheduleRun } from './schedule';
import { cpuPercent, startOurs, startRaw, type Deployment, type ProbeReport } from './servers';
import { fmt, ratio, round, roundSummary, summarize } from './stats';

const ROOM = 'bench';
/** Walls share this many viewer sessions (minting one per wall would measure the session store instead). */
const SESSIONS = 20;

export interface LatencyCase {
	walls: number;
	topology: 'embedded' | 'redis';
	/** Commands per second to each server (the laptop alternates, so twice this in all). */
	rate: number;
	/** Seconds measured, after `warmupS` seconds not counted. */
	seconds: number;
	warmupS: number;
	/** What our walls do with each message (see above). */
	apply: 'check' | 'fold';
}

type Rounded = ReturnType<typeof roundSummary>;

export interface SideResult {
	deliveryPct: number | null;
	deliveries: Rounded;
	allWalls: Rounded;
	firstWall: Rounded;
	/** First wall, from the command's arrival at the server. */
	firstWallFromArrival: Rounded;
	/** From the command being due at the laptop to its arrival at the server. */
	sendToArrival: Rounded;
	ack: Rounded;
	commands: number;
	acked: number;
	messageBytes: number;
	server: Array<{
		cpuPct: number | null;
		eldP50: number;
		eldP99: number;
		eldMax: number;
		rssMiB: number | null;
		heapAfterGcMiB: number | null;
	}>;
}

export interface LatencyResult extends LatencyCase {
	instances: number;
	ours: SideResult;
	baseline: SideResult;
	/** ours / baseline. */
	ratios: { p50: number | null; p99: number | null; max: number | null; allWallsP50: number | null; allWallsP99: number | null };
	/** first wall p50, ours minus baseline: what we spend before our broadcast starts. */
	beforeBroadcastMs: number | null;
	connectS: number | null;
	gaps: number;
	reconnects: number;
	workersCpuPct: number | null;
}

const MiB = (b: number) => round(b / 1024 / 1024, 1);
const OURS = 0;
const RAW = 1;

/** Figures for one side: walls of `kind`, commands of `parity` (ours even, raw odd). */
function side(
	run: ScheduleRun,
	collected: Collected[],
	probes: ProbeReport[],
	kind: number,
	warm: number,
	messageBytes: number,
	prefix: string
): SideResult {
	const total = run.due.length;
	const seqs = [...Array(total).keys()].filter((s) => s >= warm && s % 2 === kind);
	const deliveries: number[] = [];
	const first = new Map<number, number>();
	const last = new Map<number, number>();
	const missing = new Map<number, number>();
	let walls = 0;
	for (const w of collected) {
		for (let wall = 0; wall < w.walls; wall++) {
			if (w.kinds[wall] !== kind) continue;
			walls++;
			for (const seq of seqs) {
				const t = w.times[wall * total + seq]!;
				if (Number.isNaN(t)) {
					missing.set(seq, (missing.get(seq) ?? 0) + 1);
					continue;
				}
				const latency = t - run.due[seq]!;
				deliveries.push(latency);
				first.set(seq, Math.min(first.get(seq) ?? Infinity, latency));
				last.set(seq, Math.max(last.get(seq) ?? -Infinity, latency));
			}
		}
	}
	const expected = seqs.length * walls;
	const arrivals: Record<string, number> = Object.assign({}, ...probes.map((p) => p.arrivals ?? {}));
	const arrivedAt = (seq: number) => arrivals[`${prefix}${kind === OURS ? 'o' : 'r'}${seq}`];
	const timed = seqs.filter((s) => first.has(s) && arrivedAt(s) !== undefined);
	const acks = seqs.filter((s) => run.ok[s]).map((s) => run.ackAt[s]! - run.due[s]!);
	return {
		deliveryPct: expected ? round((deliveries.length / expected) * 100, 3) : null,
		deliveries: roundSummary(summarize(deliveries)),
		allWalls: roundSummary(summarize(seqs.filter((s) => !missing.has(s)).map((s) => last.get(s)!))),
		firstWall: roundSummary(summarize(seqs.filter((s) => first.has(s)).map((s) => first.get(s)!))),
		firstWallFromArrival: roundSummary(summarize(timed.map((s) => first.get(s)! + run.due[s]! - arrivedAt(s)!))),
		sendToArrival: roundSummary(summarize(timed.map((s) => arrivedAt(s)! - run.due[s]!))),
		ack: roundSummary(summarize(acks)),
		commands: seqs.length,
		acked: acks.length,
		messageBytes,
		server: probes.map((p) => ({
			cpuPct: round(cpuPercent(p), 1),
			eldP50: p.eld.p50,
			eldP99: p.eld.p99,
			eldMax: p.eld.max,
			rssMiB: MiB(p.rss),
			heapAfterGcMiB: MiB(p.heapAfterGc)
		}))
	};
}

/** Ours: a room with a touchpoint to assess, a laptop joined to it, and viewer sessions for the walls. */
async function prepareOurs(deployment: Deployment, walls: number) {
	const url = deployment.urls[0]!;
	const laptop: TestSocket = await connectClient(url, await sessionToken(url, ROOM, 'facilitator', 'Bench laptop'));
	await createRoom(laptop, ROOM);
	const tokens = await mintTokens(url, ROOM, 'viewer', Math.min(SESSIONS, walls));
	// One update first: the laptop, in the room, receives its broadcast as a wall does; the raw server
	// will send copies of that very message.
	const template = new Promise<RoomEventsMessage>((resolve) => laptop.once('room:events', resolve));
	const primed = await laptop
		.timeout(10_000)
		.emitWithAck('command', { roomId: ROOM, commandId: `prime-${Date.now().toString(36)}`, command: assessCommand(1) });
	if (!primed.ok) throw new Error(`priming command refused: ${primed.message}`);
	return { laptop, tokens, template: await template };
}

export async function runLatency(fleet: Fleet, c: LatencyCase): Promise<LatencyResult> {
	const redis = c.topology === 'redis' ? await startRedis() : null;
	const instances = redis ? 2 : 1;
	const stops: Array<() => Promise<void> | void> = [() => redis?.destroy()];
	try {
		const ours = await startOurs(redis ? { instances, redisUrl: redis.url } : {});
		stops.unshift(() => ours.stop());
		const raw = await startRaw(redis ? { instances, redisUrl: redis.url } : {});
		stops.unshift(() => raw.stop());
		const { laptop, tokens, template } = await prepareOurs(ours, c.walls);
		stops.unshift(() => void laptop.disconnect());
		const trigger: Socket = connectRaw(raw.urls[0]!, { transports: ['websocket'], forceNew: true, reconnection: false });
		stops.unshift(() => void trigger.disconnect());
		await trigger.timeout(10_000).emitWithAck('template', template);

		const started = performance.now();
		stops.unshift(() => fleet.disconnect());
		for (const [what, report] of [
			['ours', await fleet.connect({ kind: 'ours', urls: ours.urls, roomId: ROOM, tokens }, c.walls, { apply: c.apply })],
			['raw', await fleet.connect({ kind: 'raw', urls: raw.urls }, c.walls, { apply: 'fold' })]
		] as const) {
			if (report.ready !== c.walls)
				throw new Error(`only ${report.ready} of ${c.walls} ${what} walls connected: ${report.errors.join('; ')}`);
		}
		const connectS = (performance.now() - started) / 1000;
		await sleep(1_000); // presence settles (it is debounced)

		// Turn about: even numbers to ours, odd to raw; every command due at a fixed time.
		const total = 2 * Math.round((c.seconds + c.warmupS) * c.rate);
		const prefix = `lat-${Date.now().toString(36)}-`;
		await fleet.arm(prefix, total);
		const servers = [...ours.instances, ...raw.instances];
		await Promise.all(servers.map((s) => s.probe()));
		const windowStart = performance.now();
		const run = await runSchedule(total, 1000 / (2 * c.rate), async (seq) => {
			if (seq % 2 === OURS) {
				const command = assessCommand(seq / 2);
				const result = await laptop
					.timeout(30_000)
					.emitWithAck('command', { roomId: ROOM, commandId: `${prefix}o${seq}`, command });
				return result.ok;
			}
			const result = (await trigger.timeout(30_000).emitWithAck('send', { commandId: `${prefix}r${seq}` })) as { ok: boolean };
			return result.ok;
		});
		await fleet.drain(c.walls * total, 10_000);
		const elapsedMs = performance.now() - windowStart;
		const probes = await Promise.all(servers.map((s) => s.probe()));
		const collected = await fleet.collect();

		const warm = 2 * Math.round(c.warmupS * c.rate);
		const bytes = Buffer.byteLength(JSON.stringify(template));
		const o = side(run, collected, probes.slice(0, instances), OURS, warm, bytes, prefix);
		const b = side(run, collected, probes.slice(instances), RAW, warm, bytes, prefix);
		const r = (ours: number | null, base: number | null) => round(ratio(ours ?? NaN, base ?? NaN));
		return {
			...c,
			instances,
			ours: o,
			baseline: b,
			ratios: {
				p50: r(o.deliveries.p50, b.deliveries.p50),
				p99: r(o.deliveries.p99, b.deliveries.p99),
				max: r(o.deliveries.max, b.deliveries.max),
				allWallsP50: r(o.allWalls.p50, b.allWalls.p50),
				allWallsP99: r(o.allWalls.p99, b.allWalls.p99)
			},
			beforeBroadcastMs: round((o.firstWall.p50 ?? NaN) - (b.firstWall.p50 ?? NaN)),
			connectS: round(connectS, 1),
			gaps: collected.reduce((a, w) => a + w.gaps, 0),
			reconnects: collected.reduce((a, w) => a + w.reconnects, 0),
			workersCpuPct: round((collected.reduce((a, w) => a + w.cpuUs, 0) / 1000 / elapsedMs) * 100, 1)
		};
	} finally {
		for (const stop of stops) await stop();
	}
}

const label = (r: LatencyResult) =>
	`${r.walls.toLocaleString('en')} walls${r.apply === 'fold' ? ' folding' : ''}, ${r.topology === 'redis' ? '2 instances + Redis' : 'embedded'}`;
const ms = (v: number | null) => fmt(v, 1);
const x = (v: number | null) => (v === null ? '-' : `${v.toFixed(2)}x`);

/** Every latency case of a run: N walls x {embedded, two instances on Redis}. */
export async function latencySection(
	fleet: Fleet,
	options: { quick: boolean; walls: number[]; topologies: Array<'embedded' | 'redis'>; log: (m: string) => void }
): Promise<Section> {
	const results: LatencyResult[] = [];
	const caseOf = (walls: number, topology: 'embedded' | 'redis', apply: 'check' | 'fold'): LatencyCase => ({
		walls,
		topology,
		// A broadcast to 5,000 sockets keeps the two cores busy for a good part of a second (server
		// writes, walls parse): send less often, so the schedule measures latency, not a queue.
		rate: walls >= 5000 ? 1 : 5,
		seconds: options.quick ? 5 : walls >= 5000 ? 60 : 30,
		warmupS: options.quick ? 1 : 2,
		apply
	});
	const cases = options.walls.flatMap((walls) => options.topologies.map((topology) => caseOf(walls, topology, 'check')));
	// What folding on the walls adds when they share the server's cores: the smallest room, first topology.
	if (cases.length) cases.push(caseOf(Math.min(...options.walls), options.topologies[0]!, 'fold'));
	for (const c of cases) {
		options.log(`latency: ${c.walls} walls, ${c.topology}, walls ${c.apply}`);
		results.push(await runLatency(fleet, c));
	}
	const targets: TargetCheck[] = [];
	for (const r of results) {
		if (r.apply === 'fold') continue; // shown, not judged: see the comment at the top
		const limit = r.walls >= 5000 ? 1.5 : 1.15;
		targets.push({
			name: `p99 vs raw socket.io, ${label(r)}`,
			target: `<= ${limit}x`,
			measured: `${x(r.ratios.p99)} (all walls: ${x(r.ratios.allWallsP99)})`,
			met: r.ratios.p99 === null ? null : r.ratios.p99 <= limit
		});
		targets.push({
			name: `first wall p50 from the command arriving, ${label(r)}`,
			target: '<= 3 ms',
			measured: `${ms(r.ours.firstWallFromArrival.p50)} ms (raw: ${ms(r.baseline.firstWallFromArrival.p50)} ms)`,
			met: r.ours.firstWallFromArrival.p50 === null ? null : r.ours.firstWallFromArrival.p50 <= 3
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
				head: [
					'case',
					'ours p50',
					'p99',
					'max',
					'all p99',
					'raw p50',
					'p99',
					'max',
					'all p99',
					'p50 x',
					'p99 x',
					'max x',
					'all p99 x',
					'first wall p50',
					'before bcast',
					'delivery'
				],
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
				notes: [
					'x = ours / raw socket.io broadcasting the same message to as many sockets; both measured in the same window, commands taking turns',
					'before bcast = first wall p50, ours minus raw: parse, authorize, decide, durable append before our broadcast starts'
				]
			},
			{
				title:
					'First wall, ms from the command arriving at the server (what we spend before and during the start of the broadcast)',
				head: ['case', 'send to arrival p50', 'ours p50', 'p90', 'p99', 'raw p50', 'p90', 'p99', 'ours - raw p50'],
				rows: results.map((r) => [
					label(r),
					ms(r.ours.sendToArrival.p50),
					ms(r.ours.firstWallFromArrival.p50),
					ms(r.ours.firstWallFromArrival.p90),
					ms(r.ours.firstWallFromArrival.p99),
					ms(r.baseline.firstWallFromArrival.p50),
					ms(r.baseline.firstWallFromArrival.p90),
					ms(r.baseline.firstWallFromArrival.p99),
					ms(
						r.ours.firstWallFromArrival.p50 === null || r.baseline.firstWallFromArrival.p50 === null
							? null
							: r.ours.firstWallFromArrival.p50 - r.baseline.firstWallFromArrival.p50
					)
				]),
				notes: [
					'arrival = the websocket library handing the message to socket.io in the server process; first wall = the first of the N walls to have applied it (worker processes, same clock)'
				]
			},
			{
				title: 'Update-to-wall latency: load and resources during the measured window',
				head: [
					'case',
					'cmd/s each',
					'commands each',
					'msg bytes',
					'ack p50',
					'ack p99',
					'server CPU %',
					'ELD p99',
					'ELD max',
					'RSS MiB',
					'raw CPU %',
					'raw ELD p99',
					'raw RSS MiB',
					'walls CPU %',
					'gaps',
					'reconnects'
				],
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
					fmt(r.workersCpuPct, 0),
					String(r.gaps),
					String(r.reconnects)
				]),
				notes: ['CPU % of one core over the window; ELD = event-loop delay (ms); per instance where there are two']
			}
		]
	};
}
