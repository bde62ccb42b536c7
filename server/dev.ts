/** The application for `vite dev`: same parts as production, attached to Vite's HTTP server. */
import type { Server as HttpServer } from 'node:http';
import { loadConfig } from './config';
import { createLogger } from './log';
import { DEMO_ROOM_ID } from './seed/demo-room';
import { startApplication } from './start';

export async function startDevApplication(httpServer: HttpServer) {
	const config = loadConfig();
	const log = createLogger(config.logLevel);
	const { app, backend, close } = await startApplication({ config, log, build: 'dev', httpServer });
	if (config.seedDemo) {
		const token = await backend.deps.access.rotateInvite(DEMO_ROOM_ID, 'facilitator');
		const port = (httpServer.address() as { port?: number } | null)?.port ?? 5173;
		process.stdout.write(`\n  Demo room facilitator link: http://localhost:${port}/join#${token}\n\n`);
	}
	return { ...app, close };
}
