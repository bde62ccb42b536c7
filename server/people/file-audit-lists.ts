/**
 * The embedded audit lists: one append-only JSON-lines file per list in `<dataDir>/audit/`. A push appends
 * one line and fsyncs before it answers, so a recorded entry survives a crash; the file is rewritten (to
 * its newest `keep` lines, atomically) only once it holds a quarter more than it keeps, so keeping the
 * newest N costs one rewrite per N/4 pushes instead of one per push.
 *
 * The server and `npm run admin` may both write: every change holds `audit.lock` (as access.json's
 * store does), and a line count is trusted only while the file is the one this process last saw.
 */
import { open, readFile, rm, stat } from 'node:fs/promises';
import { setImmediate } from 'node:timers/promises';
import { join } from 'node:path';
import { fsyncDir, isMissing, makePrivateDir, PRIVATE_FILE, writeFileAtomic } from '../store/file/durable-fs';
import type { KvStore } from '../store/kv';
import { createAuditTrail, type AuditLists } from './audit-trail';
import { withSharedLock } from '../store/file/shared-lock';

const LOCK = 'audit.lock';
/** A lock older than this was left by a process that died holding it. */
const STALE_LOCK_MS = 5_000;
const KEY_SHAPE = /^[A-Za-z0-9_:-]{1,200}$/;

/** A list's file name: its key with `:` as `.` (keys are ours: letters, digits, `-`, `_` and `:`). */
function fileOf(key: string): string {
	if (!KEY_SHAPE.test(key)) throw new Error(`Not an audit list key: ${JSON.stringify(key.slice(0, 80))}`);
	return `${key.replaceAll(':', '.')}.jsonl`;
}

/** Lines parsed between two turns of the event loop: a long list never holds it for long. */
const SLICE = 2_000;

/**
 * The values of a list's lines; a line cut short by a crash (or otherwise unreadable) is skipped. Parsed
 * a slice at a time, letting the event loop turn between slices (other rooms' commands and walls go on
 * while an instance's 50,000 entries are read).
 */
async function parseLines(text: string): Promise<unknown[]> {
	const out: unknown[] = [];
	const lines = text.split('\n');
	for (let start = 0; start < lines.length; start += SLICE) {
		if (start > 0) await setImmediate();
		for (const line of lines.slice(start, start + SLICE)) {
			if (!line) continue;
			try {
				out.push(JSON.parse(line));
			} catch {
				// A torn last line from a crash mid-append: the entry was never acknowledged.
			}
		}
	}
	return out;
}

export async function openFileAuditLists(dir: string): Promise<AuditLists> {
	await makePrivateDir(dir);
	/** Lines per file, valid while the file's fingerprint is the one noted. */
	const counts = new Map<string, { fingerprint: string; lines: number }>();
	let queue = Promise.resolve();

	const fingerprint = async (path: string): Promise<string> => {
		try {
			const s = await stat(path);
			return `${s.ino}:${s.size}:${s.mtimeMs}`;
		} catch (error) {
			if (isMissing(error)) return '';
			throw error;
		}
	};

	async function readText(path: string): Promise<string> {
		try {
			return await readFile(path, 'utf8');
		} catch (error) {
			if (isMissing(error)) return '';
			throw error;
		}
	}

	const withLock = <T>(work: () => Promise<T>): Promise<T> => withSharedLock(join(dir, LOCK), work, STALE_LOCK_MS);

	/** One change at a time in this process, each under the lock against the other process. */
	function change<T>(work: () => Promise<T>): Promise<T> {
		const run = queue.then(() => withLock(work));
		queue = run.then(
			() => undefined,
			() => undefined
		);
		return run;
	}

	async function append(name: string, value: unknown, keep: number): Promise<void> {
		const path = join(dir, name);
		const before = await fingerprint(path);
		let lines = counts.get(name)?.fingerprint === before ? counts.get(name)!.lines : null;
		let text: string | null = null;
		if (lines === null) {
			text = await readText(path);
			lines = (await parseLines(text)).length;
		}
		// A torn last line (a crash mid-append) must not swallow the next entry.
		const tornTail = text !== null ? text.length > 0 && !text.endsWith('\n') : false;
		const line = `${tornTail ? '\n' : ''}${JSON.stringify(value)}\n`;
		if (lines + 1 > keep + Math.max(1, Math.floor(keep / 4))) {
			const all = await parseLines(text ?? (await readText(path)));
			all.push(value);
			const kept = all.slice(-keep);
			await writeFileAtomic(dir, name, kept.map((v) => `${JSON.stringify(v)}\n`).join(''));
			counts.set(name, { fingerprint: await fingerprint(path), lines: kept.length });
			return;
		}
		const handle = await open(path, 'a', PRIVATE_FILE);
		try {
			await handle.appendFile(line, 'utf8');
			await handle.sync();
		} finally {
			await handle.close();
		}
		// A new file's name is durable only once the directory is.
		if (before === '') await fsyncDir(dir);
		counts.set(name, { fingerprint: await fingerprint(path), lines: lines + 1 });
	}

	return {
		push(key, value, keep) {
			const name = fileOf(key);
			return change(() => append(name, value, keep));
		},
		async list<T>(key: string): Promise<T[]> {
			const name = fileOf(key);
			// Rewrites (keep-N) rename a whole new file into place, so a read sees the old or the new one.
			return (await parseLines(await readText(join(dir, name)))) as T[];
		},
		delete(key) {
			const name = fileOf(key);
			return change(async () => {
				await rm(join(dir, name), { force: true });
				counts.delete(name);
				await fsyncDir(dir);
			});
		}
	};
}

/** The embedded audit trail: lists in `<dataDir>/audit/`, older lines read from the access KvStore `kv`. */
export async function openEmbeddedAuditTrail(
	dataDir: string,
	kv: Pick<KvStore, 'list' | 'delete'>,
	now: () => number = Date.now
) {
	return createAuditTrail(kv, now, await openFileAuditLists(join(dataDir, 'audit')));
}
