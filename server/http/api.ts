/**
 * Plain HTTP endpoints served next to the SvelteKit pages: health and the room list. Uploads, imports
 * and exports join them in later issues.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseCookie } from 'cookie';
import type { AccessService } from '../access/access-service';
import type { RoomEngine } from '../engine/room-engine';
import { SESSION_COOKIE } from '../gateway/socket-gateway';
import type { BlobStore } from '../store/port';

export interface ApiDeps {
	engine: RoomEngine;
	build: string;
	blobs?: BlobStore;
	access: AccessService;
	/** Access routes (join, invites, pairing); answers false for paths it does not own. */
	handleAccess: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
}

const BLOB_PATH = /^\/api\/blobs\/([a-f0-9]{64})$/;

import { BodyError, sendJson } from './json';

/**
 * Serves a stored file by its content id, from whichever instance: in Redis mode every instance reads
 * the same blobs. Content ids never change, so the answer can be cached for good.
 */
async function sendBlob(res: ServerResponse, blobs: BlobStore, id: string): Promise<void> {
	const blob = await blobs.get(id);
	if (!blob) return sendJson(res, 404, { error: 'not_found', message: 'No such file.' });
	res.writeHead(200, {
		'content-type': blob.contentType,
		'content-length': blob.bytes.byteLength,
		'cache-control': 'public, max-age=31536000, immutable',
		'x-content-type-options': 'nosniff',
		'content-security-policy': "default-src 'none'; sandbox"
	});
	res.end(blob.bytes);
}

/** Handles `/api/*`; returns false for any other path so the caller can pass it on. */
export function createApiHandler({ engine, build, blobs, access, handleAccess }: ApiDeps) {
	return async function handleApi(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (!url.pathname.startsWith('/api/')) return false;
		try {
			if (await handleAccess(req, res, url)) return true;
			if (req.method !== 'GET' && req.method !== 'HEAD') {
				sendJson(res, 405, { error: 'method_not_allowed', message: 'Only GET is served here.' });
			} else if (url.pathname === '/api/health') {
				sendJson(res, 200, { ok: true, build });
			} else if (url.pathname === '/api/rooms') {
				// Only the rooms this browser has joined.
				const session = await access.session(parseCookie(req.headers.cookie ?? '')[SESSION_COOKIE]);
				const mine = (await engine.listRooms()).filter((r) => access.roleIn(session, r.id));
				sendJson(res, 200, { rooms: mine.map((r) => ({ ...r, role: access.roleIn(session, r.id) })) });
			} else if (BLOB_PATH.test(url.pathname) && blobs) {
				await sendBlob(res, blobs, BLOB_PATH.exec(url.pathname)![1]!);
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
