/**
 * A facilitator's requests about a whole room, over HTTP (not the socket: deleting a room ends its log).
 * `DELETE /api/rooms/<id>` with `{ confirm: <the room's name> }` answers 200 `{ ok: true }` or 4xx
 * `{ error, message }`.
 */

export type DeleteRoomResult = { ok: true } | { ok: false; message: string };

/** Deletes a room for good, its files included; `confirmName` is the room's name as the person typed it. */
export async function deleteRoom(roomId: string, confirmName: string): Promise<DeleteRoomResult> {
	let res: Response;
	try {
		res = await fetch(`/api/rooms/${encodeURIComponent(roomId)}`, {
			method: 'DELETE',
			credentials: 'same-origin',
			cache: 'no-store',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ confirm: confirmName })
		});
	} catch {
		return { ok: false, message: 'The server could not be reached. Check the connection and try again.' };
	}
	const body: unknown = await res.json().catch(() => null);
	if (res.ok) return { ok: true };
	const message = typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : '';
	return {
		ok: false,
		message:
			message ||
			(res.status === 403
				? 'Only a facilitator of this room may delete it.'
				: `The server answered ${res.status}. Nothing was deleted.`)
	};
}
