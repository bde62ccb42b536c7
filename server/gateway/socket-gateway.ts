/**
 * The socket.io gateway: a thin adapter. Per message: check the ack, parse with zod, call the engine,
 * answer with a typed result. Nothing a client sends reaches the engine unparsed, and no handler can
 * throw into socket.io.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io';
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

import { roomChannel, type AppServer } from './channels';
import { createPresence } from './presence';

export { roomChannel, type AppServer };
type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

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

export interface GatewayDeps {
	engine: RoomEngine;
	log: EngineLogger;
	build: string;
	/** Whether the store can save right now; sent to each client on connect. */
	storeStatus: () => 'ok' | 'unavailable';
}

/** Wires the handlers of every connection. */
export function attachGateway(io: AppServer, deps: GatewayDeps) {
	const { engine, log, build } = deps;
	const presence = createPresence(io, log);

	io.use((socket, next) => {
		const auth = HandshakeAuth.safeParse(socket.handshake.auth ?? {});
		const name = (auth.success && auth.data.name) || 'Guest';
		// Until invite links and roles land, everyone on this (loopback-bound) server facilitates.
		socket.data.actor = {
			id: (auth.success && auth.data.clientId) || randomUUID(),
			name,
			role: 'facilitator'
		};
		socket.data.kind = (auth.success && auth.data.kind) || 'person';
		next();
	});

	io.on('connection', (socket: AppSocket) => {
		socket.emit('server:hello', { build, actor: socket.data.actor });
		socket.emit('server:status', { store: deps.storeStatus() });
		socket.on('disconnecting', () => {
			for (const channel of socket.rooms) {
				if (channel.startsWith('room:')) presence.changed(channel.slice('room:'.length));
			}
		});

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
				else presence.changed(roomId);
				reply(result);
			})
		);

		socket.on('room:leave', (raw: unknown) => {
			const parsed = LeaveRequest.safeParse(raw);
			if (!parsed.success) return;
			void socket.leave(roomChannel(parsed.data.roomId));
			presence.changed(parsed.data.roomId);
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

	return { presence };
}
