/**
 * Builds the real application (composition root, file store in a temp dir) on port 0, and real
 * socket.io clients that speak the typed protocol.
 */
import { silentLogger, type Logger } from '../../server/log';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { canonicalJson, type Command, type RoomState } from '../../src/lib/domain';
import type {
	ClientToServerEvents,
	CommandResult,
	JoinResult,
	RoomEventsMessage,
	ServerToClientEvents
} from '../../src/lib/protocol';
import { createApplication, memoryAttemptsLimiter, memoryCommandLimiter } from '../../server/app';
import { createAccessService, type Role } from '../../server/access/access-service';
import { openFileKv } from '../../server/access/file-kv';
import { openEmbeddedAuditTrail } from '../../server/people/file-audit-lists';
import { openFileEventStore } from '../../server/store/file/file-event-store';
import { openFileBlobStore } from '../../server/store/file/file-blob-store';
import type { BlobStore, EventStore } from '../../server/store/port';
import type { TrustProxy } from '../../server/http/origin';
import { tempDir } from './temp-dir';
import { openFileQueue } from '../../server/webhooks/file-queue';
import type { Mailer } from '../../server/mail/mailer';
import type { SsoConfig } from '../../server/config';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Room ids the socket tests use; `client(name, role)` grants that role in each of them. */
export const TEST_ROOMS = [
	'r1',
	'r2',
	'r3',
	'r4',
	'r5',
	'r6',
	'no-such-room',
	'fuzz',
	'fuzz2',
	'compact',
	'durable',
	'torn',
	'corrupt',
	'multi',
	'failover',
	'outage',
	'presence',
	'x'
];

export const silentLog = silentLogger;

/** Starts the app on a random port with an embedded store in a fresh temp dir. */
export async function startTestServer(
	options: {
		dataDir?: string;
		snapshotEvery?: number;
		snapshotRetainEvents?: number;
		commandRateLimit?: number;
		/** Largest upload accepted, in bytes (the app's default when absent). */
		uploadLimit?: number;
		/** Most bytes of files one room may keep (the app's default when absent). */
		roomStorageLimit?: number;
		/** Puts something between the engine and the file store (e.g. a tap that keeps every appended event). */
		wrapStore?: (store: EventStore) => EventStore;
		/** Puts something between the app and the blob store (e.g. a tap that counts the bytes read). */
		wrapBlobs?: (blobs: BlobStore) => BlobStore;
		/** Which proxies to believe (TRUST_PROXY), host names served (ALLOWED_HOSTS), the admin token. */
		trustProxy?: TrustProxy | null;
		allowedHosts?: readonly string[];
		adminToken?: string;
		/** What answers requests the API does not (the SvelteKit handler in production). */
		pages?: Parameters<typeof createApplication>[0]['pages'];
		/** Where the app logs (silent when absent). */
		log?: Logger;
		/** Sends invitations and resets (none when absent: links are shown to copy). */
		mailer?: Mailer;
		/** Single sign-on (none when absent), passwords on or off, and how often groups are read again. */
		sso?: SsoConfig;
		localPasswords?: boolean;
		ssoRefreshEveryMs?: number;
		/** Listen on this port (a free one when absent). */
		port?: number;
		/** Webhooks out: private addresses allowed (for local receivers), a clock, how often to look for due jobs. */
		webhooks?: Parameters<typeof createApplication>[0]['webhooks'];
	} = {}
) {
	const tmp = options.dataDir ? null : await tempDir();
	const dataDir = options.dataDir ?? tmp!.dir;
	const fileStore = await openFileEventStore({ dataDir, snapshotRetainEvents: options.snapshotRetainEvents });
	const store = options.wrapStore ? options.wrapStore(fileStore) : fileStore;
	const kv = await openFileKv(dataDir);
	const access = createAccessService(kv, Date.now, undefined, await openEmbeddedAuditTrail(dataDir, kv));
	const fileBlobs = await openFileBlobStore(`${dataDir}/blobs`);
	const blobs = options.wrapBlobs ? options.wrapBlobs(fileBlobs) : fileBlobs;
	const app = createApplication({
		store,
		blobs,
		uploadLimit: options.uploadLimit,
		roomStorageLimit: options.roomStorageLimit,
		access,
		log: options.log ?? silentLog,
		build: 'test',
		snapshotEvery: options.snapshotEvery,
		pages: options.pages,
		trustProxy: options.trustProxy,
		allowedHosts: options.allowedHosts,
		adminToken: options.adminToken,
		mailer: options.mailer,
		sso: options.sso,
		localPasswords: options.localPasswords,
		ssoRefreshEveryMs: options.ssoRefreshEveryMs,
		webhooks: { queue: await openFileQueue(dataDir), ...options.webhooks },
		limiters: { attempts: memoryAttemptsLimiter(), commands: memoryCommandLimiter(options.commandRateLimit ?? 100_000) }
	});
	await new Promise<void>((resolve) => app.httpServer.listen(options.port ?? 0, '127.0.0.1', resolve));
	const { port } = app.httpServer.address() as AddressInfo;
	const url = `http://127.0.0.1:${port}`;
	const sockets: TestSocket[] = [];
	/** A session token; a bare role means "this role in every room" (via a wildcard-free grant list built lazily). */
	async function tokenFor(name: string, grants: Record<string, Role> | Role): Promise<string> {
		const table = typeof grants === 'string' ? Object.fromEntries(TEST_ROOMS.map((r) => [r, grants])) : grants;
		const [first, ...rest] = Object.entries(table);
		const token = await access.grantDirectly(first?.[0] ?? 'none', first?.[1] ?? 'viewer', name);
		for (const [roomId, role] of rest) await access.addGrant(token, roomId, role);
		return token;
	}
	return {
		app,
		url,
		port,
		dataDir,
		access,
		blobs,
		/**
		 * A connected client (websocket only, like the browser) with a session that has `role` in the
		 * given rooms (by default a facilitator everywhere the tests use: any room id it names later).
		 */
		async client(name = 'Tester', grants: Record<string, Role> | Role = 'facilitator'): Promise<TestSocket> {
			const token = await tokenFor(name, grants);
			const socket: TestSocket = connect(url, {
				transports: ['websocket'],
				auth: { name, token },
				forceNew: true,
				reconnection: false
			});
			sockets.push(socket);
			await new Promise<void>((resolve, reject) => {
				socket.once('connect', () => resolve());
				socket.once('connect_error', reject);
			});
			return socket;
		},
		async close() {
			for (const s of sockets) s.disconnect();
			await new Promise<void>((resolve) => app.httpServer.close(() => resolve()));
			await app.close();
			await tmp?.cleanup();
		}
	};
}

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

let counter = 0;
/** A valid, unique commandId. */
export const commandId = () => `test-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export function send(socket: TestSocket, roomId: string, command: Command, id = commandId()): Promise<CommandResult> {
	return socket.timeout(10_000).emitWithAck('command', { roomId, commandId: id, command });
}

export function join(socket: TestSocket, roomId: string, since?: { version: number; epoch: string }): Promise<JoinResult> {
	return socket.timeout(10_000).emitWithAck('room:join', { roomId, since });
}

/** Collects every room:events message a socket receives. */
export function recordEvents(socket: TestSocket): RoomEventsMessage[] {
	const seen: RoomEventsMessage[] = [];
	socket.on('room:events', (m) => seen.push(m));
	return seen;
}

/** Resolves with the first broadcast that satisfies `predicate`. */
export function nextEvents(
	socket: TestSocket,
	predicate: (m: RoomEventsMessage) => boolean = () => true,
	timeoutMs = 5_000
): Promise<RoomEventsMessage> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('no matching room:events in time')), timeoutMs);
		const handler = (m: RoomEventsMessage) => {
			if (!predicate(m)) return;
			clearTimeout(timer);
			socket.off('room:events', handler);
			resolve(m);
		};
		socket.on('room:events', handler);
	});
}

/** sha256 of the canonical JSON of a state: equal states, equal hashes. */
export function stateHash(state: RoomState): string {
	return createHash('sha256').update(canonicalJson(state)).digest('hex');
}

/** Creates a small room with one stage, touchpoint and complaint category, ready for commands. */
export async function createRoom(socket: TestSocket, roomId: string): Promise<void> {
	const steps: Command[] = [
		{ type: 'room.create', name: `Room ${roomId}`, organisation: 'Test Org' },
		{ type: 'stage.add', stageId: 'apply', name: 'Apply', customerGoal: 'I want to open an account quickly' },
		{
			type: 'touchpoint.add',
			touchpointId: 'form',
			stageId: 'apply',
			name: 'Online form',
			channel: 'Web',
			momentOfTruth: true,
			departments: ['Product', 'IT'],
			importance: 9,
			performance: 4,
			internalScore: 7
		},
		{
			type: 'complaint.define',
			categoryId: 'cant-open',
			stageId: 'apply',
			touchpointId: null,
			name: "Can't open account",
			departments: ['Operations']
		}
	];
	for (const command of steps) {
		const result = await send(socket, roomId, command);
		if (!result.ok) throw new Error(`${command.type}: ${result.message}`);
		if (command.type === 'room.create') {
			const joined = await join(socket, roomId);
			if (!joined.ok) throw new Error(joined.message);
		}
	}
}

/** A quote command with a fresh verbatim id: an easy command to send many of. */
export function quote(text: string, n: number): Command {
	return {
		type: 'complaint.quote',
		categoryId: 'cant-open',
		verbatim: { id: `v-${n}-${counter++}`, text, date: '2026-11-01', channel: 'Web', segment: null }
	};
}
