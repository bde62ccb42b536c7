/**
 * What the audit pages show: a room's access entries joined with its own event log (each stored event
 * has an author and a time), or the instance's access entries; filtered, newest first, a page at a time.
 *
 * Room events come from the EventStore port as far back as the log holds them: a compacted log keeps
 * its newest events only (the snapshot replaces the rest), which the answer says.
 */
import type { RoomState } from '../../src/lib/domain';
import { type AuditEntry, type AuditPage, type AuditPartyKind, type AuditRow } from '../../src/lib/protocol/audit';
import type { EventStore, RecordedActor, StoredEvent } from '../store/port';
import { matchesFilter, newestFirst, type AuditFilter, type AuditTrail } from './audit-trail';

export interface AuditViewDeps {
	trail: AuditTrail;
	store: Pick<EventStore, 'readFrom' | 'listRooms'>;
	/** A room's current state, to name what an event refers to by id only; null if unknown. */
	state(roomId: string): Promise<RoomState | null>;
	/**
	 * What kind of party an event's author was (a guest, a screen, the admin API), from its recorded id and
	 * name. The log records neither kind nor role, so by default every author is a person.
	 */
	kindOf?: (actor: RecordedActor) => AuditPartyKind;
}

export const DEFAULT_PAGE_SIZE = 100;

const accessRow = (e: AuditEntry): AuditRow => ({ ...e, source: 'access' });

/** A name for what an event is about: carried in the event, or looked up in the room by id. */
export function eventDetail(event: unknown, state: RoomState | null): string | undefined {
	if (typeof event !== 'object' || event === null) return undefined;
	const e = event as Record<string, unknown>;
	const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim().slice(0, 200) : undefined);
	if (e.type === 'department.renamed' || e.type === 'team.statusChanged') {
		const [from, to] = [text(e.from), text(e.to)];
		if (from && to) return `${from} → ${to}`;
	}
	for (const value of Object.values(e)) {
		if (typeof value !== 'object' || value === null) continue;
		const inner = value as Record<string, unknown>;
		const named = text(inner.name) ?? text(inner.title) ?? text(inner.headline) ?? text(inner.question) ?? text(inner.text);
		if (named) return named;
	}
	const byId: Array<[string, Record<string, { name?: string; title?: string; question?: string }> | undefined]> = [
		['stageId', state?.stages],
		['touchpointId', state?.touchpoints],
		['artifactId', state?.artifacts],
		['categoryId', state?.complaints],
		['kpiId', state?.kpis],
		['surveyId', state?.surveys],
		['teamId', state?.teams]
	];
	for (const [field, items] of byId) {
		const id = e[field];
		if (typeof id !== 'string' || !items || !Object.hasOwn(items, id)) continue;
		const item = items[id]!;
		return text(item.name) ?? text(item.title) ?? text(item.question);
	}
	return text(e.name);
}

function eventRow(roomId: string, stored: StoredEvent, state: RoomState | null, kind: AuditPartyKind): AuditRow {
	const type = (stored.event as { type?: unknown } | null)?.type;
	const detail = eventDetail(stored.event, state);
	return {
		// Zero-padded, so events of one command (one time) sort by version.
		id: `v${String(stored.v).padStart(12, '0')}`,
		at: stored.at,
		source: 'room',
		action: typeof type === 'string' ? type : 'unknown',
		roomId,
		actor: { id: stored.actor.id, name: stored.actor.name, kind },
		...(detail ? { detail } : {})
	};
}

/** A cursor names the last row of a page: its time and id. */
export function encodeCursor(row: Pick<AuditRow, 'at' | 'id'>): string {
	return Buffer.from(JSON.stringify([row.at, row.id])).toString('base64url');
}

/** The row a cursor names, or null if it is not one of ours. */
export function decodeCursor(cursor: string): { at: string; id: string } | null {
	try {
		const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
		if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string')
			return { at: value[0], id: value[1] };
	} catch {
		// Not JSON: not ours.
	}
	return null;
}

/** The page of `rows` (newest first) after `cursor`. */
export function pageOf(
	rows: readonly AuditRow[],
	cursor: { at: string; id: string } | null,
	limit: number
): Omit<AuditPage, 'olderEventsCompacted'> {
	const start = cursor ? rows.findIndex((row) => newestFirst(row, cursor) > 0) : 0;
	if (start < 0) return { rows: [], next: null };
	const page = rows.slice(start, start + limit);
	const more = start + limit < rows.length;
	return { rows: page, next: more && page.length > 0 ? encodeCursor(page.at(-1)!) : null };
}

export function createAuditView(deps: AuditViewDeps) {
	/** Every event the room's log still holds, oldest first, and whether older ones were compacted. */
	async function roomEvents(roomId: string): Promise<{ events: StoredEvent[]; compacted: boolean }> {
		const read = await deps.store.readFrom(roomId, 0);
		if (read.ok) return { events: read.events, compacted: false };
		const rest = await deps.store.readFrom(roomId, read.oldestAvailable);
		return { events: rest.ok ? rest.events : [], compacted: true };
	}

	return {
		/** A room's rows (access entries and room events) passing `filter`, newest first. */
		async room(roomId: string, filter: AuditFilter): Promise<{ rows: AuditRow[]; olderEventsCompacted: boolean }> {
			const access = (await deps.trail.room(roomId, filter)).map(accessRow);
			const wantsEvents = filter.kind === undefined || filter.kind !== 'access';
			const { events, compacted } = wantsEvents ? await roomEvents(roomId) : { events: [], compacted: false };
			const state = events.length > 0 ? await deps.state(roomId) : null;
			const kindOf = deps.kindOf ?? (() => 'person' as const);
			const fromLog = events.map((e) => eventRow(roomId, e, state, kindOf(e.actor))).filter((row) => matchesFilter(row, filter));
			return { rows: [...access, ...fromLog].sort(newestFirst), olderEventsCompacted: compacted };
		},

		/** The instance's rows: every room's access entries and the instance-wide ones, newest first. */
		async instance(filter: AuditFilter): Promise<AuditRow[]> {
			const roomIds = await deps.store.listRooms();
			return (await deps.trail.instance(filter, roomIds)).map(accessRow);
		}
	};
}

export type AuditView = ReturnType<typeof createAuditView>;
