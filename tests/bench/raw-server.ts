/**
 * The baseline: a minimal socket.io server (same version and options as ours: websocket, same ping
 * settings, no compression) that puts every connection in one room and, when the laptop sends
 * `send {commandId}`, broadcasts a copy of a message of our own `room:events` shape and size (set once with
 * `template`) to that room, then acknowledges. With REDIS_URL it uses the same Redis adapter as ours, so two
 * instances form the same topology. Prints `LISTENING <port>` once it listens (PORT=0 picks one).
 */
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import type { RoomEventsMessage } from '../../src/lib/protocol';

const httpServer = createServer();
const io = new Server(httpServer, {
	serveClient: false,
	pingInterval: 10_000,
	pingTimeout: 10_000,
	maxHttpBufferSize: 1_000_000
});
const redisUrl = process.env.REDIS_URL;
if (redisUrl) io.adapter(createAdapter(new Redis(redisUrl), new Redis(redisUrl), { key: 'bench-raw' }));

let template: RoomEventsMessage | null = null;

io.on('connection', (socket) => {
	void socket.join('wall');
	socket.on('template', (message: RoomEventsMessage, ack: () => void) => {
		template = message;
		ack();
	});
	socket.on('send', (request: { commandId: string }, ack: (r: { ok: boolean }) => void) => {
		if (!template) return ack({ ok: false });
		const [first, ...rest] = template.events;
		io.to('wall').emit('room:events', { ...template, events: [{ ...first!, commandId: request.commandId }, ...rest] });
		ack({ ok: true });
	});
});

// Exit cleanly on SIGTERM, so a CPU profile (BENCH_CPU_PROF) gets written.
process.on('SIGTERM', () => process.exit(0));

httpServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
	const address = httpServer.address();
	process.stdout.write(`LISTENING ${typeof address === 'object' && address ? address.port : 0}\n`);
});
