/**
 * A real OpenID provider for tests: `oidc-provider` (panva), in this process, on a free port, with one
 * client (this app), people and their groups set by the test, its own signing keys, refresh tokens, and
 * its development sign-in and consent pages (any password signs in as the login typed).
 *
 * For the hostile cases a test may `tamper` with the ID token the provider's token endpoint answers,
 * re-signing it with the provider's own key (a wrong issuer, audience, expiry or nonce) or another key.
 * It can be stopped (down at sign-in) and started again on the same address with new keys (rotation).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	decodeJwt,
	decodeProtectedHeader,
	exportJWK,
	generateKeyPair,
	importJWK,
	SignJWT,
	type JWK,
	type JWTPayload
} from 'jose';
import Provider from 'oidc-provider';
import type { Page } from 'playwright-core';

export const TEST_CLIENT_ID = 'customer-room';
export const TEST_CLIENT_SECRET = 'a-client-secret-for-tests-only-0123456789';

export interface TestPerson {
	name: string;
	email: string;
	groups: string[];
}

/** A signing key pair as the provider holds it (private JWK with a kid). */
export async function signingKey(kid: string): Promise<JWK> {
	const { privateKey } = await generateKeyPair('RS256', { extractable: true });
	return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

export interface TestProvider {
	issuer: string;
	/**
	 * The people who can sign in, by login; change their groups between sign-ins. Deleting someone makes
	 * the provider refuse their refresh tokens (they left the company).
	 */
	people: Map<string, TestPerson>;
	/** Rewrites the claims of the next ID tokens the token endpoint sends, signed with `key` (default: the provider's). */
	tamper: ((claims: JWTPayload) => JWTPayload) | null;
	tamperKey: JWK | null;
	/** Stops answering (the provider is down). */
	stop(): Promise<void>;
	/** Starts again on the same address, signing with `keys` (the first signs). */
	start(keys?: JWK[]): Promise<void>;
	/** The kid the provider signs with now. */
	signingKid(): string;
	close(): Promise<void>;
}

/** Starts the provider; `appUrls` are the app's addresses (their redirect and sign-out return addresses). */
export async function startTestProvider(
	appUrls: string | string[],
	options: { keys?: JWK[]; port?: number } = {}
): Promise<TestProvider> {
	let keys = options.keys ?? [await signingKey('key-1')];
	const people = new Map<string, TestPerson>();
	let server: Server | null = null;
	let port = options.port ?? 0;
	const state: Pick<TestProvider, 'tamper' | 'tamperKey'> = { tamper: null, tamperKey: null };

	function build(issuer: string): Provider {
		const provider = new Provider(issuer, {
			clients: [
				{
					client_id: TEST_CLIENT_ID,
					client_secret: TEST_CLIENT_SECRET,
					redirect_uris: [appUrls].flat().map((url) => `${url}/api/auth/sso/callback`),
					post_logout_redirect_uris: [appUrls].flat().map((url) => `${url}/sign-in?signed-out=1`),
					grant_types: ['authorization_code', 'refresh_token'],
					response_types: ['code'],
					token_endpoint_auth_method: 'client_secret_basic'
				}
			],
			jwks: { keys: keys as never },
			pkce: { required: () => true },
			claims: { openid: ['sub', 'groups'], email: ['email', 'email_verified'], profile: ['name'] },
			// Groups go into the ID token itself, as Okta and Keycloak are usually set up to do.
			conformIdTokenClaims: false,
			issueRefreshToken: async () => true,
			ttl: { RefreshToken: 3600, AccessToken: 600, IdToken: 600, Session: 3600, Grant: 3600, Interaction: 600 },
			findAccount: async (_ctx: unknown, id: string) => {
				const person = people.get(id);
				if (!person) return undefined;
				return {
					accountId: id,
					claims: async () => ({
						sub: id,
						name: person.name,
						email: person.email,
						email_verified: true,
						groups: [...person.groups]
					})
				};
			}
		} as never);
		provider.proxy = false;
		// A test may rewrite the ID token the token endpoint answers (the hostile cases).
		provider.use(async (ctx, next) => {
			await next();
			if (
				ctx.path === '/token' &&
				state.tamper &&
				ctx.body &&
				typeof (ctx.body as { id_token?: unknown }).id_token === 'string'
			) {
				const body = ctx.body as { id_token: string };
				const claims = state.tamper(decodeJwt(body.id_token));
				const key = state.tamperKey ?? keys[0]!;
				const header = decodeProtectedHeader(body.id_token);
				body.id_token = await new SignJWT(claims)
					.setProtectedHeader({ alg: 'RS256', kid: key.kid ?? header.kid, typ: header.typ })
					.sign(await importJWK(key, 'RS256'));
			}
		});
		return provider;
	}

	async function start(next?: JWK[]): Promise<void> {
		if (next) keys = next;
		server = createServer();
		await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
		port = (server.address() as AddressInfo).port;
		const provider = build(`http://127.0.0.1:${port}`);
		server.on('request', provider.callback());
	}

	async function stop(): Promise<void> {
		const running = server;
		server = null;
		if (!running) return;
		running.closeAllConnections();
		await new Promise<void>((resolve) => running.close(() => resolve()));
	}

	await start();
	return {
		get issuer() {
			return `http://127.0.0.1:${port}`;
		},
		people,
		get tamper() {
			return state.tamper;
		},
		set tamper(value) {
			state.tamper = value;
		},
		get tamperKey() {
			return state.tamperKey;
		},
		set tamperKey(value) {
			state.tamperKey = value;
		},
		stop,
		start,
		signingKid: () => keys[0]!.kid!,
		close: stop
	};
}

/**
 * Signs in at the provider's own pages in a browser already sent there: types the login (any password
 * does), consents, and waits until the browser is back on `appUrl`.
 */
export async function signInAtProvider(page: Page, login: string, appUrl: string): Promise<void> {
	for (let step = 0; step < 6; step++) {
		await page.waitForLoadState('domcontentloaded');
		if (page.url().startsWith(appUrl)) return;
		if (await page.locator('input[name="login"]').count()) {
			await page.fill('input[name="login"]', login);
			await page.fill('input[name="password"]', 'any password');
			await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
		} else if (await page.locator('button:has-text("Continue")').count()) {
			await Promise.all([page.waitForNavigation(), page.click('button:has-text("Continue")')]);
		} else {
			await page.waitForTimeout(200);
		}
	}
	throw new Error(`the provider did not send the browser back: still at ${page.url()}`);
}
