/**
 * Plain HTTP endpoints served next to the SvelteKit pages: health and the room list. Uploads, imports
 * and exports join them in later issues.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RoomEngine } from '../engine/room-engine';
import type { BlobStore } from '../store/port';

export interface ApiDeps {
	engine: RoomEngine;
	build: string;
	blobs?: BlobStore;
}

const BLOB_PATH = /^\/api\/blobs\/([a-f0-9]{64})$/;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'cache-control': 'no-store',
		'content-length': Buffer.byteLength(text)
	});
	res.end(text);
}

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
export function createApiHandler({ engine, build, blobs }: ApiDeps) {
	return async function handleApi(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (!url.pathname.startsWith('/api/')) return false;
		try {
			if (req.method !== 'GET' && req.method !== 'HEAD') {
				sendJson(res, 405, { error: 'method_not_allowed', message: 'Only GET is served here.' });
			} else if (url.pathname === '/api/health') {
				sendJson(res, 200, { ok: true, build });
			} else if (url.pathname === '/api/rooms') {
				sendJson(res, 200, { rooms: await engine.listRooms() });
			} else if (BLOB_PATH.test(url.pathname) && blobs) {
				await sendBlob(res, blobs, BLOB_PATH.exec(url.pathname)![1]!);
			} else {
				sendJson(res, 404, { error: 'not_found', message: `No endpoint ${url.pathname}.` });
			}
		} catch {
			sendJson(res, 503, { error: 'unavailable', message: 'The server could not answer just now; retry.' });
		}
		return true;
	};
}
