/**
 * "My actions" from the server (`GET /api/account/actions`), grouped by room for the page: each room's
 * actions stay together, rooms ordered by their most pressing action.
 */
import type { MyAction, MyActionsAnswer } from '$lib/protocol/my-actions';
import { call } from './json-call';

export const fetchMyActions = () => call<MyActionsAnswer>('/api/account/actions');

export interface MyRoomActions {
	roomId: string;
	roomName: string;
	actions: MyAction[];
}

/** The actions by room, in the server's order (open first by due date): a room comes where its first action does. */
export function byRoom(actions: readonly MyAction[]): MyRoomActions[] {
	const rooms = new Map<string, MyRoomActions>();
	for (const a of actions) {
		const room = rooms.get(a.roomId) ?? { roomId: a.roomId, roomName: a.roomName, actions: [] };
		room.actions.push(a);
		rooms.set(a.roomId, room);
	}
	return [...rooms.values()];
}
