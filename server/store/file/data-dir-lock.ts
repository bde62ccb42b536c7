/**
 * The `<dataDir>/LOCK` file: `{"pid":123,"started":<performance.timeOrigin>}`, created with O_EXCL so only
 * one process writes a data directory. Two writers would interleave log lines and corrupt the rooms.
 */
import type { Logger } from '../../log';
import { open, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode, PRIVATE_FILE, readIfExists } from './durable-fs';
import { isRecord } from '../contract';

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
		handle = await open(lockPath, 'wx', PRIVATE_FILE);
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

/**
 * Takes `<dataDir>/LOCK` (O_EXCL) and returns its path, or throws if a live process holds it; a dead
 * holder's lock is taken over (with a warning).
 */
export async function acquireLock(dataDir: string, log: Pick<Logger, 'warn'>): Promise<string> {
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
		log.warn({ lockPath, pid: holder?.pid ?? null }, 'Taking over a stale lock left by a process that is gone');
		await rm(lockPath, { force: true });
	}
	throw new Error(`Could not take ${lockPath}: another process keeps creating it. Is a second server starting?`);
}

/** Removes the lock only if it is still ours (someone may have taken over a lock they judged stale). */
export async function releaseLock(lockPath: string): Promise<void> {
	const content = await readIfExists(lockPath);
	if (content === null) return;
	const holder = parseLock(content.toString('utf8'));
	if (holder?.pid === process.pid && holder.started === performance.timeOrigin) await rm(lockPath, { force: true });
}
