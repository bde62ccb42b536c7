/**
 * The audit trail over HTTP (reads only):
 *
 *   GET /api/rooms/:id/audit       ?person=&kind=&from=&to=&cursor=&limit=  a page of rows (facilitators of
 *   GET /api/rooms/:id/audit.csv   ?person=&kind=&from=&to=                  the room, instance admins)
 *   GET /api/admin/audit           the same for the whole instance (instance admins)
 *   GET /api/admin/audit.csv
 *
 * `person`: an id, or part of a name (who acted or was acted on); `kind`: `access`, `room`, an access
 * action or a room event type; `from`/`to`: a date (whole UTC day) or an instant with its offset, both
 * inclusive. A CSV holds every row the filters pass (up to CSV_MAX_ROWS), its cells safe from formulas.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setImmediate } from 'node:timers/promises';
import { stringify } from 'csv-stringify/sync';
import {
	AuditQuery,
	describeAuditRow,
	isAuditKind,
	partyName,
	type AuditPage,
	type AuditRow
} from '../../src/lib/protocol/audit';
import { mayCreateRooms, type AccessService } from '../access/access-service';
import type { RoomEngine } from '../engine/room-engine';
import { safeCell, type Cell } from '../exports/csv-export';
import type { AuditFilter } from '../people/audit-trail';
import { decodeCursor, DEFAULT_PAGE_SIZE, pageOf, type AuditView } from '../people/audit-view';
import { isAllowedOrigin } from './origin';
import { SECURITY_HEADERS, sendJson } from './json';
import { sessionTokenOf } from './session';

export interface AuditApiDeps {
	access: AccessService;
	engine: Pick<RoomEngine, 'state'>;
	view: AuditView;
	allowedOrigins: readonly string[];
	allowedHosts: readonly string[];
}

/** Most rows one CSV download holds (the newest). */
export const CSV_MAX_ROWS = 100_000;

const ROOM_AUDIT = /^\/api\/rooms\/([A-Za-z0-9_-]{1,64})\/audit(\.csv)?$/;
const ADMIN_AUDIT = /^\/api\/admin\/audit(\.csv)?$/;
const DAY_MS = 24 * 3600_000;

type Parsed =
	{ ok: true; filter: AuditFilter; cursor: { at: string; id: string } | null; limit: number } | { ok: false; message: string };

/** The filters a query string asks for, or what is wrong with it. */
export function parseAuditQuery(params: URLSearchParams): Parsed {
	const raw: Record<string, string> = {};
	for (const [key, value] of params) if (value !== '') raw[key] = value;
	const parsed = AuditQuery.safeParse(raw);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const field = issue?.path.join('.') || 'the query';
		return {
			ok: false,
			message: `${field}: ${issue?.message ?? 'not valid'}. Filters: person, kind, from and to (dates as 2026-05-31 or instants with an offset), cursor, limit (1 to 500).`
		};
	}
	const q = parsed.data;
	if (q.kind && !isAuditKind(q.kind))
		return {
			ok: false,
			message: `kind: "${q.kind}" is not a kind of entry. Use access, room, an access action or a room event type.`
		};
	const instant = (value: string, endOfDay: boolean) =>
		value.length === 10 ? Date.parse(`${value}T00:00:00Z`) + (endOfDay ? DAY_MS - 1 : 0) : Date.parse(value);
	const from = q.from ? instant(q.from, false) : undefined;
	const to = q.to ? instant(q.to, true) : undefined;
	if (from !== undefined && to !== undefined && from > to)
		return { ok: false, message: 'from: it is after to. Nothing can match.' };
	const cursor = q.cursor ? decodeCursor(q.cursor) : null;
	if (q.cursor && !cursor) return { ok: false, message: 'cursor: not a cursor this server gave. Start from the first page.' };
	return {
		ok: true,
		filter: { person: q.person || undefined, kind: q.kind || undefined, from, to },
		cursor,
		limit: q.limit ?? DEFAULT_PAGE_SIZE
	};
}

const CSV_COLUMNS = [
	'time (UTC)',
	'room',
	'source',
	'action',
	'who',
	'who kind',
	'who id',
	'subject',
	'subject kind',
	'role',
	'role before',
	'address',
	'detail',
	'description'
];

/** A row's CSV cells; text that a spreadsheet would run is made inert. */
function csvCells(row: AuditRow): Cell[] {
	return [
		row.at,
		row.roomId ?? '',
		row.source,
		row.action,
		row.actor ? partyName(row.actor) : '',
		row.actor?.kind ?? '',
		row.actor?.id ?? '',
		row.subject ? partyName(row.subject) : '',
		row.subject?.kind ?? '',
		row.role ?? '',
		row.fromRole ?? '',
		row.address ?? '',
		row.detail ?? '',
		describeAuditRow(row)
	].map(safeCell);
}

/** The CSV of `rows`: a header, one line per row. */
export function auditCsv(rows: readonly AuditRow[]): string {
	return stringify([CSV_COLUMNS, ...rows.map(csvCells)], { record_delimiter: '\r\n', bom: true });
}

/** Rows written between two turns of the event loop: a 100,000-row download never holds it for long. */
const CSV_SLICE = 2_000;

/** The same CSV as `auditCsv`, made a slice at a time. */
export async function auditCsvInSlices(rows: readonly AuditRow[]): Promise<string> {
	const parts = [auditCsv(rows.slice(0, CSV_SLICE))];
	for (let start = CSV_SLICE; start < rows.length; start += CSV_SLICE) {
		await setImmediate();
		parts.push(stringify(rows.slice(start, start + CSV_SLICE).map(csvCells), { record_delimiter: '\r\n' }));
	}
	return parts.join('');
}

function sendCsv(res: ServerResponse, name: string, text: string): void {
	res.writeHead(200, {
		...SECURITY_HEADERS,
		'content-type': 'text/csv; charset=utf-8',
		'content-disposition': `attachment; filename="${name}"`,
		'cache-control': 'no-store',
		'content-length': Buffer.byteLength(text)
	});
	res.end(text);
}

const today = () => new Date().toISOString().slice(0, 10);

export function createAuditApi(deps: AuditApiDeps) {
	const { access, view } = deps;

	/** Answers a page, or the whole filtered list as CSV. */
	async function answer(
		res: ServerResponse,
		rows: AuditRow[],
		q: Extract<Parsed, { ok: true }>,
		csvName: string | null,
		extra: Partial<AuditPage> = {}
	) {
		if (csvName) return sendCsv(res, csvName, await auditCsvInSlices(rows.slice(0, CSV_MAX_ROWS)));
		sendJson(res, 200, { ...pageOf(rows, q.cursor, q.limit), ...extra } satisfies AuditPage);
	}

	async function roomAudit(req: IncomingMessage, res: ServerResponse, url: URL, roomId: string, csv: boolean): Promise<void> {
		const session = await access.session(sessionTokenOf(req));
		if (!session) return sendJson(res, 401, { error: 'unauthenticated', message: 'Open your invite link first.' });
		if (access.roleIn(session, roomId) !== 'facilitator' && !mayCreateRooms(session))
			return sendJson(res, 403, {
				error: 'forbidden',
				message: "Only the room's facilitators and instance admins can read its audit trail."
			});
		const q = parseAuditQuery(url.searchParams);
		if (!q.ok) return sendJson(res, 400, { error: 'invalid_payload', message: q.message });
		if (!(await deps.engine.state(roomId)))
			return sendJson(res, 404, { error: 'not_found', message: `There is no room "${roomId}".` });
		const { rows, olderEventsCompacted } = await view.room(roomId, q.filter);
		await answer(res, rows, q, csv ? `audit-${roomId}-${today()}.csv` : null, { olderEventsCompacted });
	}

	async function instanceAudit(req: IncomingMessage, res: ServerResponse, url: URL, csv: boolean): Promise<void> {
		const session = await access.session(sessionTokenOf(req));
		if (!session) return sendJson(res, 401, { error: 'unauthenticated', message: 'Sign in as an instance admin first.' });
		if (!mayCreateRooms(session))
			return sendJson(res, 403, { error: 'forbidden', message: "Only instance admins can read the instance's audit trail." });
		const q = parseAuditQuery(url.searchParams);
		if (!q.ok) return sendJson(res, 400, { error: 'invalid_payload', message: q.message });
		await answer(res, await view.instance(q.filter), q, csv ? `audit-instance-${today()}.csv` : null);
	}

	/** Handles the audit routes; answers false for any other path. */
	return async function handleAudit(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
		const room = ROOM_AUDIT.exec(url.pathname);
		const admin = ADMIN_AUDIT.exec(url.pathname);
		if (!room && !admin) return false;
		const method = req.method ?? 'GET';
		if (method !== 'GET' && method !== 'HEAD') {
			// Writes are refused alike from anywhere, but another site learns no more than "forbidden".
			if (!isAllowedOrigin(req, deps.allowedOrigins, deps.allowedHosts))
				sendJson(res, 403, { error: 'forbidden', message: 'Requests must come from this site.' });
			else sendJson(res, 405, { error: 'method_not_allowed', message: 'The audit trail is read only: use GET.' });
			return true;
		}
		if (room) await roomAudit(req, res, url, room[1]!, room[2] !== undefined);
		else await instanceAudit(req, res, url, admin![1] !== undefined);
		return true;
	};
}
