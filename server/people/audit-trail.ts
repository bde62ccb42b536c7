/**
 * The access audit trail: who signed in, made or redeemed an invite, changed a role, paired a screen...
 * Entries are checked against `AuditEntry` (src/lib/protocol/audit.ts) and kept in two lists: the room's
 * (when the entry has one) and the instance's (every entry), each keeping its newest entries only.
 *
 * Where they live: a list store with `push`/`list`/`delete` (the KvStore's). In Redis mode that is the
 * access KvStore itself, so every instance reads and writes the same lists; embedded, an append-only file
 * per list (file-audit-lists.ts), so a sign-in does not rewrite every session in access.json.
 *
 * Lines the access service wrote before this trail existed (`audit:<roomId>` in the access KvStore:
 * `renamed` and `took_over`) are read as entries too.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { isIP } from 'node:net';
import {
	AuditAction,
	AuditEntry,
	AuditInput,
	isAuditKind,
	type AuditEntry as Entry,
	type AuditInput as Input,
	type AuditRole
} from '../../src/lib/protocol/audit';
import type { KvStore } from '../store/kv';

/** The part of a KvStore the trail's lists need. */
export type AuditLists = Pick<KvStore, 'push' | 'list' | 'delete'>;

/** How many entries each list keeps (the newest). */
export interface AuditKeep {
	room: number;
	instance: number;
}
export const DEFAULT_AUDIT_KEEP: AuditKeep = { room: 20_000, instance: 50_000 };

/** Which entries a query wants; every field optional. Times are ms since the epoch, both ends inclusive. */
export interface AuditFilter {
	/** An actor's or subject's id (exactly), or part of their name (any case). */
	person?: string;
	/** `access`, `room`, or one action or event type. */
	kind?: string;
	from?: number;
	to?: number;
}

const roomKey = (roomId: string) => `audit-trail:room:${roomId}`;
const INSTANCE_KEY = 'audit-trail:instance';
const legacyKey = (roomId: string) => `audit:${roomId}`;

/** What the access service stored before this trail (see access-service.ts `AuditLine`). */
type LegacyLine =
	| { at: string; action: 'renamed'; sessionId: string; from: string; to: string }
	| { at: string; action: 'took_over'; sessionId: string; name: string; from: AuditRole | null };

/**
 * Masks a client address before it is stored: the last byte of an IPv4 address, all but the first three
 * groups (the /48 network) of an IPv6 one. Enough to tell a network apart, not a person's device.
 */
export function maskAddress(address: string): string {
	const plain = address.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
	const version = isIP(plain);
	if (version === 4) return plain.replace(/\.\d+$/, '.0');
	if (version === 6) {
		const head = plain.split('::')[0]!.split(':').filter(Boolean).slice(0, 3);
		return `${head.join(':')}::`;
	}
	return 'unknown';
}

/**
 * An entry read from a list, or null for one that cannot be shown. Entries were checked against the
 * schema when recorded, so a read checks only what filtering and sorting rely on: checking 50,000 entries
 * against the whole schema took most of a second.
 */
function parseStored(value: unknown): Entry | null {
	if (typeof value !== 'object' || value === null) return null;
	const e = value as Partial<Entry>;
	const fine =
		typeof e.id === 'string' &&
		typeof e.at === 'string' &&
		typeof e.action === 'string' &&
		(e.roomId === null || typeof e.roomId === 'string') &&
		(e.actor === null || (typeof e.actor === 'object' && typeof e.actor?.name === 'string')) &&
		(e.subject === undefined || typeof e.subject?.name === 'string');
	return fine ? (e as Entry) : null;
}

function fromLegacy(line: LegacyLine, roomId: string, index: number): Entry | null {
	const parseStored = (value: unknown) => {
		const parsed = AuditEntry.safeParse(value);
		return parsed.success ? parsed.data : null;
	};
	const base = { id: `legacy-${roomId}-${index}`, at: line.at, roomId } as const;
	if (line.action === 'renamed')
		return parseStored({
			...base,
			action: 'renamed',
			actor: { id: line.sessionId, name: line.to, kind: 'person' },
			detail: line.from
		});
	if (line.action === 'took_over')
		return parseStored({
			...base,
			action: 'took_over',
			actor: { id: line.sessionId, name: line.name, kind: 'person' },
			role: 'facilitator',
			fromRole: line.from
		});
	return null;
}

/** Whether an entry (or a room row) passes a filter. */
export function matchesFilter(
	row: Pick<Entry, 'at' | 'actor' | 'subject'> & { action: string; source: 'access' | 'room' },
	filter: AuditFilter
): boolean {
	if (filter.kind && filter.kind !== row.source && filter.kind !== row.action) return false;
	const at = Date.parse(row.at);
	if (filter.from !== undefined && at < filter.from) return false;
	if (filter.to !== undefined && at > filter.to) return false;
	if (filter.person) {
		const wanted = filter.person.toLowerCase();
		const hit = [row.actor, row.subject].some((p) => p && (p.id === filter.person || p.name.toLowerCase().includes(wanted)));
		if (!hit) return false;
	}
	return true;
}

/** Newest first; ties (the same millisecond) by id, so a cursor always finds its place again. */
export const newestFirst = (a: { at: string; id: string }, b: { at: string; id: string }) =>
	a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;

/**
 * Opens the trail. `kv` is the access KvStore (where older lines are read from); `lists` is where entries
 * go, the same KvStore unless given (embedded mode gives its append-only files).
 */
/** Entries handled between two turns of the event loop, so reading a long trail never holds it for long. */
const SLICE = 2_000;

/** The showable entries of a list's values, a slice at a time. */
async function entriesOf(values: readonly unknown[]): Promise<Entry[]> {
	const out: Entry[] = [];
	for (let start = 0; start < values.length; start += SLICE) {
		if (start > 0) await setImmediate();
		for (const value of values.slice(start, start + SLICE)) {
			const entry = parseStored(value);
			if (entry) out.push(entry);
		}
	}
	return out;
}

/** The entries passing `filter`, a slice at a time. */
async function matching(entries: readonly Entry[], filter: AuditFilter): Promise<Entry[]> {
	const out: Entry[] = [];
	for (let start = 0; start < entries.length; start += SLICE) {
		if (start > 0) await setImmediate();
		for (const e of entries.slice(start, start + SLICE)) if (matchesFilter({ ...e, source: 'access' }, filter)) out.push(e);
	}
	return out;
}

export function createAuditTrail(
	kv: Pick<KvStore, 'list' | 'delete'>,
	now: () => number = Date.now,
	lists: AuditLists = kv as AuditLists,
	keep: AuditKeep = DEFAULT_AUDIT_KEEP
) {
	let sequence = 0;
	/**
	 * A time-ordered id: sorts with its time, then (within one millisecond) in the order this process
	 * recorded; the random tail keeps it unique across instances.
	 */
	const newId = (at: string) =>
		`${at.replace(/[-:.TZ]/g, '')}-${String(sequence++ % 1e9).padStart(9, '0')}-${randomUUID().slice(0, 8)}`;

	async function roomEntries(roomId: string): Promise<Entry[]> {
		const legacy = (await kv.list<LegacyLine>(legacyKey(roomId))).map((line, i) => fromLegacy(line, roomId, i));
		// An embedded list may hold up to a quarter more than it keeps until its next rewrite.
		const current = await entriesOf((await lists.list<unknown>(roomKey(roomId))).slice(-keep.room));
		return [...legacy.filter((e): e is Entry => e !== null), ...current];
	}

	return {
		/**
		 * Records one access entry, durably (fsync'd, or in Redis), in its room's list and the instance's.
		 * Answers the entry as stored. Throws on an entry that does not match `AuditInput` (a bug in the
		 * caller, never user input): nothing is stored then.
		 */
		async record(input: Input): Promise<Entry> {
			const parsed = AuditInput.parse(input);
			const at = parsed.at ?? new Date(now()).toISOString();
			const entry: Entry = AuditEntry.parse({
				...parsed,
				id: newId(at),
				at,
				...(parsed.address !== undefined ? { address: maskAddress(parsed.address) } : {})
			});
			if (entry.roomId) await lists.push(roomKey(entry.roomId), entry, keep.room);
			await lists.push(INSTANCE_KEY, entry, keep.instance);
			return entry;
		},

		/** A room's access entries passing `filter`, newest first (older lines included). */
		async room(roomId: string, filter: AuditFilter = {}): Promise<Entry[]> {
			return (await matching(await roomEntries(roomId), filter)).sort(newestFirst);
		},

		/**
		 * Every access entry of the instance passing `filter`, newest first. Lines from before this trail
		 * are in their rooms' lists only: `roomIds` names the rooms to read them from.
		 */
		async instance(filter: AuditFilter = {}, roomIds: readonly string[] = []): Promise<Entry[]> {
			const legacy: Entry[] = [];
			for (const roomId of roomIds)
				for (const [i, line] of (await kv.list<LegacyLine>(legacyKey(roomId))).entries()) {
					const entry = fromLegacy(line, roomId, i);
					if (entry) legacy.push(entry);
				}
			const current = await entriesOf((await lists.list<unknown>(INSTANCE_KEY)).slice(-keep.instance));
			return (await matching([...legacy, ...current], filter)).sort(newestFirst);
		},

		/** Forgets a deleted room's list; its entries stay in the instance's. */
		async forgetRoom(roomId: string): Promise<void> {
			await lists.delete(roomKey(roomId));
		}
	};
}

export type AuditTrail = ReturnType<typeof createAuditTrail>;
export { AuditAction, isAuditKind };
