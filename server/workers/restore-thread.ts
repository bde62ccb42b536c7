/**
 * Reads a backup in a worker thread (restore-worker.ts), so a large one never blocks other rooms'
 * commands, and the memory its parsing takes is returned when the thread ends. One reading at a time per
 * process; the rest wait their turn. The worker is TypeScript: it registers tsx's loader first, which is
 * what runs the server (`npm run serve`) and is harmless under vitest.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RoomState } from '../../src/lib/domain';

export type RestoreReading = { ok: true; state: RoomState; files: Array<[string, Uint8Array]> } | { ok: false; message: string };

const WORKER = new URL('./restore-worker.ts', import.meta.url).href;

/** tsx's loader API; Vite's module runner (`npm run dev`) has no import.meta.resolve, so fall back on require's. */
function tsxApi(): string {
	try {
		return import.meta.resolve('tsx/esm/api');
	} catch {
		return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
	}
}

const boot = () =>
	`import(${JSON.stringify(tsxApi())}).then((tsx) => { (tsx.register ?? tsx.default.register)(); return import(${JSON.stringify(WORKER)}); })`;

/** Most memory one reading may take (MB): a bigger backup is refused, the server carries on. */
const HEAP_MB = 4096;

let queue: Promise<unknown> = Promise.resolve();

function readInWorker(body: Uint8Array): Promise<RestoreReading> {
	// The body's memory moves to the worker when it is a buffer of its own; otherwise it is copied.
	const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : new Uint8Array(body);
	return new Promise((resolve, reject) => {
		const worker = new Worker(boot(), {
			eval: true,
			workerData: { body: own },
			transferList: [own.buffer as ArrayBuffer],
			resourceLimits: { maxOldGenerationSizeMb: HEAP_MB }
		});
		let answered = false;
		worker.once('message', (reading: RestoreReading) => {
			answered = true;
			resolve(reading);
			void worker.terminate();
		});
		worker.once('error', (error: Error & { code?: string }) => {
			answered = true;
			if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
				resolve({
					ok: false,
					message: 'This backup is too large for this server to read. Restore a smaller one, or ask the operator for more memory.'
				});
			} else reject(error);
		});
		worker.once('exit', (code) => {
			if (!answered) reject(new Error(`the restore worker stopped (exit code ${code}) without an answer`));
		});
	});
}

/** Reads and checks a backup off the event loop; the body's bytes are handed over and must not be used after. */
export function readBackup(body: Uint8Array): Promise<RestoreReading> {
	const turn = queue.then(() => readInWorker(body));
	queue = turn.catch(() => undefined);
	return turn;
}
