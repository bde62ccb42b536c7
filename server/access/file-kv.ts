/**
 * The embedded KvStore: every entry in one JSON file (`<dataDir>/access.json`), rewritten atomically on
 * each change. Access data is small (invites, sessions, a few pairing codes), so this stays cheap.
 *
 * Two processes may share the file: the server and `npm run admin` (which makes a facilitator link while
 * the server runs, though the event store's LOCK keeps the data dir's rooms to the server alone). So
 * every change is a read-modify-write under `access.lock` (created exclusively; a lock left by a killed
 * process is taken over after a few seconds), and a reader notices a change made by the other process
 * by the file (its inode, time and size), and reads it again.
 */
import { readFile, stat } from 'node:fs/promises';
import { isMissing, makePrivateDir, writeFileAtomic } from '../store/file/durable-fs';
import type { KvStore } from '../store/kv';
import { withSharedLock } from '../store/file/shared-lock';

interface Entry {
	value: unknown;
	expiresAt: number | null;
}

const FILE = 'access.json';
const LOCK = 'access.lock';
/** A lock older than this was left by a process that died holding it. */
const STALE_LOCK_MS = 5_000;

export async function openFileKv(dir: string, now: () => number = Date.now): Promise<KvStore> {
	await makePrivateDir(dir);
	const path = `${dir}/${FILE}`;
	let entries = new Map<string, Entry>();
	/** What the file looked like when last read or written ("" when it did not exist). */
	let seen = '';
	let queue = Promise.resolve();

	const fingerprint = async (): Promise<string> => {
		try {
			const s = await stat(path);
			// Every write renames a new file into place: a new inode, even within one millisecond.
			return `${s.ino}:${s.mtimeMs}:${s.size}`;
		} catch (error) {
			if (isMissing(error)) return '';
			throw error;
		}
	};

	async function reloadIfChanged(): Promise<void> {
		const now = await fingerprint();
		if (now === seen) return;
		const next = new Map<string, Entry>();
		try {
			const parsed = JSON.parse(await readFile(path, 'utf8')) as Record<string, Entry>;
			for (const [key, entry] of Object.entries(parsed)) next.set(key, entry);
		} catch (error) {
			if (!isMissing(error))
				throw new Error(
					`Unreadable ${FILE} in the data dir: restore it from a backup or remove it (everyone then needs a new invite link).`,
					{ cause: error }
				);
		}
		entries = next;
		seen = now;
	}

	const withLock = <T>(work: () => Promise<T>): Promise<T> => withSharedLock(`${dir}/${LOCK}`, work, STALE_LOCK_MS);

	const live = (key: string): Entry | undefined => {
		const entry = entries.get(key);
		if (entry && entry.expiresAt !== null && entry.expiresAt <= now()) return undefined;
		return entry;
	};

	/** One change at a time in this process, each under the lock against the other process. */
	function change(apply: () => boolean): Promise<void> {
		const run = queue.then(() =>
			withLock(async () => {
				await reloadIfChanged();
				if (!apply()) return;
				for (const key of [...entries.keys()]) if (!live(key)) entries.delete(key);
				await writeFileAtomic(dir, FILE, JSON.stringify(Object.fromEntries(entries)));
				seen = await fingerprint();
			})
		);
		queue = run.catch(() => undefined);
		return run;
	}

	await reloadIfChanged();

	return {
		async get<T>(key: string) {
			await reloadIfChanged();
			return (live(key)?.value as T | undefined) ?? null;
		},
		set(key, value, ttlMs) {
			return change(() => (entries.set(key, { value, expiresAt: ttlMs === undefined ? null : now() + ttlMs }), true));
		},
		delete(key) {
			return change(() => entries.delete(key));
		},
		async take<T>(key: string) {
			let taken: T | null = null;
			await change(() => {
				taken = (live(key)?.value as T | undefined) ?? null;
				return entries.delete(key);
			});
			return taken;
		},
		push(key, value, keep) {
			return change(() => {
				const current = live(key)?.value;
				entries.set(key, { value: [...(Array.isArray(current) ? current : []), value].slice(-keep), expiresAt: null });
				return true;
			});
		},
		async list<T>(key: string) {
			await reloadIfChanged();
			const current = live(key)?.value;
			return Array.isArray(current) ? (current as T[]) : [];
		}
	};
}
