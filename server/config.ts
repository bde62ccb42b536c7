/** Configuration from environment variables, parsed once at start with clear messages. */
import path from 'node:path';
import addressparser from 'nodemailer/lib/addressparser';
import { z } from 'zod';
import { allowedHostNames, hostNameOf, parseTrustProxy, type TrustProxy } from './http/origin';
import type { SsoConfig } from './auth/oidc';

export type { SsoConfig };

const ADMIN_TOKEN_MIN_LENGTH = 32;

/**
 * Whether a token is long and varied enough to withstand guessing: at least 32 characters, at least 10
 * different ones, and at least 100 bits estimated from its character frequencies (Shannon entropy times
 * length: a random base64 value of 32 bytes scores about 220, 32 random hex digits about 118, `aaaa…` 0).
 */
export function isStrongToken(token: string): boolean {
	if (token.length < ADMIN_TOKEN_MIN_LENGTH) return false;
	const counts = new Map<string, number>();
	for (const char of token) counts.set(char, (counts.get(char) ?? 0) + 1);
	if (counts.size < 10) return false;
	let bitsPerChar = 0;
	for (const count of counts.values()) bitsPerChar -= (count / token.length) * Math.log2(count / token.length);
	return bitsPerChar * token.length >= 100;
}

/** An smtp:// or smtps:// URL with a host; checked without echoing it, since it may hold a password. */
function isSmtpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
	} catch {
		return false;
	}
}

/** One mailbox, with or without a display name: `room@example.com`, `Customer Room <room@example.com>`. */
function isOneMailbox(value: string): boolean {
	const parsed = addressparser(value, { flatten: true });
	return parsed.length === 1 && /^[^\s@]+@[^\s@]+$/.test(parsed[0]!.address);
}

/** Host names an OpenID provider may be reached on over plain HTTP: this machine only. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An issuer URL: HTTPS, or HTTP on this machine (a provider started by a test or a local Keycloak). */
function isIssuerUrl(value: string): boolean {
	try {
		const url = new URL(value);
		if (url.search || url.hash) return false;
		return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
	} catch {
		return false;
	}
}

/** A claim name, or a dotted path into the ID token (Keycloak's `realm_access.roles`). */
const CLAIM_PATH = /^[A-Za-z0-9_:/-]{1,100}(\.[A-Za-z0-9_:/-]{1,100}){0,4}$/;

const optional = (schema: z.ZodString) => schema.optional().or(z.literal('').transform(() => undefined));

const Env = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	/** Loopback by default until roles and invite links land (see README). */
	HOST: z.string().min(1).default('127.0.0.1'),
	DATA_DIR: z.string().min(1).default('./data'),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
	/** Seed the demo room when the data dir has no rooms. */
	SEED_DEMO: z.enum(['true', 'false']).default('true'),
	SNAPSHOT_EVERY: z.coerce.number().int().min(10).default(500),
	/** Most commands one connection may send in any 5 seconds. */
	COMMAND_RATE_LIMIT: z.coerce.number().int().min(1).default(200),
	/** Largest file one upload may be, in megabytes (pictures, recordings, videos, import files). */
	UPLOAD_LIMIT_MB: z.coerce.number().positive().max(4096).default(100),
	/** Most megabytes of files one room may keep (uploads, import files, restored files). */
	ROOM_STORAGE_LIMIT_MB: z.coerce.number().positive().max(1_048_576).default(1024),
	/** Comma-separated origins, besides the server's own host, allowed to open sockets and post. */
	ALLOWED_ORIGINS: z.string().default(''),
	/** Enables the admin API (create rooms, mint sessions for scripts): send it as a Bearer token. */
	ADMIN_TOKEN: z
		.string()
		.refine(
			isStrongToken,
			`ADMIN_TOKEN is too easy to guess: use at least ${ADMIN_TOKEN_MIN_LENGTH} characters of a random value, such as the output of \`openssl rand -base64 32\``
		)
		.optional()
		.or(z.literal('').transform(() => undefined)),
	/** Behind a reverse proxy: which proxies to believe for X-Forwarded-For and X-Forwarded-Proto. */
	TRUST_PROXY: z.string().default('false'),
	/** Comma-separated host names requests may name in Host (default: HOST and the loopback names). */
	ALLOWED_HOSTS: z.string().default(''),
	/** Most commands everyone at one client address may send in any 5 seconds, together. */
	COMMAND_RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(1000),
	/** Most open socket connections from one client address (an office NAT may hold many TVs and laptops). */
	MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(500),
	/** Most open socket connections without a session from one client address. */
	MAX_ANONYMOUS_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
	/** A session ends after this many days unused (its sockets count as use). */
	SESSION_IDLE_DAYS: z.coerce.number().positive().max(3650).default(30),
	/** A session ends this many days after it began (joining again starts a new one). */
	SESSION_MAX_DAYS: z.coerce.number().positive().max(3650).default(180),
	/** Redis mode: several instances share one Redis (log, snapshots, blobs, fan-out). */
	REDIS_URL: z
		.string()
		.regex(/^rediss?:\/\//, 'REDIS_URL starts with redis:// or rediss://')
		.optional()
		.or(z.literal('').transform(() => undefined)),
	/** Sends invites and password resets by e-mail: smtps://user:password@host:465 or smtp://host:587. */
	SMTP_URL: z
		.string()
		.refine(
			isSmtpUrl,
			'SMTP_URL is not an SMTP address: write it as smtps://user:password@smtp.example.com:465 or smtp://smtp.example.com:587'
		)
		.optional()
		.or(z.literal('').transform(() => undefined)),
	/** The sender of that e-mail, such as `Customer Room <room@example.com>`. */
	MAIL_FROM: z
		.string()
		.refine(isOneMailbox, 'MAIL_FROM is not one e-mail address: write it as room@example.com or Customer Room <room@example.com>')
		.optional()
		.or(z.literal('').transform(() => undefined)),
	/** Single sign-on: the OpenID provider's issuer; its `.well-known/openid-configuration` is read from it. */
	OIDC_ISSUER: optional(
		z
			.string()
			.refine(
				isIssuerUrl,
				'OIDC_ISSUER is not an issuer address: write it as https://login.example.com/realms/company (plain http only for a provider on this machine)'
			)
	),
	OIDC_CLIENT_ID: optional(z.string().max(500)),
	/** Absent for a public client (PKCE alone); never logged. */
	OIDC_CLIENT_SECRET: optional(z.string().max(2000)),
	OIDC_SCOPES: z
		.string()
		.default('openid profile email')
		.refine((s) => s.split(/\s+/).includes('openid'), 'OIDC_SCOPES must include openid, such as "openid profile email"'),
	/** Where the provider puts a person's groups: a claim name or a dotted path (realm_access.roles). */
	OIDC_GROUPS_CLAIM: z
		.string()
		.default('groups')
		.refine((s) => CLAIM_PATH.test(s), 'OIDC_GROUPS_CLAIM is a claim name such as groups, roles or realm_access.roles'),
	/** Comma-separated provider groups whose members are instance admins. */
	OIDC_ADMIN_GROUPS: z.string().default(''),
	OIDC_BUTTON_LABEL: z.string().trim().max(60, 'OIDC_BUTTON_LABEL is at most 60 characters').default(''),
	/** How often, while someone stays signed in, their groups are read again from the provider. */
	OIDC_REFRESH_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
	/** Local passwords: `off` leaves single sign-on as the only way in for people (screens and guests keep theirs). */
	AUTH_LOCAL: z.enum(['on', 'off']).default('on'),
	/** Webhooks may reach private, loopback and link-local addresses (a receiver on this machine or the office network). */
	WEBHOOK_ALLOW_PRIVATE: z
		.enum(['true', 'false'], {
			error: 'WEBHOOK_ALLOW_PRIVATE is true or false: true lets webhooks reach private, loopback and link-local addresses'
		})
		.default('false')
});

export type Config = ReturnType<typeof loadConfig>;

function ssoConfig(c: z.infer<typeof Env>): SsoConfig | null {
	const fail = (line: string) => {
		throw new Error(`Invalid configuration:\n  ${line}`);
	};
	if (!c.OIDC_ISSUER) {
		if (c.OIDC_CLIENT_ID || c.OIDC_CLIENT_SECRET)
			fail('OIDC_ISSUER: OIDC_CLIENT_ID is set, so single sign-on needs the provider: set OIDC_ISSUER to its issuer address');
		if (c.AUTH_LOCAL === 'off')
			fail('AUTH_LOCAL: passwords are off but single sign-on is not set up (OIDC_ISSUER), so nobody could sign in');
		return null;
	}
	if (!c.OIDC_CLIENT_ID)
		fail("OIDC_CLIENT_ID: OIDC_ISSUER is set, so single sign-on needs this server's client id at the provider");
	return {
		issuer: new URL(c.OIDC_ISSUER),
		clientId: c.OIDC_CLIENT_ID!,
		clientSecret: c.OIDC_CLIENT_SECRET,
		scopes: c.OIDC_SCOPES.trim().split(/\s+/).join(' '),
		groupsClaim: c.OIDC_GROUPS_CLAIM,
		adminGroups: c.OIDC_ADMIN_GROUPS.split(',')
			.map((g) => g.trim().toLowerCase())
			.filter(Boolean),
		buttonLabel: c.OIDC_BUTTON_LABEL || 'Sign in with your company account',
		refreshMs: c.OIDC_REFRESH_MINUTES * 60_000
	};
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
	const parsed = Env.safeParse(env);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
		throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
	}
	const c = parsed.data;
	let trustProxy: TrustProxy | null;
	try {
		trustProxy = parseTrustProxy(c.TRUST_PROXY);
	} catch (error) {
		throw new Error(`Invalid configuration:\n  TRUST_PROXY: ${error instanceof Error ? error.message : String(error)}`, {
			cause: error
		});
	}
	if (c.SMTP_URL && !c.MAIL_FROM)
		throw new Error(
			'Invalid configuration:\n  MAIL_FROM: SMTP_URL is set, so e-mail needs a sender: set MAIL_FROM, such as Customer Room <room@example.com>'
		);
	const listed = c.ALLOWED_HOSTS.split(',')
		.map((h) => h.trim())
		.filter(Boolean);
	const unreadable = listed.filter((h) => hostNameOf(h) === null);
	if (unreadable.length)
		throw new Error(
			`Invalid configuration:\n  ALLOWED_HOSTS: ${unreadable.join(', ')} is not a host name (write names such as room.example.com, separated by commas)`
		);
	const sso = ssoConfig(c);
	return {
		port: c.PORT,
		host: c.HOST,
		dataDir: path.resolve(c.DATA_DIR),
		logLevel: c.LOG_LEVEL,
		seedDemo: c.SEED_DEMO === 'true',
		snapshotEvery: c.SNAPSHOT_EVERY,
		redisUrl: c.REDIS_URL,
		allowedOrigins: c.ALLOWED_ORIGINS.split(',')
			.map((o) => o.trim())
			.filter(Boolean),
		/** Host names a request may name; `allowedHostsDefaulted` says they were not set (see index.ts). */
		allowedHosts: allowedHostNames(c.HOST, listed),
		allowedHostsDefaulted: listed.length === 0,
		trustProxy,
		adminToken: c.ADMIN_TOKEN,
		/** E-mail: off without SMTP_URL (see server/mail/mailer.ts); never log the URL, it may hold a password. */
		smtpUrl: c.SMTP_URL,
		mailFrom: c.MAIL_FROM,
		commandRateLimit: c.COMMAND_RATE_LIMIT,
		addressCommandRateLimit: c.COMMAND_RATE_LIMIT_PER_ADDRESS,
		connectionLimits: { perAddress: c.MAX_CONNECTIONS_PER_ADDRESS, anonymousPerAddress: c.MAX_ANONYMOUS_CONNECTIONS_PER_ADDRESS },
		sessionLifetimes: { idleMs: c.SESSION_IDLE_DAYS * 86_400_000, maxMs: c.SESSION_MAX_DAYS * 86_400_000 },
		/** Single sign-on with OpenID Connect, or null when OIDC_ISSUER is not set. */
		sso,
		/** Whether people may sign in with a password (always, without single sign-on). */
		localPasswords: c.AUTH_LOCAL === 'on',
		/** Whether webhooks may be sent to private, loopback and link-local addresses. */
		webhookAllowPrivate: c.WEBHOOK_ALLOW_PRIVATE === 'true',
		uploadLimit: Math.round(c.UPLOAD_LIMIT_MB * 1_048_576),
		roomStorageLimit: Math.round(c.ROOM_STORAGE_LIMIT_MB * 1_048_576)
	};
}
