/**
 * The embedded KvStore: every entry in one JSON file (`<dataDir>/access.json`), rewritten atomically on
 * each change. Access data is small (invites, sessions, a few pairing codes), so this stays cheap; writes
 * are serialized so two changes never race on the file.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { isMissing, writeFileAtomic } from '../store/file/durable-fs';
import type { KvStore } from './kv';

interface Entry {
	value: unknown;
	expiresAt: number | null;
}

const FILE = 'access.json';

export async function openFileKv(dir: string, now: () => number = Date.now): Promise<KvStore> {
	await mkdir(dir, { recursive: true });
	const entries = new Map<string, Entry>();
	try {
		const parsed = JSON.parse(await readFile(`${dir}/${FILE}`, 'utf8')) as Record<string, Entry>;
		for (const [key, entry] of Object.entries(parsed)) entries.set(key, entry);
	} catch (error) {
		if (!isMissing(error)) throw new Error(`Unreadable ${FILE} in the data dir: restore it from a backup or remove it (everyone then needs a new invite link).`, { cause: error });
	}
	let writing = Promise.resolve();

	const live = (key: string): Entry | undefined => {
		const entry = entries.get(key);
		if (entry && entry.expiresAt !== null && entry.expiresAt <= now()) {
			entries.delete(key);
			return undefined;
		}
		return entry;
	};
	const persist = () => {
		for (const key of [...entries.keys()]) live(key);
		const content = JSON.stringify(Object.fromEntries(entries));
		writing = writing.then(() => writeFileAtomic(dir, FILE, content));
		return writing;
	};

	return {
		async get<T>(key: string) {
			return (live(key)?.value as T | undefined) ?? null;
		},
		async set(key, value, ttlMs) {
			entries.set(key, { value, expiresAt: ttlMs === undefined ? null : now() + ttlMs });
			await persist();
		},
		async delete(key) {
			if (entries.delete(key)) await persist();
		},
		async push(key, value, keep) {
			const current = live(key)?.value;
			const list = Array.isArray(current) ? current : [];
			entries.set(key, { value: [...list, value].slice(-keep), expiresAt: null });
			await persist();
		},
		async list<T>(key: string) {
			const current = live(key)?.value;
			return Array.isArray(current) ? (current as T[]) : [];
		}
	};
}
