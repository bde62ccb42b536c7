/**
 * Plain HTTP endpoints served next to the SvelteKit pages: health, the room list and stored files;
 * access (`access-api.ts`) and curation (`curate-api.ts`: uploads, imports, exports) have their own.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessService } from '../access/access-service';
import type { RoomEngine } from '../engine/room-engine';
import { sessionTokenOf } from './session';
import type { BlobStore } from '../store/port';

export interface ApiDeps {
	engine: RoomEngine;
	build: string;
	blobs: BlobStore;
	access: AccessService;
	/** Access routes (join, invites, pairing); answers false for paths it does not own. */
	handleAccess: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
	/** Curation routes (uploads, imports, exports, restore); answers false for paths it does not own. */
	handleCurate: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
}

const BLOB_PATH = /^\/api\/blobs\/([a-f0-9]{64})$/;

import { BodyError, sendJson } from './json';

/**
 * Serves a stored file by its content id, from whichever instance: in Redis mode every instance reads
 * the same blobs. Content ids never change, so the answer can be cached for good.
 */
async function sendBlob(req: IncomingMessage, res: ServerResponse, blobs: BlobStore, id: string): Promise<void> {
	const blob = await blobs.get(id);
	if (!blob) return sendJson(res, 404, { error: 'not_found', message: 'No such file.' });
	const size = blob.bytes.byteLength;
	const headers = {
		'content-type': blob.contentType,
		'cache-control': 'public, max-age=31536000, immutable',
		'accept-ranges': 'bytes',
		'x-content-type-options': 'nosniff',
		// Nothing a stored file holds may run with this site's rights. PDFs are the exception to the sandbox:
		// the browser's PDF viewer refuses a sandboxed document, and it runs a PDF's scripts in its own.
		'content-security-policy': blob.contentType === 'application/pdf' ? "default-src 'none'" : "default-src 'none'; sandbox"
	};
	// Recordings and videos seek by asking for byte ranges; a browser cannot jump in a call without them.
	const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
	if (range && (range[1] || range[2])) {
		const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
		const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
		if (start > end || start >= size) {
			res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` });
			return void res.end();
		}
		res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': end - start + 1 });
		return void res.end(req.method === 'HEAD' ? undefined : blob.bytes.subarray(start, end + 1));
	}
	res.writeHead(200, { ...headers, 'content-length': size });
	res.end(req.method === 'HEAD' ? undefined : blob.bytes);
}

/** Handles `/api/*`; returns false for any other path so the caller can pass it on. */
export function createApiHandler({ engine, build, blobs, access, handleAccess, handleCurate }: ApiDeps) {
	return async function handleApi(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (!url.pathname.startsWith('/api/')) return false;
		try {
			if (await handleAccess(req, res, url)) return true;
			if (await handleCurate(req, res, url)) return true;
			if (req.method !== 'GET' && req.method !== 'HEAD') {
				sendJson(res, 405, { error: 'method_not_allowed', message: 'Only GET is served here.' });
			} else if (url.pathname === '/api/health') {
				sendJson(res, 200, { ok: true, build });
			} else if (url.pathname === '/api/rooms') {
				// Only the rooms this browser has joined.
				const session = await access.session(sessionTokenOf(req));
				const mine = (await engine.listRooms()).filter((r) => access.roleIn(session, r.id));
				sendJson(res, 200, { rooms: mine.map((r) => ({ ...r, role: access.roleIn(session, r.id) })) });
			} else if (BLOB_PATH.test(url.pathname)) {
				await sendBlob(req, res, blobs, BLOB_PATH.exec(url.pathname)![1]!);
			} else {
				sendJson(res, 404, { error: 'not_found', message: `No endpoint ${url.pathname}.` });
			}
		} catch (error) {
			if (error instanceof BodyError) sendJson(res, 413, { error: 'too_large', message: error.message });
			else sendJson(res, 503, { error: 'unavailable', message: 'The server could not answer just now; retry.' });
		}
		return true;
	};
}
