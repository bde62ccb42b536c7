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
	const port = (httpServer.address() as { port?: number } | null)?.port ?? 5173;
	// As `npm start` does: the one-time setup link, while nobody has used one.
	const setup = await backend.deps.access.makeSetupToken();
	if (setup)
		process.stdout.write(`\n  Setup link (become the admin who creates rooms): http://localhost:${port}/setup#${setup}\n`);
	if (config.seedDemo) {
		const token = await backend.deps.access.rotateInvite(DEMO_ROOM_ID, 'facilitator');
		process.stdout.write(`\n  Demo room facilitator link: http://localhost:${port}/join#${token}\n\n`);
	}
	return { ...app, close };
}
