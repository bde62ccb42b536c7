/**
 * A lock file two processes share (the server and `npm run admin`): created exclusively, removed after
 * the work; a lock left by a process that died holding it is taken over after `staleMs`.
 */
import { open, rm, stat } from 'node:fs/promises';
import { errorCode, PRIVATE_FILE } from './durable-fs';

/** Runs `work` while holding the lock file at `lockPath`, waiting for it if another process holds it. */
export async function withSharedLock<T>(lockPath: string, work: () => Promise<T>, staleMs = 5_000): Promise<T> {
	for (let attempt = 0; ; attempt++) {
		try {
			await (await open(lockPath, 'wx', PRIVATE_FILE)).close();
			break;
		} catch (error) {
			if (errorCode(error) !== 'EEXIST') throw error;
			const age = await stat(lockPath).then(
				(s) => Date.now() - s.mtimeMs,
				() => 0
			);
			if (age > staleMs) await rm(lockPath, { force: true });
			else await new Promise((resolve) => setTimeout(resolve, Math.min(50, 5 + attempt)));
		}
	}
	try {
		return await work();
	} finally {
		await rm(lockPath, { force: true });
	}
}
