/**
 * Bootstrap: read config, open the stores, build the app, serve pages and sockets on one port.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadConfig } from './config';
import { createLogger } from './log';
import { DEMO_ROOM_ID } from './seed/demo-room';
import { startApplication } from './start';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
	const config = loadConfig();
	const log = createLogger(config.logLevel);

	const handlerPath = path.join(root, 'build', 'handler.js');
	if (!existsSync(handlerPath)) {
		throw new Error('No build found. Run `npm run build` first (or `npm start`, which builds).');
	}
	const { handler } = (await import(pathToFileURL(handlerPath).href)) as {
		handler: (req: unknown, res: unknown, next: () => void) => void;
	};
	const build = readBuildVersion();

	const { app, backend, close } = await startApplication({ config, log, build, pages: handler });

	// Like a notebook server's token URL: a fresh facilitator link for the demo room on every start in a
	// terminal (the previous one stops working). Under a service manager or docker, stdout is a log: no
	// link is made there; `npm run admin -- link demo` prints one on demand.
	const demoLink =
		config.seedDemo && process.stdout.isTTY && (await app.engine.state(DEMO_ROOM_ID))
			? await backend.deps.access.rotateInvite(DEMO_ROOM_ID, 'facilitator')
			: null;

	// The same for the one-time setup link, while nobody has claimed it: whoever opens it first becomes the
	// instance admin, who creates rooms in the app. `npm run admin -- setup-link` prints one on demand.
	const setupLink = process.stdout.isTTY ? await backend.deps.access.makeSetupToken() : null;
	const adminClaimed = await backend.deps.access.hasInstanceAdmin();

	app.httpServer.listen(config.port, config.host, () => {
		const address = app.httpServer.address();
		const port = typeof address === 'object' && address ? address.port : config.port;
		if (setupLink) {
			process.stdout.write(
				`\n  Set up Customer Room: open this link to become its admin and create your rooms:\n\n    http://${displayHost(config.host)}:${port}/setup#${setupLink}\n\n  (it works once; keep it private)\n`
			);
		} else if (!adminClaimed) {
			log.info({}, 'to become the admin who creates rooms, run: npm run admin -- setup-link');
		}
		if (demoLink) {
			process.stdout.write(
				`\n  Customer Room is running. Open the demo room as its facilitator:\n\n    http://${displayHost(config.host)}:${port}/join#${demoLink}\n\n  (keep this link private; it changes on every start)\n\n`
			);
		}
		log.info({ port, host: config.host, store: backend.kind }, `Customer Room on http://${displayHost(config.host)}:${port}`);
		if (config.allowedHostsDefaulted && ['0.0.0.0', '::'].includes(config.host)) {
			log.warn(
				{ allowedHosts: config.allowedHosts },
				`Listening on every interface, but answering only requests for ${config.allowedHosts.join(', ')}: set ALLOWED_HOSTS to the names people use to reach this server (e.g. room.example.com, or this machine's address)`
			);
		}
		if (config.seedDemo && !demoLink)
			log.info({ roomId: DEMO_ROOM_ID }, 'for a facilitator link to a room, run: npm run admin -- link <roomId>');
		// Test harnesses read this line to learn the port when PORT=0.
		if (process.env.CUSTOMER_ROOM_ANNOUNCE) process.stdout.write(`LISTENING ${port}\n`);
	});

	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		log.info({ signal }, 'shutting down');
		app.httpServer.close();
		await close();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop('SIGINT'));
	process.on('SIGTERM', () => void stop('SIGTERM'));
}

function readBuildVersion(): string {
	try {
		const file = path.join(root, 'build', 'client', '_app', 'version.json');
		return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
	} catch {
		return 'unknown';
	}
}

const displayHost = (host: string) => (['0.0.0.0', '::', '127.0.0.1', '::1'].includes(host) ? 'localhost' : host);

main().catch((error: unknown) => {
	process.stderr.write(`Customer Room could not start: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
