/** Configuration from environment variables, parsed once at start with clear messages. */
import path from 'node:path';
import addressparser from 'nodemailer/lib/addressparser';
import { z } from 'zod';
import { allowedHostNames, hostNameOf, parseTrustProxy, type TrustProxy } from './http/origin';

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
		.or(z.literal('').transform(() => undefined))
});

export type Config = ReturnType<typeof loadConfig>;

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
		uploadLimit: Math.round(c.UPLOAD_LIMIT_MB * 1_048_576),
		roomStorageLimit: Math.round(c.ROOM_STORAGE_LIMIT_MB * 1_048_576)
	};
}
