/** The application for `vite dev`: same parts as production, attached to Vite's HTTP server. */
import type { Server as HttpServer } from 'node:http';
import { createApplication } from './app';
import { loadConfig } from './config';
import { createLogger } from './log';
import { seedDemoRoomIfEmpty } from './seed/seed';
import { openFileEventStore } from './store/file/file-event-store';

export async function startDevApplication(httpServer: HttpServer) {
	const config = loadConfig();
	const log = createLogger(config.logLevel);
	const store = await openFileEventStore({
		dataDir: config.dataDir,
		log: { warn: (message, fields) => log.warn(fields ?? {}, message) }
	});
	const app = createApplication({ store, log, httpServer, build: 'dev' });
	if (config.seedDemo) await seedDemoRoomIfEmpty(app.engine, log);
	return app;
}
