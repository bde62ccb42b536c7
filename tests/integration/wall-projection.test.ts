/**
 * What a wall is sent, checked at the socket: a connection that joins as a wall (the wall page does) gets
 * the wall projection (no quotes beyond the few a wall shows, no older maturity changes or team updates,
 * no past sessions, no rules or review queue), while a facilitator's ordinary join keeps all of it. A wall
 * catching up from its version gets events, folds them, and still holds what the server would project;
 * a connection that changes how it joins gets a whole snapshot of its new projection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, evolve, projectState, type Command, type RoomState } from '../../src/lib/domain';
import type { JoinResult } from '../../src/lib/protocol';
import { createRoom, nextEvents, send, startTestServer, type TestServer, type TestSocket } from '../support/test-server';

const ROOM = 'wallproj';
let server: TestServer;
let facilitator: TestSocket;

const joinAs = (socket: TestSocket, as?: 'wall', since?: { version: number; epoch: string }): Promise<JoinResult> =>
	socket.timeout(10_000).emitWithAck('room:join', as ? { roomId: ROOM, since, as } : { roomId: ROOM, since });

async function run(command: Command): Promise<number> {
	const result = await send(facilitator, ROOM, command);
	if (!result.ok) throw new Error(`${command.type}: ${result.message}`);
	return result.version;
}

const quote = (i: number, segment: string | null = null): Command => ({
	type: 'complaint.quote',
	categoryId: 'cant-open',
	verbatim: {
		id: `q-${i}`,
		text: `Quote number ${i}.`,
		date: `2026-10-${String(10 + i).padStart(2, '0')}`,
		channel: 'Web',
		segment
	}
});

async function serverState(): Promise<RoomState> {
	const state = await server.app.engine.state(ROOM);
	if (!state) throw new Error('no room');
	return state;
}

function snapshotOf(result: JoinResult): RoomState {
	if (!result.ok || result.mode !== 'snapshot')
		throw new Error(`expected a snapshot, got ${JSON.stringify(result).slice(0, 200)}`);
	return result.state;
}

beforeAll(async () => {
	server = await startTestServer();
	facilitator = await server.client('Fran', { [ROOM]: 'facilitator' });
	await createRoom(facilitator, ROOM);
	for (let i = 0; i < 8; i++) await run(quote(i, i % 2 ? 'SME' : null));
	for (const maturity of ['broken', 'reliable', 'differentiating'] as const) {
		await run({ type: 'touchpoint.assess', touchpointId: 'form', maturity, evidence: `Now ${maturity}` });
	}
	await run({ type: 'rule.save', ruleId: 'rule-1', categoryId: 'cant-open', all: ['account'], any: [], none: [] });
	await run({ type: 'session.start', sessionId: 's-1', title: 'January', agenda: [] });
	await run({ type: 'session.end' });
	await run({ type: 'session.start', sessionId: 's-2', title: 'February', agenda: [] });
}, 60_000);

afterAll(async () => {
	await server?.close();
});

describe('the wall projection at the socket', () => {
	it("a wall's join answer lacks what no wall shows; a facilitator's keeps it", async () => {
		const full = snapshotOf(await joinAs(await server.client('Fran on a laptop', { [ROOM]: 'facilitator' })));
		const wallJoin = await joinAs(await server.client('Fran on the big screen', { [ROOM]: 'facilitator' }), 'wall');
		const wall = snapshotOf(wallJoin);
		const viewerWall = snapshotOf(await joinAs(await server.client('Vic', { [ROOM]: 'viewer' }), 'wall'));

		expect(wallJoin.ok && wallJoin.audience).toBe('wall');
		expect(full.complaints['cant-open']!.verbatims).toHaveLength(8);
		expect(full.touchpoints.form!.history).toHaveLength(3);
		expect(full.pastSessions.map((s) => s.id)).toEqual(['s-1']);
		expect(full.rules).toHaveLength(1);
		for (const state of [wall, viewerWall]) {
			// The two newest, and the two newest of the SME segment (a wall can show that segment alone).
			expect(state.complaints['cant-open']!.verbatims.map((v) => v.id)).toEqual(['q-7', 'q-6', 'q-5']);
			expect(state.touchpoints.form!.history.map((h) => h.to)).toEqual(['differentiating']);
			expect(state.pastSessions).toEqual([]);
			expect(state.rules).toEqual([]);
			expect(state.session?.id).toBe('s-2');
			expect(canonicalJson(state)).toBe(canonicalJson(projectState(await serverState(), 'wall')));
		}
		expect(JSON.stringify(wall).length).toBeLessThan(JSON.stringify(full).length);
	});

	it('a wall folds live events and catches up from its version as a wall; changing how it joins sends a snapshot', async () => {
		const socket = await server.client('Vic on the TV', { [ROOM]: 'viewer' });
		const joined = await joinAs(socket, 'wall');
		let copy = snapshotOf(joined);
		const epoch = joined.ok ? joined.epoch : '';
		expect(joined.ok && joined.audience).toBe('wall');

		// A live quote, folded on the wall's copy as the wall page folds it.
		const live = nextEvents(socket, (m) => m.events.some((e) => e.event.type === 'complaint.quoted'));
		await run(quote(20, 'SME'));
		for (const recorded of (await live).events) {
			expect(recorded.v).toBe(copy.version + 1);
			copy = evolve(copy, recorded);
		}
		const project = (s: RoomState) => canonicalJson(projectState(s, 'wall'));
		expect(project(copy)).toBe(project(await serverState()));
		expect(copy.complaints['cant-open']!.verbatims[0]!.id).toBe('q-20');

		// Away for a while, then back from its version: the missed events, not the whole state.
		const since = { version: copy.version, epoch };
		await run(quote(21));
		await run({ type: 'touchpoint.assess', touchpointId: 'form', maturity: 'broken', evidence: 'Down again' });
		const caughtUp = await joinAs(socket, 'wall', since);
		if (!caughtUp.ok || caughtUp.mode !== 'events')
			throw new Error(`expected events, got ${JSON.stringify(caughtUp).slice(0, 200)}`);
		for (const recorded of caughtUp.events) copy = evolve(copy, recorded);
		expect(project(copy)).toBe(project(await serverState()));
		expect(copy.touchpoints.form!.history[0]!.evidence).toBe('Down again');

		// The same connection joining as a laptop gets the whole room again.
		const asLaptop = await joinAs(socket, undefined, since);
		expect(asLaptop.ok && asLaptop.audience).toBe('viewer');
		expect(snapshotOf(asLaptop).complaints['cant-open']!.verbatims.length).toBeGreaterThan(3);
	});
});
