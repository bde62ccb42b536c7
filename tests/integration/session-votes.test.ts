/**
 * Taking part from one's own device (issue 20): checking in and voting over real sockets. The point of a
 * hidden vote is that nobody is anchored by the counts, so the test listens to everything each audience
 * is sent (broadcasts and a fresh join's snapshot) and checks that no ballot and no count reaches anyone,
 * the facilitator included, before the reveal; after it, every audience has the same ranked results.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { RoomEventsMessage } from '../../src/lib/protocol';
import { startTestServer, join, send, recordEvents, nextEvents, type TestServer, type TestSocket } from '../support/test-server';
import { seedRoom } from '../support/seed-room';

const ROOM = 'votes-room';
let server: TestServer;
let fran: TestSocket;
let cole: TestSocket;
let vera: TestSocket;
let wes: TestSocket;
const heard = new Map<string, RoomEventsMessage[]>();

const ITEMS = [
	{ kind: 'touchpoint', id: 'tp-1' },
	{ kind: 'complaint', id: 'cat-1' },
	{ kind: 'kpi', id: 'kpi-1' }
] as const;

async function guest(name: string): Promise<TestSocket> {
	const { token } = await server.access.makeGuestLink(ROOM, 'viewer', { ttlMs: 60_000, uses: null, createdBy: 'Fran' });
	const joined = await server.access.join(token, name, null);
	if (!joined.ok) throw new Error(joined.message);
	const socket: TestSocket = connect(server.url, {
		transports: ['websocket'],
		auth: { token: joined.token },
		forceNew: true,
		reconnection: false
	});
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', reject);
	});
	return socket;
}

beforeAll(async () => {
	server = await startTestServer();
	fran = await server.client('Fran Facilitator', { [ROOM]: 'facilitator' });
	await seedRoom(fran, ROOM, [{ type: 'session.start', sessionId: 'march', title: 'March session', agenda: [] }]);
	cole = await server.client('Cole Contributor', { [ROOM]: 'contributor' });
	vera = await server.client('Vera Viewer', { [ROOM]: 'viewer' });
	wes = await guest('Wes Guest');
	for (const [name, socket] of [
		['fran', fran],
		['cole', cole],
		['vera', vera],
		['wes', wes]
	] as const) {
		if (name !== 'fran') expect(await join(socket, ROOM)).toMatchObject({ ok: true });
		heard.set(name, recordEvents(socket));
	}
}, 60_000);

afterAll(async () => {
	wes?.disconnect();
	await server?.close();
});

/** Everything an audience has been sent, as text: where a count or a choice would show. */
const everythingSent = (name: string) => JSON.stringify(heard.get(name));

describe('checking in and voting from one’s own device', () => {
	it('a viewer checks in with one command and is on the attendance; a guest link cannot', async () => {
		const seen = nextEvents(fran, (m) => m.events.some((e) => e.event.type === 'session.checkedIn'));
		expect(await send(vera, ROOM, { type: 'session.checkIn' })).toMatchObject({ ok: true });
		const checkedIn = (await seen).events.find((e) => e.event.type === 'session.checkedIn')!;
		expect(checkedIn.event).toMatchObject({ checkIn: { name: 'Vera Viewer' } });
		const state = await server.app.engine.state(ROOM);
		expect(state?.session?.attendees).toContain('Vera Viewer');
		expect(state?.session?.checkIns.map((c) => c.name)).toEqual(['Vera Viewer']);

		const refused = await send(wes, ROOM, { type: 'session.checkIn' });
		expect(refused).toMatchObject({ ok: false, code: 'forbidden' });
		expect(await send(vera, ROOM, { type: 'session.checkIn' })).toMatchObject({ ok: false, code: 'conflict' });
	});

	it('keeps every ballot and every count from every audience until the reveal, then ranks the same everywhere', async () => {
		expect(
			await send(fran, ROOM, {
				type: 'vote.open',
				voteId: 'v1',
				stageId: null,
				items: [...ITEMS],
				votesEach: 3,
				severalOnOne: true
			})
		).toMatchObject({ ok: true });
		// Cole puts all three on the KPI; Vera two on the KPI, one on the complaints; Fran one on the touchpoint.
		const ballots: Array<[TestSocket, number[]]> = [
			[cole, [0, 0, 3]],
			[vera, [0, 1, 2]],
			[fran, [1, 0, 0]]
		];
		for (const [socket, counts] of ballots) {
			expect(await send(socket, ROOM, { type: 'vote.cast', voteId: 'v1', counts })).toMatchObject({ ok: true });
		}
		// A guest's ballot is refused, and a ballot over the allowance too.
		expect(await send(wes, ROOM, { type: 'vote.cast', voteId: 'v1', counts: [1, 0, 0] })).toMatchObject({
			ok: false,
			code: 'forbidden'
		});
		expect(await send(cole, ROOM, { type: 'vote.cast', voteId: 'v1', counts: [2, 2, 0] })).toMatchObject({
			ok: false,
			code: 'rule_violation'
		});
		// Each audience heard that three people voted, and nothing of what they chose.
		await new Promise((resolve) => setTimeout(resolve, 200));
		for (const name of ['fran', 'cole', 'vera', 'wes']) {
			const sent = heard
				.get(name)!
				.flatMap((m) => m.events)
				.filter((e) => e.event.type === 'vote.cast');
			expect(sent.length, name).toBe(3);
			for (const e of sent) expect(e.event, name).toMatchObject({ ballot: null });
			expect(everythingSent(name), name).not.toMatch(/"counts"|"results":\[\{/);
		}
		// A fresh join (a snapshot) holds who voted, not what.
		const late = await server.client('Late Facilitator', { [ROOM]: 'facilitator' });
		const joined = await join(late, ROOM);
		if (!joined.ok || joined.mode !== 'snapshot') throw new Error('expected a snapshot');
		const vote = joined.state.session!.votes[0]!;
		expect(vote.voters).toHaveLength(3);
		expect(vote.ballots).toEqual({});
		expect(vote.results).toBeNull();
		// The server holds the ballots.
		expect(Object.keys((await server.app.engine.state(ROOM))!.session!.votes[0]!.ballots)).toHaveLength(3);

		const revealed = Promise.all(
			[vera, wes].map((s) => nextEvents(s, (m) => m.events.some((e) => e.event.type === 'vote.revealed')))
		);
		expect(await send(fran, ROOM, { type: 'vote.reveal', voteId: 'v1' })).toMatchObject({ ok: true });
		for (const message of await revealed) {
			const event = message.events.find((e) => e.event.type === 'vote.revealed')!.event;
			if (event.type !== 'vote.revealed') throw new Error('not a reveal');
			expect(event.results.map((r) => [r.id, r.votes, r.voters])).toEqual([
				['kpi-1', 5, 2],
				['tp-1', 1, 1],
				['cat-1', 1, 1]
			]);
			// Anonymous by default: no names with the results.
			expect(event.results.every((r) => r.names === undefined)).toBe(true);
		}
		expect(await send(cole, ROOM, { type: 'vote.cast', voteId: 'v1', counts: [1, 0, 0] })).toMatchObject({
			ok: false,
			code: 'conflict'
		});
		late.disconnect();
	});

	it('names who voted for what only when the room says so', async () => {
		const settings = (await server.app.engine.state(ROOM))!.meta!.settings;
		expect(
			await send(fran, ROOM, { type: 'room.configure', patch: { settings: { ...settings, namedVotes: true } } })
		).toMatchObject({
			ok: true
		});
		await send(fran, ROOM, {
			type: 'vote.open',
			voteId: 'v2',
			stageId: null,
			items: [ITEMS[0], ITEMS[1]],
			votesEach: 1,
			severalOnOne: false
		});
		await send(cole, ROOM, { type: 'vote.cast', voteId: 'v2', counts: [0, 1] });
		expect(await send(fran, ROOM, { type: 'vote.reveal', voteId: 'v2' })).toMatchObject({ ok: true });
		const vote = (await server.app.engine.state(ROOM))!.session!.votes[1]!;
		expect(vote.results?.[0]).toMatchObject({ id: 'cat-1', votes: 1, names: [{ name: 'Cole Contributor', votes: 1 }] });
	});
});
