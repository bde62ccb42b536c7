/**
 * Reading a room directory back on open. Every line is checked; only the final line of the final segment
 * may be damaged (a write cut short by a crash, never acknowledged) and it is cut off. Any other damage is
 * an error naming the file and line, because starting on a log with holes would serve wrong history.
 */
import type { Logger } from '../../log';
import { open, readdir, readFile, rm, unlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { StoredEvent } from '../port';
import { fsyncDir, readIfExists } from './durable-fs';
import { decodeLine, deepFreeze, NEWLINE } from './line-codec';
import {
	META_FILE,
	parseMetaEpoch,
	parseSnapshotFile,
	SEGMENT_FILE,
	SNAPSHOT_FILE,
	type CommandEntry,
	type Segment,
	type SnapshotFile
} from './room-files';

/** What a room directory holds, as found on open. */
export interface RecoveredRoom {
	epoch: string;
	snapshotVersion: number;
	snapshotCommands: CommandEntry[];
	segments: Segment[];
	events: StoredEvent[];
	/** commandId -> digest of its body, for the commands in `events` that were appended with one. */
	digests: Map<string, string>;
}

export interface RecoveryContext {
	dataDir: string;
	log: Pick<Logger, 'warn'>;
}

/** An error for damage an operator has to look at; names the file (relative and absolute) and the line. */
function corruptionError(ctx: RecoveryContext, path: string, line: number, problem: string): Error {
	return new Error(
		`Corrupt event log: ${relative(ctx.dataDir, path)} line ${line} (${path}): ${problem}. ` +
			'This is not a torn final write, so the server will not start on it. Inspect the file at that line, ' +
			'or restore the data directory from a backup.'
	);
}

async function readSnapshotFile(ctx: RecoveryContext, dir: string): Promise<SnapshotFile | null> {
	const path = join(dir, SNAPSHOT_FILE);
	const content = await readIfExists(path);
	if (content === null) return null;
	const snapshot = parseSnapshotFile(content.toString('utf8'));
	if (!snapshot) {
		throw new Error(
			`Unreadable snapshot ${relative(ctx.dataDir, path)} (${path}). It is written atomically, so this is damage: ` +
				'restore the data directory from a backup.'
		);
	}
	return snapshot;
}

async function readEpoch(ctx: RecoveryContext, dir: string): Promise<string | null> {
	const path = join(dir, META_FILE);
	const content = await readIfExists(path);
	if (content === null) return null;
	const epoch = parseMetaEpoch(content.toString('utf8'));
	if (epoch === null) {
		throw new Error(`Unreadable room metadata ${relative(ctx.dataDir, path)} (${path}): restore it from a backup.`);
	}
	return epoch;
}

async function truncateTail(path: string, length: number): Promise<void> {
	const handle = await open(path, 'r+');
	try {
		await handle.truncate(length);
		await handle.sync();
	} finally {
		await handle.close();
	}
}

/**
 * Reads one segment, checking every line and that versions continue from `expected`. Only the final line
 * of the final segment may be bad (a write cut short by a crash, never acknowledged): it is cut off.
 */
async function scanSegment(
	ctx: RecoveryContext,
	path: string,
	expected: number,
	isLastSegment: boolean,
	digests: Map<string, string>
): Promise<StoredEvent[]> {
	const bytes = await readFile(path);
	const events: StoredEvent[] = [];
	let offset = 0;
	for (let lineNumber = 1; offset < bytes.length; lineNumber++) {
		const newline = bytes.indexOf(NEWLINE, offset);
		const end = newline === -1 ? bytes.length : newline;
		const decoded = decodeLine(bytes.subarray(offset, end));
		if (decoded.ok && newline !== -1) {
			if (decoded.event.v !== expected) {
				throw corruptionError(ctx, path, lineNumber, `version gap: expected version ${expected}, found ${decoded.event.v}`);
			}
			events.push(deepFreeze(decoded.event));
			if (decoded.digest !== undefined) digests.set(decoded.event.commandId, decoded.digest);
			expected++;
			offset = end + 1;
			continue;
		}
		const problem = decoded.ok ? 'line has no newline (torn write)' : decoded.problem;
		const isFinalLine = newline === -1 || newline === bytes.length - 1;
		if (!isLastSegment || !isFinalLine) throw corruptionError(ctx, path, lineNumber, problem);
		ctx.log.warn(
			{ file: relative(ctx.dataDir, path), line: lineNumber, problem, keptBytes: offset },
			'Cutting off a torn or damaged last line of the event log (it was never acknowledged)'
		);
		await truncateTail(path, offset);
		break;
	}
	return events;
}

function listSegments(dir: string, entries: string[]): Segment[] {
	const segments: Segment[] = [];
	for (const name of entries) {
		const match = SEGMENT_FILE.exec(name);
		if (match?.[1] === undefined) continue;
		const first = Number(match[1]);
		segments.push({ file: join(dir, name), first, last: first - 1 });
	}
	return segments.sort((a, b) => a.first - b.first);
}

/**
 * Reads every segment in order, enforcing contiguous versions across files and with the snapshot. An empty
 * last segment (created, then the process stopped before writing) is removed: the writer starts it afresh.
 */
async function scanLog(
	ctx: RecoveryContext,
	dir: string,
	segments: Segment[],
	snapshotVersion: number,
	digests: Map<string, string>
): Promise<StoredEvent[]> {
	const events: StoredEvent[] = [];
	for (const [index, segment] of segments.entries()) {
		const previous = segments[index - 1];
		const expected = previous === undefined ? snapshotVersion + 1 : previous.last + 1;
		const startsRight = previous === undefined ? segment.first >= 1 && segment.first <= expected : segment.first === expected;
		if (!startsRight) {
			throw corruptionError(ctx, segment.file, 1, `version gap: segment starts at ${segment.first}, expected ${expected}`);
		}
		const isLast = index === segments.length - 1;
		const found = await scanSegment(ctx, segment.file, segment.first, isLast, digests);
		if (found.length === 0 && !isLast) throw corruptionError(ctx, segment.file, 1, 'empty segment in the middle of the log');
		segment.last = segment.first + found.length - 1;
		for (const event of found) events.push(event);
	}
	const tail = segments.at(-1);
	if (tail !== undefined && tail.last < tail.first) {
		await unlink(tail.file);
		await fsyncDir(dir);
		segments.pop();
	}
	return events;
}

/**
 * Loads one room directory, cutting off a torn final line and throwing, with file and line, on any other
 * damage. Null for a room that was being created when the process stopped (nothing in it).
 */
export async function recoverRoom(ctx: RecoveryContext, dir: string): Promise<RecoveredRoom | null> {
	const entries = await readdir(dir);
	for (const name of entries) {
		// Leftovers of an atomic write that never reached its rename.
		if (name.endsWith('.tmp')) await rm(join(dir, name), { force: true });
	}
	const epoch = await readEpoch(ctx, dir);
	const snapshot = await readSnapshotFile(ctx, dir);
	const segments = listSegments(dir, entries);
	if (epoch === null) {
		if (snapshot === null && segments.length === 0) return null;
		throw new Error(`Room ${relative(ctx.dataDir, dir)} has data but no meta.json: restore it from a backup.`);
	}
	if (snapshot !== null && snapshot.epoch !== epoch) {
		throw new Error(
			`Snapshot of ${relative(ctx.dataDir, dir)} has epoch ${snapshot.epoch}, meta.json has ${epoch}: restore from a backup.`
		);
	}
	const snapshotVersion = snapshot?.version ?? 0;
	const digests = new Map<string, string>();
	const events = await scanLog(ctx, dir, segments, snapshotVersion, digests);
	const lastLogged = events.at(-1)?.v ?? 0;
	if (events.length > 0 && lastLogged < snapshotVersion) {
		throw new Error(
			`Log of ${relative(ctx.dataDir, dir)} ends at ${lastLogged} but its snapshot is at ${snapshotVersion}: restore from a backup.`
		);
	}
	if (events.length === 0 && snapshotVersion === 0) return null;
	return { epoch, snapshotVersion, snapshotCommands: snapshot?.commands ?? [], segments, events, digests };
}
