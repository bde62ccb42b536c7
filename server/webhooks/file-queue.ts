/**
 * The embedded delivery queue: one process owns the data dir (its LOCK), so leases live in memory and
 * every job sits in `<dataDir>/webhooks-queue.json`, rewritten atomically (fsync, rename) on each
 * change. After a restart every job is due again, including any that was being sent when the process
 * stopped. `memoryQueue()` keeps jobs in memory only.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isMissing, makePrivateDir, writeFileAtomic } from '../store/file/durable-fs';
import { DONE_KEEP_MS, type DeliveryJob, type DeliveryQueue, type Lease } from './queue';

const FILE = 'webhooks-queue.json';

interface Entry {
	job: DeliveryJob;
	dueAt: number;
}

/** The file: jobs waiting, and ids done lately (id to when), so they are not queued again. */
interface Saved {
	jobs: Entry[];
	done: Record<string, number>;
}

/** Opens (or creates) the queue in `dir`. */
export async function openFileQueue(dir: string): Promise<DeliveryQueue> {
	await makePrivateDir(dir);
	try {
		const saved = JSON.parse(await readFile(`${dir}/${FILE}`, 'utf8')) as Saved;
		return queueOf(saved, dir);
	} catch (error) {
		if (!isMissing(error))
			throw new Error(`Unreadable ${FILE} in the data dir: remove it to start with no webhook deliveries waiting.`, {
				cause: error
			});
		return queueOf({ jobs: [], done: {} }, dir);
	}
}

/** A queue in this process's memory only, lost on restart (an app built by a test without a queue). */
export function memoryQueue(): DeliveryQueue {
	return queueOf({ jobs: [], done: {} }, null);
}

function queueOf(saved: Saved, dir: string | null): DeliveryQueue {
	const entries = new Map<string, Entry>(saved.jobs.map((entry) => [entry.job.id, entry]));
	const done = new Map<string, number>(Object.entries(saved.done));
	const leases = new Map<string, { token: string; until: number; at: number }>();
	let writes = Promise.resolve();
	const save = (): Promise<void> => {
		if (!dir) return Promise.resolve();
		const text = JSON.stringify({ jobs: [...entries.values()], done: Object.fromEntries(done) } satisfies Saved);
		const run = writes.then(() => writeFileAtomic(dir, FILE, text));
		writes = run.catch(() => undefined);
		return run;
	};
	const ours = (lease: Lease) => leases.get(lease.job.id)?.token === lease.token;

	return {
		async add(job, dueAt) {
			if (entries.has(job.id) || (done.get(job.id) ?? -Infinity) > dueAt - DONE_KEEP_MS) return false;
			entries.set(job.id, { job, dueAt });
			await save();
			return true;
		},
		async claim(now, leaseMs) {
			let best: Entry | null = null;
			for (const entry of entries.values()) {
				const lease = leases.get(entry.job.id);
				const due = lease ? lease.until : entry.dueAt;
				if (due <= now && (!best || due < best.dueAt)) best = entry;
			}
			if (!best) return null;
			const token = randomUUID();
			leases.set(best.job.id, { token, until: now + leaseMs, at: now });
			return { job: best.job, token };
		},
		async done(lease) {
			if (!ours(lease)) return;
			// The clock of the claim (the queue has none of its own).
			const now = leases.get(lease.job.id)!.at;
			leases.delete(lease.job.id);
			entries.delete(lease.job.id);
			done.set(lease.job.id, now);
			for (const [id, at] of done) if (at < now - DONE_KEEP_MS) done.delete(id);
			await save();
		},
		async later(lease, job, dueAt) {
			if (!ours(lease)) return;
			leases.delete(lease.job.id);
			entries.set(job.id, { job, dueAt });
			await save();
		},
		async size() {
			return entries.size;
		}
	};
}
