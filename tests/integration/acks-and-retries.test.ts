/**
 * What a client is told, and when: an acknowledgement comes after the broadcast that carries its events;
 * a refusal says what is true and what to do next; a failed join leaves a socket in the room it was in;
 * the browser's room store retries what it is told to retry and keeps a command in its outbox until its
 * state shows it. A real server with a real file store, behind a thin wrapper that makes the store fail on
 * demand, as a store does when Redis stops answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandResult, RoomEventsMessage } from '../../src/lib/protocol';
import { StoreUnavailableError, type EventStore } from '../../server/store/port';
import { roomClient, waitUntil, type RoomClient } from '../support/room-clients';
import {
	commandId,
	createRoom,
	join,
	quote,
	send,
	startTestServer,
	type TestServer,
	type TestSocket
} from '../support/test-server';

/** Store faults a test turns on: the next reads fail, or appends are written and then reported as failed. */
interface Faults {
	failReads: number;
	/** commandIds whose append is written, and then answered with a store failure (a reply lost after the write). */
	lostReplies: Set<string>;
}

function faulty(inner: EventStore, faults: Faults): EventStore {
	const down = (what: string) => new StoreUnavailableError(`Redis is unavailable (${what}: command timed out); try again`);
	return {
		listRooms: () => inner.listRooms(),
		head: (roomId) => inner.head(roomId),
		async append(roomId, expectedVersion, id, events, epoch, after, digest) {
			const result = await inner.append(roomId, expectedVersion, id, events, epoch, after, digest);
			if (faults.lostReplies.delete(id)) throw down('append');
			return result;
		},
		readFrom(roomId, afterVersion, limit) {
			if (faults.failReads > 0) {
				faults.failReads--;
				return Promise.reject(down('read'));
			}
			return inner.readFrom(roomId, afterVersion, limit);
		},
		lookupCommand: (roomId, id) => inner.lookupCommand(roomId, id),
		saveSnapshot: (roomId, snapshot) => inner.saveSnapshot(roomId, snapshot),
		loadSnapshot: (roomId) => inner.loadSnapshot(roomId),
		deleteRoom: (roomId) => inner.deleteRoom(roomId),
		close: () => inner.close()
	};
}

/** Commands one connection may send in 5 seconds in these tests. */
const RATE_LIMIT = 10;
let server: TestServer;
const faults: Faults = { failReads: 0, lostReplies: new Set() };

beforeAll(async () => {
	server = await startTestServer({ wrapStore: (store) => faulty(store, faults), commandRateLimit: RATE_LIMIT });
});

afterAll(async () => {
	await server?.close();
});

/**
 * A facilitator's socket, joined to a fresh room with a stage, a touchpoint and a complaint category; the
 * room was set up by another connection, so this one has its whole rate limit ahead of it.
 */
async function roomWith(roomId: string): Promise<TestSocket> {
	await createRoom(await server.client('Setup'), roomId);
	const socket = await server.client('Fay');
	expect((await join(socket, roomId)).ok).toBe(true);
	return socket;
}

/** The browser's room store, for a facilitator, live in `roomId`. */
async function liveStore(roomId: string): Promise<RoomClient> {
	const token = await server.access.grantDirectly(roomId, 'facilitator', 'Flo');
	const client = roomClient(server.url, roomId, token, 'Flo');
	await waitUntil(() => client.store.connection === 'live', 'the room store to join');
	return client;
}

describe('acknowledgements', () => {
	it('reach the sender after the broadcast that carries the command, in a batch of several', async () => {
		const socket = await roomWith('r1');
		const seen: string[] = [];
		const heard = new Set<number>();
		socket.on('room:events', (m: RoomEventsMessage) => {
			for (const e of m.events) heard.add(e.v);
			seen.push(`events ${m.events.map((e) => e.v).join(',')}`);
		});
		const acks = await Promise.all(
			Array.from(
				{ length: 8 },
				(_, n) =>
					new Promise<{ result: CommandResult; heardFirst: boolean }>((resolve) => {
						socket
							.timeout(10_000)
							.emit('command', { roomId: 'r1', commandId: commandId(), command: quote(`Batch ${n}`, n) }, (err, result) => {
								if (err) throw err;
								seen.push(`ack ${result.ok ? result.version : result.code}`);
								resolve({ result, heardFirst: result.ok && heard.has(result.version) });
							});
					})
			)
		);
		expect(acks.every((a) => a.result.ok)).toBe(true);
		// Several commands were decided together (one broadcast for more than one of them) ...
		expect(seen.some((line) => line.startsWith('events ') && line.includes(','))).toBe(true);
		// ... and no sender heard of its version before the events that carry it.
		expect(
			acks.filter((a) => !a.heardFirst).map((a) => a.result),
			seen.join('; ')
		).toEqual([]);
	});
});

describe('refusals say what is true', () => {
	it('a command written but whose save was not confirmed is not called unapplied, and its resend is a duplicate', async () => {
		const socket = await roomWith('r2');
		const id = commandId();
		faults.lostReplies.add(id);
		const command = quote('Written, reply lost', 1);
		const first = await send(socket, 'r2', command, id);
		expect(first).toMatchObject({ ok: false, code: 'unavailable' });
		const message = first.ok ? '' : first.message;
		expect(message).not.toMatch(/nothing was applied/i);
		expect(message).toMatch(/may or may not have been applied/);
		expect(message).toMatch(/same commandId/);

		const resend = await send(socket, 'r2', command, id);
		expect(resend).toMatchObject({ ok: true, duplicate: true });
	});

	it('a rate-limited command is said not to be applied, and what to do: wait, then resend with the same commandId', async () => {
		const socket = await roomWith('r3');
		const answers = await Promise.all(
			Array.from({ length: RATE_LIMIT + 2 }, (_, n) => send(socket, 'r3', quote(`Flood ${n}`, n)))
		);
		const limited = answers.find((a) => !a.ok && a.code === 'rate_limited');
		expect(limited).toBeDefined();
		const message = limited && !limited.ok ? limited.message : '';
		expect(message).not.toMatch(/will be retried/);
		expect(message).toMatch(/not applied/);
		expect(message).toMatch(/Wait a few seconds, then send it again with the same commandId/);
	});

	it('the browser room store waits and resends rate-limited commands with their commandId, each applied once', async () => {
		const setup = await roomWith('r4');
		const client = await liveStore('r4');
		try {
			const start = client.store.version;
			const burst = RATE_LIMIT + 5;
			const notices = new Set<string>();
			const watch = setInterval(() => client.store.error && notices.add(client.store.error), 20);
			const results = await Promise.all(
				Array.from({ length: burst }, (_, n) => client.store.send(quote(`Burst ${n}`, n)))
			).finally(() => clearInterval(watch));
			// While it waited, the page said so in its own words (the server's message is for protocol clients).
			expect(notices).toContain('Too many changes at once: this page sends the rest again in a few seconds.');
			expect(results.filter((r) => !r.ok)).toEqual([]);
			expect(results.filter((r) => r.ok && r.duplicate)).toEqual([]);
			expect(client.store.version).toBe(start + burst);
			const joined = await join(setup, 'r4');
			const applied = joined.ok && joined.mode === 'snapshot' ? joined.state.version : 0;
			expect(applied).toBe(start + burst);
		} finally {
			client.close();
		}
	}, 30_000);
});

describe('a failed join', () => {
	it('leaves a socket that was in the room in it: events keep coming and its commands are accepted', async () => {
		const writer = await roomWith('r5');
		const reader = await server.client('Rae');
		const joined = await join(reader, 'r5');
		expect(joined.ok).toBe(true);
		const since = joined.ok ? { version: joined.mode === 'snapshot' ? joined.state.version : 0, epoch: joined.epoch } : undefined;

		// The store stops answering for a moment, as Redis does while it comes back: the catch-up join fails.
		faults.failReads = 1;
		expect(await join(reader, 'r5', since)).toMatchObject({ ok: false, code: 'unavailable' });

		const heard = new Promise<RoomEventsMessage>((resolve) => reader.once('room:events', resolve));
		expect(await send(writer, 'r5', quote('After the failed join', 1))).toMatchObject({ ok: true });
		expect((await heard).events).toHaveLength(1);
		expect(await send(reader, 'r5', quote('From the reader', 2))).toMatchObject({ ok: true });
	});

	it('leaves a socket that was not in the room out of it', async () => {
		const writer = await roomWith('r6');
		const stranger = await server.client('Sam');
		faults.failReads = 1;
		expect(await join(stranger, 'r6')).toMatchObject({ ok: false, code: 'unavailable' });
		expect(await send(stranger, 'r6', quote('Not joined', 1))).toMatchObject({ ok: false, code: 'unauthenticated' });
		let heard = false;
		stranger.on('room:events', () => (heard = true));
		expect(await send(writer, 'r6', quote('Not for the stranger', 2))).toMatchObject({ ok: true });
		await join(writer, 'r6');
		expect(heard).toBe(false);
	});

	it('is retried by the browser room store, which stays in the room and keeps sending meanwhile', async () => {
		const writer = await roomWith('multi');
		const client = await liveStore('multi');
		try {
			// Three catch-up joins in a row fail; the store backs off and tries again by itself.
			faults.failReads = 3;
			server.app.announceStale();
			await waitUntil(() => faults.failReads === 0, 'the failing joins');
			const own = await client.store.send(quote('Sent while catching up', 1));
			expect(own.ok).toBe(true);
			const other = await send(writer, 'multi', quote('From the writer', 2));
			await waitUntil(() => other.ok && client.store.version >= other.version, "the writer's command to reach the store");
			expect(client.store.outbox).toEqual([]);
		} finally {
			client.close();
		}
	}, 30_000);
});

describe('the browser room store', () => {
	it('keeps an acknowledged command in its outbox until its state holds the command', async () => {
		await roomWith('x');
		const client = await liveStore('x');
		try {
			const before = client.store.version;
			// The batch's read and the re-read after it fail: the command is written and acknowledged, but
			// the server cannot broadcast it, so the ack arrives with no events.
			faults.failReads = 2;
			let settledAt: number | null = null;
			const done = client.store.send(quote('Acknowledged before it is seen', 1)).then((result) => {
				settledAt = client.store.version;
				return result;
			});
			await waitUntil(() => faults.failReads === 0, 'the failing reads');
			await new Promise((resolve) => setTimeout(resolve, 300));
			expect(client.store.outbox).toHaveLength(1);
			expect(settledAt).toBeNull();
			// Catching up (as after room:stale) brings the events; only then is the command settled.
			server.app.announceStale();
			const result = await done;
			expect(result).toMatchObject({ ok: true, version: before + 1 });
			expect(settledAt).toBe(before + 1);
			expect(client.store.outbox).toEqual([]);
		} finally {
			client.close();
		}
	}, 30_000);
});
