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

/**
 * Test files that run two at a time: pure unit tests, and browser tests (each file starts its own server on
 * a free port, its own data dir and its own Chromium, so two files share nothing but the CPU).
 */
const PARALLEL_WORKERS = 2;

/**
 * Browser test files kept in the serial group, each with the reason. Integration tests (failover, outages,
 * Redis) and the fault suite's short schedules are serial as a whole.
 */
const SERIAL_BROWSER_FILES: string[] = [
	// Its countdowns and chimes wait on real time, and once, with another browser file beside it, a vote
	// opened from the presenter layout did not show within 30 s (not yet understood; it passes alone).
	'tests/browser/timebox.test.ts'
];

/**
 * A browser test's `expect.poll` waits on a page, a socket and a server process: vitest's default of one
 * second is a race with the CPU (two files at a time, or a busy CI machine), so it gets ten. A poll that
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
		// Three groups (README, "Testing"). Projects of one `groupOrder` share a pool of `maxWorkers`; the
		// groups run one after another, so nothing of the parallel group is still running when the serial
		// one starts.
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
					name: 'browser',
					include: ['tests/browser/**/*.test.ts'],
					exclude: SERIAL_BROWSER_FILES,
					expect: BROWSER_EXPECT,
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
					name: 'browser-serial',
					include: SERIAL_BROWSER_FILES,
					expect: BROWSER_EXPECT,
					fileParallelism: false,
					sequence: { groupOrder: 1 }
				}
			}
		]
	}
});
