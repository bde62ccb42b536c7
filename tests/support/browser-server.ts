/**
 * The setup most browser test files share: the real server as a child process on a fresh data dir, and
 * real Chromium, started before the file's tests and stopped after them. Hooks registered after this
 * call run after the server is up.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser';
import { startServerProcess, type ServerProcess } from './server-process';
import { tempDir } from './temp-dir';

export interface BrowserServer {
	server: ServerProcess;
	browser: Browser;
}

/** Registers the hooks; the answer's fields are set once `beforeAll` has run. */
export function useBrowserServer(env: Record<string, string> = { SEED_DEMO: 'true' }): BrowserServer {
	const handle = {} as BrowserServer;
	let cleanup: (() => Promise<void>) | undefined;
	beforeAll(async () => {
		const tmp = await tempDir();
		cleanup = tmp.cleanup;
		handle.server = await startServerProcess(tmp.dir, env);
		handle.browser = await launchChromium();
	}, 60_000);
	afterAll(async () => {
		await handle.browser?.close();
		handle.server?.child.kill('SIGKILL');
		await handle.server?.exited;
		await cleanup?.();
	});
	return handle;
}
