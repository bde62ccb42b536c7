/**
 * Plain HTTP endpoints served next to the SvelteKit pages: health and the room list. Uploads, imports
 * and exports join them in later issues.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RoomEngine } from '../engine/room-engine';

export interface ApiDeps {
	engine: RoomEngine;
	build: string;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'cache-control': 'no-store',
		'content-length': Buffer.byteLength(text)
	});
	res.end(text);
}

/** Handles `/api/*`; returns false for any other path so the caller can pass it on. */
export function createApiHandler({ engine, build }: ApiDeps) {
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
			} else {
				sendJson(res, 404, { error: 'not_found', message: `No endpoint ${url.pathname}.` });
			}
		} catch {
			sendJson(res, 503, { error: 'unavailable', message: 'The server could not answer just now; retry.' });
		}
		return true;
	};
}
