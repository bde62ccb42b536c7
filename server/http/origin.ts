/**
 * Where a request comes from: the host it names (ALLOWED_HOSTS), the origin of a browser's request, the
 * client's address for rate limits and whether it reached us over HTTPS, the last two through a proxy only
 * when TRUST_PROXY says which proxies to believe.
 *
 * - Host: a request naming a host this server was not set up for (DNS rebinding: a site's name that
 *   resolves to this server) is refused before anything else reads it.
 * - Origin: a browser always sends Origin on a websocket handshake and a state-changing request; it must
 *   be the host the request names, itself allowed, or one of ALLOWED_ORIGINS. Clients without an Origin
 *   header (scripts, tests) are not browsers, so no cookie can be abused through them; they still need a
 *   token.
 * - Behind a proxy, X-Forwarded-For is a list each hop appends to; only the entries added by proxies we
 *   trust are true. The client is the right-most entry not added by a trusted proxy (proxy-addr, as
 *   Express's `trust proxy`).
 */
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import proxyAddr from 'proxy-addr';

/** Which proxy hops to believe: from the socket's peer (index 0) outwards, is this address a trusted proxy? */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * Parses TRUST_PROXY: `false` (or empty) trusts no proxy; a number trusts that many hops in front of the
 * server (`true` is one hop: a single proxy such as nginx on the same machine); otherwise a comma-separated
 * list of proxy addresses or CIDR ranges (and proxy-addr's names `loopback`, `linklocal`, `uniquelocal`).
 * Throws with a sentence on anything else.
 */
export function parseTrustProxy(value: string): TrustProxy | null {
	const text = value.trim();
	if (text === '' || text === 'false' || text === '0') return null;
	if (text === 'true') return (_address, hop) => hop < 1;
	if (/^\d{1,3}$/.test(text)) {
		const hops = Number(text);
		return (_address, hop) => hop < hops;
	}
	try {
		return proxyAddr.compile(
			text
				.split(',')
				.map((entry) => entry.trim())
				.filter(Boolean)
		);
	} catch (error) {
		throw new Error(
			`TRUST_PROXY must be false, true, a number of proxy hops, or proxy addresses/CIDR ranges separated by commas (${error instanceof Error ? error.message : String(error)})`,
			{ cause: error }
		);
	}
}

/** The client's address, for rate limits: behind trusted proxies, the address the outermost trusted one saw. */
export function clientAddress(req: IncomingMessage, trustProxy: TrustProxy | null): string {
	if (!trustProxy) return req.socket.remoteAddress ?? 'unknown';
	return proxyAddr(req, trustProxy);
}

/** Whether the request reached us over HTTPS: our own TLS, or a trusted proxy's X-Forwarded-Proto. */
export function isHttps(req: IncomingMessage, trustProxy: TrustProxy | null): boolean {
	if ((req.socket as { encrypted?: boolean }).encrypted === true) return true;
	if (!trustProxy || !trustProxy(req.socket.remoteAddress ?? '', 0)) return false;
	const proto = req.headers['x-forwarded-proto'];
	return typeof proto === 'string' && proto.split(',')[0]!.trim().toLowerCase() === 'https';
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const ANY_INTERFACE = ['0.0.0.0', '::', '[::]'];

/**
 * The host names requests may name: the loopback names always (a health check on the machine itself), and
 * those of ALLOWED_HOSTS; without it HOST, or when HOST is every interface (0.0.0.0), this machine's name.
 */
export function allowedHostNames(host: string, listed: readonly string[], machineName: string = hostname()): string[] {
	const own = ANY_INTERFACE.includes(host) ? machineName : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
	const names = listed.length ? listed : [own];
	return [...new Set([...LOOPBACK_NAMES, ...names.map((name) => hostNameOf(name) ?? name.toLowerCase())])];
}

/**
 * The host name of a Host header or an ALLOWED_HOSTS entry (`name`, `name:port`, `[v6]:port`), lowercased
 * as URL does (and IDNs in punycode); null if it is not one.
 */
export function hostNameOf(host: string): string | null {
	if (host === '' || /[/?#@\\\s]/.test(host)) return null;
	try {
		return new URL(`http://${host}`).hostname;
	} catch {
		return null;
	}
}

/** Whether a Host header names one of `allowed` (host names; the port is not compared). */
export function isAllowedHost(hostHeader: string | undefined, allowed: readonly string[]): boolean {
	if (!hostHeader) return false;
	const name = hostNameOf(hostHeader);
	return name !== null && allowed.includes(name);
}

export function isAllowedOrigin(
	req: IncomingMessage,
	allowedOrigins: readonly string[],
	allowedHosts: readonly string[]
): boolean {
	const origin = req.headers.origin;
	if (!origin) return true;
	if (allowedOrigins.includes(origin)) return true;
	try {
		return new URL(origin).host === req.headers.host && isAllowedHost(req.headers.host, allowedHosts);
	} catch {
		return false;
	}
}
