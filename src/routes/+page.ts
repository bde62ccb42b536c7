import type { RoomList, RoomSummary } from '$lib/protocol';
import type { PageLoad } from './$types';

export const load = (async ({ fetch }) => {
	try {
		const res = await fetch('/api/rooms');
		if (!res.ok)
			return {
				rooms: [] as RoomSummary[],
				mayCreateRooms: false,
				error: `The server answered ${res.status}; reload to try again.`
			};
		const body = (await res.json()) as RoomList;
		return { rooms: body.rooms, mayCreateRooms: body.mayCreateRooms, error: null };
	} catch {
		return {
			rooms: [] as RoomSummary[],
			mayCreateRooms: false,
			error: 'Could not reach the server; check it is running, then reload.'
		};
	}
}) satisfies PageLoad;
