/**
 * The operator's recovery tool: `npm run admin -- <command>`. It opens the same access store as the
 * server (the data dir's access.json, or Redis with REDIS_URL), so it works while the server runs.
 *
 *   npm run admin -- link <roomId>    prints a fresh facilitator link for the room (the previous one
 *                                      stops working; people who joined keep their access)
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
import { roomKeys } from './store/redis/keys';
import { createRedisClient, waitForRedisReady } from './store/redis/redis-client';

const USAGE = 'Usage: npm run admin -- link <roomId>   (prints a fresh facilitator link for the room)';

async function main(args: string[]): Promise<number> {
	const [command, roomArg] = args;
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
	const origin = `http://${['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.host) ? 'localhost' : config.host}:${config.port}`;

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
	return printLink(await createAccessService(await openFileKv(config.dataDir)).rotateInvite(roomId.data, 'facilitator'), origin);
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
