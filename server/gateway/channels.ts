/** socket.io channel names and the typed server, shared by the gateway's parts. */
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../src/lib/protocol';
import type { Audience } from '../../src/lib/domain';

export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

const PREFIX = 'room:';

/** The socket.io room that carries one customer room's broadcasts. */
export const roomChannel = (roomId: string) => `${PREFIX}${roomId}`;

/**
 * The socket.io room that carries one customer room's events as one audience may see them
 * (src/lib/domain/projection.ts). Every joined socket is in exactly one of a room's audience channels.
 */
export const audienceChannel = (roomId: string, audience: Audience) => `${audience}:${roomId}`;

/** The sockets of one paired display: told to join again when its mode changes. */
export const displayChannel = (roomId: string, displayId: string) => `display:${roomId}:${displayId}`;

/**
 * The people (not wall screens) in one customer room: presence goes only to them. Walls never show who
 * is there, and a list of every screen sent to every screen grows with the square of their number.
 */
export const peopleChannel = (roomId: string) => `people:${roomId}`;

/** Every customer room that has a socket on this instance. */
export function localRoomIds(io: AppServer): string[] {
	return [...io.of('/').adapter.rooms.keys()].filter((k) => k.startsWith(PREFIX)).map((k) => k.slice(PREFIX.length));
}

/**
 * Tells this instance's clients to pull from their version: after a fan-out outage (Redis subscriber
 * reconnected, store back) they may have missed broadcasts. Catch-up by version makes this safe.
 */
export function announceStale(io: AppServer): void {
	for (const roomId of localRoomIds(io)) io.local.to(roomChannel(roomId)).emit('room:stale', { roomId });
}
