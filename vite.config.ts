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

export default defineConfig({
	plugins: [sveltekit(), customerRoomDevServer()],
	build: {
		// Corridor TVs run older Chromium engines: keep the output conservative.
		target: ['chrome87', 'safari14', 'firefox78']
	},
	test: {
		include: ['tests/**/*.test.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// Integration and browser tests start servers, Redis and Chromium: on two cores, files run one after
		// another so timing-sensitive tests (failover, outages) do not compete with each other for the CPU.
		fileParallelism: false
	}
});
