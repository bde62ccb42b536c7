import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evolveAll, type RoomState } from '../../src/lib/domain';
import { WIRE_LIMITS } from '../../src/lib/protocol';
import {
	commandId,
	createRoom,
	join,
	nextEvents,
	quote,
	send,
	startTestServer,
	stateHash,
	type TestServer
} from '../support/test-server';

let server: TestServer;
beforeEach(async () => {
	server = await startTestServer();
});
afterEach(async () => {
	await server.close();
});

async function joinedState(socket: Awaited<ReturnType<TestServer['client']>>, roomId: string) {
	const result = await join(socket, roomId);
	if (!result.ok || result.mode !== 'snapshot') throw new Error('expected a snapshot join');
	return { state: result.state, epoch: result.epoch };
}

describe('live sync between real socket.io clients', () => {
	it('delivers a command from one client to the other with the next version', async () => {
		const alice = await server.client('Alice');
		await createRoom(alice, 'r1');
		const bob = await server.client('Bob');
		const { state: before } = await joinedState(bob, 'r1');

		const arriving = nextEvents(bob);
		const result = await send(alice, 'r1', {
			type: 'touchpoint.assess',
			touchpointId: 'form',
			maturity: 'broken',
			evidence: '62% abandon at the ID upload step'
		});
		expect(result).toEqual({ ok: true, version: before.version + 1, duplicate: false });

		const message = await arriving;
		expect(message.events).toHaveLength(1);
		expect(message.events[0]!.v).toBe(before.version + 1);
		expect(message.events[0]!.actor.name).toBe('Alice');
		const after = evolveAll(before, message.events);
		expect(after.touchpoints.form!.maturity).toBe('broken');
		expect(after.touchpoints.form!.history[0]!.by).toBe('Alice');
	});

	it('applies a resent commandId once and answers with the first result', async () => {
		const alice = await server.client('Alice');
		await createRoom(alice, 'r2');
		const id = commandId();
		const command = quote('The form timed out three times.', 1);
		const first = await send(alice, 'r2', command, id);
		const again = await send(alice, 'r2', command, id);
		const concurrent = await Promise.all([send(alice, 'r2', command, id), send(alice, 'r2', command, id)]);

		expect(first).toMatchObject({ ok: true, duplicate: false });
		for (const r of [again, ...concurrent]) {
			expect(r).toEqual({ ok: true, version: (first as { version: number }).version, duplicate: true });
		}
		const state = (await server.app.engine.state('r2'))!;
		expect(state.complaints['cant-open']!.verbatims).toHaveLength(1);
		expect(state.version).toBe((first as { version: number }).version);
	});

	it('catches a client up after it missed 50 events, to an identical state', async () => {
		const alice = await server.client('Alice');
		await createRoom(alice, 'r3');
		const bob = await server.client('Bob');
		const { state: bobState, epoch } = await joinedState(bob, 'r3');
		bob.disconnect();

		for (let i = 0; i < 50; i++) {
			const r = await send(alice, 'r3', quote(`Complaint number ${i}`, i));
			expect(r.ok).toBe(true);
		}

		const bobAgain = await server.client('Bob');
		const caughtUp = await join(bobAgain, 'r3', { version: bobState.version, epoch });
		if (!caughtUp.ok || caughtUp.mode !== 'events') throw new Error('expected events since the last version');
		expect(caughtUp.events).toHaveLength(50);
		expect(caughtUp.events.map((e) => e.v)).toEqual(Array.from({ length: 50 }, (_, i) => bobState.version + 1 + i));
		const rebuilt: RoomState = evolveAll(bobState, caughtUp.events);
		const serverState = (await server.app.engine.state('r3'))!;
		expect(stateHash(rebuilt)).toBe(stateHash(serverState));
	});

	it('sends a snapshot when the epoch is unknown', async () => {
		const alice = await server.client('Alice');
		await createRoom(alice, 'r4');
		const result = await join(alice, 'r4', { version: 1, epoch: 'some-other-epoch' });
		expect(result).toMatchObject({ ok: true, mode: 'snapshot' });
		const unknown = await join(alice, 'no-such-room');
		expect(unknown).toMatchObject({ ok: false, code: 'unknown_room' });
	});

	it('sends events to a client a little behind, and a snapshot to one too far behind to catch up by events', async () => {
		const alice = await server.client('Alice');
		await createRoom(alice, 'x');
		const { state: start, epoch } = await joinedState(alice, 'x');
		// More events than a catch-up may carry, written straight through the engine (no rate limit).
		const actor = { id: 'writer', name: 'Writer', role: 'facilitator' as const };
		const total = WIRE_LIMITS.maxCatchUpEvents + 1;
		for (let from = 0; from < total; from += 250) {
			const batch = Array.from({ length: Math.min(250, total - from) }, (_, k) =>
				server.app.engine.execute('x', commandId(), quote(`Behind ${from + k}`, from + k), actor)
			);
			expect((await Promise.all(batch)).every((r) => r.ok)).toBe(true);
		}
		const latest = start.version + WIRE_LIMITS.maxCatchUpEvents + 1;

		const near = await join(alice, 'x', { version: latest - 10, epoch });
		expect(near).toMatchObject({ ok: true, mode: 'events' });
		if (near.ok && near.mode === 'events')
			expect(near.events.map((e) => e.v)).toEqual(Array.from({ length: 10 }, (_, i) => latest - 9 + i));

		const far = await join(alice, 'x', { version: start.version, epoch });
		expect(far).toMatchObject({ ok: true, mode: 'snapshot' });
		if (far.ok && far.mode === 'snapshot') expect(far.state.version).toBe(latest);
	}, 60_000);

	it('refuses commands to a room the socket has not joined, and rule violations with a reason', async () => {
		const alice = await server.client('Alice');
		await createRoom(alice, 'r5');
		const mallory = await server.client('Mallory');
		expect(await send(mallory, 'r5', quote('x', 1))).toMatchObject({ ok: false, code: 'unauthenticated' });

		const oneDepartment = await send(alice, 'r5', {
			type: 'team.charter',
			teamId: 'solo',
			name: 'Just IT',
			problem: 'Form crashes',
			stageId: 'apply',
			links: { touchpoints: ['form'], complaints: [], kpis: [], surveys: [] },
			members: [
				{ name: 'Ann', department: 'IT' },
				{ name: 'Raj', department: 'IT' }
			],
			sponsor: 'CIO',
			dueDate: null,
			baseline: '',
			target: ''
		});
		expect(oneDepartment).toMatchObject({ ok: false, code: 'rule_violation' });
		expect((oneDepartment as { message: string }).message).toMatch(/at least two departments/);
	});

	it('orders events from many concurrent senders with no gaps for every client', async () => {
		const alice = await server.client('Alice');
		await createRoom(alice, 'r6');
		const clients = await Promise.all([server.client('B'), server.client('C'), server.client('D')]);
		const states = [];
		for (const c of clients) states.push(await joinedState(c, 'r6'));
		const received = clients.map((c) => {
			const versions: number[] = [];
			c.on('room:events', (m) => versions.push(...m.events.map((e) => e.v)));
			return versions;
		});
		const start = states[0]!.state.version;
		const results = await Promise.all(
			Array.from({ length: 60 }, (_, i) => send(clients[i % 3]!, 'r6', quote(`Concurrent ${i}`, 1000 + i)))
		);
		expect(results.every((r) => r.ok)).toBe(true);
		const expected = Array.from({ length: 60 }, (_, i) => start + 1 + i);
		// Each client has all 60 once the last broadcast reaches it; waiting for that, not for a fixed time.
		for (const versions of received) await expect.poll(() => versions.length, { timeout: 5_000 }).toBe(60);
		for (const versions of received) expect(versions).toEqual(expected);
	});
});
