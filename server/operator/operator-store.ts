/**
 * What `npm run admin` works on: the configured store (the data dir, or Redis with `REDIS_URL`), opened
 * the way the server opens it, so the operator's changes are the server's at once (the access file is
 * shared under its own lock; Redis is shared by every instance).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createAccessService, type AccessService } from '../access/access-service';
import { openFileKv } from '../access/file-kv';
import { openEmbeddedAuditTrail } from '../people/file-audit-lists';
import { openRedisKv } from '../access/redis-kv';
import type { Config } from '../config';
import { createInvitations, type Invitations } from '../people/invitations';
import { roomKeys } from '../store/redis/keys';
import { createRedisClient, waitForRedisReady } from '../store/redis/redis-client';
import { fileRooms, redisRooms, type RoomListing } from './room-names';

export interface OperatorStore {
	access: AccessService;
	invitations: Invitations;
	/** Every room, with its name. */
	rooms(): Promise<RoomListing[]>;
	/** Whether a room exists (cheaper than listing them). */
	hasRoom(roomId: string): Promise<boolean>;
	/** Where the store is, for messages ("the data dir ./data", "Redis at ..."). */
	where: string;
	close(): void;
}

export async function openOperatorStore(config: Config): Promise<OperatorStore> {
	if (config.redisUrl) {
		const redis = createRedisClient(config.redisUrl, 'commands', (error) => process.stderr.write(`Redis: ${error.message}\n`));
		try {
			await waitForRedisReady(redis, 10_000);
		} catch (error) {
			redis.disconnect();
			throw error;
		}
		const kv = openRedisKv(redis);
		return {
			access: createAccessService(kv),
			invitations: createInvitations(kv),
			rooms: () => redisRooms(redis),
			hasRoom: async (roomId) => (await redis.exists(roomKeys(roomId).meta)) === 1,
			where: 'Redis (REDIS_URL)',
			close: () => redis.disconnect()
		};
	}
	const kv = await openFileKv(config.dataDir);
	// The same trail files as the server's, so what the operator does is in the audit trail too.
	const trail = await openEmbeddedAuditTrail(config.dataDir, kv);
	return {
		access: createAccessService(kv, Date.now, undefined, trail),
		invitations: createInvitations(kv),
		rooms: () => fileRooms(config.dataDir),
		// The event store's LOCK belongs to the server: the room's folder says whether it exists.
		hasRoom: async (roomId) => existsSync(path.join(config.dataDir, 'rooms', roomId, 'meta.json')),
		where: `the data dir ${config.dataDir}`,
		close: () => undefined
	};
}
