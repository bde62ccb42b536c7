/**
 * Same-origin checks for the websocket handshake and state-changing HTTP requests. A browser always
 * sends Origin on those; it must name this host (or one listed in ALLOWED_ORIGINS). Clients without an
 * Origin header (scripts, tests) are not browsers, so no cookie can be abused through them; they still
 * need a token.
 */
import type { IncomingMessage } from 'node:http';

export function isAllowedOrigin(req: IncomingMessage, allowed: readonly string[]): boolean {
	const origin = req.headers.origin;
	if (!origin) return true;
	if (allowed.includes(origin)) return true;
	try {
		return new URL(origin).host === req.headers.host;
	} catch {
		return false;
	}
}

/** The client's address, for rate limits (behind a proxy, its X-Forwarded-For first hop). */
export function clientAddress(req: IncomingMessage, trustProxy = process.env.TRUST_PROXY === 'true'): string {
	const forwarded = req.headers['x-forwarded-for'];
	if (trustProxy && typeof forwarded === 'string') return forwarded.split(',')[0]!.trim();
	return req.socket.remoteAddress ?? 'unknown';
}
