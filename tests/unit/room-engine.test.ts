/**
 * The room engine with two instances writing one room, each with its own engine, through the same store:
 * one file store shared in-process, and Redis with a connection per instance (as two server processes have).
 * An instance decides on the state it last knew and sends its appends right behind its read of the log; these
 * tests make that state stale on purpose and check what users would notice: nothing refused that would have
 * been accepted, nothing applied twice, every answer naming the version the log holds, each instance
 * broadcasting only its own events, and both instances ending on the log's state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { evolveAll, emptyRoom, type Command, type RecordedEvent, type RoomState } from '../../src/lib/domain';
import type { CommandResult, RoomEventsMessage } from '../../src/lib/protocol';
import { createRoomEngine } from '../../server/engine/room-engine';
import type { EventStore } from '../../server/store/port';
import { openFileEventStore } from '../../server/store/file/file-event-store';
import { createRedisClient, waitForRedisReady } from '../../server/store/redis/redis-client';
import { openRedisEventStore } from '../../server/store/redis/redis-event-store';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { tempDir } from '../support/temp-dir';
import { quote, stateHash } from '../support/test-server';

const actor = { id: 'fay', name: 'Facilitator Fay', role: 'facilitator' as const };
const silent = { info() {}, warn() {}, error() {} };

interface Instance {
	engine: ReturnType<typeof createRoomEngine>;
	/** Every message this instance broadcast. */
	published: RoomEventsMessage[];
	send(commandId: string, command: Command): Promise<CommandResult>;
}

function instance(store: EventStore): Instance {
	const published: RoomEventsMessage[] = [];
	const engine = createRoomEngine({ store, broadcaster: { publish: (m) => published.push(m) }, log: silent });
	return { engine, published, send: (commandId, command) => engine.execute(ROOM, commandId, command, actor) };
}

const ROOM = 'two-writers';
const stage = (stageId: string): Command => ({
	type: 'stage.add',
	stageId,
	name: `Stage ${stageId}`,
	customerGoal: 'I want it to work'
});
const touchpoint = (touchpointId: string, stageId: string): Command => ({
	type: 'touchpoint.add',
	touchpointId,
	stageId,
	name: `Touchpoint ${touchpointId}`,
	channel: 'Web',
	momentOfTruth: false,
	departments: ['IT'],
	importance: 5,
	performance: 5,
	internalScore: 5
});
const assess = (n: number): Command => ({
	type: 'touchpoint.assess',
	touchpointId: 'form',
	maturity: n % 2 ? 'reliable' : 'broken',
	evidence: `Check ${n}`
});

async function logOf(store: EventStore): Promise<RecordedEvent[]> {
	const read = await store.readFrom(ROOM, 0);
	if (!read.ok) throw new Error('log compacted');
	return read.events as RecordedEvent[];
}

const published = (i: Instance) => i.published.flatMap((m) => m.events.map((e) => e.commandId));

/** The same checks against each kind of store; `stores()` gives the two instances' stores, fresh each time. */
function twoWriters(name: string, stores: () => Promise<[EventStore, EventStore]>) {
	describe(`two instances writing one room (${name})`, () => {
		let storeA: EventStore;
		let storeB: EventStore;
		let a: Instance;
		let b: Instance;

		beforeAll(async () => {
			[storeA, storeB] = await stores();
			a = instance(storeA);
			b = instance(storeB);
			expect((await a.send('create', { type: 'room.create', name: 'Two writers', organisation: 'Test Org' })).ok).toBe(true);
			expect((await a.send('stage-apply', stage('apply'))).ok).toBe(true);
			expect((await a.send('tp-form', touchpoint('form', 'apply'))).ok).toBe(true);
			const category: Command = {
				type: 'complaint.define',
				categoryId: 'cant-open',
				stageId: 'apply',
				touchpointId: null,
				name: "Can't open account",
				departments: ['Operations']
			};
			expect((await a.send('category', category)).ok).toBe(true);
			// B knows the room as it is now; everything A writes from here on is news to B.
			expect((await b.engine.state(ROOM))?.version).toBe(4);
		});

		it('decides again, rather than refusing, a command that refers to what the other instance just added', async () => {
			expect(await a.send('stage-pay', stage('pay'))).toMatchObject({ ok: true, version: 5 });
			// On B's stale state the stage does not exist yet; on the log's state it does.
			expect(await b.send('tp-card', touchpoint('card', 'pay'))).toEqual({ ok: true, version: 6, duplicate: false });
			expect((await logOf(storeB)).map((e) => e.commandId).slice(-2)).toEqual(['stage-pay', 'tp-card']);
		});

		it('retries an append made on a stale state, and broadcasts only its own events', async () => {
			a.published.length = 0;
			b.published.length = 0;
			expect(await a.send('stage-help', stage('help'))).toMatchObject({ ok: true, version: 7 });
			expect(await b.send('stage-leave', stage('leave'))).toEqual({ ok: true, version: 8, duplicate: false });
			expect(published(a)).toEqual(['stage-help']);
			expect(published(b)).toEqual(['stage-leave']);
		});

		it('answers a command already applied through the other instance as a duplicate and never applies it twice', async () => {
			expect(await a.send('assess-once', assess(1))).toMatchObject({ ok: true, version: 9, duplicate: false });
			// Resent through B (a reconnect to another instance): B's state is stale, and the command would
			// decide fine again; so would stage-apply's, which would now be refused as a stage that exists.
			expect(await b.send('assess-once', assess(1))).toEqual({ ok: true, version: 9, duplicate: true });
			expect(await b.send('stage-apply', stage('apply'))).toEqual({ ok: true, version: 2, duplicate: true });
			const ids = (await logOf(storeA)).map((e) => e.commandId);
			expect(ids.filter((id) => id === 'assess-once')).toHaveLength(1);
			expect(ids.filter((id) => id === 'stage-apply')).toHaveLength(1);
			expect(published(b)).not.toContain('assess-once');
		});

		it("never lands a batch's second command on a state it was not decided on", async () => {
			expect((await a.send('stage-gone', stage('gone'))).ok).toBe(true);
			await b.engine.state(ROOM); // B catches up and removes the stage; A does not know yet
			expect((await b.send('remove-gone', { type: 'stage.remove', stageId: 'gone' })).ok).toBe(true);
			// Both decided on A's stale state, in one batch: the first is refused by the version check; the
			// second would find the version it expects (the removal took one event, as the first would have).
			const [first, second] = await Promise.all([
				a.send('tp-gone-1', touchpoint('gone-1', 'gone')),
				a.send('tp-gone-2', touchpoint('gone-2', 'gone'))
			]);
			expect(first).toMatchObject({ ok: false, code: 'not_found' });
			expect(second).toMatchObject({ ok: false, code: 'not_found' });
			expect((await logOf(storeA)).map((e) => e.commandId)).not.toContain('tp-gone-2');
		});

		it('still refuses what the current state refuses, and writes nothing for it', async () => {
			const before = (await logOf(storeA)).length;
			expect(await b.send('tp-nowhere', touchpoint('lost', 'no-such-stage'))).toMatchObject({ ok: false, code: 'not_found' });
			expect(await a.send('stage-help-again', stage('help'))).toMatchObject({ ok: false });
			expect(await logOf(storeA)).toHaveLength(before);
		});

		it('takes 200 commands sent through both instances at once: each applied once, both ending on the log', async () => {
			// Under this much contention an instance may answer "very busy"; a client resends the same
			// commandId after a moment, as the browser's outbox does.
			const sendUntilAnswered = async (i: Instance, commandId: string, command: Command): Promise<CommandResult> => {
				for (let attempt = 1; ; attempt++) {
					const result = await i.send(commandId, command);
					if (result.ok || result.code !== 'unavailable' || attempt === 20) return result;
					await new Promise((r) => setTimeout(r, 5 * attempt));
				}
			};
			const results = await Promise.all(
				Array.from({ length: 200 }, (_, n) => sendUntilAnswered(n % 2 ? a : b, `burst-${n}`, quote(`Burst ${n}`, n)))
			);
			expect(results.filter((r) => !r.ok)).toEqual([]);
			const log = await logOf(storeA);
			const burst = log.filter((e) => e.commandId.startsWith('burst-'));
			expect(burst).toHaveLength(200);
			expect(new Set(burst.map((e) => e.commandId)).size).toBe(200);
			// Every answer names the version its events have in the log.
			for (const [n, result] of results.entries()) {
				expect(result.ok && result.version).toBe(log.find((e) => e.commandId === `burst-${n}`)!.v);
			}
			const folded: RoomState = evolveAll(emptyRoom(), log);
			for (const i of [a, b]) {
				const state = await i.engine.state(ROOM);
				expect(state?.version).toBe(log.length);
				expect(stateHash(state!)).toBe(stateHash({ ...folded, version: state!.version }));
			}
			// What the two broadcast together is every event of the burst, once.
			const sent = [...published(a), ...published(b)].filter((id) => id.startsWith('burst-'));
			expect(new Set(sent).size).toBe(200);
			expect(sent).toHaveLength(200);
		});
	});
}

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

twoWriters('embedded file store, shared', async () => {
	const dir = await tempDir();
	cleanups.push(dir.cleanup);
	const store = await openFileEventStore({ dataDir: dir.dir, log: { warn: () => {} } });
	cleanups.push(() => store.close());
	return [store, store];
});

describe.runIf(canRunRedisTests())('with Redis', () => {
	let redis: RedisServer;
	beforeAll(async () => {
		redis = await startRedis();
		cleanups.push(() => redis.destroy());
	});

	twoWriters('Redis, a connection per instance', async () => {
		const open = async () => {
			const client: Redis = createRedisClient(redis.url, 'commands', () => {});
			cleanups.push(() => void client.disconnect());
			await waitForRedisReady(client, 5000);
			return openRedisEventStore({ redis: client, log: { warn: () => {} } });
		};
		return [await open(), await open()];
	});
});
