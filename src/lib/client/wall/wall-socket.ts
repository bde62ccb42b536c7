/**
 * The wall's socket: the same typed client as every page (websocket transport, our catch-up by
 * version), announced as a screen so presence can tell TVs from people.
 */
import { io } from 'socket.io-client';
import { clientId, type RoomSocket } from '$lib/client/socket';

export function connectWallSocket(): RoomSocket {
	return io({
		transports: ['websocket'],
		auth: { clientId: clientId(), kind: 'screen' },
		reconnectionDelay: 500,
		reconnectionDelayMax: 5_000
	});
}
