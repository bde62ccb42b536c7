/**
 * The socket.io gateway: a thin adapter. Per message: check the ack, parse with zod, call the engine,
 * answer with a typed result. Nothing a client sends reaches the engine unparsed, and no handler can
 * throw into socket.io.
 */
import { randomUUID } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import {
	CommandRequest,
	HandshakeAuth,
	JoinRequest,
	invalidPayload,
	type ClientToServerEvents,
	type ErrorResult,
	type InterServerEvents,
	type RoomEventsMessage,
	type ServerToClientEvents,
	type SocketData
} from '../../src/lib/protocol';
import { z } from 'zod';
import type { Broadcaster, EngineLogger, RoomEngine } from '../engine/room-engine';

export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** The socket.io room that carries one customer room's broadcasts. */
export const roomChannel = (roomId: string) => `room:${roomId}`;

/** The engine's only way out: one emit to everyone in the room, after the append committed. */
export function socketBroadcaster(io: AppServer): Broadcaster {
	return {
		publish(message: RoomEventsMessage) {
			io.to(roomChannel(message.roomId)).emit('room:events', message);
		}
	};
}

const LeaveRequest = z.strictObject({ roomId: z.string().max(64) });

const notJoined = (roomId: string): ErrorResult => ({
	ok: false,
	code: 'unauthenticated',
	message: `Join room "${roomId}" before sending commands to it.`
});

/** Wires the handlers of every connection. */
export function attachGateway(io: AppServer, deps: { engine: RoomEngine; log: EngineLogger; build: string }) {
	const { engine, log, build } = deps;

	io.use((socket, next) => {
		const auth = HandshakeAuth.safeParse(socket.handshake.auth ?? {});
		const name = (auth.success && auth.data.name) || 'Guest';
		// Until invite links and roles land, everyone on this (loopback-bound) server facilitates.
		socket.data.actor = {
			id: (auth.success && auth.data.clientId) || randomUUID(),
			name,
			role: 'facilitator'
		};
		next();
	});

	io.on('connection', (socket: AppSocket) => {
		socket.emit('server:hello', { build, actor: socket.data.actor });

		socket.on('room:join', (raw: unknown, ack: unknown) =>
			guarded(socket, 'room:join', ack, async (reply) => {
				const parsed = JoinRequest.safeParse(raw);
				if (!parsed.success) return reply(invalidPayload(parsed.error));
				const { roomId, since } = parsed.data;
				// Join the channel first, so nothing committed after the read below can be missed;
				// the client drops what it already has by version.
				await socket.join(roomChannel(roomId));
				const result = await engine.join(roomId, since);
				if (!result.ok) await socket.leave(roomChannel(roomId));
				reply(result);
			})
		);

		socket.on('room:leave', (raw: unknown) => {
			const parsed = LeaveRequest.safeParse(raw);
			if (parsed.success) void socket.leave(roomChannel(parsed.data.roomId));
		});

		socket.on('command', (raw: unknown, ack: unknown) =>
			guarded(socket, 'command', ack, async (reply) => {
				const parsed = CommandRequest.safeParse(raw);
				if (!parsed.success) return reply(invalidPayload(parsed.error));
				const { roomId, commandId, command } = parsed.data;
				if (command.type !== 'room.create' && !socket.rooms.has(roomChannel(roomId))) {
					return reply(notJoined(roomId));
				}
				reply(await engine.execute(roomId, commandId, command, socket.data.actor));
			})
		);
	});

	/**
	 * Runs a handler that must answer through an ack. A message without an ack callback is dropped
	 * (there is nobody to answer); a thrown error becomes an `internal` result, never a crash.
	 */
	function guarded(
		socket: AppSocket,
		event: string,
		ack: unknown,
		handler: (reply: (result: object) => void) => Promise<void>
	): void {
		if (typeof ack !== 'function') {
			log.warn({ socketId: socket.id, event }, 'message without acknowledgement dropped');
			return;
		}
		let answered = false;
		const reply = (result: object) => {
			if (answered) return;
			answered = true;
			ack(result);
		};
		handler(reply).catch((error: unknown) => {
			log.error({ socketId: socket.id, event, err: String(error) }, 'handler failed');
			reply({ ok: false, code: 'internal', message: 'Something went wrong on the server. Nothing was applied.' });
		});
	}
}
