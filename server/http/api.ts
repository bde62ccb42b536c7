/**
 * Plain HTTP endpoints served next to the SvelteKit pages: health, the room list, My actions and stored files;
 * access (`access-api.ts`), curation (`curate-api.ts`: uploads, imports, exports) and the audit trail
 * (`audit-api.ts`) have their own.
 */
import type { Logger } from '../log';
import type { RoomList } from '../../src/lib/protocol';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { mayReadFile } from '../../src/lib/domain';
import { isInstanceAdmin, mayCreateRooms, type AccessService, type Session } from '../access/access-service';
import type { RoomEngine } from '../engine/room-engine';
import type { BlobStore, ByteRange } from '../store/port';
import { BodyError, SECURITY_HEADERS, sendJson } from './json';
import { sessionTokenOf } from './session';
import { MY_ACTIONS_PATH, handleMyActions } from './my-actions';

export interface ApiDeps {
	/** Failures are logged here once, with the request (never a token or a file's content). */
	log: Logger;
	engine: RoomEngine;
	build: string;
	blobs: BlobStore;
	access: AccessService;
	/** Audit trail reads (rooms' and the instance's); answers false for paths it does not own. */
	handleAudit: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
	/** Access routes (join, invites, pairing); answers false for paths it does not own. */
	handleAccess: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
	/** Rooms routes (setup link, create, take over, delete); answers false for paths it does not own. */
	handleRooms: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
	/** Curation routes (uploads, imports, exports, restore); answers false for paths it does not own. */
	handleCurate: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
	handlePeople: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
	/** Single sign-on routes (sign-in methods, the provider's way in and out, groups to roles). */
	handleSso: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
	/** The HTTP API for other systems (`/api/v1`, API keys) and the keys' management. */
	handleV1: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
	handleApiKeys: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
	/** A room's webhook endpoints and their delivery logs. */
	handleWebhooks: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
}

const BLOB_PATH = /^\/api\/blobs\/([a-f0-9]{64})$/;

/**
 * The one byte range a Range header asks for, `'unsatisfiable'` (answered 416), or null to send the whole
 * file: a header we do not read (several ranges, another unit) may be ignored (RFC 9110, 14.2).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
	const range = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
	if (!range || (!range[1] && !range[2])) return null;
	const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
	const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
	if (start > end || start >= size) return 'unsatisfiable';
	return { start, end };
}

/**
 * Whether a session may fetch a stored file: it must hold a role in a room that uses the file in a way
 * that role may see (`mayReadFile`), or be a contributor or facilitator of a room that uploaded it (a
 * picture shown before its artifact is saved, an import file before it is imported).
 */
async function mayFetchBlob(engine: RoomEngine, blobs: BlobStore, session: Session, id: string): Promise<boolean> {
	for (const [roomId, grant] of Object.entries(session.grants)) {
		const state = await engine.state(roomId);
		if (state && mayReadFile(state, id, { role: grant.role, displayId: grant.displayId })) return true;
		if (grant.role !== 'viewer' && (await blobs.uploadedTo(id, roomId))) return true;
	}
	return false;
}

/**
 * Serves a stored file by its content id, from whichever instance: in Redis mode every instance reads
 * the same blobs. The bytes stream from the store, a range reads only that range (recordings and videos
 * seek by asking for ranges), and nothing is hashed again: `put` hashed them once.
 */
async function sendBlob(req: IncomingMessage, res: ServerResponse, blobs: BlobStore, id: string): Promise<void> {
	const info = await blobs.stat(id);
	if (!info) return sendJson(res, 404, { error: 'not_found', message: 'No such file.' });
	const { size, contentType } = info;
	const etag = `"${id}"`;
	if (req.headers['if-none-match'] === etag) {
		res.writeHead(304, { ...SECURITY_HEADERS, etag, 'cache-control': 'private, max-age=300' });
		return void res.end();
	}
	const headers = {
		...SECURITY_HEADERS,
		'content-type': contentType,
		// Only for this browser (and revalidated after 5 minutes, so a revoked session soon stops seeing it);
		// a content id is a perfect ETag.
		'cache-control': 'private, max-age=300',
		etag,
		vary: 'cookie',
		'accept-ranges': 'bytes',
		// Nothing a stored file holds may run with this site's rights. PDFs are the exception to the sandbox:
		// the browser's PDF viewer refuses a sandboxed document, and it runs a PDF's scripts in its own.
		'content-security-policy': contentType === 'application/pdf' ? "default-src 'none'" : "default-src 'none'; sandbox"
	};
	const range = parseRange(req.headers.range, size);
	if (range === 'unsatisfiable') {
		res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` });
		return void res.end();
	}
	if (range)
		res.writeHead(206, {
			...headers,
			'content-range': `bytes ${range.start}-${range.end}/${size}`,
			'content-length': range.end - range.start + 1
		});
	else res.writeHead(200, { ...headers, 'content-length': size });
	if (req.method === 'HEAD' || size === 0) return void res.end();
	try {
		await pipeline(blobs.read(id, range ?? undefined), res);
	} catch {
		// The head has gone: a failed read or a client that left can only cut the answer short.
		res.destroy();
	}
}

/** Handles `/api/*`; returns false for any other path so the caller can pass it on. */
export function createApiHandler({
	log,
	engine,
	build,
	blobs,
	access,
	handleAudit,
	handleAccess,
	handleRooms,
	handleCurate,
	handlePeople,
	handleSso,
	handleV1,
	handleApiKeys,
	handleWebhooks
}: ApiDeps) {
	return async function handleApi(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (!url.pathname.startsWith('/api/')) return false;
		try {
			if (await handleV1(req, res, url)) return true;
			if (await handleApiKeys(req, res, url)) return true;
			if (await handleSso(req, res, url)) return true;
			if (await handlePeople(req, res, url)) return true;
			// Before the access routes, which own the rest of /api/admin/ (ADMIN_TOKEN): /api/admin/audit is
			// an instance admin's, by session.
			if (await handleAudit(req, res, url)) return true;
			if (await handleAccess(req, res, url)) return true;
			if (await handleRooms(req, res, url)) return true;
			if (await handleCurate(req, res, url)) return true;
			if (await handleWebhooks(req, res, url)) return true;
			if (req.method !== 'GET' && req.method !== 'HEAD') {
				sendJson(res, 405, { error: 'method_not_allowed', message: 'Only GET is served here.' });
			} else if (url.pathname === '/api/health') {
				sendJson(res, 200, { ok: true, build });
			} else if (url.pathname === '/api/rooms') {
				// The rooms this browser has joined; an instance admin sees every room (none is ever orphaned).
				const session = await access.session(sessionTokenOf(req));
				const admin = isInstanceAdmin(session);
				const shown = (await engine.listRooms()).filter((r) => admin || access.roleIn(session, r.id));
				sendJson(res, 200, {
					rooms: shown.map((r) => ({ ...r, role: access.roleIn(session, r.id) })),
					mayCreateRooms: mayCreateRooms(session),
					instanceAdmin: admin
				} satisfies RoomList);
			} else if (url.pathname === MY_ACTIONS_PATH) {
				await handleMyActions(req, res, { engine, access });
			} else if (BLOB_PATH.test(url.pathname)) {
				const id = BLOB_PATH.exec(url.pathname)![1]!;
				const session = await access.session(sessionTokenOf(req));
				if (!session) {
					sendJson(res, 401, {
						error: 'unauthenticated',
						message: 'Open your invite link first: files are shown only to members of their room.'
					});
				} else if (!(await mayFetchBlob(engine, blobs, session, id))) {
					// The same answer as for a file that does not exist: another room's file ids tell nothing.
					sendJson(res, 404, { error: 'not_found', message: 'No such file in your rooms.' });
				} else {
					await sendBlob(req, res, blobs, id);
				}
			} else {
				sendJson(res, 404, { error: 'not_found', message: `No endpoint ${url.pathname}.` });
			}
		} catch (error) {
			if (error instanceof BodyError) {
				if (!res.headersSent) sendJson(res, 413, { error: 'too_large', message: error.message });
			} else {
				const roomId = /^\/api\/rooms\/([A-Za-z0-9_-]{1,64})(?:\/|$)/.exec(url.pathname)?.[1] ?? null;
				log.error({ roomId, request: `${req.method} ${url.pathname}`, err: String(error) }, 'request failed');
				if (!res.headersSent)
					sendJson(res, 503, { error: 'unavailable', message: 'The server could not answer just now; retry.' });
				else res.end();
			}
		}
		return true;
	};
}
