/**
 * What only the embedded file store has: its files on disk (log lines, segments, the data-dir LOCK), group
 * commit, write failures and recovery after a crash. The EventStore contract it shares with the Redis store
 * is tests/integration/event-store-contract.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { openFileEventStore, type FileEventStore, type FileEventStoreOptions } from '../../server/store/file/file-event-store';
import { eventsFor } from '../support/stored-events';

const ROOM = 'room-1';
const FIRST_SEGMENT = 'log-000000000001.jsonl';

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
		log: { warn: (fields, msg) => warnings.push({ msg, fields }) },
		...options
	});
	openStores.push(store);
	return store;
}

/** Appends `commands` single-event commands named c1, c2, ... one after another. */
async function appendCommands(store: FileEventStore, commands: number, roomId = ROOM): Promise<void> {
	for (let i = 1; i <= commands; i++) {
		const version = (await store.head(roomId))?.version ?? 0;
		const result = await store.append(roomId, version, `c${i}`, eventsFor(`c${i}`, 1, version), 'epoch-1');
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

describe('file event store: log files and write failures', () => {
	it('writes pipelined appends (not awaited) to the log file in call order, one line per event', async () => {
		const store = await openStore();
		const pending = Array.from({ length: 50 }, (_, i) =>
			store.append(ROOM, i * 2, `c${i}`, eventsFor(`c${i}`, 2, i * 2), 'epoch-1')
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

	it('rejects the failing append and every later one, and refuses appends after a write error', async () => {
		const store = await openStore();
		await appendCommands(store, 2);
		await store.saveSnapshot(ROOM, { version: 2, epoch: 'epoch-1', state: {} });
		// The snapshot sealed the segment, so the next write must create a file in a directory that is gone.
		await rm(join(dataDir, 'rooms', ROOM), { recursive: true });
		const pending = [2, 3, 4].map((v) => store.append(ROOM, v, `c${v + 1}`, eventsFor(`c${v + 1}`, 1, v)));
		for (const append of pending) await expect(append).rejects.toThrow(/refuses further writes/);
		await expect(store.append(ROOM, 2, 'later', eventsFor('later', 1, 2))).rejects.toThrow(/refuses further writes/);
		expect((await store.head(ROOM))?.version).toBe(2);
		expect(await store.lookupCommand(ROOM, 'c3')).toBeNull();
	});
});

describe('file event store: compaction by segment', () => {
	it('drops whole old segments after a snapshot and reports reads before them as compacted', async () => {
		const store = await openStore({ snapshotRetainEvents: 5 });
		await appendCommands(store, 20);
		await store.saveSnapshot(ROOM, { version: 20, epoch: 'epoch-1', state: { at: 20 } });
		// The sealed segment 1..20 ends after 20 - 5 = 15, so it is kept.
		expect((await store.readFrom(ROOM, 0)).ok).toBe(true);
		for (let i = 21; i <= 40; i++) await store.append(ROOM, i - 1, `c${i}`, eventsFor(`c${i}`, 1, i - 1));
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
		expect(await reopened.append(ROOM, 3, 'c4', eventsFor('c4', 1, 3))).toMatchObject({ ok: true, range: { from: 4, to: 4 } });
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

describe('file event store: data written by earlier versions', () => {
	/** A log line exactly as the store has written it since format 1. */
	const line = (event: object): string => {
		const json = JSON.stringify(event);
		return `{"c":"${crc32(json).toString(16).padStart(8, '0')}","e":${json}}\n`;
	};

	it('opens a room written before events were numbered by the engine, with its digests, and appends after it', async () => {
		const dir = join(dataDir, 'rooms', ROOM);
		await mkdir(dir, { recursive: true });
		await writeFile(join(dir, 'meta.json'), '{"format":1,"epoch":"epoch-old"}\n');
		const actor = { id: 'u1', name: 'Ada' };
		const at = '2025-01-01T09:00:00.000Z';
		await writeFile(
			join(dir, FIRST_SEGMENT),
			line({ v: 1, commandId: 'old-1', at, actor, event: { type: 'note.added', index: 0 }, digest: 'ab12' }) +
				line({ v: 2, commandId: 'old-1', at, actor, event: { type: 'note.added', index: 1 } }) +
				line({ v: 3, commandId: 'old-2', at, actor, event: { type: 'note.added', index: 0 } })
		);

		const store = await openStore();
		expect(await store.head(ROOM)).toEqual({ version: 3, epoch: 'epoch-old' });
		const all = await store.readFrom(ROOM, 0);
		expect(all.ok && all.events).toEqual([
			{ v: 1, commandId: 'old-1', at, actor, event: { type: 'note.added', index: 0 } },
			{ v: 2, commandId: 'old-1', at, actor, event: { type: 'note.added', index: 1 } },
			{ v: 3, commandId: 'old-2', at, actor, event: { type: 'note.added', index: 0 } }
		]);
		expect(await store.lookupCommand(ROOM, 'old-1')).toEqual({ from: 1, to: 2, digest: 'ab12' });
		expect(await store.lookupCommand(ROOM, 'old-2')).toEqual({ from: 3, to: 3 });
		const added = eventsFor('new-1', 1, 3);
		expect(await store.append(ROOM, 3, 'new-1', added)).toEqual({ ok: true, duplicate: false, range: { from: 4, to: 4 } });
		// New lines keep the same format: what this version writes, an earlier one reads.
		expect((await logLines()).at(-1)).toBe(added.map(line).join('').trimEnd());
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

	it('releases the lock on close so the directory can be opened again, with its events', async () => {
		const store = await openStore();
		await appendCommands(store, 2);
		await store.close();
		await expect(readFile(join(dataDir, 'LOCK'))).rejects.toThrow(/ENOENT/);
		const reopened = await openStore();
		expect(await reopened.head(ROOM)).toEqual({ version: 2, epoch: 'epoch-1' });
		const all = await reopened.readFrom(ROOM, 0);
		expect(all.ok && all.events.map((e) => [e.v, e.commandId])).toEqual([
			[1, 'c1'],
			[2, 'c2']
		]);
		const lock = JSON.parse(await readFile(join(dataDir, 'LOCK'), 'utf8')) as { pid: number };
		expect(lock.pid).toBe(process.pid);
	});
});
