/**
 * The example client of docs/protocol.md (examples/client.ts) against a real server with a real file store:
 * it joins, its commands are applied once, a retryable failure is retried with the same commandId, and
 * after its connection drops it resends what was unanswered and catches up on what others did meanwhile.
 * The store sits behind a thin wrapper that can hold an append or lose its reply, as a slow or failing
 * Redis would.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../../src/lib/domain';
import { StoreUnavailableError, type EventStore } from '../../server/store/port';
import { connectRoom } from '../../examples/client';
import { waitUntil } from '../support/room-clients';
import { createRoom, join, quote, send, startTestServer, type TestServer } from '../support/test-server';

/** What the next append does: wait for `release` before writing, or write and then report a failure. */
interface StoreFaults {
	hold: { entered: () => void; release: Promise<void> } | null;
	loseNextReply: boolean;
}

function faultyStore(inner: EventStore, faults: StoreFaults): EventStore {
	return {
		listRooms: () => inner.listRooms(),
		head: (roomId) => inner.head(roomId),
		async append(roomId, expectedVersion, id, events, epoch, after, digest) {
			const hold = faults.hold;
			faults.hold = null;
			if (hold) {
				hold.entered();
				await hold.release;
			}
			const result = await inner.append(roomId, expectedVersion, id, events, epoch, after, digest);
			if (faults.loseNextReply) {
				faults.loseNextReply = false;
				throw new StoreUnavailableError('Redis is unavailable (append: command timed out); try again');
			}
			return result;
		},
		readFrom: (roomId, afterVersion, limit) => inner.readFrom(roomId, afterVersion, limit),
		lookupCommand: (roomId, id) => inner.lookupCommand(roomId, id),
		saveSnapshot: (roomId, snapshot) => inner.saveSnapshot(roomId, snapshot),
		loadSnapshot: (roomId) => inner.loadSnapshot(roomId),
		deleteRoom: (roomId) => inner.deleteRoom(roomId),
		close: () => inner.close()
	};
}

const ASSESS: Command = { type: 'touchpoint.assess', touchpointId: 'form', maturity: 'broken', evidence: '62% abandon the form' };

let server: TestServer;
let faults: StoreFaults;
let example: ReturnType<typeof connectRoom> | null = null;
/** What the example printed, one line per step. */
let lines: string[];

beforeEach(async () => {
	faults = { hold: null, loseNextReply: false };
	server = await startTestServer({ wrapStore: (store) => faultyStore(store, faults) });
	lines = [];
});
afterEach(async () => {
	example?.close();
	example = null;
	await server.close();
});

/** A room set up by Alice (a facilitator), and the example client joined to it as a contributor. */
async function joinedExample(roomId: string) {
	const alice = await server.client('Alice');
	await createRoom(alice, roomId);
	const token = await server.access.grantDirectly(roomId, 'contributor', 'Example');
	example = connectRoom(server.url, token, roomId, (line) => lines.push(line));
	await waitUntil(() => lines.some((l) => l.startsWith(`joined ${roomId} as contributor (snapshot)`)), 'the example to join');
	return { alice, example };
}

/** How many verbatims in the example's copy of the room carry `text`. */
const quotes = (client: ReturnType<typeof connectRoom>, text: string) =>
	client.room.state?.complaints['cant-open']?.verbatims.filter((v) => v.text === text).length ?? 0;

/** Closes the example's connection from the server's side, as a dropped network would, and waits until it noticed. */
async function dropConnection(client: ReturnType<typeof connectRoom>): Promise<void> {
	const id = client.socket.id;
	server.app.io.sockets.sockets.get(id ?? '')?.conn.close();
	await waitUntil(() => lines.some((l) => l.startsWith('disconnected:')), 'the example to notice the drop');
}

describe('the example client (examples/client.ts)', () => {
	it('joins, and its command is applied once and shows in its state', async () => {
		const { example } = await joinedExample('r1');
		const result = await example.send(quote('The form lost my answers.', 1));
		expect(result).toMatchObject({ ok: true, duplicate: false });
		expect(quotes(example, 'The form lost my answers.')).toBe(1);
		expect(lines).toContain(`command complaint.quote applied at version ${example.room.state?.version}`);
	});

	it('retries a retryable failure with the same commandId, so the command takes effect once', async () => {
		const { alice, example } = await joinedExample('r2');
		faults.loseNextReply = true;
		const result = await example.send(quote('Written, then the reply was lost.', 2));
		// The first try was written and answered `unavailable`; the resend is recognised by its commandId.
		expect(result).toMatchObject({ ok: true, duplicate: true });
		expect(quotes(example, 'Written, then the reply was lost.')).toBe(1);
		const seen = await join(alice, 'r2');
		if (!seen.ok || seen.mode !== 'snapshot') throw new Error('expected a snapshot');
		expect(
			seen.state.complaints['cant-open']!.verbatims.filter((v) => v.text === 'Written, then the reply was lost.')
		).toHaveLength(1);
	});

	it('after a dropped connection, resends its unanswered command and catches up on what another client sent', async () => {
		const { alice, example } = await joinedExample('r3');
		const before = example.room.state!.version;
		let entered: () => void = () => {};
		const inStore = new Promise<void>((resolve) => (entered = resolve));
		let release: () => void = () => {};
		faults.hold = { entered, release: new Promise<void>((resolve) => (release = resolve)) };

		// The example's command reaches the store; the connection drops before its answer can come back.
		const sent = example.send(quote('Sent just before the train went into a tunnel.', 3));
		await inStore;
		await dropConnection(example);
		release();
		// Meanwhile Alice marks the touchpoint broken; the example is still offline.
		expect(await send(alice, 'r3', ASSESS)).toMatchObject({ ok: true });
		expect(example.socket.connected).toBe(false);

		// It reconnects by itself, catches up from its version, and its resend is recognised by its commandId.
		expect(await sent).toMatchObject({ ok: true, duplicate: true });
		await waitUntil(
			() => example.room.state?.touchpoints.form?.maturity === 'broken',
			"the example to catch up on Alice's change"
		);
		const dropped = lines.findIndex((l) => l.startsWith('disconnected:'));
		const rejoined = lines.findIndex((l, i) => i > dropped && l.startsWith('joined r3 as contributor (events)'));
		const alicesEvent = lines.findIndex((l) => /^event \d+ touchpoint.assessed by Alice$/.test(l));
		expect(rejoined).toBeGreaterThan(dropped);
		expect(alicesEvent).toBeGreaterThan(dropped);
		expect(alicesEvent).toBeLessThan(rejoined);
		expect(example.room.state!.version).toBe(before + 2);
		expect(quotes(example, 'Sent just before the train went into a tunnel.')).toBe(1);
	});
});
