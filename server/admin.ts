/**
 * The operator's recovery tool: `npm run admin -- <command>`. It opens the same access store as the
 * server (the data dir's access.json, or Redis with REDIS_URL), so it works while the server runs.
 *
 *   npm run admin -- link <roomId>    prints a fresh facilitator link for the room (the previous one
 *                                      stops working; people who joined keep their access)
 *   npm run admin -- setup-link        prints a fresh one-time setup link: whoever opens it becomes an
 *                                      instance admin, who creates rooms in the app (the previous one
 *                                      stops working)
 *
 * The link is printed on stdout and nowhere else; keep it private. It names the server by HOST and PORT;
 * behind a proxy, open the same `/join#...` path on the public address.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Id } from '../src/lib/domain';
import { createAccessService } from './access/access-service';
import { openFileKv } from './access/file-kv';
import { openRedisKv } from './access/redis-kv';
import { loadConfig } from './config';
import { openEmbeddedAuditTrail } from './people/file-audit-lists';
import { roomKeys } from './store/redis/keys';
import { createRedisClient, waitForRedisReady } from './store/redis/redis-client';

const USAGE = [
	'Usage: npm run admin -- link <roomId>   (prints a fresh facilitator link for the room)',
	'       npm run admin -- setup-link      (prints a one-time link that makes whoever opens it an instance admin)'
].join('\n');

async function main(args: string[]): Promise<number> {
	const [command, roomArg] = args;
	if (command === 'setup-link' && !roomArg) return setupLink();
	if (command !== 'link' || !roomArg) {
		process.stderr.write(`${USAGE}\n`);
		return 2;
	}
	const roomId = Id.safeParse(roomArg);
	if (!roomId.success) {
		process.stderr.write(`"${roomArg}" is not a room id (letters, digits, - and _).\n${USAGE}\n`);
		return 2;
	}
	const config = loadConfig();
	const origin = originOf(config);

	if (config.redisUrl) {
		const redis = createRedisClient(config.redisUrl, 'commands', (error) => process.stderr.write(`Redis: ${error.message}\n`));
		try {
			await waitForRedisReady(redis, 10_000);
			if (!(await redis.exists(roomKeys(roomId.data).meta))) return noRoom(roomId.data);
			return printLink(await createAccessService(openRedisKv(redis)).rotateInvite(roomId.data, 'facilitator'), origin);
		} finally {
			redis.disconnect();
		}
	}
	// The event store's LOCK belongs to the server: the room's folder says whether it exists.
	if (!existsSync(path.join(config.dataDir, 'rooms', roomId.data, 'meta.json'))) return noRoom(roomId.data);
	return printLink(await (await embeddedAccess(config.dataDir)).rotateInvite(roomId.data, 'facilitator'), origin);
}

const originOf = (config: ReturnType<typeof loadConfig>) =>
	`http://${['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.host) ? 'localhost' : config.host}:${config.port}`;

/** Prints a fresh setup link (even when an instance admin exists: a second one, or a lost browser). */
async function setupLink(): Promise<number> {
	const config = loadConfig();
	const print = (token: string | null) => {
		process.stdout.write(`${originOf(config)}/setup#${token}\n`);
		process.stderr.write('A one-time setup link: whoever opens it first becomes an instance admin. Keep it private.\n');
		return 0;
	};
	if (config.redisUrl) {
		const redis = createRedisClient(config.redisUrl, 'commands', (error) => process.stderr.write(`Redis: ${error.message}\n`));
		try {
			await waitForRedisReady(redis, 10_000);
			return print(await createAccessService(openRedisKv(redis)).makeSetupToken(true));
		} finally {
			redis.disconnect();
		}
	}
	return print(await (await embeddedAccess(config.dataDir)).makeSetupToken(true));
}

/** The data dir's access service as the server opens it: access.json, and the audit trail's own files. */
async function embeddedAccess(dataDir: string) {
	const kv = await openFileKv(dataDir);
	return createAccessService(kv, Date.now, undefined, await openEmbeddedAuditTrail(dataDir, kv));
}

function noRoom(roomId: string): number {
	process.stderr.write(
		`There is no room "${roomId}" in this store. Check DATA_DIR or REDIS_URL, and the room id in the room's address.\n`
	);
	return 1;
}

function printLink(token: string, origin: string): number {
	process.stdout.write(`${origin}/join#${token}\n`);
	process.stderr.write('A new facilitator link (the previous one no longer works). Keep it private.\n');
	return 0;
}

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(error: unknown) => {
		process.stderr.write(`admin: ${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(1);
	}
);
