/**
 * The browser's side of the rooms API (server/http/rooms-api.ts): the one-time setup link, creating a
 * room, taking over a room nobody can open, and deleting a room. Every helper answers `{ ok: true, ... }`
 * or `{ ok: false, status, message }` with a message a person can act on.
 */
import type { ApiResult } from './access';

/** How a new room starts: from one of the templates, or blank. (A backup goes through `restoreBackup`.) */
export type RoomStart = { kind: 'template'; templateId: string } | { kind: 'blank' };

const UNREACHABLE = 'Could not reach the server. Check your connection, then try again.';

async function send<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
	let res: Response;
	try {
		res = await fetch(path, {
			method,
			credentials: 'same-origin',
			cache: 'no-store',
			headers: body === undefined ? undefined : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	} catch {
		return { ok: false, status: 0, message: UNREACHABLE };
	}
	const answer: unknown = await res.json().catch(() => null);
	if (res.ok) return { ok: true, ...(answer as T) };
	const message =
		typeof answer === 'object' && answer && 'message' in answer
			? String((answer as { message: unknown }).message)
			: `The server answered ${res.status}. Try again in a moment.`;
	return { ok: false, status: res.status, message };
}

/** Opens the setup link: this browser becomes an instance admin (the server sets its cookie). */

/** Creates a room (instance admins); this browser becomes its facilitator. Answers the new room's id. */
export const createRoom = (room: { name: string; organisation: string; start: RoomStart }) =>
	send<{ roomId: string }>('POST', '/api/rooms', room);

/** An instance admin makes themselves the room's facilitator (recorded in the room's access audit trail). */
export const takeOverRoom = (roomId: string) =>
	send<{ roomId: string; role: 'facilitator' }>('POST', `/api/rooms/${encodeURIComponent(roomId)}/takeover`);

/**
 * Deletes a room for good (its facilitators, and instance admins): its events, links, people's access and
 * files. `confirmName` is the room's name as the person typed it; the server compares it with the name.
 */
export const deleteRoom = (roomId: string, confirmName: string) =>
	send<{ deleted: string }>('DELETE', `/api/rooms/${encodeURIComponent(roomId)}`, { confirm: confirmName });
