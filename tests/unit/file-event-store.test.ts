import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileEventStore, type FileEventStore, type FileEventStoreOptions } from '../../server/store/file/file-event-store';
import type { NewEvent } from '../../server/store/port';

const ROOM = 'room-1';
const FIRST_SEGMENT = 'log-000000000001.jsonl';

/** `count` events of one command, each carrying its index so reads can be checked. */
function eventsFor(commandId: string, count = 1): NewEvent[] {
	return Array.from({ length: count }, (_, index) => ({
		commandId,
		at: '2024-05-01T10:00:00.000Z',
		actor: { id: 'u1', name: 'Ada' },
		event: { type: 'note.added', commandId, index }
	}));
}

interface Warning {
	msg: string;
	fields: Record<string, unknown>;
}

let dataDir: string;
let warnings: Warning[];
let openStores: FileEventStore[];

async function openStore(options: Partial<FileEventStoreOptions> = {}): Promise<FileEventStore> {
	const store = await openFileEventStore({
		dataDir,
		log: { warn: (msg, fields) => warnings.push({ msg, fields }) },
		...options
	});
	openStores.push(store);
	return store;
}

/** Appends `commands` single-event commands named c1, c2, ... one after another. */
async function appendCommands(store: FileEventStore, commands: number, roomId = ROOM): Promise<void> {
	for (let i = 1; i <= commands; i++) {
		const head = await store.head(roomId);
		const result = await store.append(roomId, head?.version ?? 0, `c${i}`, eventsFor(`c${i}`), 'epoch-1');
		expect(result.ok).toBe(true);
	}
}

const segmentPath = (name = FIRST_SEGMENT): string => join(dataDir, 'rooms', ROOM, name);

async function logLines(name = FIRST_SEGMENT): Promise<string[]> {
	return (await readFile(segmentPath(name), 'utf8')).split('\n').filter((line) => line.length > 0);
}

async function rewriteLine(lineIndex: number, edit: (line: string) => string): Promise<void> {
	const lines = await logLines();
	const line = lines[lineIndex];
	if (line === undefined) throw new Error(`no line ${lineIndex}`);
	lines[lineIndex] = edit(line);
	await writeFile(segmentPath(), `${lines.join('\n')}\n`);
}

beforeEach(async () => {
	dataDir = await mkdtemp(join(tmpdir(), 'customer-room-events-'));
	warnings = [];
	openStores = [];
});

afterEach(async () => {
	for (const store of openStores) await store.close();
	await rm(dataDir, { recursive: true, force: true });
});

describe('file event store: appends and reads', () => {
	it('appends, reads and reports the head', async () => {
		const store = await openStore();
		expect(await store.head(ROOM)).toBeNull();
		const first = await store.append(ROOM, 0, 'c1', eventsFor('c1', 2), 'epoch-1');
		expect(first).toEqual({ ok: true, duplicate: false, range: { from: 1, to: 2 } });
		const second = await store.append(ROOM, 2, 'c2', eventsFor('c2'));
		expect(second).toEqual({ ok: true, duplicate: false, range: { from: 3, to: 3 } });

		expect(await store.head(ROOM)).toEqual({ version: 3, epoch: 'epoch-1' });
		expect(await store.listRooms()).toEqual([ROOM]);
		const all = await store.readFrom(ROOM, 0);
		expect(all.ok && all.events.map((e) => [e.v, e.commandId])).toEqual([
			[1, 'c1'],
			[2, 'c1'],
			[3, 'c2']
		]);
		const limited = await store.readFrom(ROOM, 1, 1);
		expect(limited.ok && limited.events.map((e) => e.v)).toEqual([2]);
		expect(await store.readFrom(ROOM, 3)).toEqual({ ok: true, events: [] });
		expect(await store.readFrom('unknown', 0)).toEqual({ ok: true, events: [] });
	});

	it('keeps events and epoch across a reopen', async () => {
		const store = await openStore();
		await appendCommands(store, 3);
		await store.close();
		const reopened = await openStore();
		expect(await reopened.head(ROOM)).toEqual({ version: 3, epoch: 'epoch-1' });
		const all = await reopened.readFrom(ROOM, 0);
		expect(all.ok && all.events.map((e) => e.event)).toEqual([
			{ type: 'note.added', commandId: 'c1', index: 0 },
			{ type: 'note.added', commandId: 'c2', index: 0 },
			{ type: 'note.added', commandId: 'c3', index: 0 }
		]);
	});

	it('answers a stale expectedVersion with version_conflict and writes nothing', async () => {
		const store = await openStore();
		await appendCommands(store, 2);
		expect(await store.append(ROOM, 1, 'late', eventsFor('late'))).toEqual({
			ok: false,
			reason: 'version_conflict',
			currentVersion: 2
		});
		expect(await store.append('fresh', 4, 'x', eventsFor('x'))).toEqual({
			ok: false,
			reason: 'version_conflict',
			currentVersion: 0
		});
		expect((await store.head(ROOM))?.version).toBe(2);
		expect(await store.lookupCommand(ROOM, 'late')).toBeNull();
	});

	it('appends on top of the named previous command only (`after`)', async () => {
		const store = await openStore();
		await appendCommands(store, 2); // c1, c2
		// Version 2 is c2's: an append naming c1 as the one before it is refused, one naming c2 goes on.
		expect(await store.append(ROOM, 2, 'next', eventsFor('next'), undefined, 'c1')).toEqual({
			ok: false,
			reason: 'version_conflict',
			currentVersion: 2
		});
		expect(await store.append(ROOM, 2, 'next', eventsFor('next'), undefined, 'c2')).toMatchObject({ ok: true, range: { from: 3, to: 3 } });
		expect(await store.append('fresh', 0, 'x', eventsFor('x'), 'epoch-1', 'c2')).toMatchObject({ ok: false, reason: 'version_conflict' });
		expect((await store.head(ROOM))?.version).toBe(3);
	});

	it('returns the original range for a repeated commandId, also after close and reopen', async () => {
		const store = await openStore();
		await store.append(ROOM, 0, 'first', eventsFor('first', 2), 'epoch-1');
		await store.append(ROOM, 2, 'second', eventsFor('second'));
		const retry = await store.append(ROOM, 0, 'first', eventsFor('first', 2));
		expect(retry).toEqual({ ok: true, duplicate: true, range: { from: 1, to: 2 } });
		expect((await store.head(ROOM))?.version).toBe(3);
		await store.close();

		const reopened = await openStore();
		expect(await reopened.lookupCommand(ROOM, 'first')).toEqual({ from: 1, to: 2 });
		expect(await reopened.append(ROOM, 3, 'first', eventsFor('first', 2))).toEqual({
			ok: true,
			duplicate: true,
			range: { from: 1, to: 2 }
		});
		expect((await reopened.head(ROOM))?.version).toBe(3);
	});

	it('answers a duplicate of an append still being written once that append is durable', async () => {
		const store = await openStore();
		const original = store.append(ROOM, 0, 'c1', eventsFor('c1'), 'epoch-1');
		const duplicate = store.append(ROOM, 0, 'c1', eventsFor('c1'));
		expect(await duplicate).toEqual({ ok: true, duplicate: true, range: { from: 1, to: 1 } });
		expect(await original).toEqual({ ok: true, duplicate: false, range: { from: 1, to: 1 } });
	});

	it('writes pipelined appends (not awaited) in call order', async () => {
		const store = await openStore();
		const pending = Array.from({ length: 50 }, (_, i) =>
			store.append(ROOM, i * 2, `c${i}`, eventsFor(`c${i}`, 2), 'epoch-1')
		);
		const results = await Promise.all(pending);
		results.forEach((result, i) => {
			expect(result).toEqual({ ok: true, duplicate: false, range: { from: i * 2 + 1, to: i * 2 + 2 } });
		});
		const lines = await logLines();
		expect(lines).toHaveLength(100);
		lines.forEach((line, index) => {
			const parsed: { e: { v: number; commandId: string } } = JSON.parse(line);
			expect(parsed.e.v).toBe(index + 1);
			expect(parsed.e.commandId).toBe(`c${Math.floor(index / 2)}`);
		});
	});

	it('rejects room ids that are not safe directory names', async () => {
		const store = await openStore();
		await expect(store.append('../escape', 0, 'c1', eventsFor('c1'))).rejects.toThrow(/Invalid room id/);
		await expect(store.readFrom('a/b', 0)).rejects.toThrow(/Invalid room id/);
		await expect(store.head('')).rejects.toThrow(/Invalid room id/);
		await expect(store.head('x'.repeat(65))).rejects.toThrow(/Invalid room id/);
		expect(await readdir(join(dataDir, 'rooms'))).toEqual([]);
	});

	it('rejects the failing append and every later one, and refuses appends after a write error', async () => {
		const store = await openStore();
		await appendCommands(store, 2);
		await store.saveSnapshot(ROOM, { version: 2, epoch: 'epoch-1', state: {} });
		// The snapshot sealed the segment, so the next write must create a file in a directory that is gone.
		await rm(join(dataDir, 'rooms', ROOM), { recursive: true });
		const pending = [2, 3, 4].map((v) => store.append(ROOM, v, `c${v + 1}`, eventsFor(`c${v + 1}`)));
		for (const append of pending) await expect(append).rejects.toThrow(/refuses further writes/);
		await expect(store.append(ROOM, 2, 'later', eventsFor('later'))).rejects.toThrow(/refuses further writes/);
		expect((await store.head(ROOM))?.version).toBe(2);
		expect(await store.lookupCommand(ROOM, 'c3')).toBeNull();
	});
});

describe('file event store: snapshots and compaction', () => {
	it('saves and loads a snapshot, and remembers commands from it after the log is gone', async () => {
		const store = await openStore({ snapshotRetainEvents: 0 });
		await appendCommands(store, 5);
		await store.saveSnapshot(ROOM, { version: 5, epoch: 'epoch-1', state: { notes: 5 } });
		expect(await store.loadSnapshot(ROOM)).toEqual({ version: 5, epoch: 'epoch-1', state: { notes: 5 } });
		await store.close();

		const reopened = await openStore({ snapshotRetainEvents: 0 });
		expect(await reopened.head(ROOM)).toEqual({ version: 5, epoch: 'epoch-1' });
		expect(await reopened.lookupCommand(ROOM, 'c2')).toEqual({ from: 2, to: 2 });
		expect(await reopened.readFrom(ROOM, 0)).toEqual({ ok: false, reason: 'compacted', oldestAvailable: 5 });
		expect(await reopened.append(ROOM, 5, 'c6', eventsFor('c6'))).toMatchObject({ ok: true, range: { from: 6, to: 6 } });
	});

	it('drops whole old segments after a snapshot and reports reads before them as compacted', async () => {
		const store = await openStore({ snapshotRetainEvents: 5 });
		await appendCommands(store, 20);
		await store.saveSnapshot(ROOM, { version: 20, epoch: 'epoch-1', state: { at: 20 } });
		// The sealed segment 1..20 ends after 20 - 5 = 15, so it is kept.
		expect((await store.readFrom(ROOM, 0)).ok).toBe(true);
		for (let i = 21; i <= 40; i++) await store.append(ROOM, i - 1, `c${i}`, eventsFor(`c${i}`));
		await store.saveSnapshot(ROOM, { version: 40, epoch: 'epoch-1', state: { at: 40 } });

		const files = (await readdir(join(dataDir, 'rooms', ROOM))).sort();
		expect(files).toEqual(['log-000000000021.jsonl', 'meta.json', 'snapshot.json']);
		expect(await store.readFrom(ROOM, 0)).toEqual({ ok: false, reason: 'compacted', oldestAvailable: 20 });
		expect(await store.readFrom(ROOM, 19)).toEqual({ ok: false, reason: 'compacted', oldestAvailable: 20 });
		const tail = await store.readFrom(ROOM, 20);
		expect(tail.ok && tail.events.map((e) => e.v)).toEqual(Array.from({ length: 20 }, (_, i) => i + 21));
		await store.close();

		const reopened = await openStore({ snapshotRetainEvents: 5 });
		expect(await reopened.readFrom(ROOM, 0)).toEqual({ ok: false, reason: 'compacted', oldestAvailable: 20 });
		expect(await reopened.lookupCommand(ROOM, 'c3')).toEqual({ from: 3, to: 3 });
		expect((await reopened.head(ROOM))?.version).toBe(40);
	});

	it('refuses a snapshot ahead of the log or with another epoch', async () => {
		const store = await openStore();
		await appendCommands(store, 2);
		await expect(store.saveSnapshot(ROOM, { version: 3, epoch: 'epoch-1', state: {} })).rejects.toThrow(/ahead/);
		await expect(store.saveSnapshot(ROOM, { version: 2, epoch: 'other', state: {} })).rejects.toThrow(/epoch/);
	});
});

describe('file event store: recovery', () => {
	it('cuts off a torn half line at the end and keeps the earlier events', async () => {
		const store = await openStore();
		await appendCommands(store, 3);
		await store.close();
		await appendFile(segmentPath(), '{"c":"0badf00d","e":{"v":4,"comm');

		const reopened = await openStore();
		expect((await reopened.head(ROOM))?.version).toBe(3);
		expect(warnings).toHaveLength(1);
		expect(warnings[0]?.fields).toMatchObject({ line: 4 });
		expect(await reopened.append(ROOM, 3, 'c4', eventsFor('c4'))).toMatchObject({ ok: true, range: { from: 4, to: 4 } });
		await reopened.close();
		const again = await openStore();
		expect((await again.head(ROOM))?.version).toBe(4);
	});

	it('cuts off a last line truncated mid-way', async () => {
		const store = await openStore();
		await appendCommands(store, 3);
		await store.close();
		const size = (await readFile(segmentPath())).length;
		await truncate(segmentPath(), size - 10);

		const reopened = await openStore();
		expect((await reopened.head(ROOM))?.version).toBe(2);
		expect(await reopened.lookupCommand(ROOM, 'c3')).toBeNull();
		expect(warnings).toHaveLength(1);
	});

	it('cuts off a complete last line whose checksum is wrong', async () => {
		const store = await openStore();
		await appendCommands(store, 3);
		await store.close();
		await rewriteLine(2, (line) => line.replace('"Ada"', '"Bob"'));

		const reopened = await openStore();
		expect((await reopened.head(ROOM))?.version).toBe(2);
	});

	it('refuses to open on a garbled line in the middle, naming the file and line', async () => {
		const store = await openStore();
		await appendCommands(store, 5);
		await store.close();
		await rewriteLine(2, () => 'this is not an event');

		const error = await openStore().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(Error);
		const message = (error as Error).message;
		expect(message).toContain(FIRST_SEGMENT);
		expect(message).toContain('line 3');
		expect(message).toMatch(/backup/);
	});

	it('refuses to open on a bad checksum in the middle, naming the file and line', async () => {
		const store = await openStore();
		await appendCommands(store, 5);
		await store.close();
		await rewriteLine(1, (line) => line.replace('"Ada"', '"Eve"'));

		const error = await openStore().catch((e: unknown) => e);
		const message = (error as Error).message;
		expect(message).toContain(FIRST_SEGMENT);
		expect(message).toContain('line 2');
		expect(message).toMatch(/checksum/);
	});

	it('refuses to open on a version gap', async () => {
		const store = await openStore();
		await appendCommands(store, 4);
		await store.close();
		const lines = await logLines();
		await writeFile(segmentPath(), `${[lines[0], lines[2], lines[3]].join('\n')}\n`);

		await expect(openStore()).rejects.toThrow(/log-000000000001\.jsonl line 2.*version gap/);
	});
});

describe('file event store: lock', () => {
	it('refuses a second open of a data dir that is in use', async () => {
		await openStore();
		await expect(openStore()).rejects.toThrow(/LOCK/);
	});

	it('takes over a lock left by a process that is gone', async () => {
		await writeFile(join(dataDir, 'LOCK'), '999999\n');
		const store = await openStore();
		const lock = JSON.parse(await readFile(join(dataDir, 'LOCK'), 'utf8')) as { pid: number };
		expect(lock.pid).toBe(process.pid);
		expect(warnings.some((w) => /stale lock/.test(w.msg))).toBe(true);
		await store.close();
		await expect(readFile(join(dataDir, 'LOCK'))).rejects.toThrow();
	});

	it('releases the lock on close so the directory can be opened again', async () => {
		const store = await openStore();
		await store.close();
		await expect(openStore()).resolves.toBeDefined();
	});
});
