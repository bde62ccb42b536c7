import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp dir; `cleanup` removes it. */
export async function tempDir(prefix = 'customer-room-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
	const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
	return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
