/** The browser's one typed socket. Websocket transport only, so several instances need no sticky sessions. */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/protocol';

export type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Everything a room socket can hear: the server's events and socket.io's own (connect, disconnect, connect_error). */
type Heard = Parameters<RoomSocket['on']>[0];

/**
 * Listens to one event of the typed socket and returns the function that stops listening, so a
 * subscription is undone by what it returned (tie it to a lifecycle), never by repeating its arguments.
 */
export function on<E extends Heard>(socket: RoomSocket, event: E, listener: Parameters<typeof socket.on<E>>[1]): () => void {
	socket.on<E>(event, listener);
	return () => {
		socket.off<E>(event, listener);
	};
}

const CLIENT_ID_KEY = 'customer-room:client-id';
const NAME_KEY = 'customer-room:name';

/** A stable id for this browser, so the log can tell people apart across reconnects. */
export function clientId(): string {
	try {
		let id = localStorage.getItem(CLIENT_ID_KEY);
		if (!id) {
			id = newId('b');
			localStorage.setItem(CLIENT_ID_KEY, id);
		}
		return id;
	} catch {
		return newId('b');
	}
}

export function displayName(): string {
	try {
		return localStorage.getItem(NAME_KEY) ?? '';
	} catch {
		return '';
	}
}

export function rememberDisplayName(name: string): void {
	try {
		localStorage.setItem(NAME_KEY, name);
	} catch {
		// Private mode: the name lasts for this page only.
	}
}

/** A random id for commands and new entities (crypto-strong where available, for older TV browsers too). */
export function newId(prefix = ''): string {
	const bytes = new Uint8Array(12);
	crypto.getRandomValues(bytes);
	const body = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
	return prefix ? `${prefix}-${body}` : body;
}

/**
 * Connects to the server this page came from. `kind` tells presence a wall screen from a person. The name
 * on this person's changes is the one the server holds for their session, so none is sent.
 */
export function connectSocket(kind: 'screen' | 'person' = 'person'): RoomSocket {
	return io({
		transports: ['websocket'],
		auth: { clientId: clientId(), kind },
		reconnectionDelay: 500,
		reconnectionDelayMax: 5_000
	});
}
