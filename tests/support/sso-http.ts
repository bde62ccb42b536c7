/**
 * Single sign-on without a browser, for the integration tests: follows the app's start, the provider's
 * own sign-in and consent pages (real HTML forms, posted as a browser would), and the callback, with a
 * cookie jar per browser. Chromium walks the same way in tests/browser/sso.test.ts.
 */

/**
 * Cookies per host name, as one browser keeps them: not per port (browsers share cookies across ports),
 * and paths are ignored (every cookie of a host is sent).
 */
export class CookieJar {
	private readonly hosts = new Map<string, Map<string, string>>();

	keep(url: string, res: Response): void {
		const host = new URL(url).hostname;
		const jar = this.hosts.get(host) ?? new Map<string, string>();
		for (const line of res.headers.getSetCookie()) {
			const [pair, ...attributes] = line.split(';');
			const at = pair!.indexOf('=');
			const name = pair!.slice(0, at).trim();
			const value = pair!.slice(at + 1).trim();
			const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
			if (expired) jar.delete(name);
			else jar.set(name, value);
		}
		this.hosts.set(host, jar);
	}

	header(url: string): string {
		const jar = this.hosts.get(new URL(url).hostname);
		return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
	}

	get(url: string, name: string): string | null {
		return this.hosts.get(new URL(url).hostname)?.get(name) ?? null;
	}
}

/** The address a "moving on" page (meta refresh) sends the browser to. */
export function onwardsOf(html: string): string | null {
	const match = /http-equiv="refresh" content="0;url=([^"]+)"/.exec(html);
	return match
		? match[1]!
				.replace(/&amp;/g, '&')
				.replace(/&quot;/g, '"')
				.replace(/&lt;/g, '<')
		: null;
}

async function go(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
	const res = await fetch(url, {
		...init,
		redirect: 'manual',
		headers: { ...(init.headers as Record<string, string>), cookie: jar.header(url) }
	});
	jar.keep(url, res);
	return res;
}

export interface ProviderTrip {
	/** The provider's answer to the app: its callback address with code and state. */
	callbackUrl: string | null;
	/** Where the app sent the browser when it did not go to the provider (a refusal). */
	refusedTo: string | null;
}

/** From the app's "sign in with…" link to the provider's answer (not yet delivered to the app). */
export async function toProviderAndBack(appUrl: string, login: string, jar: CookieJar, next = '/'): Promise<ProviderTrip> {
	const started = await go(jar, `${appUrl}/api/auth/sso/start?next=${encodeURIComponent(next)}`);
	if (started.status !== 302) return { callbackUrl: null, refusedTo: onwardsOf(await started.text()) };
	return { callbackUrl: await throughProvider(appUrl, started.headers.get('location')!, login, jar), refusedTo: null };
}

/** Signs in at the provider's own pages from its authorization address; answers its answer to the app. */
export async function throughProvider(appUrl: string, authorizationUrl: string, login: string, jar: CookieJar): Promise<string> {
	let location = new URL(authorizationUrl);
	for (let step = 0; step < 20; step++) {
		if (location.href.startsWith(`${appUrl}/`)) return location.href;
		const res = await go(jar, location.href);
		if (res.status >= 300 && res.status < 400) {
			location = new URL(res.headers.get('location')!, location);
			continue;
		}
		const html = await res.text();
		const form = /<form[^>]*action="([^"]+)"[^>]*method="post"/i.exec(html);
		if (!form) throw new Error(`the provider's page at ${location.href} has no form (${res.status}): ${html.slice(0, 300)}`);
		const fields = new URLSearchParams();
		for (const input of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g))
			fields.set(input[1]!, input[2]!);
		if (/name="login"/.test(html)) {
			fields.set('login', login);
			fields.set('password', 'any password');
		}
		const posted = await go(jar, new URL(form[1]!, location).href, {
			method: 'POST',
			body: fields.toString(),
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		});
		if (posted.status < 300 || posted.status >= 400) throw new Error(`the provider answered ${posted.status} to its own form`);
		location = new URL(posted.headers.get('location')!, location);
	}
	throw new Error('the provider did not send the browser back');
}

/** Delivers the provider's answer to the app; answers where the app then sends the browser. */
export async function deliver(jar: CookieJar, callbackUrl: string): Promise<string> {
	const res = await go(jar, callbackUrl);
	const to = onwardsOf(await res.text());
	if (!to) throw new Error(`the callback answered ${res.status} without moving on`);
	return to;
}

/** A whole sign-in: answers where the browser lands, and the session cookie it now holds (or null). */
export async function signInWithSso(
	appUrl: string,
	login: string,
	jar = new CookieJar(),
	next = '/'
): Promise<{ landed: string; session: string | null; jar: CookieJar }> {
	const trip = await toProviderAndBack(appUrl, login, jar, next);
	const landed = trip.callbackUrl ? await deliver(jar, trip.callbackUrl) : trip.refusedTo!;
	return { landed, session: jar.get(appUrl, 'cr_session'), jar };
}

/** A JSON request to the app with a browser's cookies, from its own origin. */
export async function asBrowser(
	appUrl: string,
	jar: CookieJar,
	path: string,
	method = 'GET',
	body?: unknown
): Promise<{ status: number; json: Record<string, unknown> }> {
	const res = await fetch(`${appUrl}${path}`, {
		method,
		headers: {
			cookie: jar.header(appUrl),
			origin: appUrl,
			...(body === undefined ? {} : { 'content-type': 'application/json' })
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	jar.keep(appUrl, res);
	return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
