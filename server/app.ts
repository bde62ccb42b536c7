/**
 * The composition root: builds the whole application from its parts (store, engine, gateway, HTTP),
 * so index.ts only wires config and listens, and a test can build the very same app on port 0.
 */
import type { Logger } from './log';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Readable } from 'node:stream';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { Server } from 'socket.io';
import { WIRE_LIMITS, type RoomEventsMessage } from '../src/lib/protocol';
import type { AccessService } from './access/access-service';
import { createRoomEngine, type Broadcaster } from './engine/room-engine';
import { announceStale } from './gateway/channels';
import type { ConnectionLimits } from './gateway/limits';
import { createDisplayStatus, memoryStatusHash, type DisplayStatus } from './displays/display-status';
import { attachGateway, roomChannel, sessionChannel, socketBroadcaster, type AppServer } from './gateway/socket-gateway';
import { createAccessApi } from './http/access-api';
import { createAuditApi } from './http/audit-api';
import { createAuditView } from './people/audit-view';
import { createApiHandler } from './http/api';
import { createCurateApi } from './http/curate-api';
import { createRoomsApi } from './http/rooms-api';
import { createPeopleApi } from './http/people-api';
import { createSsoApi } from './http/sso-api';
import { createApiKeysApi } from './api/api-keys-api';
import { createApiKeys } from './api/api-keys';
import { createV1Api } from './api/v1';
import { openApiDocument, referencePage } from './api/openapi';
import { createOidc } from './auth/oidc';
import { startSsoRefresher } from './auth/sso-refresher';
import type { SsoConfig } from './config';
import { memorySignInLimits, type SignInLimits } from './auth/sign-in-limits';
import type { Mailer } from './mail/mailer';
import { inviteMessage, passwordResetMessage } from './mail/messages';
import { createMinutesMail } from './mail/minutes-mail';
import { loadTemplateCatalogue, type TemplateCatalogue } from './templates/template-catalogue';
import { createBlobCollector } from './files/blob-collector';
import { createPhraseWatch } from './listeners/phrases-watch';
import { createRawFileSweep } from './imports/raw-file-sweep';
import { createRoomStorage } from './files/room-storage';
import { createImportService } from './imports/import-service';
import { createWorkerPool, type WorkerPool } from './workers/pool';
import { SECURITY_HEADERS, sendJson } from './http/json';
import { allowedHostNames, isAllowedHost, isAllowedOrigin, type TrustProxy } from './http/origin';
import type { BlobStore, EventStore } from './store/port';
import { createWebhooksApi } from './http/webhooks-api';
import { memoryQueue } from './webhooks/file-queue';
import type { DeliveryQueue } from './webhooks/queue';
import { createWebhooks } from './webhooks/webhooks';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export interface ApplicationDeps {
	store: EventStore;
	/** Uploaded files (artifacts, import originals), content-addressed. */
	blobs: BlobStore;
	/** Largest upload in bytes (default 100 MB). */
	uploadLimit?: number;
	/** Most bytes of files one room may keep (default 1 GiB). */
	roomStorageLimit?: number;
	/** Collection of files no room refers to: at start, then periodically (default grace a day, every six hours). */
	blobCollection?: { graceMs?: number; everyMs?: number; enabled?: boolean };
	log: Logger;
	/** Identifies the deployed build; walls reload when it changes. */
	build?: string;
	/** Pages: the SvelteKit handler of the adapter-node build. Absent in socket-only tests. */
	pages?: Middleware;
	/** Attach to an existing server (Vite's in dev) instead of creating one. */
	httpServer?: HttpServer;
	snapshotEvery?: number;
	/** Redis mode: publish and subscribe connections for fan-out across instances. */
	fanout?: { pub: Redis; sub: Redis };
	access: AccessService;
	/**
	 * Rate limits: per client address for HTTP attempts; commands per connection, and (when given) per
	 * session and per address. Redis-backed where shared, in Redis mode.
	 */
	limiters?: {
		attempts: RateLimiterAbstract;
		commands: RateLimiterAbstract;
		sessionCommands?: RateLimiterAbstract;
		addressCommands?: RateLimiterAbstract;
		restores?: RateLimiterAbstract;
	};
	/** Most open connections per client address, with and without a session (no limit when absent). */
	connectionLimits?: ConnectionLimits;
	/** Other origins allowed to open sockets and post (e.g. behind a proxy with another host name). */
	allowedOrigins?: readonly string[];
	/** Enables the admin API (Bearer token): creating rooms, sessions for scripts. */
	adminToken?: string;
	/** Failed sign-ins per account and per address (through Redis in Redis mode); in memory when absent. */
	signInLimits?: SignInLimits;
	/** Sends invitations and password resets; without it (no SMTP_URL) links are shown to copy. */
	mailer?: Mailer;
	/** Threads for heavy parsing (imports); made here, and closed with the app, when not given. */
	workers?: WorkerPool;
	/** Host names a request may name (ALLOWED_HOSTS); by default the loopback names only. */
	allowedHosts?: readonly string[];
	/** Which proxies to believe for X-Forwarded-For and X-Forwarded-Proto (TRUST_PROXY); none by default. */
	trustProxy?: TrustProxy | null;
	/** How often live connections are checked against their session's lifetime (default every minute). */
	sessionSweepMs?: number;
	/** The room templates New room offers (default: the shipped ones, read at start). */
	templates?: Promise<TemplateCatalogue>;
	/** The clock events are stamped with and raw files fall due by (ms since the epoch; default the machine's). Tests move it. */
	clock?: () => number;
	/** How often raw import files due for deletion are looked for (default hourly). */
	rawFileSweepMs?: number;
	/** How long new phrases wait for the rest of a burst of verbatims before they are found (default 2 s). */
	phraseSettleMs?: number;
	/** Paired screens' health (default: in this process's memory; Redis mode shares it). */
	displayStatus?: DisplayStatus;
	/** Single sign-on with OpenID Connect (OIDC_*); off when absent. */
	sso?: SsoConfig | null;
	/** Whether people may sign in with a password (AUTH_LOCAL; default on). */
	localPasswords?: boolean;
	/** How often single sign-on looks for accounts whose groups are due to be read again (default every minute). */
	ssoRefreshEveryMs?: number;
	/**
	 * Webhooks out: the delivery queue (embedded: in the data dir; Redis mode: shared; in memory when
	 * absent), whether private addresses may be reached (WEBHOOK_ALLOW_PRIVATE), the clock, and how often
	 * each instance looks for due deliveries.
	 */
	webhooks?: { queue?: DeliveryQueue; allowPrivate?: boolean; now?: () => number; pollMs?: number; timeoutMs?: number };
}

/** Host names a test or embedded app answers for when none are given: this machine's loopback names. */
const LOOPBACK_HOSTS = allowedHostNames('127.0.0.1', []);
const WRONG_HOST = 'This server is not set up to answer for this host name. If it is yours, add the name to ALLOWED_HOSTS.';

/** Attempts at joining or pairing: 20 a minute per address. */
export const memoryAttemptsLimiter = () => new RateLimiterMemory({ points: 20, duration: 60 });
/** Commands per connection in any 5 seconds: by default 200, far above what a person clicks. */
export const memoryCommandLimiter = (points = 200) => new RateLimiterMemory({ points, duration: 5 });
/** Restores per session: 5 an hour. */
export const RESTORE_LIMIT = { points: 5, duration: 3600 } as const;
export const memoryRestoreLimiter = () => new RateLimiterMemory(RESTORE_LIMIT);

/** Builds the app. Call `httpServer.listen()` to serve, `close()` to stop. */
export function createApplication(deps: ApplicationDeps) {
	const build = deps.build ?? 'dev';
	const httpServer = deps.httpServer ?? createServer((req, res) => route(req, res));
	const allowedOrigins = deps.allowedOrigins ?? [];
	const allowedHosts = deps.allowedHosts ?? LOOPBACK_HOSTS;
	const trustProxy = deps.trustProxy ?? null;
	const limiters = deps.limiters ?? { attempts: memoryAttemptsLimiter(), commands: memoryCommandLimiter() };
	const io: AppServer = new Server(httpServer, {
		maxHttpBufferSize: WIRE_LIMITS.maxMessageBytes,
		// A host name we do not serve (DNS rebinding), or a browser on another site, must not open a socket
		// with our cookie.
		allowRequest: (req, callback) => {
			if (!isAllowedHost(req.headers.host, allowedHosts)) return callback(WRONG_HOST, false);
			callback(null, isAllowedOrigin(req, allowedOrigins, allowedHosts));
		},
		// No connection-state recovery: catch-up by version is ours (DESIGN.md section 5).
		serveClient: false,
		pingInterval: 10_000,
		pingTimeout: 10_000
	});
	if (deps.fanout) io.adapter(createAdapter(deps.fanout.pub, deps.fanout.sub, { key: 'customer-room' }));
	let storeStatus: 'ok' | 'unavailable' = 'ok';
	const displayStatus = deps.displayStatus ?? createDisplayStatus(memoryStatusHash());
	const webhooks = createWebhooks({
		kv: deps.access.kv,
		queue: deps.webhooks?.queue ?? memoryQueue(),
		log: deps.log,
		state: (roomId) => engine.state(roomId),
		store: deps.store,
		allowPrivate: deps.webhooks?.allowPrivate ?? false,
		audit: deps.access.trail,
		now: deps.webhooks?.now,
		timeoutMs: deps.webhooks?.timeoutMs,
		screens: (roomId) => displayStatus.list(roomId)
	});
	webhooks.start(deps.webhooks?.pollMs);
	// New phrases are found after a batch brings verbatims, on the instance that committed it.
	const phraseWatch = createPhraseWatch({
		engine: { state: (roomId) => engine.state(roomId), execute: (...args) => engine.execute(...args) },
		workers: () => workers,
		log: deps.log,
		settleMs: deps.phraseSettleMs
	});
	// Minutes go out by e-mail when a session ends: from committed events, in the background.
	const minutesMail = createMinutesMail({
		mailer: deps.mailer,
		state: (roomId) => engine.state(roomId),
		members: async (roomId) =>
			(await deps.access.membersOf(roomId)).map(({ account }) => ({ id: account.id, name: account.name, email: account.email })),
		log: deps.log
	});
	const engine = createRoomEngine({
		store: deps.store,
		// Webhooks, new phrases and the minutes' e-mails start where the broadcast starts: once per committed
		// batch, on the instance that committed it.
		broadcaster: phraseWatch.wrap(minutesMail.wrap(webhooks.wrap(withUnpairing(socketBroadcaster(io))))),
		log: deps.log,
		snapshotEvery: deps.snapshotEvery,
		now: deps.clock ? () => new Date(deps.clock!()) : undefined
	});
	const gateway = attachGateway(io, {
		engine,
		log: deps.log,
		build,
		storeStatus: () => storeStatus,
		access: deps.access,
		commandLimiter: limiters.commands,
		sessionCommandLimiter: limiters.sessionCommands,
		addressCommandLimiter: limiters.addressCommands,
		connectionLimits: deps.connectionLimits,
		sessionSweepMs: deps.sessionSweepMs,
		trustProxy,
		displayStatus
	});
	io.on('room:deleted', (roomId: string) => engine.forget(roomId));
	const oidc = deps.sso ? createOidc(deps.sso, deps.access.kv, deps.log) : null;
	const localPasswords = deps.localPasswords ?? true;
	if (oidc)
		void oidc
			.discover()
			.then(() => deps.log.info({ issuer: oidc.issuer }, 'single sign-on on: the provider answered'))
			.catch((error: unknown) =>
				deps.log.warn(
					{ issuer: oidc.issuer, err: String(error) },
					'single sign-on: the provider could not be reached yet; sign-ins will try again (check OIDC_ISSUER)'
				)
			);
	const stopSsoRefresher = oidc
		? startSsoRefresher(
				{ oidc, access: deps.access, log: deps.log, audit: deps.access.trail, onAccessChanged: changeAccess },
				deps.ssoRefreshEveryMs
			)
		: () => {};
	const handleAccess = createAccessApi({
		access: deps.access,
		engine,
		limiter: limiters.attempts,
		allowedOrigins,
		allowedHosts,
		trustProxy,
		adminToken: deps.adminToken,
		onRevoked: revokeSession,
		providerSignOut: oidc
			? async (sessionId, returnTo) => {
					const idToken = await oidc.idTokenOf(sessionId);
					return idToken ? oidc.endSession(idToken, returnTo) : null;
				}
			: undefined
	});
	const workers = deps.workers ?? createWorkerPool();
	const collection = { graceMs: 24 * 3_600_000, everyMs: 6 * 3_600_000, enabled: true, ...deps.blobCollection };
	const collector = createBlobCollector({ engine, blobs: deps.blobs, log: deps.log, ...collection });
	if (collection.enabled) collector.start();
	const rawFiles = createRawFileSweep({ engine, collector, log: deps.log, now: deps.clock, everyMs: deps.rawFileSweepMs });
	if (collection.enabled) rawFiles.start();
	const templates = deps.templates ?? loadTemplateCatalogue();
	// A bad template file is reported at start; creating a room from a template then answers 503.
	templates.catch((error: unknown) => deps.log.error({ err: String(error) }, 'the room templates could not be loaded'));
	const apiKeys = createApiKeys(deps.access.kv);
	const handleRooms = createRoomsApi({
		log: deps.log,
		access: deps.access,
		engine,
		templates,
		limiter: limiters.attempts,
		allowedOrigins,
		allowedHosts,
		trustProxy,
		onRevoked: revokeSession,
		onRoomDeleted: async (roomId, files) => {
			closeRoom(roomId, 'This room was deleted.');
			// The other instances (Redis mode) drop what they cached of it.
			if (deps.fanout) io.serverSideEmit('room:deleted', roomId);
			const deleted = await collector.collectNow(files);
			// Its API keys stop working and its webhook endpoints (with their secrets and logs) go too.
			const keys = await apiKeys.forgetRoom(roomId);
			const endpoints = await webhooks.endpoints.forgetRoom(roomId);
			deps.log.info({ roomId, files: deleted, keys, endpoints }, "a deleted room's files, keys and webhooks were removed");
		}
	});
	const storage = createRoomStorage({
		engine,
		blobs: deps.blobs,
		limitBytes: deps.roomStorageLimit ?? 1024 * 1_048_576,
		graceMs: collection.graceMs
	});
	const imports = createImportService({ engine, blobs: deps.blobs, workers });
	const uploadLimit = deps.uploadLimit ?? 100 * 1_048_576;
	const handleCurate = createCurateApi({
		log: deps.log,
		access: deps.access,
		engine,
		blobs: deps.blobs,
		imports,
		allowedOrigins,
		allowedHosts,
		uploadLimit,
		storage,
		restoreLimiter: limiters.restores ?? memoryRestoreLimiter()
	});
	// Made at the first request for them, not at every start: most servers are never asked.
	let document: ReturnType<typeof openApiDocument> | null = null;
	let reference: string | null = null;
	const apiDocument = () => (document ??= openApiDocument());
	const handleV1 = createV1Api({
		engine,
		keys: apiKeys,
		imports,
		blobs: deps.blobs,
		log: deps.log,
		audit: deps.access.trail,
		uploadLimit,
		storage,
		document: apiDocument,
		referencePage: () => (reference ??= referencePage(apiDocument()))
	});
	const handleApiKeys = createApiKeysApi({
		access: deps.access,
		keys: apiKeys,
		engine,
		allowedOrigins,
		allowedHosts,
		audit: deps.access.trail
	});
	const handlePeople = createPeopleApi({
		access: deps.access,
		invitations: deps.access.invitations,
		engine,
		log: deps.log,
		limiter: limiters.attempts,
		signInLimits: deps.signInLimits ?? memorySignInLimits(),
		mailer: deps.mailer,
		messages: { invite: inviteMessage, reset: passwordResetMessage },
		allowedOrigins,
		allowedHosts,
		trustProxy,
		onAccessChanged: changeAccess,
		audit: deps.access.trail,
		localPasswords
	});
	const handleSso = createSsoApi({
		access: deps.access,
		oidc,
		localPasswords,
		engine,
		log: deps.log,
		// A whole office may sign in at nine behind one address: far more than joins or pairings.
		limiter: new RateLimiterMemory({ points: 300, duration: 60 }),
		allowedOrigins,
		allowedHosts,
		trustProxy,
		audit: deps.access.trail,
		onAccessChanged: changeAccess
	});
	const handleAudit = createAuditApi({
		access: deps.access,
		engine,
		view: createAuditView({ trail: deps.access.trail, store: deps.store, state: (roomId) => engine.state(roomId) }),
		allowedOrigins,
		allowedHosts
	});
	const handleWebhooks = createWebhooksApi({
		access: deps.access,
		engine,
		webhooks,
		allowedOrigins,
		allowedHosts,
		trustProxy,
		log: deps.log
	});
	const handleKnownHostApi = createApiHandler({
		log: deps.log,
		engine,
		build,
		blobs: deps.blobs,
		access: deps.access,
		handleAudit,
		handleAccess,
		handleRooms,
		handleCurate,
		handlePeople,
		handleSso,
		handleV1,
		handleApiKeys,
		handleWebhooks
	});
	/** The API, for requests that name a host we serve (pages check the same in `route`). */
	async function handleApi(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
		if (isAllowedHost(req.headers.host, allowedHosts)) return handleKnownHostApi(req, res);
		if (!new URL(req.url ?? '/', 'http://localhost').pathname.startsWith('/api/')) return false;
		// 421 Misdirected Request: this server is not the one for that name.
		sendJson(res, 421, { error: 'misdirected', message: WRONG_HOST });
		return true;
	}

	/** Closes a session's connections on every instance, telling them why first. */
	function revokeSession(sessionId: string, reason = 'This screen was removed from the room.'): void {
		io.in(sessionChannel(sessionId)).emit('access:revoked', { reason });
		// Give the message a moment to leave before the sockets close.
		setTimeout(() => io.in(sessionChannel(sessionId)).disconnectSockets(true), 200);
	}

	/**
	 * A person's access changed (removed from a room, role changed, signed out everywhere): their
	 * connections close on every instance, so they reconnect with the rights they have now. When access
	 * ended (not just `changed`) their pages are told why first: a page of `roomId` (or of any room, with
	 * null) stops; pages of other rooms reconnect by themselves.
	 */
	function changeAccess(sessionIds: readonly string[], roomId: string | null, reason: string, changed = false): void {
		for (const sessionId of sessionIds) {
			if (!changed) io.in(sessionChannel(sessionId)).emit('access:revoked', roomId ? { reason, roomId } : { reason });
			setTimeout(() => io.in(sessionChannel(sessionId)).disconnectSockets(true), changed ? 0 : 200);
		}
	}

	/** Closes every connection to a room on every instance (the room was deleted), telling them why first. */
	function closeRoom(roomId: string, reason: string): void {
		io.in(roomChannel(roomId)).emit('access:revoked', { reason });
		setTimeout(() => io.in(roomChannel(roomId)).disconnectSockets(true), 200);
	}

	/** When a display is removed from a room, the TV's session ends with it. */
	function withUnpairing(inner: Broadcaster): Broadcaster {
		return {
			publish(message: RoomEventsMessage) {
				inner.publish(message);
				for (const { event, actor } of message.events) {
					if (event.type !== 'display.removed') continue;
					void deps.access.trail
						.record({
							action: 'screen_removed',
							roomId: message.roomId,
							actor: { id: actor.id, name: actor.name, kind: 'person' },
							subject: { id: event.displayId, name: event.displayId, kind: 'screen' }
						})
						.catch(() => undefined);
					void displayStatus.forget(message.roomId, event.displayId).catch(() => {});
					deps.access
						.revokeDisplay(message.roomId, event.displayId)
						.then((sessionId) => sessionId && revokeSession(sessionId))
						.catch((error: unknown) => deps.log.warn({ roomId: message.roomId, err: String(error) }, 'unpairing failed'));
				}
			}
		};
	}

	/**
	 * adapter-node serves the build's files with sirv, which pipes a file stream into the response with no
	 * error handler: a file gone since start (a build replaced under a running server) would throw from an
	 * unhandled 'error' event and take the process down. The response is cut instead (its head has gone).
	 */
	function guardPipedFiles(req: IncomingMessage, res: ServerResponse): void {
		res.once('pipe', (source: Readable) => {
			source.once('error', (error: Error) => {
				deps.log.warn(
					{ path: req.url?.split('?')[0], err: String(error) },
					'a static file could not be read; restart after replacing the build'
				);
				res.destroy();
			});
		});
	}

	function route(req: IncomingMessage, res: ServerResponse): void {
		handleApi(req, res)
			.then((handled) => {
				if (handled) return;
				if (!isAllowedHost(req.headers.host, allowedHosts)) return misdirected(res);
				if (!deps.pages) return notFound(res);
				// The build's static files (served by sirv) get the same headers as our own answers; SvelteKit
				// adds its CSP to pages.
				for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
				guardPipedFiles(req, res);
				deps.pages(req, res, () => notFound(res));
			})
			// A path no URL parser takes ("/\\?x" reads as a host-less "//"): not ours, and a wrong host still 421.
			.catch(() => (isAllowedHost(req.headers.host, allowedHosts) ? notFound(res) : misdirected(res)));
	}

	return {
		httpServer,
		io,
		engine,
		handleApi,
		access: deps.access,
		/** Webhooks out: endpoints, and `drain()` to send what is due now. */
		webhooks,
		/** The minutes' e-mails: `settled()` waits for those being sent. */
		minutesMail,
		/** Collects files no room refers to (runs by itself; tests call `collect` directly). */
		collector,
		/** Deletes raw import files whose days are up (runs by itself; tests call `sweep` directly). */
		rawFiles,
		/** Finds each stage's new phrases after verbatims arrive; `idle()` waits for the finds under way. */
		phraseWatch,
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
			stopSsoRefresher();
			await webhooks.stop();
			await minutesMail.settled();
			await collector.stop();
			await rawFiles.stop();
			phraseWatch.stop();
			gateway.stopSweep();
			io.close();
			await engine.flush();
			await deps.store.close();
			if (!deps.workers) await workers.close();
		}
	};
}

function misdirected(res: ServerResponse): void {
	res.writeHead(421, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
	res.end(WRONG_HOST);
}

function notFound(res: ServerResponse): void {
	res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
	res.end('Not found');
}

export type Application = ReturnType<typeof createApplication>;
