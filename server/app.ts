/**
 * The composition root: builds the whole application from its parts (store, engine, gateway, HTTP),
 * so index.ts only wires config and listens, and a test can build the very same app on port 0.
 */
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { WIRE_LIMITS } from '../src/lib/protocol';
import { createRoomEngine, type EngineLogger } from './engine/room-engine';
import { announceStale } from './gateway/channels';
import { attachGateway, socketBroadcaster, type AppServer } from './gateway/socket-gateway';
import { createApiHandler } from './http/api';
import type { BlobStore, EventStore } from './store/port';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export interface ApplicationDeps {
	store: EventStore;
	/** Uploaded files (artifacts, import originals), content-addressed. */
	blobs?: BlobStore;
	log: EngineLogger;
	/** Identifies the deployed build; walls reload when it changes. */
	build?: string;
	/** Pages: the SvelteKit handler of the adapter-node build. Absent in socket-only tests. */
	pages?: Middleware;
	/** Attach to an existing server (Vite's in dev) instead of creating one. */
	httpServer?: HttpServer;
	snapshotEvery?: number;
	/** Redis mode: publish and subscribe connections for fan-out across instances. */
	fanout?: { pub: Redis; sub: Redis };
}

/** Builds the app. Call `httpServer.listen()` to serve, `close()` to stop. */
export function createApplication(deps: ApplicationDeps) {
	const build = deps.build ?? 'dev';
	const httpServer = deps.httpServer ?? createServer((req, res) => route(req, res));
	const io: AppServer = new Server(httpServer, {
		maxHttpBufferSize: WIRE_LIMITS.maxMessageBytes,
		// No connection-state recovery: catch-up by version is ours (DESIGN.md section 5).
		serveClient: false,
		pingInterval: 10_000,
		pingTimeout: 10_000
	});
	if (deps.fanout) io.adapter(createAdapter(deps.fanout.pub, deps.fanout.sub, { key: 'customer-room' }));
	let storeStatus: 'ok' | 'unavailable' = 'ok';
	const engine = createRoomEngine({
		store: deps.store,
		broadcaster: socketBroadcaster(io),
		log: deps.log,
		snapshotEvery: deps.snapshotEvery
	});
	const gateway = attachGateway(io, { engine, log: deps.log, build, storeStatus: () => storeStatus });
	const handleApi = createApiHandler({ engine, build, blobs: deps.blobs });

	function route(req: IncomingMessage, res: ServerResponse): void {
		handleApi(req, res)
			.then((handled) => {
				if (handled) return;
				if (deps.pages) deps.pages(req, res, () => notFound(res));
				else notFound(res);
			})
			.catch(() => notFound(res));
	}

	return {
		httpServer,
		io,
		engine,
		handleApi,
		/**
		 * Tells this instance's clients whether commands can be saved. On recovery they also pull what
		 * they may have missed, so every client converges without a manual step.
		 */
		setStoreStatus(status: 'ok' | 'unavailable'): void {
			if (status === storeStatus) return;
			storeStatus = status;
			io.local.emit('server:status', { store: status });
			if (status === 'ok') announceStale(io);
		},
		/** After a fan-out outage: make this instance's clients catch up from their versions. */
		announceStale: () => announceStale(io),
		/** Stops accepting, lets queued commands finish, snapshots, closes the store. */
		async close(): Promise<void> {
			gateway.presence.close();
			io.close();
			await engine.flush();
			await deps.store.close();
		}
	};
}

function notFound(res: ServerResponse): void {
	res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
	res.end('Not found');
}

export type Application = ReturnType<typeof createApplication>;
