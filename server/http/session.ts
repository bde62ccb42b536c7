/**
 * The session cookie: its name, how it is read from a request and how it is set. The HTTP endpoints and
 * the socket handshake both read the token here, so neither needs the other.
 *
 * Over HTTPS the cookie carries the `__Host-` prefix, which browsers accept only with Secure, Path=/ and
 * no Domain: a sibling subdomain or a plain-HTTP page cannot plant or overwrite it. Over plain HTTP (a
 * laptop on localhost) the prefix cannot be used, so the name differs by scheme and both are read.
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseCookie, serialize } from 'cookie';
import { isHttps, type TrustProxy } from './origin';

/** The cookie that carries a browser's session token over plain HTTP (httpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'cr_session';
/** The same cookie over HTTPS. */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

/** How long a browser keeps the cookie unless told otherwise. */
export const DEFAULT_COOKIE_MAX_AGE_S = 180 * 24 * 3600;

/** The session token a Cookie header carries, under either name (the HTTPS one first), or null. */
export function sessionTokenFromCookies(header: string | undefined): string | null {
	const cookies = parseCookie(header ?? '');
	return cookies[SECURE_SESSION_COOKIE] || cookies[SESSION_COOKIE] || null;
}

/** The session token of a request, or null. */
export const sessionTokenOf = (req: IncomingMessage): string | null => sessionTokenFromCookies(req.headers.cookie);

/**
 * A Set-Cookie value carrying `token` (an empty token with maxAge 0 clears it). Secure, with the `__Host-`
 * name, over HTTPS: our own TLS, or X-Forwarded-Proto from a proxy TRUST_PROXY names (never a client's).
 */
export function sessionCookie(
	req: IncomingMessage,
	token: string,
	trustProxy: TrustProxy | null,
	maxAge = DEFAULT_COOKIE_MAX_AGE_S
): string {
	const secure = isHttps(req, trustProxy);
	return serialize(secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, token, {
		httpOnly: true,
		sameSite: 'strict',
		secure,
		path: '/',
		maxAge
	});
}
