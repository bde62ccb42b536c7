/**
 * Join cost for a large room (tests/support/large-room.ts): what a wall pays to get the current state.
 *  - from zero: a new wall joins and receives the whole state (snapshot mode);
 *  - from 100 events behind: a wall that was away while 100 commands landed rejoins from its version and
 *    receives only those events (events mode), then folds them into the state it kept.
 * Bytes are the join answer as JSON (what socket.io sends, less a few bytes of framing); times run from the
 * join request to the state in hand (parsed, events applied), and separately with the connection handshake.
 */
import { evolveAll, type RoomState } from '../../src/lib/domain';
import type { JoinResult } from '../../src/lib/protocol';
import { join, type TestSocket } from '../support/test-server';
import { sessionToken } from '../support/server-process';
import { nowMs } from './clock';
import { connectClient, countCommand } from './clients';
import type { LargeRoomServer } from './large-room-server';
import { LARGE_ROOM_ID } from './large-room-server';
import type { Section } from './report';
import { fmt, fmtBytes, round, roundSummary, summarize } from './stats';

const BEHIND = 100;

interface Sample {
	bytes: number;
	joinMs: number;
	connectJoinMs: number;
}

async function timedJoin(url: string, token: string, since?: { version: number; epoch: string }, base?: RoomState) {
	const t0 = nowMs();
	const socket = await connectClient(url, token, 'Bench wall');
	const t1 = nowMs();
	const result: JoinResult = await join(socket, LARGE_ROOM_ID, since);
	if (!result.ok) throw new Error(`join: ${result.message}`);
	const state = result.mode === 'snapshot' ? result.state : evolveAll(base!, result.events);
	const t2 = nowMs();
	return {
		socket,
		result,
		state,
		sample: { bytes: Buffer.byteLength(JSON.stringify(result)), joinMs: t2 - t1, connectJoinMs: t2 - t0 }
	};
}

function summary(samples: Sample[]) {
	return {
		bytes: samples[0]?.bytes ?? 0,
		joinMs: roundSummary(summarize(samples.map((s) => s.joinMs))),
		connectJoinMs: roundSummary(summarize(samples.map((s) => s.connectJoinMs)))
	};
}

export async function joinCostSection(
	large: LargeRoomServer,
	options: { quick: boolean; log: (m: string) => void }
): Promise<Section> {
	options.log('join cost: large room');
	const deployment = await large.get();
	const url = deployment.urls[0]!;
	const iterations = options.quick ? 5 : 20;
	const wallToken = await sessionToken(url, LARGE_ROOM_ID, 'viewer', 'Bench wall');
	const laptop: TestSocket = await connectClient(url, await sessionToken(url, LARGE_ROOM_ID, 'facilitator', 'Bench laptop'));
	const fromZero: Sample[] = [];
	const behind: Sample[] = [];
	let modeBehind = '';
	let stateVersion = 0;
	try {
		const joined = await join(laptop, LARGE_ROOM_ID);
		if (!joined.ok) throw new Error(joined.message);
		for (let i = 0; i < iterations; i++) {
			const first = await timedJoin(url, wallToken);
			first.socket.disconnect();
			fromZero.push(first.sample);
			if (first.result.ok && first.result.mode === 'snapshot') stateVersion = first.result.state.version;

			// The wall is away while 100 commands land, then rejoins from where it was.
			const batch = `jc-${Date.now().toString(36)}-${i}`;
			await Promise.all(
				Array.from({ length: BEHIND }, async (_, k) => {
					const id = `${batch}-${k}`;
					// Monthly counts: they change figures without growing the room, so every join sees one size.
					const result = await laptop.timeout(10_000).emitWithAck('command', {
						roomId: LARGE_ROOM_ID,
						commandId: id,
						command: countCommand(`cc-${(k % 40) + 1}`, i * BEHIND + k)
					});
					if (!result.ok) throw new Error(`count: ${result.message}`);
				})
			);
			const since = { version: first.state.version, epoch: first.result.ok ? first.result.epoch : '' };
			const again = await timedJoin(url, wallToken, since, first.state);
			again.socket.disconnect();
			if (again.result.ok)
				modeBehind = `${again.result.mode}${again.result.mode === 'events' ? ` (${again.result.events.length})` : ''}`;
			behind.push(again.sample);
		}
	} finally {
		laptop.disconnect();
	}
	const data = {
		room: LARGE_ROOM_ID,
		stateVersion,
		iterations,
		fromZero: summary(fromZero),
		behind100: { ...summary(behind), mode: modeBehind }
	};
	const row = (what: string, s: ReturnType<typeof summary>) => [
		what,
		fmtBytes(s.bytes),
		fmt(s.joinMs.p50, 1),
		fmt(s.joinMs.max, 1),
		fmt(s.connectJoinMs.p50, 1)
	];
	return {
		name: 'join',
		data,
		targets: [],
		tables: [
			{
				title: `Join cost, large room (12 stages, 48 touchpoints, 60 KPIs, ...; ${iterations} joins each, one at a time)`,
				head: ['join', 'bytes', 'join p50 ms', 'join max ms', 'connect + join p50 ms'],
				rows: [
					row('from zero (whole state)', data.fromZero),
					row(`from ${BEHIND} events behind (${modeBehind})`, data.behind100)
				],
				notes: [`bytes ratio behind / zero: ${fmt(round(data.behind100.bytes / data.fromZero.bytes, 3), 3)}`]
			}
		]
	};
}
