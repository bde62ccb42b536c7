/**
 * Embedded event store: one directory per room under `<dataDir>/rooms/`, append-only JSONL segments
 * with a CRC32 per line, group-committed with fdatasync before an append resolves.
 *
 * On-disk layout (format 1):
 *
 *   <dataDir>/LOCK                          {"pid":123,"started":<performance.timeOrigin>}: one writer per dir
 *   <dataDir>/rooms/<roomId>/meta.json      {"format":1,"epoch":"..."}: written atomically once, when the
 *                                           room is created; the epoch lives here (not in the log) so it
 *                                           survives compaction of every segment
 *   <dataDir>/rooms/<roomId>/log-<first>.jsonl   events, `<first>` = version of its first event, 12+ digits
 *   <dataDir>/rooms/<roomId>/snapshot.json  {"format":1,"version":S,"epoch":"...","state":...,
 *                                            "commands":[["<commandId>",from,to],...]} (tmp + fsync + rename)
 *
 * A log line is `{"c":"<crc32 hex, 8 chars>","e":<StoredEvent JSON>}\n`; the CRC covers the exact bytes of
 * the event JSON as written, so recovery checks the bytes and never a re-serialization.
 */
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join, relative } from 'node:path';
import { crc32 } from 'node:zlib';
import type {
	AppendResult,
	CommandRange,
	EventStore,
	NewEvent,
	ReadResult,
	RoomHead,
	Snapshot,
	StoredEvent
} from '../port';

/** Where the store reports things an operator may want to know (a cut-off torn line, a stale lock). */
export interface FileStoreLog {
	warn(msg: string, fields: Record<string, unknown>): void;
}

export interface FileEventStoreOptions {
	dataDir: string;
	/** Log events kept behind a snapshot, so clients slightly behind can still catch up by events. */
	snapshotRetainEvents?: number;
	/** How many recent commandIds each room remembers for idempotency (also across restarts). */
	commandMemory?: number;
	log?: FileStoreLog;
}

const DEFAULT_RETAIN_EVENTS = 1000;
const DEFAULT_COMMAND_MEMORY = 50_000;
const FORMAT = 1;
const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SEGMENT_FILE = /^log-(\d{12,})\.jsonl$/;
const LINE_PREFIX = '{"c":"';
const LINE_MIDDLE = '","e":';
/** Byte offset of the event JSON in a line: prefix (6) + crc (8) + middle (6); all ASCII. */
const EVENT_OFFSET = LINE_PREFIX.length + 8 + LINE_MIDDLE.length;
const NEWLINE = 0x0a;
const CLOSING_BRACE = 0x7d;

const consoleLog: FileStoreLog = { warn: (msg, fields) => console.warn(msg, fields) };
const noop = (): void => {};

// ---------------------------------------------------------------------------------------------------
// Validation and encoding

/** Throws unless `roomId` is safe to use as a directory name. */
function assertRoomId(roomId: string): void {
	if (typeof roomId !== 'string' || !ROOM_ID.test(roomId)) {
		throw new Error(`Invalid room id ${JSON.stringify(roomId)}: expected 1-64 characters of A-Z a-z 0-9 _ -`);
	}
}

function assertVersion(value: number, what: string): void {
	if (!Number.isSafeInteger(value) || value < 0) {
		throw new Error(`${what} must be a non-negative integer, got ${String(value)}`);
	}
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStoredEvent(value: unknown): value is StoredEvent {
	return (
		isRecord(value) &&
		typeof value.v === 'number' &&
		Number.isSafeInteger(value.v) &&
		value.v >= 1 &&
		typeof value.commandId === 'string' &&
		value.commandId.length > 0 &&
		typeof value.at === 'string' &&
		isRecord(value.actor) &&
		typeof value.actor.id === 'string' &&
		typeof value.actor.name === 'string' &&
		'event' in value
	);
}

/** Freezes what we hand out, so a caller mutating an event cannot silently change the log's memory copy. */
function deepFreeze<T>(value: T): T {
	if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const child of Object.values(value)) deepFreeze(child);
	}
	return value;
}

function checksum(data: string | Uint8Array): string {
	return crc32(data).toString(16).padStart(8, '0');
}

function segmentFileName(firstVersion: number): string {
	return `log-${String(firstVersion).padStart(12, '0')}.jsonl`;
}

interface EncodedEvent {
	line: string;
	stored: StoredEvent;
}

/**
 * Serializes one event as a log line. The event is read back from its own JSON so the copy kept in memory
 * is exactly what a restart will see (no Dates, no undefined fields), and anything recovery would reject
 * is refused now instead of bricking the next start.
 */
function encodeEvent(v: number, commandId: string, input: NewEvent): EncodedEvent {
	if (input.commandId !== commandId) {
		throw new Error(`Event commandId ${JSON.stringify(input.commandId)} differs from the append's ${JSON.stringify(commandId)}`);
	}
	const json = JSON.stringify({ v, commandId, at: input.at, actor: input.actor, event: input.event });
	const parsed: unknown = JSON.parse(json);
	if (!isStoredEvent(parsed)) {
		throw new Error(`Event ${v} of command ${commandId} is not a storable StoredEvent (needs at, actor {id, name}, JSON event)`);
	}
	return { line: `${LINE_PREFIX}${checksum(json)}${LINE_MIDDLE}${json}}\n`, stored: deepFreeze(parsed) };
}

type DecodedLine = { ok: true; event: StoredEvent } | { ok: false; problem: string };

/** Checks one line (without its newline) byte for byte: framing, CRC, JSON, shape. */
function decodeLine(line: Buffer): DecodedLine {
	if (line.length < EVENT_OFFSET + 2) return { ok: false, problem: 'line is too short' };
	const head = line.subarray(0, EVENT_OFFSET).toString('latin1');
	const storedCrc = head.slice(LINE_PREFIX.length, LINE_PREFIX.length + 8);
	if (!head.startsWith(LINE_PREFIX) || !head.endsWith(LINE_MIDDLE) || !/^[0-9a-f]{8}$/.test(storedCrc)) {
		return { ok: false, problem: 'line does not start with {"c":"<crc32>","e":' };
	}
	if (line[line.length - 1] !== CLOSING_BRACE) return { ok: false, problem: 'line does not end with }' };
	const eventBytes = line.subarray(EVENT_OFFSET, line.length - 1);
	const actualCrc = checksum(eventBytes);
	if (actualCrc !== storedCrc) {
		return { ok: false, problem: `checksum mismatch (stored ${storedCrc}, computed ${actualCrc})` };
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(eventBytes.toString('utf8'));
	} catch {
		return { ok: false, problem: 'event is not valid JSON' };
	}
	if (!isStoredEvent(parsed)) return { ok: false, problem: 'event lacks v, commandId, at, actor or event' };
	return { ok: true, event: parsed };
}

// ---------------------------------------------------------------------------------------------------
// Durable file helpers

/** Makes a directory's entries (new, renamed, deleted files) survive a power loss. */
async function fsyncDir(dir: string): Promise<void> {
	const handle = await open(dir, 'r');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}

async function writeFully(handle: FileHandle, bytes: Buffer): Promise<void> {
	let offset = 0;
	while (offset < bytes.length) {
		const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, null);
		offset += bytesWritten;
	}
}

/** Writes `name` in `dir` so that a crash leaves either the old or the new content, never a mix. */
async function writeFileAtomic(dir: string, name: string, content: string): Promise<void> {
	const tmp = join(dir, `${name}.tmp`);
	const handle = await open(tmp, 'w');
	try {
		await writeFully(handle, Buffer.from(content, 'utf8'));
		await handle.sync();
	} finally {
		await handle.close();
	}
	await rename(tmp, join(dir, name));
	await fsyncDir(dir);
}

function errorCode(error: unknown): string | undefined {
	return isRecord(error) && typeof error.code === 'string' ? error.code : undefined;
}

async function readIfExists(path: string): Promise<Buffer | null> {
	try {
		return await readFile(path);
	} catch (error) {
		if (errorCode(error) === 'ENOENT') return null;
		throw error;
	}
}

// ---------------------------------------------------------------------------------------------------
// Lock

interface LockHolder {
	pid: number;
	started: number | null;
}

function parseLock(text: string): LockHolder | null {
	const trimmed = text.trim();
	if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), started: null };
	try {
		const parsed: unknown = JSON.parse(trimmed);
		if (isRecord(parsed) && typeof parsed.pid === 'number' && Number.isSafeInteger(parsed.pid) && parsed.pid > 0) {
			return { pid: parsed.pid, started: typeof parsed.started === 'number' ? parsed.started : null };
		}
	} catch {
		// Unparseable: treated as no holder below.
	}
	return null;
}

/** Linux keeps a killed process as a zombie until its parent reaps it; it still answers kill(pid, 0). */
async function isZombie(pid: number): Promise<boolean> {
	const stat = await readIfExists(`/proc/${pid}/stat`).catch(() => null);
	if (stat === null) return false;
	const text = stat.toString('utf8');
	const state = text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3);
	return state === 'Z' || state === 'X';
}

async function isProcessAlive(pid: number): Promise<boolean> {
	try {
		process.kill(pid, 0);
	} catch (error) {
		// EPERM: the process exists but belongs to someone else.
		if (errorCode(error) !== 'EPERM') return false;
	}
	return !(await isZombie(pid));
}

/**
 * Whether a recorded holder still owns the lock. Our own pid with another start time is a previous life of
 * this process number (a container's pid 1 restarting), so it is stale rather than "alive".
 */
async function holderIsLive(holder: LockHolder): Promise<boolean> {
	if (holder.pid === process.pid) return holder.started === null || holder.started === performance.timeOrigin;
	return isProcessAlive(holder.pid);
}

async function readLockHolder(lockPath: string): Promise<LockHolder | null | 'missing'> {
	const first = await readIfExists(lockPath);
	if (first === null) return 'missing';
	const holder = parseLock(first.toString('utf8'));
	if (holder) return holder;
	// Empty: possibly a process between creating the file and writing its pid. Look once more.
	await new Promise((resolve) => setTimeout(resolve, 50));
	const second = await readIfExists(lockPath);
	return second === null ? 'missing' : parseLock(second.toString('utf8'));
}

const lockContent = (): string => `${JSON.stringify({ pid: process.pid, started: performance.timeOrigin })}\n`;

async function tryCreateLock(lockPath: string): Promise<boolean> {
	let handle: FileHandle;
	try {
		handle = await open(lockPath, 'wx');
	} catch (error) {
		if (errorCode(error) === 'EEXIST') return false;
		throw error;
	}
	try {
		await handle.writeFile(lockContent());
		await handle.sync();
	} finally {
		await handle.close();
	}
	return true;
}

/** Takes `<dataDir>/LOCK` (O_EXCL) or throws if a live process holds it; a dead holder's lock is taken over. */
async function acquireLock(dataDir: string, log: FileStoreLog): Promise<string> {
	const lockPath = join(dataDir, 'LOCK');
	for (let attempt = 0; attempt < 3; attempt++) {
		if (await tryCreateLock(lockPath)) return lockPath;
		const holder = await readLockHolder(lockPath);
		if (holder === 'missing') continue;
		if (holder && (await holderIsLive(holder))) {
			const who = holder.pid === process.pid ? 'this process (the store is already open)' : `process ${holder.pid}`;
			throw new Error(
				`Data directory ${dataDir} is in use by ${who}: ${lockPath} is held. Stop the other server, or point DATA_DIR elsewhere.`
			);
		}
		log.warn('Taking over a stale lock left by a process that is gone', { lockPath, pid: holder?.pid ?? null });
		await rm(lockPath, { force: true });
	}
	throw new Error(`Could not take ${lockPath}: another process keeps creating it. Is a second server starting?`);
}

/** Removes the lock only if it is still ours (someone may have taken over a lock they judged stale). */
async function releaseLock(lockPath: string): Promise<void> {
	const content = await readIfExists(lockPath);
	if (content === null) return;
	const holder = parseLock(content.toString('utf8'));
	if (holder?.pid === process.pid && holder.started === performance.timeOrigin) await rm(lockPath, { force: true });
}

// ---------------------------------------------------------------------------------------------------
// Recovery

interface Segment {
	file: string;
	first: number;
	/** Version of the last event; `first - 1` while empty. */
	last: number;
}

interface SnapshotFile {
	version: number;
	epoch: string;
	state: unknown;
	commands: Array<[string, number, number]>;
}

interface RecoveredRoom {
	epoch: string;
	snapshotVersion: number;
	snapshotCommands: Array<[string, number, number]>;
	segments: Segment[];
	events: StoredEvent[];
}

interface RecoveryContext {
	dataDir: string;
	log: FileStoreLog;
}

/** An error for damage an operator has to look at; names the file (relative and absolute) and the line. */
function corruptionError(ctx: RecoveryContext, path: string, line: number, problem: string): Error {
	return new Error(
		`Corrupt event log: ${relative(ctx.dataDir, path)} line ${line} (${path}): ${problem}. ` +
			'This is not a torn final write, so the server will not start on it. Inspect the file at that line, ' +
			'or restore the data directory from a backup.'
	);
}

function isCommandEntry(value: unknown): value is [string, number, number] {
	return (
		Array.isArray(value) &&
		value.length === 3 &&
		typeof value[0] === 'string' &&
		Number.isSafeInteger(value[1]) &&
		Number.isSafeInteger(value[2])
	);
}

function parseSnapshotFile(text: string): SnapshotFile | null {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		return null;
	}
	if (!isRecord(parsed) || parsed.format !== FORMAT || !('state' in parsed)) return null;
	const { version, epoch, state, commands } = parsed;
	if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) return null;
	if (typeof epoch !== 'string' || !Array.isArray(commands) || !commands.every(isCommandEntry)) return null;
	return { version, epoch, state, commands };
}

async function readSnapshotFile(ctx: RecoveryContext, dir: string): Promise<SnapshotFile | null> {
	const path = join(dir, 'snapshot.json');
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
	const path = join(dir, 'meta.json');
	const content = await readIfExists(path);
	if (content === null) return null;
	let parsed: unknown = null;
	try {
		parsed = JSON.parse(content.toString('utf8'));
	} catch {
		// Reported below.
	}
	if (!isRecord(parsed) || parsed.format !== FORMAT || typeof parsed.epoch !== 'string') {
		throw new Error(`Unreadable room metadata ${relative(ctx.dataDir, path)} (${path}): restore it from a backup.`);
	}
	return parsed.epoch;
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
	isLastSegment: boolean
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
			expected++;
			offset = end + 1;
			continue;
		}
		const problem = decoded.ok ? 'line has no newline (torn write)' : decoded.problem;
		const isFinalLine = newline === -1 || newline === bytes.length - 1;
		if (!isLastSegment || !isFinalLine) throw corruptionError(ctx, path, lineNumber, problem);
		ctx.log.warn('Cutting off a torn or damaged last line of the event log (it was never acknowledged)', {
			file: relative(ctx.dataDir, path),
			line: lineNumber,
			problem,
			keptBytes: offset
		});
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
	snapshotVersion: number
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
		const found = await scanSegment(ctx, segment.file, segment.first, isLast);
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

/** Loads one room directory; null for a room that was being created when the process stopped (nothing in it). */
async function recoverRoom(ctx: RecoveryContext, dir: string): Promise<RecoveredRoom | null> {
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
		throw new Error(`Snapshot of ${relative(ctx.dataDir, dir)} has epoch ${snapshot.epoch}, meta.json has ${epoch}: restore from a backup.`);
	}
	const snapshotVersion = snapshot?.version ?? 0;
	const events = await scanLog(ctx, dir, segments, snapshotVersion);
	const lastLogged = events.at(-1)?.v ?? 0;
	if (events.length > 0 && lastLogged < snapshotVersion) {
		throw new Error(
			`Log of ${relative(ctx.dataDir, dir)} ends at ${lastLogged} but its snapshot is at ${snapshotVersion}: restore from a backup.`
		);
	}
	if (events.length === 0 && snapshotVersion === 0) return null;
	return { epoch, snapshotVersion, snapshotCommands: snapshot?.commands ?? [], segments, events };
}

// ---------------------------------------------------------------------------------------------------
// One room: in-memory head, command memory, and the group-committing writer

/** Runs async jobs one after another (file operations on one room must not interleave). */
class SerialQueue {
	private tail: Promise<void> = Promise.resolve();

	run<T>(job: () => Promise<T>): Promise<T> {
		const result = this.tail.then(job);
		this.tail = result.then(noop, noop);
		return result;
	}
}

interface PendingAppend {
	commandId: string;
	range: CommandRange;
	lines: string;
	events: StoredEvent[];
	resolve: () => void;
	reject: (error: Error) => void;
}

interface RoomSettings {
	dataDir: string;
	commandMemory: number;
	retainEvents: number;
}

class RoomLog {
	/** Versions handed out, including appends not yet durable (pipelined appends check against this). */
	private assignedHead: number;
	/** Versions that are fsync'd; the only ones anyone can read. */
	private durableHead: number;
	private snapshotVersion: number;
	/** Durable events still in the log files, contiguous, oldest first. */
	private events: StoredEvent[];
	private readonly segments: Segment[];
	/** Append-mode handle on the last segment, opened lazily. */
	private handle: FileHandle | null = null;
	/** Set by a snapshot: the next write starts a new segment so whole old ones can be deleted. */
	private sealed = false;
	/** Durable commandId -> range, in version order (Map keeps insertion order) for eviction. */
	private readonly commands = new Map<string, CommandRange>();
	private readonly inflight = new Map<string, Promise<CommandRange>>();
	private queue: PendingAppend[] = [];
	private flushScheduled = false;
	private failure: Error | null = null;
	private readonly io = new SerialQueue();

	private constructor(
		readonly id: string,
		readonly dir: string,
		readonly epoch: string,
		private readonly settings: RoomSettings,
		recovered: RecoveredRoom | null
	) {
		this.snapshotVersion = recovered?.snapshotVersion ?? 0;
		this.events = recovered?.events ?? [];
		this.segments = recovered?.segments ?? [];
		this.durableHead = Math.max(this.events.at(-1)?.v ?? 0, this.snapshotVersion);
		this.assignedHead = this.durableHead;
		for (const [commandId, from, to] of recovered?.snapshotCommands ?? []) this.remember(commandId, { from, to });
		this.rememberLoggedCommands();
	}

	/** A room found on disk at open. */
	static fromDisk(id: string, dir: string, settings: RoomSettings, recovered: RecoveredRoom): RoomLog {
		return new RoomLog(id, dir, recovered.epoch, settings, recovered);
	}

	/** A new room; its directory and meta.json are written by the first job on its queue. */
	static create(id: string, dir: string, epoch: string, settings: RoomSettings, roomsDir: string): RoomLog {
		const room = new RoomLog(id, dir, epoch, settings, null);
		room.io.run(() => room.initDirectory(roomsDir)).catch((error: unknown) => room.fail(error, []));
		return room;
	}

	private async initDirectory(roomsDir: string): Promise<void> {
		await mkdir(this.dir, { recursive: true });
		await fsyncDir(roomsDir);
		await writeFileAtomic(this.dir, 'meta.json', `${JSON.stringify({ format: FORMAT, epoch: this.epoch })}\n`);
	}

	/** Rebuilds command ranges from the log: a command's events are consecutive lines with its commandId. */
	private rememberLoggedCommands(): void {
		let from = 0;
		for (const [index, event] of this.events.entries()) {
			if (from === 0) from = event.v;
			if (this.events[index + 1]?.commandId !== event.commandId) {
				this.remember(event.commandId, { from, to: event.v });
				from = 0;
			}
		}
	}

	private remember(commandId: string, range: CommandRange): void {
		this.commands.delete(commandId);
		this.commands.set(commandId, range);
		while (this.commands.size > this.settings.commandMemory) {
			const oldest = this.commands.keys().next();
			if (oldest.done) break;
			this.commands.delete(oldest.value);
		}
	}

	get head(): RoomHead | null {
		return this.durableHead === 0 ? null : { version: this.durableHead, epoch: this.epoch };
	}

	get hasSnapshot(): boolean {
		return this.snapshotVersion > 0;
	}

	/** The range of a durable command, or a promise of it while its append is still being written. */
	findCommand(commandId: string): CommandRange | Promise<CommandRange> | null {
		const range = this.commands.get(commandId);
		if (range) return { ...range };
		return this.inflight.get(commandId) ?? null;
	}

	/**
	 * Checks and queues one append synchronously, so versions follow call order even when the caller does not
	 * await; the returned promise settles after the fsync that covers it.
	 */
	append(expectedVersion: number, commandId: string, events: NewEvent[]): Promise<AppendResult> | AppendResult {
		if (this.failure) throw this.failure;
		if (expectedVersion !== this.assignedHead) {
			return { ok: false, reason: 'version_conflict', currentVersion: this.assignedHead };
		}
		const encoded = events.map((event, index) => encodeEvent(expectedVersion + 1 + index, commandId, event));
		const range = { from: expectedVersion + 1, to: expectedVersion + events.length };
		this.assignedHead = range.to;
		const durable = new Promise<void>((resolve, reject) => {
			this.queue.push({
				commandId,
				range,
				lines: encoded.map((e) => e.line).join(''),
				events: encoded.map((e) => e.stored),
				resolve,
				reject
			});
		});
		const settled = durable.then(() => ({ ...range }));
		settled.catch(noop); // a failure reaches the caller through the returned promise; duplicates may never ask
		this.inflight.set(commandId, settled);
		this.scheduleFlush();
		return durable.then(() => ({ ok: true, duplicate: false, range: { ...range } }));
	}

	private scheduleFlush(): void {
		if (this.flushScheduled) return;
		this.flushScheduled = true;
		this.io.run(() => this.flush()).catch((error: unknown) => this.fail(error, []));
	}

	/**
	 * Group commit: everything queued since the last flush goes out in one write and one fdatasync. Appends
	 * arriving meanwhile schedule the next flush, which runs right after this one.
	 */
	private async flush(): Promise<void> {
		this.flushScheduled = false;
		const batch = this.queue;
		this.queue = [];
		const first = batch[0];
		if (first === undefined) return;
		if (this.failure) return this.rejectAll(batch, this.failure);
		try {
			const handle = await this.writableSegment(first.range.from);
			await writeFully(handle, Buffer.from(batch.map((p) => p.lines).join(''), 'utf8'));
			await handle.datasync();
		} catch (error) {
			return this.fail(error, batch);
		}
		this.commit(batch);
	}

	private async writableSegment(firstVersion: number): Promise<FileHandle> {
		if (this.handle && !this.sealed) return this.handle;
		await this.closeHandle();
		const tail = this.segments.at(-1);
		if (tail === undefined || this.sealed) {
			this.segments.push({ file: join(this.dir, segmentFileName(firstVersion)), first: firstVersion, last: firstVersion - 1 });
		}
		this.sealed = false;
		const segment = this.segments.at(-1);
		if (segment === undefined) throw new Error('unreachable: no segment');
		this.handle = await open(segment.file, 'a');
		await fsyncDir(this.dir);
		return this.handle;
	}

	private commit(batch: PendingAppend[]): void {
		const segment = this.segments.at(-1);
		for (const pending of batch) {
			for (const event of pending.events) this.events.push(event);
			this.durableHead = pending.range.to;
			if (segment) segment.last = pending.range.to;
			this.remember(pending.commandId, pending.range);
			this.inflight.delete(pending.commandId);
			pending.resolve();
		}
	}

	/**
	 * After a failed write or fsync the file's state is unknown (the kernel may have dropped the dirty pages),
	 * so nothing more is written to this room until a restart re-reads it from disk.
	 */
	private fail(cause: unknown, batch: PendingAppend[]): void {
		this.failure ??= new Error(
			`Room ${this.id}: writing the event log failed, so the room refuses further writes until the server restarts ` +
				`(check disk space and permissions under ${this.settings.dataDir}).`,
			{ cause }
		);
		const pending = [...batch, ...this.queue];
		this.queue = [];
		this.rejectAll(pending, this.failure);
		void this.closeHandle().catch(noop);
	}

	private rejectAll(pending: PendingAppend[], error: Error): void {
		for (const p of pending) {
			this.inflight.delete(p.commandId);
			p.reject(error);
		}
	}

	private async closeHandle(): Promise<void> {
		const handle = this.handle;
		this.handle = null;
		if (handle) await handle.close();
	}

	/** Durable events after `afterVersion` (see ReadResult); `oldestAvailable` is the lowest servable `afterVersion`. */
	read(afterVersion: number, limit: number | undefined): ReadResult {
		const first = this.events[0]?.v ?? this.durableHead + 1;
		const oldestAvailable = first - 1;
		if (afterVersion < oldestAvailable) return { ok: false, reason: 'compacted', oldestAvailable };
		const start = afterVersion - first + 1;
		return { ok: true, events: this.events.slice(start, limit === undefined ? undefined : start + limit) };
	}

	/** Queues a snapshot write, then seals the segment and drops segments the snapshot makes unnecessary. */
	saveSnapshot(snapshot: Snapshot, isNewRoom: boolean): Promise<void> {
		if (!isNewRoom) return this.io.run(() => this.writeSnapshot(snapshot, false));
		// A room born from a snapshot starts its log after it; if the snapshot is not written, appends
		// would leave a gap at the start of the log, so the room must not take any.
		this.assignedHead = snapshot.version;
		return this.io.run(() => this.writeSnapshot(snapshot, true)).catch((error: unknown) => {
			this.fail(error, []);
			throw error;
		});
	}

	private async writeSnapshot(snapshot: Snapshot, isNewRoom: boolean): Promise<void> {
		if (this.failure) throw this.failure;
		if (snapshot.epoch !== this.epoch) {
			throw new Error(`Snapshot epoch ${snapshot.epoch} does not match room ${this.id}'s epoch ${this.epoch}`);
		}
		if (!isNewRoom && snapshot.version > this.durableHead) {
			throw new Error(`Snapshot version ${snapshot.version} is ahead of room ${this.id}'s durable version ${this.durableHead}`);
		}
		if (snapshot.version < this.snapshotVersion) {
			throw new Error(`Snapshot version ${snapshot.version} is older than room ${this.id}'s snapshot at ${this.snapshotVersion}`);
		}
		const commands = [...this.commands].map(([commandId, r]) => [commandId, r.from, r.to]);
		const body = { format: FORMAT, version: snapshot.version, epoch: snapshot.epoch, state: snapshot.state, commands };
		await writeFileAtomic(this.dir, 'snapshot.json', `${JSON.stringify(body)}\n`);
		this.snapshotVersion = snapshot.version;
		if (isNewRoom) this.durableHead = snapshot.version;
		await this.sealSegment();
		await this.compact(snapshot.version - this.settings.retainEvents);
	}

	private async sealSegment(): Promise<void> {
		const tail = this.segments.at(-1);
		// Sealing an empty segment would make the next one reuse its file name.
		if (tail === undefined || tail.last < tail.first) return;
		this.sealed = true;
		await this.closeHandle();
	}

	/** Deletes whole sealed segments ending at or before `upTo`, oldest first so a crash leaves no gap. */
	private async compact(upTo: number): Promise<void> {
		let deleted = 0;
		for (const [index, segment] of this.segments.entries()) {
			const isOpenTail = index === this.segments.length - 1 && !this.sealed;
			if (isOpenTail || segment.last > upTo) break;
			await unlink(segment.file);
			deleted++;
		}
		if (deleted === 0) return;
		const removed = this.segments.splice(0, deleted);
		const lastRemoved = removed.at(-1)?.last ?? 0;
		this.events = this.events.filter((event) => event.v > lastRemoved);
		await fsyncDir(this.dir);
	}

	/** Waits for queued writes to finish, then closes the file. */
	close(): Promise<void> {
		return this.io.run(() => this.closeHandle());
	}
}

// ---------------------------------------------------------------------------------------------------
// The store

/** The embedded EventStore, as returned by {@link openFileEventStore}. */
export interface FileEventStore extends EventStore {
	readonly dataDir: string;
}

class EmbeddedEventStore implements FileEventStore {
	private closed = false;

	constructor(
		readonly dataDir: string,
		private readonly lockPath: string,
		private readonly rooms: Map<string, RoomLog>,
		private readonly settings: RoomSettings
	) {}

	private get roomsDir(): string {
		return join(this.dataDir, 'rooms');
	}

	private assertOpen(): void {
		if (this.closed) throw new Error(`The event store at ${this.dataDir} is closed`);
	}

	async listRooms(): Promise<string[]> {
		this.assertOpen();
		return [...this.rooms.values()].filter((room) => room.head !== null).map((room) => room.id).sort();
	}

	/** The durable head: versions still being written by pipelined appends are not included. */
	async head(roomId: string): Promise<RoomHead | null> {
		this.assertOpen();
		assertRoomId(roomId);
		return this.rooms.get(roomId)?.head ?? null;
	}

	async append(
		roomId: string,
		expectedVersion: number,
		commandId: string,
		events: NewEvent[],
		epoch?: string
	): Promise<AppendResult> {
		// Everything up to the room's append() runs synchronously, so pipelined calls keep their call order.
		this.assertOpen();
		assertRoomId(roomId);
		assertVersion(expectedVersion, 'expectedVersion');
		if (typeof commandId !== 'string' || commandId.length === 0) throw new Error('commandId must be a non-empty string');
		if (!Array.isArray(events) || events.length === 0) throw new Error(`Command ${commandId} has no events to append`);
		const existing = this.rooms.get(roomId);
		const known = existing?.findCommand(commandId) ?? null;
		if (known !== null) return { ok: true, duplicate: true, range: await known };
		if (existing) return existing.append(expectedVersion, commandId, events);
		if (expectedVersion !== 0) return { ok: false, reason: 'version_conflict', currentVersion: 0 };
		// Encode before creating the room, so an unstorable event leaves no empty room behind.
		events.forEach((event, index) => encodeEvent(index + 1, commandId, event));
		const room = RoomLog.create(roomId, join(this.roomsDir, roomId), epoch ?? randomUUID(), this.settings, this.roomsDir);
		this.rooms.set(roomId, room);
		return room.append(0, commandId, events);
	}

	async readFrom(roomId: string, afterVersion: number, limit?: number): Promise<ReadResult> {
		this.assertOpen();
		assertRoomId(roomId);
		assertVersion(afterVersion, 'afterVersion');
		if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
			throw new Error(`limit must be a positive integer, got ${String(limit)}`);
		}
		const room = this.rooms.get(roomId);
		return room ? room.read(afterVersion, limit) : { ok: true, events: [] };
	}

	async lookupCommand(roomId: string, commandId: string): Promise<CommandRange | null> {
		this.assertOpen();
		assertRoomId(roomId);
		const known = this.rooms.get(roomId)?.findCommand(commandId) ?? null;
		// An append still being written is not acknowledged yet, so it is not reported either.
		return known instanceof Promise ? null : known;
	}

	/** Writes the snapshot durably; a snapshot for an unknown room creates the room at that version. */
	async saveSnapshot(roomId: string, snapshot: Snapshot): Promise<void> {
		this.assertOpen();
		assertRoomId(roomId);
		assertVersion(snapshot.version, 'snapshot.version');
		if (snapshot.version < 1) throw new Error('snapshot.version must be at least 1');
		if (typeof snapshot.epoch !== 'string' || snapshot.epoch.length === 0) throw new Error('snapshot.epoch must be a non-empty string');
		const existing = this.rooms.get(roomId);
		if (existing) return existing.saveSnapshot(snapshot, false);
		const room = RoomLog.create(roomId, join(this.roomsDir, roomId), snapshot.epoch, this.settings, this.roomsDir);
		this.rooms.set(roomId, room);
		return room.saveSnapshot(snapshot, true);
	}

	async loadSnapshot(roomId: string): Promise<Snapshot | null> {
		this.assertOpen();
		assertRoomId(roomId);
		const room = this.rooms.get(roomId);
		if (!room?.hasSnapshot) return null;
		const content = await readIfExists(join(room.dir, 'snapshot.json'));
		const file = content === null ? null : parseSnapshotFile(content.toString('utf8'));
		if (file === null) throw new Error(`Snapshot of room ${roomId} is missing or unreadable under ${room.dir}`);
		return { version: file.version, epoch: file.epoch, state: file.state };
	}

	/** Lets queued appends finish, closes every file and releases the lock. Calling it twice is harmless. */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		const results = await Promise.allSettled([...this.rooms.values()].map((room) => room.close()));
		await releaseLock(this.lockPath);
		const failed = results.find((result) => result.status === 'rejected');
		if (failed?.status === 'rejected') throw new Error('Closing a room log failed', { cause: failed.reason });
	}
}

function integerOption(value: number | undefined, fallback: number, name: string, min: number): number {
	if (value === undefined) return fallback;
	if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got ${String(value)}`);
	return value;
}

async function recoverAllRooms(ctx: RecoveryContext, roomsDir: string, settings: RoomSettings): Promise<Map<string, RoomLog>> {
	const rooms = new Map<string, RoomLog>();
	for (const entry of await readdir(roomsDir, { withFileTypes: true })) {
		if (!entry.isDirectory() || !ROOM_ID.test(entry.name)) {
			ctx.log.warn('Ignoring an unexpected entry in the rooms directory', { entry: entry.name });
			continue;
		}
		const dir = join(roomsDir, entry.name);
		const recovered = await recoverRoom(ctx, dir);
		if (recovered) rooms.set(entry.name, RoomLog.fromDisk(entry.name, dir, settings, recovered));
	}
	return rooms;
}

/**
 * Opens (creating if needed) the embedded event store in `dataDir`: takes the LOCK, then recovers every room,
 * cutting off a torn final line and throwing, with file and line, on any other damage.
 */
export async function openFileEventStore(options: FileEventStoreOptions): Promise<FileEventStore> {
	const log = options.log ?? consoleLog;
	const settings: RoomSettings = {
		dataDir: options.dataDir,
		retainEvents: integerOption(options.snapshotRetainEvents, DEFAULT_RETAIN_EVENTS, 'snapshotRetainEvents', 0),
		commandMemory: integerOption(options.commandMemory, DEFAULT_COMMAND_MEMORY, 'commandMemory', 1)
	};
	await mkdir(options.dataDir, { recursive: true });
	const lockPath = await acquireLock(options.dataDir, log);
	try {
		const roomsDir = join(options.dataDir, 'rooms');
		await mkdir(roomsDir, { recursive: true });
		await fsyncDir(options.dataDir);
		const rooms = await recoverAllRooms({ dataDir: options.dataDir, log }, roomsDir, settings);
		return new EmbeddedEventStore(options.dataDir, lockPath, rooms, settings);
	} catch (error) {
		await releaseLock(lockPath);
		throw error;
	}
}
