/**
 * Room ids are made from the room's name, never typed: "Northwind Insurance" becomes
 * `northwind-insurance`, then `northwind-insurance-2`, `-3`, ... when that is taken. One rule for rooms
 * created in the app and rooms restored from a backup.
 */

/** Longest slug before a `-<n>` tail (ids are at most 64 characters). */
const SLUG_MAX = 48;

/** A name as a URL-safe slug: lower-case ASCII letters and digits joined by single hyphens ("room" if none). */
export function slugOf(name: string): string {
	const slug = name
		.normalize('NFKD')
		// "Ä" came apart as "A" and a combining mark: keep the letter.
		.replace(/\p{M}+/gu, '')
		.toLowerCase()
		// Linear: one character class, no nesting.
		.replace(/[^a-z0-9]+/g, '-')
		.slice(0, SLUG_MAX)
		.replace(/^-+/, '')
		.replace(/-+$/, '');
	return slug || 'room';
}

/**
 * The first of `slug`, `slug-2`, `slug-3`, ... that `taken` says is free. `taken` answers for rooms that
 * exist and for ids of deleted rooms (never given out again, so nothing of the old room carries over).
 */
export async function uniqueRoomId(name: string, taken: (id: string) => Promise<boolean>): Promise<string> {
	const slug = slugOf(name);
	if (!(await taken(slug))) return slug;
	for (let n = 2; ; n++) {
		const id = `${slug}-${n}`;
		if (!(await taken(id))) return id;
	}
}

/** Ids a room never gets: they name pages and endpoints beside the rooms (`/rooms/new`, `/api/rooms/restore`). */
const RESERVED = new Set(['new', 'restore']);

/** Whether a room id is in use: reserved, a room that exists, or the id of a deleted room. */
export function roomIdTaken(
	engine: { state(roomId: string): Promise<unknown> },
	access: { isRetired(roomId: string): Promise<boolean> }
): (id: string) => Promise<boolean> {
	return async (id) => RESERVED.has(id) || (await engine.state(id)) !== null || (await access.isRetired(id));
}
