/** JSON request and response helpers for the plain HTTP endpoints. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Security headers on every answer we write ourselves (SvelteKit adds its CSP to pages). */
export const SECURITY_HEADERS = {
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'no-referrer',
	'x-frame-options': 'DENY',
	'cross-origin-opener-policy': 'same-origin'
} as const;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		...SECURITY_HEADERS,
		'content-type': 'application/json; charset=utf-8',
		'cache-control': 'no-store',
		'content-length': Buffer.byteLength(text)
	});
	res.end(text);
}

export class BodyError extends Error {}

/** Reads a JSON body of at most `limit` bytes; undefined if it is not JSON. */
export async function readJson(req: IncomingMessage, limit = 16_384): Promise<unknown> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > limit) throw new BodyError(`Request body over ${limit} bytes.`);
		chunks.push(chunk as Buffer);
	}
	try {
		return JSON.parse(Buffer.concat(chunks).toString('utf8'));
	} catch {
		return undefined;
	}
}
