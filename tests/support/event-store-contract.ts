/**
 * The EventStore contract as one suite, run against every store (file and Redis): whatever a store is
 * built on, the engine sees the same answers. What only one store has (torn lines and locks on disk, Lua
 * atomicity and Redis going away) is tested beside that store.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError, type EventStore, type ReadResult } from '../../server/store/port';
import { eventsFor } from './stored-events';

export interface StoreOptions {
	snapshotRetainEvents?: number;
	commandMemory?: number;
}

/** One store's data, fresh for each test; the suite closes every store it opens. */
export interface EventStoreHarness {
	/** Opens a store on this data; opening again is a restart that sees everything acknowledged before. */
	open(options?: StoreOptions): Promise<EventStore>;
	/** Whether the backing storage holds nothing at all (no room directory, no Redis key). */
	isEmpty(): Promise<boolean>;
}

const ROOM = 'r1';
const EPOCH = 'epoch-1';
const DIGEST_A = 'a'.repeat(32);
const DIGEST_B = 'b'.repeat(32);

const versions = (result: ReadResult): number[] | false => result.ok && result.events.map((e) => e.v);

/** Appends `commands` single-event commands named c1, c2, ... one after another. */
async function appendCommands(store: EventStore, commands: number, roomId = ROOM): Promise<void> {
	for (let i = 1; i <= commands; i++) {
		const version = (await store.head(roomId))?.version ?? 0;
		const result = await store.append(roomId, version, `c${i}`, eventsFor(`c${i}`, 1, version), EPOCH);
		expect(result.ok).toBe(true);
	}
}

/**
 * Runs the contract against one store. `makeStore` is called before each test and gives that test its own
 * empty data (a fresh directory, a flushed Redis).
 */
export function describeEventStore(name: string, makeStore: () => Promise<EventStoreHarness>): void {
	describe(`${name}: the EventStore contract`, () => {
		let harness: EventStoreHarness;
		let opened: EventStore[];

		beforeEach(async () => {
			harness = await makeStore();
			opened = [];
			return async () => {
				for (const store of opened) await store.close();
			};
		});

		async function open(options?: StoreOptions): Promise<EventStore> {
			const store = await harness.open(options);
			opened.push(store);
			return store;
		}

		/** Closes `store` and opens the same data again. */
		async function reopen(store: EventStore, options?: StoreOptions): Promise<EventStore> {
			await store.close();
			return open(options);
		}

		describe('appends and reads', () => {
			it('appends, reads and reports the head', async () => {
				const store = await open();
				expect(await store.head(ROOM)).toBeNull();
				expect(await store.listRooms()).toEqual([]);
				expect(await store.append(ROOM, 0, 'c1', eventsFor('c1', 2), EPOCH)).toEqual({
					ok: true,
					duplicate: false,
					range: { from: 1, to: 2 }
				});
				expect(await store.append(ROOM, 2, 'c2', eventsFor('c2', 1, 2))).toEqual({
					ok: true,
					duplicate: false,
					range: { from: 3, to: 3 }
				});

				expect(await store.head(ROOM)).toEqual({ version: 3, epoch: EPOCH });
				expect(await store.listRooms()).toEqual([ROOM]);
				const all = await store.readFrom(ROOM, 0);
				expect(all.ok && all.events.map((e) => [e.v, e.commandId])).toEqual([
					[1, 'c1'],
					[2, 'c1'],
					[3, 'c2']
				]);
				expect(all.ok && all.events[1]).toEqual({
					v: 2,
					commandId: 'c1',
					at: '2024-05-01T10:00:00.000Z',
					actor: { id: 'u1', name: 'Ada' },
					event: { type: 'note.added', commandId: 'c1', index: 1 }
				});
				expect(versions(await store.readFrom(ROOM, 1, 1))).toEqual([2]);
				expect(versions(await store.readFrom(ROOM, 1, 10))).toEqual([2, 3]);
				expect(await store.readFrom(ROOM, 3)).toEqual({ ok: true, events: [] });
				expect(await store.readFrom(ROOM, 9)).toEqual({ ok: true, events: [] });
				expect(await store.readFrom('unknown', 0)).toEqual({ ok: true, events: [] });
			});

			it('creates a room with a random epoch when none is given', async () => {
				const store = await open();
				await store.append(ROOM, 0, 'c1', eventsFor('c1'));
				const head = await store.head(ROOM);
				expect(head?.version).toBe(1);
				expect(head?.epoch).toMatch(/^[0-9a-f-]{36}$/);
			});

			it('keeps events, epoch and commands across a restart', async () => {
				const store = await open();
				await appendCommands(store, 3);
				const reopened = await reopen(store);
				expect(await reopened.head(ROOM)).toEqual({ version: 3, epoch: EPOCH });
				expect(await reopened.listRooms()).toEqual([ROOM]);
				const all = await reopened.readFrom(ROOM, 0);
				expect(all.ok && all.events.map((e) => e.event)).toEqual([
					{ type: 'note.added', commandId: 'c1', index: 0 },
					{ type: 'note.added', commandId: 'c2', index: 0 },
					{ type: 'note.added', commandId: 'c3', index: 0 }
				]);
				expect(await reopened.lookupCommand(ROOM, 'c2')).toEqual({ from: 2, to: 2 });
			});

			it('lists rooms sorted by id', async () => {
				const store = await open();
				await appendCommands(store, 1, 'b-room');
				await appendCommands(store, 1, 'a-room');
				expect(await store.listRooms()).toEqual(['a-room', 'b-room']);
			});

			it('answers a stale expectedVersion with version_conflict and writes nothing', async () => {
				const store = await open();
				expect(await store.append('fresh', 4, 'x', eventsFor('x', 1, 4))).toEqual({
					ok: false,
					reason: 'version_conflict',
					currentVersion: 0
				});
				expect(await store.head('fresh')).toBeNull();
				expect(await harness.isEmpty()).toBe(true);

				await appendCommands(store, 2);
				expect(await store.append(ROOM, 1, 'late', eventsFor('late', 1, 1))).toEqual({
					ok: false,
					reason: 'version_conflict',
					currentVersion: 2
				});
				expect(await store.append(ROOM, 0, 'recreate', eventsFor('recreate'), 'epoch-2')).toEqual({
					ok: false,
					reason: 'version_conflict',
					currentVersion: 2
				});
				expect(await store.head(ROOM)).toEqual({ version: 2, epoch: EPOCH });
				expect(await store.lookupCommand(ROOM, 'late')).toBeNull();
				expect(versions(await store.readFrom(ROOM, 0))).toEqual([1, 2]);
			});

			it('appends on top of the named previous command only (`after`)', async () => {
				const store = await open();
				await appendCommands(store, 2); // c1, c2
				const next = eventsFor('next', 1, 2);
				// Version 2 is c2's: an append naming c1 (or a command never seen) as the one before it is refused.
				expect(await store.append(ROOM, 2, 'next', next, undefined, 'c1')).toEqual({
					ok: false,
					reason: 'version_conflict',
					currentVersion: 2
				});
				expect(await store.append(ROOM, 2, 'next', next, undefined, 'unknown')).toMatchObject({
					ok: false,
					reason: 'version_conflict'
				});
				expect(await store.append(ROOM, 2, 'next', next, undefined, 'c2')).toEqual({
					ok: true,
					duplicate: false,
					range: { from: 3, to: 3 }
				});
				expect(await store.append('fresh', 0, 'x', eventsFor('x'), EPOCH, 'c2')).toMatchObject({
					ok: false,
					reason: 'version_conflict'
				});
				expect(await store.head('fresh')).toBeNull();
				expect(versions(await store.readFrom(ROOM, 0))).toEqual([1, 2, 3]);
			});

			it('returns the original range for a repeated commandId, also after a restart', async () => {
				const store = await open();
				await store.append(ROOM, 0, 'first', eventsFor('first', 2), EPOCH);
				await store.append(ROOM, 2, 'second', eventsFor('second', 1, 2));
				expect(await store.append(ROOM, 0, 'first', eventsFor('first', 2))).toEqual({
					ok: true,
					duplicate: true,
					range: { from: 1, to: 2 }
				});
				expect((await store.head(ROOM))?.version).toBe(3);

				const reopened = await reopen(store);
				expect(await reopened.lookupCommand(ROOM, 'first')).toEqual({ from: 1, to: 2 });
				expect(await reopened.lookupCommand(ROOM, 'never')).toBeNull();
				expect(await reopened.append(ROOM, 3, 'first', eventsFor('first', 2, 3))).toEqual({
					ok: true,
					duplicate: true,
					range: { from: 1, to: 2 }
				});
				expect(versions(await reopened.readFrom(ROOM, 0))).toEqual([1, 2, 3]);
			});

			it('answers a duplicate sent while the original is still being written', async () => {
				const store = await open();
				const original = store.append(ROOM, 0, 'c1', eventsFor('c1'), EPOCH);
				const duplicate = store.append(ROOM, 0, 'c1', eventsFor('c1'));
				expect(await duplicate).toEqual({ ok: true, duplicate: true, range: { from: 1, to: 1 } });
				expect(await original).toEqual({ ok: true, duplicate: false, range: { from: 1, to: 1 } });
			});

			it('writes pipelined appends (not awaited) in call order', async () => {
				const store = await open();
				const pending = Array.from({ length: 50 }, (_, i) =>
					store.append(ROOM, i * 2, `c${i}`, eventsFor(`c${i}`, 2, i * 2), EPOCH)
				);
				const results = await Promise.all(pending);
				results.forEach((result, i) => {
					expect(result).toEqual({ ok: true, duplicate: false, range: { from: i * 2 + 1, to: i * 2 + 2 } });
				});
				const all = await store.readFrom(ROOM, 0);
				expect(all.ok && all.events.map((e) => e.v)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
				expect(all.ok && all.events.map((e) => e.commandId)).toEqual(
					Array.from({ length: 100 }, (_, i) => `c${Math.floor(i / 2)}`)
				);
			});

			it('forgets the oldest commands beyond commandMemory', async () => {
				const store = await open({ commandMemory: 3 });
				await appendCommands(store, 5);
				expect(await store.lookupCommand(ROOM, 'c1')).toBeNull();
				expect(await store.lookupCommand(ROOM, 'c2')).toBeNull();
				expect(await store.lookupCommand(ROOM, 'c3')).toEqual({ from: 3, to: 3 });
				expect(await store.lookupCommand(ROOM, 'c5')).toEqual({ from: 5, to: 5 });
			});

			it('rejects invalid arguments before writing anything', async () => {
				const store = await open();
				await expect(store.append('../escape', 0, 'c1', eventsFor('c1'))).rejects.toThrow(/Invalid room id/);
				await expect(store.append('a}b', 0, 'c1', eventsFor('c1'))).rejects.toThrow(/Invalid room id/);
				await expect(store.readFrom('a/b', 0)).rejects.toThrow(/Invalid room id/);
				await expect(store.head('')).rejects.toThrow(/Invalid room id/);
				await expect(store.head('x'.repeat(65))).rejects.toThrow(/Invalid room id/);
				await expect(store.append(ROOM, -1, 'c1', eventsFor('c1'))).rejects.toThrow(
					/expectedVersion must be a non-negative integer/
				);
				await expect(store.append(ROOM, 0, '', eventsFor(''))).rejects.toThrow(/commandId must be a non-empty string/);
				await expect(store.append(ROOM, 0, 'c1', [])).rejects.toThrow(/Command c1 has no events/);
				await expect(store.append(ROOM, 0, 'c1', eventsFor('other'))).rejects.toThrow(/differs from the append's "c1"/);
				await expect(store.append(ROOM, 0, 'c1', eventsFor('c1'), '')).rejects.toThrow(/epoch must be a non-empty string/);
				await expect(store.append(ROOM, 0, 'c1', eventsFor('c1'), EPOCH, undefined, 'NOT-HEX')).rejects.toThrow(/digest must be/);
				await expect(store.readFrom(ROOM, -1)).rejects.toThrow(/afterVersion/);
				await expect(store.readFrom(ROOM, 0, 0)).rejects.toThrow(/limit must be a positive integer/);
				await expect(store.saveSnapshot(ROOM, { version: 0, epoch: EPOCH, state: {} })).rejects.toThrow(
					/snapshot.version must be at least 1/
				);
				await expect(store.saveSnapshot(ROOM, { version: 1, epoch: '', state: {} })).rejects.toThrow(/snapshot.epoch/);
				expect(await store.listRooms()).toEqual([]);
				expect(await harness.isEmpty()).toBe(true);
			});

			it('refuses events numbered other than on from expectedVersion, writing nothing', async () => {
				const store = await open();
				// The first event of an append at 0 is version 1; a gap, a repeat or a wrong start is refused.
				await expect(store.append(ROOM, 0, 'c1', eventsFor('c1', 1, 1), EPOCH)).rejects.toThrow(
					/Event 1 of command c1 is numbered 2, but an append at version 0 must number its events from 1/
				);
				const gap = eventsFor('c1', 3).map((e, i) => (i === 2 ? { ...e, v: 4 } : e));
				await expect(store.append(ROOM, 0, 'c1', gap, EPOCH)).rejects.toThrow(/Event 3 of command c1 is numbered 4/);
				expect(await harness.isEmpty()).toBe(true);

				await appendCommands(store, 2);
				await expect(store.append(ROOM, 2, 'c3', eventsFor('c3', 2), EPOCH)).rejects.toThrow(
					/numbered 1, but an append at version 2/
				);
				expect(await store.head(ROOM)).toEqual({ version: 2, epoch: EPOCH });
				expect(await store.lookupCommand(ROOM, 'c3')).toBeNull();
				expect(await store.append(ROOM, 2, 'c3', eventsFor('c3', 2, 2))).toEqual({
					ok: true,
					duplicate: false,
					range: { from: 3, to: 4 }
				});
			});

			it('refuses calls after close', async () => {
				const store = await open();
				await appendCommands(store, 1);
				await store.close();
				await expect(store.head(ROOM)).rejects.toThrow(/closed/);
				await expect(store.append(ROOM, 1, 'c2', eventsFor('c2', 1, 1))).rejects.toThrow(/closed/);
			});
		});

		describe('snapshots', () => {
			it('saves and loads a snapshot, and remembers commands after the log is compacted, also after a restart', async () => {
				const store = await open({ snapshotRetainEvents: 0 });
				expect(await store.loadSnapshot(ROOM)).toBeNull();
				await appendCommands(store, 5);
				await store.saveSnapshot(ROOM, { version: 5, epoch: EPOCH, state: { notes: 5 } });
				expect(await store.loadSnapshot(ROOM)).toEqual({ version: 5, epoch: EPOCH, state: { notes: 5 } });
				expect(await store.readFrom(ROOM, 0)).toEqual({ ok: false, reason: 'compacted', oldestAvailable: 5 });

				const reopened = await reopen(store, { snapshotRetainEvents: 0 });
				expect(await reopened.head(ROOM)).toEqual({ version: 5, epoch: EPOCH });
				expect(await reopened.loadSnapshot(ROOM)).toEqual({ version: 5, epoch: EPOCH, state: { notes: 5 } });
				expect(await reopened.lookupCommand(ROOM, 'c2')).toEqual({ from: 2, to: 2 });
				expect(await reopened.append(ROOM, 5, 'c2', eventsFor('c2', 1, 5))).toEqual({
					ok: true,
					duplicate: true,
					range: { from: 2, to: 2 }
				});
				expect(await reopened.readFrom(ROOM, 0)).toEqual({ ok: false, reason: 'compacted', oldestAvailable: 5 });
				expect(await reopened.readFrom(ROOM, 5)).toEqual({ ok: true, events: [] });
				expect(await reopened.append(ROOM, 5, 'c6', eventsFor('c6', 1, 5))).toMatchObject({
					ok: true,
					range: { from: 6, to: 6 }
				});
				expect(versions(await reopened.readFrom(ROOM, 5))).toEqual([6]);
			});

			it('refuses a snapshot ahead of the log, with another epoch, or older than the stored one', async () => {
				const store = await open();
				await appendCommands(store, 3);
				await expect(store.saveSnapshot(ROOM, { version: 4, epoch: EPOCH, state: {} })).rejects.toThrow(/ahead/);
				await expect(store.saveSnapshot(ROOM, { version: 2, epoch: 'other', state: {} })).rejects.toThrow(/epoch/);
				await store.saveSnapshot(ROOM, { version: 3, epoch: EPOCH, state: { at: 3 } });
				await expect(store.saveSnapshot(ROOM, { version: 2, epoch: EPOCH, state: {} })).rejects.toThrow(/older/);
				expect(await store.loadSnapshot(ROOM)).toEqual({ version: 3, epoch: EPOCH, state: { at: 3 } });
				const refused = await store.saveSnapshot(ROOM, { version: 9, epoch: EPOCH, state: {} }).catch((e: unknown) => e);
				expect(refused).toBeInstanceOf(Error);
				expect(refused).not.toBeInstanceOf(StoreUnavailableError);
			});

			it('creates an unknown room from a snapshot, at the snapshot version', async () => {
				const store = await open();
				await store.saveSnapshot('restored', { version: 7, epoch: 'epoch-r', state: { restored: true } });
				expect(await store.head('restored')).toEqual({ version: 7, epoch: 'epoch-r' });
				expect(await store.listRooms()).toEqual(['restored']);
				expect(await store.readFrom('restored', 0)).toEqual({ ok: false, reason: 'compacted', oldestAvailable: 7 });
				expect(await store.readFrom('restored', 7)).toEqual({ ok: true, events: [] });
				expect(await store.append('restored', 0, 'c1', eventsFor('c1'))).toEqual({
					ok: false,
					reason: 'version_conflict',
					currentVersion: 7
				});
				expect(await store.append('restored', 7, 'c8', eventsFor('c8', 1, 7))).toEqual({
					ok: true,
					duplicate: false,
					range: { from: 8, to: 8 }
				});
				expect(versions(await store.readFrom('restored', 7))).toEqual([8]);
				expect((await store.head('restored'))?.epoch).toBe('epoch-r');
			});
		});

		describe('deleting a room', () => {
			it('removes its events, snapshot and commands, leaves other rooms alone, and stays gone after a restart', async () => {
				const store = await open({ snapshotRetainEvents: 0 });
				await appendCommands(store, 3);
				await store.saveSnapshot(ROOM, { version: 3, epoch: EPOCH, state: { at: 3 } });
				await appendCommands(store, 2, 'other');

				expect(await store.deleteRoom(ROOM)).toBe(true);
				expect(await store.head(ROOM)).toBeNull();
				expect(await store.loadSnapshot(ROOM)).toBeNull();
				expect(await store.lookupCommand(ROOM, 'c2')).toBeNull();
				expect(await store.readFrom(ROOM, 0)).toEqual({ ok: true, events: [] });
				expect(await store.listRooms()).toEqual(['other']);
				expect(await store.deleteRoom(ROOM)).toBe(false);

				const reopened = await reopen(store);
				expect(await reopened.listRooms()).toEqual(['other']);
				expect(await reopened.head(ROOM)).toBeNull();
				expect(await reopened.head('other')).toEqual({ version: 2, epoch: EPOCH });
			});

			it('lets a new room take the id afresh: version 0, a new epoch, no remembered commands', async () => {
				const store = await open();
				await appendCommands(store, 2);
				await store.deleteRoom(ROOM);
				expect(await store.append(ROOM, 0, 'c1', eventsFor('c1'), 'epoch-2')).toEqual({
					ok: true,
					duplicate: false,
					range: { from: 1, to: 1 }
				});
				expect(await store.head(ROOM)).toEqual({ version: 1, epoch: 'epoch-2' });
				const reopened = await reopen(store);
				expect(await reopened.head(ROOM)).toEqual({ version: 1, epoch: 'epoch-2' });
			});

			it('leaves the storage empty when the only room is deleted', async () => {
				const store = await open();
				await appendCommands(store, 2);
				await store.deleteRoom(ROOM);
				await store.close();
				expect(await harness.isEmpty()).toBe(true);
			});
		});

		describe('command digests', () => {
			/** `first` (digest A, version 1), then `legacy` (no digest, as before digests were kept, versions 2-3). */
			async function openWithDigests(): Promise<EventStore> {
				const store = await open({ snapshotRetainEvents: 0 });
				expect(await store.append(ROOM, 0, 'first', eventsFor('first'), EPOCH, undefined, DIGEST_A)).toEqual({
					ok: true,
					duplicate: false,
					range: { from: 1, to: 1 }
				});
				expect((await store.append(ROOM, 1, 'legacy', eventsFor('legacy', 2, 1), EPOCH)).ok).toBe(true);
				return store;
			}

			it('answers a resend of the same command as a duplicate', async () => {
				const store = await openWithDigests();
				expect(await store.append(ROOM, 3, 'first', eventsFor('first', 1, 3), undefined, undefined, DIGEST_A)).toEqual({
					ok: true,
					duplicate: true,
					range: { from: 1, to: 1 }
				});
				expect(await store.lookupCommand(ROOM, 'first')).toEqual({ from: 1, to: 1, digest: DIGEST_A });
				expect((await store.head(ROOM))?.version).toBe(3);
			});

			it('hands readers events without the digest', async () => {
				const store = await openWithDigests();
				const read = await store.readFrom(ROOM, 0);
				expect(read.ok && read.events.map((e) => Object.keys(e).sort().join())).toEqual(
					Array(3).fill('actor,at,commandId,event,v')
				);
			});

			it('refuses another command under a used commandId, writing nothing', async () => {
				const store = await openWithDigests();
				expect(await store.append(ROOM, 3, 'first', eventsFor('first', 3, 3), undefined, undefined, DIGEST_B)).toEqual({
					ok: false,
					reason: 'different_command',
					range: { from: 1, to: 1 }
				});
				expect((await store.head(ROOM))?.version).toBe(3);
			});

			it('keeps the digest through a restart', async () => {
				const store = await reopen(await openWithDigests(), { snapshotRetainEvents: 0 });
				expect(await store.lookupCommand(ROOM, 'first')).toEqual({ from: 1, to: 1, digest: DIGEST_A });
				expect(await store.append(ROOM, 3, 'first', eventsFor('first', 1, 3), undefined, undefined, DIGEST_B)).toMatchObject({
					reason: 'different_command'
				});
			});

			it('keeps the digest through a snapshot that compacts the log away, and a restart after it', async () => {
				const store = await openWithDigests();
				await store.saveSnapshot(ROOM, { version: 3, epoch: EPOCH, state: { version: 3 } });
				expect((await store.readFrom(ROOM, 0)).ok).toBe(false);
				const reopened = await reopen(store, { snapshotRetainEvents: 0 });
				expect(await reopened.lookupCommand(ROOM, 'first')).toEqual({ from: 1, to: 1, digest: DIGEST_A });
				expect(await reopened.append(ROOM, 3, 'first', eventsFor('first', 1, 3), undefined, undefined, DIGEST_B)).toMatchObject({
					reason: 'different_command'
				});
				expect((await reopened.head(ROOM))?.version).toBe(3);
			});

			it('treats a command stored without a digest as the same command, whatever its body, as before', async () => {
				const store = await openWithDigests();
				expect(await store.lookupCommand(ROOM, 'legacy')).toEqual({ from: 2, to: 3 });
				expect(await store.append(ROOM, 3, 'legacy', eventsFor('legacy', 1, 3), undefined, undefined, DIGEST_B)).toEqual({
					ok: true,
					duplicate: true,
					range: { from: 2, to: 3 }
				});
			});
		});
	});
}
