/**
 * The browser's side of the audit endpoints (server/http/audit-api.ts): a page of rows for the filters a
 * person chose, and the CSV link with the same filters. Dates are chosen in the browser's own time zone
 * and sent as instants, so "from 3 March" means the person's 3 March, not UTC's.
 */
import type { AuditPage } from '$lib/protocol/audit';

/** What the filter form holds; empty strings mean "any". Dates are `YYYY-MM-DD` (an `<input type="date">`). */
export interface AuditFilters {
	person: string;
	kind: string;
	from: string;
	to: string;
}

export const NO_FILTERS: AuditFilters = { person: '', kind: '', from: '', to: '' };

/** The audit endpoint of a room, or of the instance (null). */
export const auditEndpoint = (roomId: string | null) =>
	roomId ? `/api/rooms/${encodeURIComponent(roomId)}/audit` : '/api/admin/audit';

/** A local day's first or last instant, with its offset. */
function localInstant(day: string, endOfDay: boolean): string | null {
	const [y, m, d] = day.split('-').map(Number);
	if (!y || !m || !d) return null;
	const at = endOfDay ? new Date(y, m - 1, d, 23, 59, 59, 999) : new Date(y, m - 1, d, 0, 0, 0, 0);
	return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

/** The query string for `filters` (and a cursor), without the `?`. */
export function auditQuery(filters: AuditFilters, cursor?: string | null): string {
	const params = new URLSearchParams();
	if (filters.person.trim()) params.set('person', filters.person.trim());
	if (filters.kind) params.set('kind', filters.kind);
	const from = filters.from ? localInstant(filters.from, false) : null;
	const to = filters.to ? localInstant(filters.to, true) : null;
	if (from) params.set('from', from);
	if (to) params.set('to', to);
	if (cursor) params.set('cursor', cursor);
	return params.toString();
}

/** Where "Export CSV" downloads the rows the filters pass. */
export function auditCsvHref(roomId: string | null, filters: AuditFilters): string {
	const query = auditQuery(filters);
	return `${auditEndpoint(roomId)}.csv${query ? `?${query}` : ''}`;
}

/** One page of rows, or what went wrong in words a person can act on. */
export async function fetchAuditPage(
	roomId: string | null,
	filters: AuditFilters,
	cursor: string | null
): Promise<({ ok: true } & AuditPage) | { ok: false; status: number; message: string }> {
	const query = auditQuery(filters, cursor);
	let res: Response;
	try {
		res = await fetch(`${auditEndpoint(roomId)}${query ? `?${query}` : ''}`, { credentials: 'same-origin', cache: 'no-store' });
	} catch {
		return { ok: false, status: 0, message: 'Could not reach the server. Check your connection, then try again.' };
	}
	const body: unknown = await res.json().catch(() => null);
	if (res.ok) return { ok: true, ...(body as AuditPage) };
	const message = typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : '';
	return { ok: false, status: res.status, message: message || `The server answered ${res.status}. Try again in a moment.` };
}

const whenFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A row's time as the page shows it, in the browser's language and time zone. */
export const auditWhen = (iso: string) => whenFormat.format(new Date(iso));
