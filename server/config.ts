/** Configuration from environment variables, parsed once at start with clear messages. */
import path from 'node:path';
import { z } from 'zod';

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
	/** Comma-separated origins, besides the server's own host, allowed to open sockets and post. */
	ALLOWED_ORIGINS: z.string().default(''),
	/** Enables the admin API (create rooms, mint sessions for scripts): send it as a Bearer token. */
	ADMIN_TOKEN: z.string().min(24, 'ADMIN_TOKEN needs at least 24 characters').optional().or(z.literal('').transform(() => undefined)),
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
	return {
		port: c.PORT,
		host: c.HOST,
		dataDir: path.resolve(c.DATA_DIR),
		logLevel: c.LOG_LEVEL,
		seedDemo: c.SEED_DEMO === 'true',
		snapshotEvery: c.SNAPSHOT_EVERY,
		redisUrl: c.REDIS_URL,
		allowedOrigins: c.ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
		adminToken: c.ADMIN_TOKEN,
		commandRateLimit: c.COMMAND_RATE_LIMIT,
		addressCommandRateLimit: c.COMMAND_RATE_LIMIT_PER_ADDRESS,
		connectionLimits: { perAddress: c.MAX_CONNECTIONS_PER_ADDRESS, anonymousPerAddress: c.MAX_ANONYMOUS_CONNECTIONS_PER_ADDRESS },
		sessionLifetimes: { idleMs: c.SESSION_IDLE_DAYS * 86_400_000, maxMs: c.SESSION_MAX_DAYS * 86_400_000 },
		uploadLimit: Math.round(c.UPLOAD_LIMIT_MB * 1_048_576)
	};
}
