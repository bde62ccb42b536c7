import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * `npm run dev` with live sockets: builds the same application as production (embedded store in
 * DATA_DIR) on Vite's own HTTP server, so pages, /api and socket.io share one port.
 */
function customerRoomDevServer(): Plugin {
	return {
		name: 'customer-room-dev-server',
		apply: 'serve',
		async configureServer(server) {
			if (!server.httpServer) return;
			// Loaded through Vite's module runner so the TypeScript server code needs no separate build.
			const mod = (await server.ssrLoadModule('/server/dev.ts')) as typeof import('./server/dev');
			const app = await mod.startDevApplication(server.httpServer as import('node:http').Server);
			server.middlewares.use((req, res, next) => {
				app.handleApi(req, res).then((handled) => handled || next(), next);
			});
			server.httpServer.on('close', () => void app.close());
		}
	};
}

/** Unit test files run two at a time: they are pure, or start their own Redis on a free port. */
const PARALLEL_WORKERS = 2;

/**
 * A browser test's `expect.poll` waits on a page, a socket and a server process: vitest's default of one
 * second is a race with the CPU on a busy machine, so it gets ten. A poll that
 * passes still returns as soon as it does; a poll given its own timeout keeps it.
 */
const BROWSER_EXPECT = { poll: { timeout: 10_000 } };

export default defineConfig({
	plugins: [sveltekit(), customerRoomDevServer()],
	build: {
		// Corridor TVs run older Chromium engines: keep the output conservative.
		target: ['chrome87', 'safari14', 'firefox78']
	},
	test: {
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// Three groups, one after another (README, "How npm test runs the files"): unit files two at a time,
		// then integration and fault files one at a time, then browser files one at a time.
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['tests/unit/**/*.test.ts'],
					maxWorkers: PARALLEL_WORKERS,
					sequence: { groupOrder: 0 }
				}
			},
			{
				extends: true,
				test: {
					name: 'serial',
					// Integration and fault tests, and any new directory under tests/ until it is shown to be safe
					// in parallel.
					include: ['tests/**/*.test.ts'],
					exclude: ['tests/unit/**', 'tests/browser/**'],
					fileParallelism: false,
					sequence: { groupOrder: 1 }
				}
			},
			{
				extends: true,
				test: {
					name: 'browser',
					// One file at a time: with two at once, a click right after a large re-render was lost now and
					// then on this two-core machine (a vote that did not open, a stage that was not focused).
					include: ['tests/browser/**/*.test.ts'],
					expect: BROWSER_EXPECT,
					fileParallelism: false,
					sequence: { groupOrder: 2 }
				}
			}
		]
	}
});
