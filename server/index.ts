/**
 * Bootstrap: read config, open the stores, build the app, serve pages and sockets on one port.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createApplication } from './app';
import { loadConfig } from './config';
import { createLogger } from './log';
import { seedDemoRoomIfEmpty } from './seed/seed';
import { openFileBlobStore } from './store/file/file-blob-store';
import { openFileEventStore } from './store/file/file-event-store';
import { openRedisBackend } from './redis-backend';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
	const config = loadConfig();
	const log = createLogger(config.logLevel);

	const backend = config.redisUrl ? await openRedisBackend(config.redisUrl, log) : null;
	const store =
		backend?.store ??
		(await openFileEventStore({
			dataDir: config.dataDir,
			log: { warn: (message, fields) => log.warn(fields ?? {}, message) }
		}));
	const blobs = backend?.blobs ?? (await openFileBlobStore(path.join(config.dataDir, 'blobs')));
	const handlerPath = path.join(root, 'build', 'handler.js');
	if (!existsSync(handlerPath)) {
		throw new Error('No build found. Run `npm run build` first (or `npm start`, which builds).');
	}
	const { handler } = (await import(pathToFileURL(handlerPath).href)) as {
		handler: (req: unknown, res: unknown, next: () => void) => void;
	};
	const build = readBuildVersion();

	const app = createApplication({
		store,
		blobs,
		log,
		build,
		pages: handler,
		snapshotEvery: config.snapshotEvery,
		fanout: backend?.fanout
	});
	backend?.onStatus((status) => app.setStoreStatus(status), () => app.announceStale());
	if (config.seedDemo) await seedDemoRoomIfEmpty(app.engine, log);

	app.httpServer.listen(config.port, config.host, () => {
		const address = app.httpServer.address();
		const port = typeof address === 'object' && address ? address.port : config.port;
		log.info({ port, host: config.host, store: backend ? 'redis' : 'embedded' }, `Customer Room on http://${displayHost(config.host)}:${port}`);
		// Test harnesses read this line to learn the port when PORT=0.
		if (process.env.CUSTOMER_ROOM_ANNOUNCE) process.stdout.write(`LISTENING ${port}\n`);
	});

	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		log.info({ signal }, 'shutting down');
		app.httpServer.close();
		await app.close();
		await backend?.close();
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

const displayHost = (host: string) => (host === '0.0.0.0' || host === '::' ? 'localhost' : host);

main().catch((error: unknown) => {
	process.stderr.write(`Customer Room could not start: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
