/**
 * Single sign-on with OpenID Connect (issue 17), by `openid-client` (panva, v6): the authorization code
 * flow with PKCE, `state` and `nonce`. The library checks the ID token fully: issuer, audience, expiry,
 * nonce, and the signature against the provider's published keys (fetched again when a token names a
 * key it has not seen, so keys the provider rotates keep working).
 *
 * A sign-in is a transaction: `begin` keeps its secrets (the PKCE verifier, the nonce, where to go after)
 * in the access store under the state's hash for ten minutes, so the provider's answer may come back to
 * any instance; `finish` takes it (once: a replayed answer finds nothing) and checks the answer came back
 * to the browser that began it.
 *
 * The provider is discovered from its issuer's `.well-known/openid-configuration` at start and again at
 * every sign-in, so a provider that is down at start or at a sign-in never stops the server (everyone
 * already signed in keeps working), and a person is told before being sent to a provider that is down.
 *
 * Nothing here logs a token or a code.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import type { Logger } from '../log';
import type { KvStore } from '../store/kv';

/** Single sign-on settings (OIDC_* in server/config.ts). The client secret is never logged. */
export interface SsoConfig {
	issuer: URL;
	clientId: string;
	clientSecret: string | undefined;
	scopes: string;
	groupsClaim: string;
	/** Lower-cased: group names are compared without case. */
	adminGroups: string[];
	buttonLabel: string;
	refreshMs: number;
}

/** How long a person has to sign in at the provider and come back. */
export const SIGN_IN_TTL_MS = 10 * 60_000;

/** Why a single sign-on did not complete; each has a sentence for the person (src/lib/client/sso-errors.ts). */
export type SsoFailureCode = 'provider_down' | 'expired' | 'refused' | 'invalid_token';

export type SsoFailure = { ok: false; code: SsoFailureCode; reason: string };

/** What a sign-in is for: signing in, or linking the signed-in account to the provider. */
export type SsoIntent = { kind: 'sign-in' } | { kind: 'link'; accountId: string };

/** What the provider says of the person who signed in, read from the checked ID token (and userinfo). */
export interface SsoPerson {
	issuer: string;
	subject: string;
	name: string;
	/** Lower case; null when the provider gives none or says it is not verified. */
	email: string | null;
	groups: string[];
	/** The groups claim was absent from the token and userinfo: groups cannot be told. */
	groupsMissing: boolean;
}

/** How long a kept refresh token lives unused (a person away this long signs in again). */
const REFRESH_KEEP_MS = 30 * 24 * 3600_000;

interface RefreshRecord {
	sealed: string;
	subject: string;
	dueAt: number;
}

/** What asking the provider again said: the groups now, or that the person's access ended, or nothing new. */
export type RefreshOutcome =
	{ ok: true; groups: string[] | null; sealed: string | null } | { ok: false; ended: boolean; reason: string };

interface Transaction {
	verifier: string;
	nonce: string;
	redirectUri: string;
	returnTo: string;
	intent: SsoIntent;
}

/** Reads a claim by name, or by dotted path (`realm_access.roles`). */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
	// A claim whose own name has dots (Auth0's namespaced `https://room.example.com/groups`) is read whole.
	if (Object.hasOwn(claims, path)) return claims[path];
	let value: unknown = claims;
	for (const part of path.split('.')) {
		if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
		value = (value as Record<string, unknown>)[part];
	}
	return value;
}

/**
 * The groups a claim holds: a list of names (Okta, Keycloak, Entra ID's ids or roles), or one string (Google
 * Workspace's `hd`, the company's domain). Anything else holds none.
 */
export function groupsFrom(value: unknown): string[] | null {
	if (typeof value === 'string') return value.trim() ? [value.trim().slice(0, 200)] : [];
	if (!Array.isArray(value)) return null;
	return value
		.filter((g): g is string => typeof g === 'string' && g.trim() !== '')
		.slice(0, 1000)
		.map((g) => g.trim().slice(0, 200));
}

/** The name to show for a person, from the claims a provider may give. */
function nameFrom(claims: Record<string, unknown>): string {
	const text = (key: string) => (typeof claims[key] === 'string' ? (claims[key] as string).trim() : '');
	const joined = [text('given_name'), text('family_name')].filter(Boolean).join(' ');
	return (text('name') || joined || text('preferred_username') || text('email') || 'Someone').slice(0, 60);
}

const stateKey = (state: string) => `oidc-tx:${createHash('sha256').update(state).digest('hex')}`;

/** Why a step with the provider failed, sorted for the person; `reason` is for the log (never a token). */
export function classifyFailure(error: unknown): SsoFailure {
	const message = error instanceof Error ? error.message : String(error);
	const cause = error instanceof Error ? (error.cause as { code?: string; name?: string } | undefined) : undefined;
	if (error instanceof client.AuthorizationResponseError)
		return { ok: false, code: 'refused', reason: `the provider answered ${error.error}` };
	const network =
		error instanceof TypeError ||
		(error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) ||
		['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT'].includes(cause?.code ?? '') ||
		cause?.name === 'TimeoutError' ||
		(error instanceof client.ResponseBodyError && error.status >= 500);
	if (network) return { ok: false, code: 'provider_down', reason: `the provider could not be reached: ${message}` };
	return { ok: false, code: 'invalid_token', reason: message };
}

export function createOidc(config: SsoConfig, kv: KvStore, log: Logger) {
	let discovered: Promise<client.Configuration> | null = null;
	const refreshKey = config.clientSecret
		? Buffer.from(hkdfSync('sha256', config.clientSecret, 'customer-room', 'refresh tokens at rest', 32))
		: null;

	/** Reads the provider's discovery document and keeps the configuration made from it. */
	function rediscover(): Promise<client.Configuration> {
		const attempt: Promise<client.Configuration> = client
			.discovery(
				config.issuer,
				config.clientId,
				config.clientSecret,
				config.clientSecret ? client.ClientSecretBasic(config.clientSecret) : client.None(),
				{
					timeout: 10,
					// The ID token's signature is checked against the provider's published keys even though it
					// came straight from the token endpoint (OpenID Connect would let TLS stand in for it).
					execute: [
						client.enableNonRepudiationChecks,
						...(config.issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [])
					]
				}
			)
			.catch((error: unknown) => {
				// A failed try is forgotten, so the next use tries again.
				if (discovered === attempt) discovered = null;
				throw error;
			});
		discovered = attempt;
		return attempt;
	}

	/** The provider's configuration as last discovered (discovered now if it never was, or the last try failed). */
	const provider = (): Promise<client.Configuration> => discovered ?? rediscover();

	/** Seals a refresh token for storage (AES-256-GCM, a key derived from the client secret). */
	function seal(token: string): string | null {
		if (!refreshKey) return null;
		const iv = randomBytes(12);
		const cipher = createCipheriv('aes-256-gcm', refreshKey, iv);
		const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
		return [iv, cipher.getAuthTag(), sealed].map((b) => b.toString('base64url')).join('.');
	}

	function open(sealed: string): string | null {
		if (!refreshKey) return null;
		try {
			const [iv, tag, data] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
			const decipher = createDecipheriv('aes-256-gcm', refreshKey, iv!);
			decipher.setAuthTag(tag!);
			return Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8');
		} catch {
			return null;
		}
	}

	/** The person in a checked token response: ID token claims, then userinfo for groups it lacks. */
	async function personOf(
		configuration: client.Configuration,
		tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers
	): Promise<SsoPerson> {
		const claims = tokens.claims();
		if (!claims) throw new Error('the provider sent no ID token');
		let groups = groupsFrom(claimAt(claims, config.groupsClaim));
		if (groups === null && configuration.serverMetadata().userinfo_endpoint) {
			const info = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
			groups = groupsFrom(claimAt(info, config.groupsClaim));
		}
		const names = claims._claim_names as Record<string, unknown> | undefined;
		if (groups === null && names && Object.hasOwn(names, config.groupsClaim))
			log.warn(
				{ claim: config.groupsClaim },
				'the provider left the groups out of the token (too many groups): map app roles instead, see README'
			);
		const email = typeof claims.email === 'string' && claims.email_verified !== false ? claims.email.trim().toLowerCase() : null;
		return {
			issuer: claims.iss,
			subject: claims.sub,
			name: nameFrom(claims),
			email: email && email.length <= 254 ? email : null,
			groups: groups ?? [],
			groupsMissing: groups === null
		};
	}

	/**
	 * Asks the provider again who a person is, with the refresh token kept at sign-in: answers their
	 * groups now and the refresh token to keep; `ended` when the provider refuses (the person left, or
	 * their access was revoked); a failure to reach it changes nothing.
	 */
	async function refresh(sealedRefreshToken: string, subject: string): Promise<RefreshOutcome> {
		const token = open(sealedRefreshToken);
		if (!token) return { ok: false, ended: false, reason: 'the kept refresh token could not be read' };
		try {
			const configuration = await provider();
			const tokens = await client.refreshTokenGrant(configuration, token);
			let groups: string[] | null = null;
			const claims = tokens.claims();
			if (claims) {
				if (claims.sub !== subject) return { ok: false, ended: true, reason: 'the provider answered for someone else' };
				groups = groupsFrom(claimAt(claims, config.groupsClaim));
			}
			if (groups === null && configuration.serverMetadata().userinfo_endpoint) {
				const info = await client.fetchUserInfo(configuration, tokens.access_token, subject);
				groups = groupsFrom(claimAt(info, config.groupsClaim));
			}
			return { ok: true, groups, sealed: seal(tokens.refresh_token ?? token) };
		} catch (error) {
			const failure = classifyFailure(error);
			const refused = error instanceof client.ResponseBodyError && error.status < 500;
			return { ok: false, ended: refused, reason: failure.reason };
		}
	}

	return {
		/** Reads the provider's discovery document now (at start), so a wrong issuer shows in the log at once. */
		discover: async (): Promise<void> => void (await provider()),

		/** The words on the sign-in button. */
		buttonLabel: config.buttonLabel,

		/** The issuer, as configured (accounts are linked to it). */
		issuer: config.issuer.href,

		/** Whether OIDC_ADMIN_GROUPS makes someone with these groups an instance admin. */
		isAdmin: (groups: readonly string[]) => groups.some((g) => config.adminGroups.includes(g.toLowerCase())),

		/** How often a signed-in person's groups are read again. */
		refreshMs: config.refreshMs,

		/**
		 * Starts a sign-in: answers the provider's address to send the browser to, and the state, which
		 * the caller also keeps in a cookie of this browser.
		 */
		async begin(
			redirectUri: string,
			returnTo: string,
			intent: SsoIntent
		): Promise<{ ok: true; url: URL; state: string } | SsoFailure> {
			// Discovered afresh at each sign-in: a provider that is down is found out here, before the browser
			// is sent to it, and keys or endpoints it changed are read now.
			let configuration: client.Configuration;
			try {
				configuration = await rediscover();
			} catch (error) {
				return classifyFailure(error);
			}
			const verifier = client.randomPKCECodeVerifier();
			const state = client.randomState();
			const nonce = client.randomNonce();
			const transaction: Transaction = { verifier, nonce, redirectUri, returnTo, intent };
			await kv.set(stateKey(state), transaction, SIGN_IN_TTL_MS);
			const url = client.buildAuthorizationUrl(configuration, {
				redirect_uri: redirectUri,
				scope: config.scopes,
				code_challenge: await client.calculatePKCECodeChallenge(verifier),
				code_challenge_method: 'S256',
				state,
				nonce
			});
			return { ok: true, url, state };
		},

		/**
		 * Finishes a sign-in from the provider's answer (the callback's full URL). `browserState` is the
		 * state this browser kept: an answer meant for another browser, or one already used, is refused.
		 */
		async finish(
			currentUrl: URL,
			browserState: string | null
		): Promise<
			| {
					ok: true;
					person: SsoPerson;
					returnTo: string;
					intent: SsoIntent;
					idToken: string | null;
					refreshToken: string | null;
			  }
			| SsoFailure
		> {
			const state = currentUrl.searchParams.get('state');
			if (!state || state.length > 200) return { ok: false, code: 'expired', reason: 'the answer carried no state' };
			const transaction = await kv.take<Transaction>(stateKey(state));
			if (!transaction) return { ok: false, code: 'expired', reason: 'the state is unknown: used already, expired, or forged' };
			if (browserState !== state)
				return { ok: false, code: 'expired', reason: 'the answer came back to a browser that did not begin this sign-in' };
			try {
				const configuration = await provider();
				// The answer is checked against the address it was sent to, whatever proxy sits in front.
				const answered = new URL(transaction.redirectUri);
				answered.search = currentUrl.search;
				const tokens = await client.authorizationCodeGrant(configuration, answered, {
					pkceCodeVerifier: transaction.verifier,
					expectedState: state,
					expectedNonce: transaction.nonce,
					idTokenExpected: true
				});
				return {
					ok: true,
					person: await personOf(configuration, tokens),
					returnTo: transaction.returnTo,
					intent: transaction.intent,
					idToken: tokens.id_token ?? null,
					refreshToken: tokens.refresh_token ?? null
				};
			} catch (error) {
				return classifyFailure(error);
			}
		},

		refresh,

		/** Keeps what a single sign-on session needs later: its ID token, to end the provider's session too. */
		keepIdToken: (sessionId: string, idToken: string, ttlMs: number) => kv.set(`sso-session:${sessionId}`, { idToken }, ttlMs),

		/** The ID token a session signed in with, or null. */
		idTokenOf: async (sessionId: string) => (await kv.get<{ idToken: string }>(`sso-session:${sessionId}`))?.idToken ?? null,

		/**
		 * Keeps an account's refresh token, sealed, so its groups can be read again while it stays signed in.
		 * Without a client secret there is no key to seal it with: groups are then read at sign-in only.
		 */
		async keepRefreshToken(accountId: string, subject: string, refreshToken: string): Promise<void> {
			const sealed = seal(refreshToken);
			if (!sealed) return;
			const record: RefreshRecord = { sealed, subject, dueAt: Date.now() + config.refreshMs };
			await kv.set(`sso-refresh:${accountId}`, record, REFRESH_KEEP_MS);
			if (!(await kv.list<string>('sso-refresh-accounts')).includes(accountId))
				await kv.push('sso-refresh-accounts', accountId, 1_000_000);
		},

		/**
		 * Reads again, from the provider, the groups of every account whose refresh is due, and hands each
		 * answer to `apply`. Of several instances, one takes each account's record (`take`), so a refresh
		 * token is never used twice at once.
		 */
		async refreshDue(apply: (accountId: string, outcome: RefreshOutcome) => Promise<boolean>): Promise<void> {
			for (const accountId of new Set(await kv.list<string>('sso-refresh-accounts'))) {
				const peek = await kv.get<RefreshRecord>(`sso-refresh:${accountId}`);
				if (!peek || peek.dueAt > Date.now()) continue;
				const record = await kv.take<RefreshRecord>(`sso-refresh:${accountId}`);
				if (!record) continue;
				const outcome = await refresh(record.sealed, record.subject);
				const keep = await apply(accountId, outcome);
				if (!keep) continue;
				const sealed = outcome.ok ? (outcome.sealed ?? record.sealed) : record.sealed;
				// A provider that could not be reached is asked again sooner.
				const wait = outcome.ok ? config.refreshMs : Math.min(config.refreshMs, 5 * 60_000);
				await kv.set(`sso-refresh:${accountId}`, { ...record, sealed, dueAt: Date.now() + wait }, REFRESH_KEEP_MS);
			}
		},

		/** Forgets an account's refresh token (signed out everywhere, unlinked). */
		forgetRefreshToken: (accountId: string) => kv.delete(`sso-refresh:${accountId}`),

		/**
		 * Where to send a browser to end the provider's session too, with the fields to send (RP-initiated
		 * logout): null when the provider offers no end_session_endpoint or cannot be reached.
		 */
		async endSession(
			idToken: string | null,
			postLogoutRedirectUri: string
		): Promise<{ url: string; fields: Record<string, string> } | null> {
			let configuration: client.Configuration;
			try {
				configuration = await provider();
			} catch {
				return null;
			}
			const endpoint = configuration.serverMetadata().end_session_endpoint;
			if (!endpoint) return null;
			return {
				url: endpoint,
				fields: {
					client_id: config.clientId,
					post_logout_redirect_uri: postLogoutRedirectUri,
					...(idToken ? { id_token_hint: idToken } : {})
				}
			};
		}
	};
}

export type Oidc = ReturnType<typeof createOidc>;
