/**
 * Work that would hold the event loop (parsing a 20 MB import, a restore) runs here, on a small pool of
 * worker threads (piscina), so every other room's commands, joins and walls stay prompt while it runs.
 *
 *   const pool = createWorkerPool();
 *   const inspected = await pool.run('imports.inspect', { bytes }); // { ok, inspection } or the lines at fault
 *   const read = await pool.run('imports.read', input, { onProgress: (p) => ... });
 *   await pool.close();
 *
 * Tasks are named in `tasks.ts`. Inputs are copied to the thread (structured clone), so send what the
 * task needs rather than whole objects; `transfer` moves ArrayBuffers instead of copying them, and the
 * sender must not use them afterwards (`handOver` makes such a copy of a file's bytes). Threads start when first needed and stop when idle, so an
 * instance that imports rarely keeps no memory for it; they run at a lower CPU priority than the event
 * loop; each thread's heap is capped, and a task that outgrows it fails with `WorkerMemoryError` while
 * the server carries on.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, type Transferable } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { TaskInput, TaskName, TaskOutput, TaskProgress } from './tasks';

export interface WorkerPoolOptions {
	/** Threads at most (default: the cores less one for the event loop, between 1 and 4). */
	threads?: number;
	/** A thread with nothing to do stops after this long (default 60 s: one import is an inspect, a preview and the import). */
	idleTimeoutMs?: number;
	/** Each thread's heap limit in MiB (default 1024). */
	maxHeapMb?: number;
	/**
	 * How much lower the threads' CPU priority is than the event loop's (nice(2), Linux and macOS; default
	 * 10): on a small machine a parse then takes the cores the event loop leaves, instead of competing with it.
	 */
	niceIncrement?: number;
}

export interface RunOptions<K extends TaskName> {
	onProgress?: (message: TaskProgress<K>) => void;
	transfer?: Transferable[];
}

export interface WorkerPool {
	/** Runs a named task on a pool thread; rejects if the task throws or its thread dies. */
	run<K extends TaskName>(task: K, input: TaskInput<K>, options?: RunOptions<K>): Promise<TaskOutput<K>>;
	/** Waits for running tasks, then stops the threads. */
	close(): Promise<void>;
}

/**
 * `bytes` copied into a buffer of their own, with that buffer to pass as `transfer`: the copy moves to the
 * thread instead of being serialized and copied again on the event loop, and the caller's bytes stay
 * usable (a store may share them).
 */
export function handOver(bytes: Uint8Array): { bytes: Uint8Array; transfer: ArrayBuffer[] } {
	const own = new Uint8Array(bytes.byteLength);
	own.set(bytes);
	return { bytes: own, transfer: [own.buffer] };
}

/** A task needed more memory than a pool thread may have; the thread was replaced, nothing else was hurt. */
export class WorkerMemoryError extends Error {}

export function createWorkerPool(options: WorkerPoolOptions = {}): WorkerPool {
	const threads = options.threads ?? Math.max(1, Math.min(4, availableParallelism() - 1));
	const pool = new Piscina({
		filename: new URL('./worker.mjs', import.meta.url).href,
		minThreads: 0,
		maxThreads: threads,
		idleTimeout: options.idleTimeoutMs ?? 60_000,
		resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 1024 },
		niceIncrement: process.platform === 'win32' ? 0 : (options.niceIncrement ?? 10)
	});
	return {
		async run(task, input, runOptions = {}) {
			const { onProgress, transfer = [] } = runOptions;
			const channel = onProgress ? new MessageChannel() : null;
			channel?.port1.on('message', (message: Parameters<typeof onProgress & {}>[0]) => onProgress?.(message));
			try {
				return await pool.run(
					{ task, input, port: channel?.port2 },
					{ transferList: [...transfer, ...(channel ? [channel.port2] : [])] }
				);
			} catch (error) {
				if ((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY')
					throw new WorkerMemoryError(`The ${task} task ran out of memory.`);
				throw error;
			} finally {
				channel?.port1.close();
			}
		},
		close: () => pool.close()
	};
}
