/** The application for `vite dev`: same parts as production, attached to Vite's HTTP server. */
import type { Server as HttpServer } from 'node:http';
import { createApplication } from './app';
import { openBackends } from './backends';
import { loadConfig } from './config';
import { createLogger } from './log';
import { DEMO_ROOM_ID } from './seed/demo-room';
import { seedDemoRoomIfEmpty } from './seed/seed';

export async function startDevApplication(httpServer: HttpServer) {
	const config = loadConfig();
	const log = createLogger(config.logLevel);
	const backend = await openBackends(config, log);
	const app = createApplication({
		...backend.deps,
		log,
		httpServer,
		build: 'dev',
		allowedOrigins: config.allowedOrigins,
		allowedHosts: config.allowedHosts,
		trustProxy: config.trustProxy,
		adminToken: config.adminToken,
		uploadLimit: config.uploadLimit,
		roomStorageLimit: config.roomStorageLimit
	});
	backend.onStatus?.((status) => app.setStoreStatus(status), () => app.announceStale());
	if (config.seedDemo) {
		await seedDemoRoomIfEmpty(app.engine, log);
		const token = await backend.deps.access.rotateInvite(DEMO_ROOM_ID, 'facilitator');
		const port = (httpServer.address() as { port?: number } | null)?.port ?? 5173;
		process.stdout.write(`\n  Demo room facilitator link: http://localhost:${port}/join#${token}\n\n`);
	}
	return { ...app, close: async () => (await app.close(), await backend.close()) };
}
