/**
 * Memory. (1) Per idle wall socket: the server's heap and RSS (after a full GC) before and after 1,000
 * walls connect and join a room, divided by 1,000. (2) Soak: with those walls connected, 100,000 events
 * (complaint.quote commands, one event each) go through the room in ten rounds; after each round, once
 * every wall holds the room's version, the server's heap after a full GC. No growth means the last rounds
 * stay flat: what the server keeps per room is bounded (state with capped lists, the log tail kept behind
 * the last snapshot, the last 50,000 commandIds for idempotency), and nothing is kept per event or per send.
 * The heap does grow until those bounds are reached (see BOUNDED_FROM); the verdict is on what follows.
 */
import type { TestSocket } from '../support/test-server';
import { sleep } from './clock';
import { countCommand, laptopsInNewRoom, mintTokens } from './clients';
import type { Fleet } from './fleet';
import type { Section, TargetCheck } from './report';
import { startOurs, type ProbeReport } from './servers';
import { fmt, fmtBytes, round, slope } from './stats';

const ROOM = 'bench';
const SENDERS = 4;
/** Commands sent at once in the soak (the engine decides at most 256 in one batch). */
const WAVE = 256;
/**
 * When the heap can be expected to stop growing: the embedded store remembers the last 50,000 commandIds
 * of a room (file-event-store.ts) in a Map, evicting the oldest. V8 keeps an evicted entry's slot until the
 * Map's table is rebuilt, so the table grows once more, at about 65,000 commands (50,000 live plus the
 * freed slots), and stays that size from then on (a bare Map does the same: +1.75 MiB at 65k, flat after).
 */
const BOUNDED_FROM = 70_000;

const MiB = (b: number) => round(b / 1024 / 1024, 2);

/**
 * Sends `count` commands through `senders` in waves of `WAVE` sent at once, each wave after the previous
 * one is acknowledged. A wave arrives together, so the engine decides it in a few batches with a few
 * broadcasts: a broadcast to 1,000 walls costs the same for one event as for a hundred, and a trickle of
 * single commands would make the soak measure that instead of memory. Returns the last version.
 */
async function sendWaves(senders: TestSocket[], count: number, tag: string): Promise<number> {
	let version = 0;
	for (let start = 0; start < count; start += WAVE) {
		const wave = Array.from({ length: Math.min(WAVE, count - start) }, (_, k) => start + k);
		await Promise.all(
			wave.map(async (i) => {
				const id = `${tag}-${i}`;
				const socket = senders[i % senders.length]!;
				const result = await socket
					.timeout(60_000)
					.emitWithAck('command', { roomId: ROOM, commandId: id, command: countCommand('cant-open', i) });
				if (!result.ok) throw new Error(`soak command refused: ${result.code} ${result.message}`);
				version = Math.max(version, result.version);
			})
		);
	}
	return version;
}

export async function memorySection(fleet: Fleet, options: { quick: boolean; log: (m: string) => void }): Promise<Section> {
	const walls = 1000;
	const events = options.quick ? 5_000 : 100_000;
	const rounds = 10;
	options.log(`memory: ${walls} idle walls, then ${events} events`);
	const deployment = await startOurs();
	const server = deployment.instances[0]!;
	const url = deployment.urls[0]!;
	const senders: TestSocket[] = [];
	try {
		await laptopsInNewRoom(url, ROOM, SENDERS, senders);
		const tokens = await mintTokens(url, ROOM, 'viewer', 20);
		await sleep(500);
		const before = await server.probe();
		const report = await fleet.connect({ kind: 'ours', urls: [url], roomId: ROOM, tokens }, walls, { apply: 'track' });
		if (report.ready !== walls) throw new Error(`only ${report.ready} of ${walls} walls joined`);
		await sleep(2_000); // presence settles
		const after = await server.probe();
		const perSocket = {
			heapBytes: round((after.heapAfterGc - before.heapAfterGc) / walls, 0),
			rssBytes: round((after.rssAfterGc - before.rssAfterGc) / walls, 0),
			externalBytes: round((after.externalAfterGc - before.externalAfterGc) / walls, 0)
		};

		const series: Array<{ events: number; heapAfterGcMiB: number | null; rssMiB: number | null; roundS: number | null }> = [
			{ events: 0, heapAfterGcMiB: MiB(after.heapAfterGc), rssMiB: MiB(after.rssAfterGc), roundS: null }
		];
		let last: ProbeReport = after;
		const tag = `soak-${Date.now().toString(36)}`;
		for (let r = 1; r <= rounds; r++) {
			const started = performance.now();
			const version = await sendWaves(senders, events / rounds, `${tag}-${r}`);
			const progress = await fleet.reachVersion(version, 120_000);
			if (progress.minVersion < version) throw new Error(`walls stayed behind: ${progress.minVersion} < ${version}`);
			last = await server.probe();
			series.push({
				events: (r * events) / rounds,
				heapAfterGcMiB: MiB(last.heapAfterGc),
				rssMiB: MiB(last.rssAfterGc),
				roundS: round((performance.now() - started) / 1000, 1)
			});
			options.log(`memory: ${series.at(-1)!.events} events, heap ${series.at(-1)!.heapAfterGcMiB} MiB`);
		}
		// Growth is judged once what is bounded has reached its bound (or over the second half of a short soak).
		const settledFrom = events > BOUNDED_FROM ? BOUNDED_FROM : events / 2;
		const settled = series.filter((s) => s.events >= settledFrom);
		const growthPer10k = slope(settled.map((s) => ({ x: s.events / 10_000, y: s.heapAfterGcMiB ?? NaN })));
		const settledGrowth = (settled.at(-1)?.heapAfterGcMiB ?? NaN) - (settled[0]?.heapAfterGcMiB ?? NaN);
		const progress = await fleet.progress();
		const data = {
			walls,
			perSocket,
			soak: {
				events,
				series,
				settledFrom,
				settledGrowthMiB: round(settledGrowth, 2),
				slopeMiBPer10kEvents: round(growthPer10k, 3),
				gaps: progress.gaps,
				reconnects: progress.reconnects,
				maxRssMiB: MiB(last.maxRss)
			}
		};
		// "No growth": the settled rounds grow by less than 0.5 MiB in all (a heap after GC wobbles by ~0.1-0.3 MiB).
		const target: TargetCheck = {
			name: `heap after GC, ${events.toLocaleString('en')} events, ${walls} walls`,
			target: 'no growth',
			measured: `${fmt(settledGrowth, 2)} MiB over events ${settledFrom.toLocaleString('en')}-${events.toLocaleString('en')} (${fmt(growthPer10k, 3)} MiB / 10k)`,
			met: Number.isFinite(settledGrowth) ? settledGrowth < 0.5 : null
		};
		return {
			name: 'memory',
			data,
			targets: [target],
			tables: [
				{
					title: `Memory: ${walls} idle walls joined to a room, then a soak of ${events.toLocaleString('en')} events`,
					head: ['figure', 'value'],
					rows: [
						['server heap per idle wall socket', fmtBytes(perSocket.heapBytes)],
						['server RSS per idle wall socket', fmtBytes(perSocket.rssBytes)],
						...series.map((s) => [
							`heap after GC at ${s.events.toLocaleString('en')} events`,
							`${fmt(s.heapAfterGcMiB, 2)} MiB${s.roundS === null ? '' : ` (round ${fmt(s.roundS, 1)} s)`}`
						]),
						['growth once the bounds are reached', target.measured],
						['peak RSS', `${fmt(data.soak.maxRssMiB, 0)} MiB`],
						['wall gaps / reconnects', `${progress.gaps} / ${progress.reconnects}`]
					],
					notes: [
						'walls check versions (in order, no gaps) from the message text without decoding or folding events, to spare the two cores'
					]
				}
			]
		};
	} finally {
		for (const s of senders) s.disconnect();
		await fleet.disconnect();
		await deployment.stop();
	}
}
