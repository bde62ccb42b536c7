/**
 * The EventStore contract that every store enforces the same way: the argument checks (room id, versions,
 * commandId, events and their numbering, limit, snapshot fields, digest), the shape of a stored event as
 * read back, and the answer to a commandId the store already holds. The file and Redis stores call these
 * before they touch disk or Redis, so both refuse the same input with the same message.
 */
import type { AppendArgs, AppendResult, KnownCommand, Snapshot, StoredEvent } from './port';

/** Room ids the stores accept: safe as a directory name and inside a Redis hash tag (never `{`, `}`, `:`, `/`). */
export const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether parsed JSON is a StoredEvent: what the stores read back is untrusted until checked. */
export function isStoredEvent(value: unknown): value is StoredEvent {
	return (
		isRecord(value) &&
		typeof value.v === 'number' &&
		Number.isSafeInteger(value.v) &&
		value.v >= 1 &&
		typeof value.commandId === 'string' &&
		value.commandId.length > 0 &&
		typeof value.at === 'string' &&
		isRecord(value.actor) &&
		typeof value.actor.id === 'string' &&
		typeof value.actor.name === 'string' &&
		'event' in value
	);
}

/** Throws unless `roomId` is a valid room id. */
export function assertRoomId(roomId: string): void {
	if (typeof roomId !== 'string' || !ROOM_ID.test(roomId)) {
		throw new Error(`Invalid room id ${JSON.stringify(roomId)}: expected 1-64 characters of A-Z a-z 0-9 _ -`);
	}
}

/** Throws unless `value` is a non-negative safe integer. */
export function assertVersion(value: number, what: string): void {
	if (!Number.isSafeInteger(value) || value < 0) {
		throw new Error(`${what} must be a non-negative integer, got ${String(value)}`);
	}
}

/** Throws unless `digest` is absent or 1-64 lowercase hex characters (what both stores can keep and read back). */
export function assertDigest(digest: string | undefined): void {
	if (digest !== undefined && !/^[0-9a-f]{1,64}$/.test(digest)) throw new Error('digest must be 1-64 lowercase hex characters');
}

/**
 * The checks of EventStore.append. Events come numbered by the caller: the i-th must carry
 * `v = expectedVersion + 1 + i` and the append's commandId, so a store writes them as given.
 */
export function assertAppend(...[roomId, expectedVersion, commandId, events, epoch, , digest]: AppendArgs): void {
	assertRoomId(roomId);
	assertVersion(expectedVersion, 'expectedVersion');
	if (typeof commandId !== 'string' || commandId.length === 0) throw new Error('commandId must be a non-empty string');
	if (!Array.isArray(events) || events.length === 0) throw new Error(`Command ${commandId} has no events to append`);
	if (epoch !== undefined && (typeof epoch !== 'string' || epoch.length === 0))
		throw new Error('epoch must be a non-empty string');
	assertDigest(digest);
	for (let i = 0; i < events.length; i++) {
		const event = events[i] as StoredEvent;
		if (event.commandId !== commandId) {
			throw new Error(
				`Event commandId ${JSON.stringify(event.commandId)} differs from the append's ${JSON.stringify(commandId)}`
			);
		}
		if (event.v !== expectedVersion + 1 + i) {
			throw new Error(
				`Event ${i + 1} of command ${commandId} is numbered ${String(event.v)}, but an append at version ${expectedVersion} ` +
					`must number its events from ${expectedVersion + 1} up without gaps`
			);
		}
	}
}

/** The checks of EventStore.readFrom. */
export function assertRead(roomId: string, afterVersion: number, limit: number | undefined): void {
	assertRoomId(roomId);
	assertVersion(afterVersion, 'afterVersion');
	if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
		throw new Error(`limit must be a positive integer, got ${String(limit)}`);
	}
}

/** The checks of EventStore.saveSnapshot. */
export function assertSnapshot(roomId: string, snapshot: Snapshot): void {
	assertRoomId(roomId);
	assertVersion(snapshot.version, 'snapshot.version');
	if (snapshot.version < 1) throw new Error('snapshot.version must be at least 1');
	if (typeof snapshot.epoch !== 'string' || snapshot.epoch.length === 0)
		throw new Error('snapshot.epoch must be a non-empty string');
}

/**
 * The answer to an append whose commandId the store already holds: a duplicate when the digests agree or
 * either is missing (entries from before digests were kept), else a different command under a reused id.
 */
export function answerKnownCommand(
	known: KnownCommand,
	digest: string | undefined
): Extract<AppendResult, { duplicate: true } | { reason: 'different_command' }> {
	const range = { from: known.from, to: known.to };
	if (digest !== undefined && known.digest !== undefined && digest !== known.digest) {
		return { ok: false, reason: 'different_command', range };
	}
	return { ok: true, duplicate: true, range };
}

/** A store option: `fallback` when absent, else an integer of at least `min`. */
export function integerOption(value: number | undefined, fallback: number, name: string, min: number): number {
	if (value === undefined) return fallback;
	if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got ${String(value)}`);
	return value;
}
