/**
 * Join storm: 1,000 walls, each with its own viewer session (as paired TVs have; --quick shares 100),
 * connect and join the large room at the same moment (spread over the wall workers, all starting together); we note when each
 * has the room's current state. Repeated a few times with every wall disconnected in between.
 */
import type { Fleet } from './fleet';
import { mintTokens } from './clients';
import type { LargeRoomServer } from './large-room-server';
import { LARGE_ROOM_ID } from './large-room-server';
import type { Section, TargetCheck } from './report';
import { cpuPercent } from './servers';
import { sleep } from './clock';
import { fmt, fmtBytes, round, roundSummary, summarize } from './stats';

export async function stormSection(
	fleet: Fleet,
	large: LargeRoomServer,
	options: { quick: boolean; log: (m: string) => void }
): Promise<Section> {
	const walls = 1000;
	const repeats = options.quick ? 1 : 3;
	const deployment = await large.get();
	const url = deployment.urls[0]!;
	// Minting a thousand sessions takes the embedded access store a while (it rewrites one file per
	// session): --quick shares 100 among the walls, which costs the server the same per connection.
	const sessions = options.quick ? 100 : walls;
	options.log(`join storm: minting ${sessions} viewer sessions`);
	const tokens = await mintTokens(url, LARGE_ROOM_ID, 'viewer', sessions);
	const storms = [];
	for (let r = 0; r < repeats; r++) {
		options.log(`join storm: ${walls} walls at once (${r + 1}/${repeats})`);
		await sleep(1_000);
		await deployment.instances[0]!.probe();
		const report = await fleet.connect({ kind: 'ours', urls: deployment.urls, roomId: LARGE_ROOM_ID, tokens }, walls, {
			apply: 'track',
			concurrency: walls,
			delayMs: 300
		});
		const probe = await deployment.instances[0]!.probe();
		const ready = report.readyAfter.filter((t) => Number.isFinite(t));
		storms.push({
			ready: report.ready,
			failed: report.failed,
			allReadyMs: ready.length === walls ? round(Math.max(...ready), 0) : null,
			readyAfter: roundSummary(summarize(ready), 0),
			joinBytes: report.joinBytes,
			serverCpuPct: round(cpuPercent(probe), 0),
			/** What the server spent per wall (handshake, session, join, sending the state), ms of CPU. */
			serverCpuMsPerWall: round(probe.cpuUs / 1000 / walls, 2),
			serverEldMax: probe.eld.max,
			errors: report.errors
		});
		await fleet.disconnect();
	}
	const all = storms.map((s) => s.allReadyMs ?? Infinity).sort((a, b) => a - b);
	const median = all[Math.floor(all.length / 2)]!;
	const target: TargetCheck = {
		name: `join storm, ${walls} walls, large room`,
		target: '<= 1.5 s',
		measured: `${fmt(median / 1000, 2)} s (median of ${repeats})`,
		met: Number.isFinite(median) ? median <= 1500 : false
	};
	return {
		name: 'storm',
		data: { walls, sessions, room: LARGE_ROOM_ID, storms },
		targets: [target],
		tables: [
			{
				title: `Join storm: ${walls} walls (${sessions === walls ? 'each its own session' : `${sessions} sessions`}) connect and join the large room at once`,
				head: [
					'storm',
					'all have state s',
					'p50 s',
					'p90 s',
					'joined',
					'state bytes each',
					'server CPU ms per wall',
					'server CPU %',
					'server ELD max ms'
				],
				rows: storms.map((s, i) => [
					String(i + 1),
					fmt(s.allReadyMs === null ? null : s.allReadyMs / 1000, 2),
					fmt((s.readyAfter.p50 ?? NaN) / 1000, 2),
					fmt((s.readyAfter.p90 ?? NaN) / 1000, 2),
					`${s.ready}/${walls}`,
					fmtBytes(s.joinBytes),
					fmt(s.serverCpuMsPerWall, 2),
					fmt(s.serverCpuPct, 0),
					fmt(s.serverEldMax, 0)
				]),
				notes: [
					'from the common start until the wall had the room state (websocket handshake, session check, join, state parsed)',
					"the walls parse the state on the same two cores; a real TV parses on its own, so the server's CPU per wall is what scales"
				]
			}
		]
	};
}
