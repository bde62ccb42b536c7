/**
 * A small Customer Room socket client (docs/protocol.md): connects with a session token, joins a room,
 * applies its events in order, sends commands through an outbox, and catches up after a reconnection.
 *
 *   npx tsx examples/client.ts http://localhost:3000 <session token> <room id>
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { evolve } from '../src/lib/domain/evolve';
import type { Command, RecordedEvent, RoomState } from '../src/lib/domain';
import type { ClientToServerEvents, CommandResult, ServerToClientEvents } from '../src/lib/protocol';
import { RETRYABLE_CODES } from '../src/lib/protocol/codes';

type Pending = { commandId: string; command: Command; settle: (result: CommandResult) => void };

/** Connects to `url` as the session `token` and follows room `roomId`; `log` gets one line per step. */
export function connectRoom(url: string, token: string, roomId: string, log: (line: string) => void = console.log) {
	const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { transports: ['websocket'], auth: { token } });
	const room = { state: null as RoomState | null, epoch: '', joined: false, revoked: false };
	const outbox: Pending[] = [];
	let [sending, joinQueued, joins] = [false, false, Promise.resolve()];

	/** Applies events in order: skips those we have, joins again on a gap or another epoch. */
	function apply(epoch: string, events: RecordedEvent[]): void {
		for (const recorded of events) {
			if (!room.state || epoch !== room.epoch || recorded.v > room.state.version + 1) return join();
			if (recorded.v <= room.state.version) continue;
			room.state = evolve(room.state, recorded);
			log(`event ${recorded.v} ${recorded.event.type} by ${recorded.actor.name}`);
		}
	}
	/** Queues a join (one at a time, at most one waiting): a gap seen during a join is caught up after it. */
	function join(): void {
		if (joinQueued) return;
		joinQueued = true;
		joins = joins.then(() => ((joinQueued = false), joinOnce()));
	}
	/** Joins, or catches up from our position (`since` is exclusive: the events after that version). */
	async function joinOnce(): Promise<void> {
		const since = room.state ? { version: room.state.version, epoch: room.epoch } : undefined;
		const result = await socket
			.timeout(10_000)
			.emitWithAck('room:join', { roomId, since })
			.catch(() => null);
		if (!result || (!result.ok && RETRYABLE_CODES.has(result.code))) return void setTimeout(join, 1_000);
		if (!result.ok) return log(`join refused: ${result.code}: ${result.message}`);
		// A snapshot is the whole room (and, with a new epoch, replaces what we had); events follow our version.
		if (result.mode === 'snapshot') Object.assign(room, { state: result.state, epoch: result.epoch });
		else apply(result.epoch, result.events);
		room.joined = true;
		log(`joined ${roomId} as ${result.role} (${result.mode}) at version ${room.state?.version}`);
		void flush();
	}
	/** Sends the outbox in order, one at a time; a command left unanswered is resent after the next join. */
	async function flush(): Promise<void> {
		if (sending) return;
		sending = true;
		while (room.joined && outbox[0]) {
			const item = outbox[0];
			const { commandId, command } = item;
			const answer = socket.timeout(10_000).emitWithAck('command', { roomId, commandId, command });
			const result = await answer.catch(() => null);
			// No answer: resend it (same commandId: applied at most once) now, or after the next join if we dropped.
			if (!result && !socket.connected) break;
			if (!result) continue;
			if (!result.ok && RETRYABLE_CODES.has(result.code)) await new Promise((wait) => setTimeout(wait, 1_000));
			else {
				outbox.shift();
				log(`command ${item.command.type} ${result.ok ? `applied at version ${result.version}` : `refused: ${result.code}`}`);
				item.settle(result);
			}
		}
		sending = false;
	}
	socket.on('connect', join);
	socket.on('disconnect', (reason) => {
		room.joined = false;
		log(`disconnected: ${reason}`);
		// The server closes a connection to apply changed roles: connect again unless access was revoked.
		if (reason === 'io server disconnect' && !room.revoked) socket.connect();
	});
	socket.on('room:events', (message) => message.roomId === roomId && apply(message.epoch, message.events));
	socket.on('room:stale', (message) => message.roomId === roomId && join());
	socket.on('access:revoked', (message) => {
		room.revoked = !message.roomId || message.roomId === roomId;
		log(`access revoked: ${message.reason}`);
	});

	/** Queues a command with a new commandId; resolves with the server's answer once settled. */
	const send = (command: Command) =>
		new Promise<CommandResult>((settle) => (outbox.push({ commandId: randomUUID(), command, settle }), void flush()));
	return { send, room, socket, close: () => void socket.close() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const [url = 'http://localhost:3000', token = '', roomId = 'demo'] = process.argv.slice(2);
	connectRoom(url, token, roomId);
}
