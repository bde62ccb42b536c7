/**
 * A small key-value port for access data (invites, sessions, pairing codes): JSON values, optional
 * expiry. Embedded: one JSON file in the data dir; Redis mode: plain keys under `access:`, shared by
 * every instance. Access data never enters the room's event log, which every viewer receives.
 */
export interface KvStore {
	get<T>(key: string): Promise<T | null>;
	/** Stores `value`; with `ttlMs` it disappears after that long. */
	set(key: string, value: unknown, ttlMs?: number): Promise<void>;
	delete(key: string): Promise<void>;
	/** Deletes the value at `key` and answers it, in one step: of two callers, only one gets it. */
	take<T>(key: string): Promise<T | null>;
	/** Appends `value` to the list at `key`, keeping only its newest `keep` entries. */
	push(key: string, value: unknown, keep: number): Promise<void>;
	/** The list at `key`, oldest first (empty if there is none). */
	list<T>(key: string): Promise<T[]>;
}
