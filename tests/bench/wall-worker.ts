/**
 * A child process holding many wall sockets (forked by fleet.ts). Against our server each wall speaks the
 * real protocol, as a TV's RoomStore does: session token in the handshake, `room:join` (from its version
 * after a reconnect), events applied in version order, a gap answered by joining again. Against the raw
 * baseline a wall only listens. Every wall notes, on CLOCK_MONOTONIC, when it applied each numbered command.
 */
import { io, type Socket } from 'socket.io-client';
import { evolveAll } from '../../src/lib/domain/evolve';
import type { RecordedEvent, RoomState } from '../../src/lib/domain';
import type { ClientToServerEvents, JoinResult, RoomEventsMessage, ServerToClientEvents } from '../../src/lib/protocol';
import { nowMs, sleep } from './clock';
import type { ApplyMode, ConnectReport, Target, WorkerReply, WorkerRequest } from './fleet-protocol';

type WallSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const JOIN_TIMEOUT_MS = 30_000;
const JOIN_RETRY_MS = 1_000;
/** The version of an event as it appears in a `room:events` packet: `{"v":123,`. */
const VERSION = /\{"v":(\d+),/;

/** What this worker records between `arm` and `collect`. */
const recording = { prefix: '', expected: 0, times: new Float64Array(0), received: 0 };
let cpuAtArm = process.cpuUsage();
let sample: RoomEventsMessage | null = null;

/** Notes when `wall` applied command `<prefix><one letter><seq>` (the letter tells ours from raw). */
function record(wall: number, commandId: string, at: number): void {
	if (!recording.prefix || !commandId.startsWith(recording.prefix)) return;
	const seq = Number(commandId.slice(recording.prefix.length + 1));
	if (!(seq >= 0 && seq < recording.expected)) return;
	const slot = wall * recording.expected + seq;
	if (Number.isNaN(recording.times[slot]!)) {
		recording.times[slot] = at;
		recording.received++;
	}
}

class Wall {
	socket: WallSocket | null = null;
	version = 0;
	epoch: string | null = null;
	state: RoomState | null = null;
	ready = false;
	joining = false;
	gaps = 0;
	reconnects = 0;
	readyAt = Number.NaN;
	joinBytes = 0;
	private buffer: RecordedEvent[] = [];

	constructor(
		readonly local: number,
		readonly target: Target,
		readonly index: number,
		readonly apply: ApplyMode,
		readonly measureBytes: boolean
	) {}

	open(onReady: () => void, onFail: (why: string) => void): void {
		const url = this.target.urls[this.index % this.target.urls.length]!;
		const auth =
			this.target.kind === 'ours'
				? {
						name: 'Bench wall',
						kind: 'screen',
						clientId: `bench-wall-${process.pid}-${this.index}`,
						token: this.target.tokens[this.index % this.target.tokens.length]
					}
				: {};
		const socket: WallSocket = io(url, {
			transports: ['websocket'],
			forceNew: true,
			auth,
			reconnectionDelay: 500,
			reconnectionDelayMax: 5_000,
			timeout: 60_000
		});
		this.socket = socket;
		if (this.apply === 'track' && this.target.kind === 'ours') this.skimEvents(socket);
		let first = true;
		socket.on('connect', () => {
			if (!first) this.reconnects++;
			first = false;
			if (this.target.kind === 'raw') {
				this.markReady(onReady);
				return;
			}
			this.join(onReady);
		});
		socket.on('connect_error', (error) => {
			if (!socket.active) onFail(`connect: ${error.message}`);
		});
		socket.on('room:events', (message) => this.receive(message));
		socket.on('room:stale', () => this.join(() => {}));
	}

	/**
	 * `track` walls read `room:events` without decoding them into objects: the versions are found in the
	 * text. The server sends the same bytes either way; this spares the two cores a thousand walls' worth
	 * of JSON.parse in the soak, which would otherwise bound it. Everything else (join answers, acks) is
	 * decoded as usual.
	 */
	private skimEvents(socket: WallSocket): void {
		const manager = socket.io as unknown as { decoder: { add(data: unknown): void } };
		const add = manager.decoder.add.bind(manager.decoder);
		const head = '42["room:events",';
		manager.decoder.add = (data: unknown) => {
			if (typeof data !== 'string' || !data.startsWith(head)) return add(data);
			if (!this.ready || this.joining) return add(data);
			const first = VERSION.exec(data.slice(0, 200));
			const lastAt = data.lastIndexOf('{"v":');
			const last = VERSION.exec(data.slice(lastAt, lastAt + 30));
			if (!first || !last) return add(data);
			const from = Number(first[1]);
			const to = Number(last[1]);
			if (to <= this.version) return;
			if (from > this.version + 1) {
				this.gaps++;
				return this.join(() => {});
			}
			this.version = to;
		};
	}

	private markReady(onReady: () => void): void {
		if (!this.ready) {
			this.ready = true;
			this.readyAt = nowMs();
			onReady();
		}
	}

	/** Joins (or catches up from its version), as RoomStore does. */
	private join(onReady: () => void): void {
		const socket = this.socket;
		if (!socket || this.joining || this.target.kind !== 'ours') return;
		this.joining = true;
		const since = this.epoch ? { version: this.version, epoch: this.epoch } : undefined;
		socket
			.timeout(JOIN_TIMEOUT_MS)
			// As the wall page joins: with `as: 'wall'`, so it is sent the wall projection, as a TV is.
			.emit('room:join', { roomId: this.target.roomId, since, as: 'wall' }, (err: Error | null, result: JoinResult) => {
				this.joining = false;
				if (err || !result.ok) {
					if (socket.connected) setTimeout(() => this.join(onReady), JOIN_RETRY_MS);
					return;
				}
				if (this.measureBytes && !this.joinBytes) this.joinBytes = Buffer.byteLength(JSON.stringify(result));
				this.epoch = result.epoch;
				if (result.mode === 'snapshot') {
					this.version = result.state.version;
					this.state = this.apply === 'fold' ? result.state : null;
				} else {
					this.applyEvents(result.events, nowMs());
				}
				const buffered = this.buffer;
				this.buffer = [];
				this.applyEvents(buffered, nowMs());
				this.markReady(onReady);
			});
	}

	private receive(message: RoomEventsMessage): void {
		if (this.target.kind === 'raw') {
			const at = nowMs();
			for (const e of message.events) record(this.local, e.commandId, at);
			sample ??= message;
			return;
		}
		if (!this.ready || this.joining) {
			this.buffer.push(...message.events);
			return;
		}
		if (message.epoch !== this.epoch) {
			this.epoch = null;
			this.version = 0;
			this.state = null;
			return this.join(() => {});
		}
		sample ??= message;
		this.applyEvents(message.events, Number.NaN);
	}

	/** Applies events in version order; a gap means something was missed: join again from our version. */
	private applyEvents(events: readonly RecordedEvent[], at: number): void {
		const fresh: RecordedEvent[] = [];
		for (const e of events) {
			if (e.v <= this.version + fresh.length) continue;
			if (e.v > this.version + fresh.length + 1) {
				this.gaps++;
				this.commit(fresh, at);
				return this.join(() => {});
			}
			fresh.push(e);
		}
		this.commit(fresh, at);
	}

	private commit(events: RecordedEvent[], at: number): void {
		if (!events.length) return;
		if (this.apply === 'fold' && this.state) this.state = evolveAll(this.state, events);
		this.version = events[events.length - 1]!.v;
		const appliedAt = Number.isNaN(at) ? nowMs() : at;
		for (const e of events) record(this.local, e.commandId, appliedAt);
	}

	close(): void {
		this.socket?.disconnect();
		this.socket = null;
		this.state = null;
	}
}

let walls: Wall[] = [];

async function connect(request: Extract<WorkerRequest, { type: 'connect' }>): Promise<ConnectReport> {
	const added = request.indexes.map((index, i) => new Wall(walls.length + i, request.target, index, request.apply, i === 0));
	walls.push(...added);
	const errors: string[] = [];
	let ready = 0;
	let failed = 0;
	await sleep(request.startAt - nowMs());
	const startAt = request.startAt;
	await new Promise<void>((resolve) => {
		if (added.length === 0) return resolve();
		let next = 0;
		let settled = 0;
		const settle = () => {
			settled++;
			if (next < added.length) openNext();
			if (settled === added.length) resolve();
		};
		const openNext = () => {
			const wall = added[next++]!;
			let done = false;
			wall.open(
				() => {
					if (done) return;
					done = true;
					ready++;
					settle();
				},
				(why) => {
					if (done) return;
					done = true;
					failed++;
					if (errors.length < 5) errors.push(why);
					settle();
				}
			);
		};
		for (let i = 0; i < Math.min(request.concurrency, added.length); i++) openNext();
	});
	return {
		ready,
		failed,
		readyAfter: Float64Array.from(added, (w) => w.readyAt - startAt),
		joinBytes: added[0]?.joinBytes ?? 0,
		errors
	};
}

function totals() {
	let gaps = 0;
	let reconnects = 0;
	let minVersion = Infinity;
	let maxVersion = 0;
	let ready = 0;
	for (const w of walls) {
		gaps += w.gaps;
		reconnects += w.reconnects;
		if (w.ready) ready++;
		minVersion = Math.min(minVersion, w.version);
		maxVersion = Math.max(maxVersion, w.version);
	}
	return { gaps, reconnects, ready, minVersion: walls.length ? minVersion : 0, maxVersion };
}

async function handle(request: WorkerRequest): Promise<WorkerReply> {
	switch (request.type) {
		case 'connect':
			return { id: request.id, type: 'connected', report: await connect(request) };
		case 'arm':
			recording.prefix = request.prefix;
			recording.expected = request.expected;
			recording.times = new Float64Array(walls.length * request.expected).fill(Number.NaN);
			recording.received = 0;
			cpuAtArm = process.cpuUsage();
			sample = null;
			return { id: request.id, type: 'done' };
		case 'progress': {
			const { gaps, reconnects, ready, minVersion, maxVersion } = totals();
			return {
				id: request.id,
				type: 'progress',
				progress: { received: recording.received, ready, minVersion, maxVersion, gaps, reconnects }
			};
		}
		case 'collect': {
			const cpu = process.cpuUsage(cpuAtArm);
			const { gaps, reconnects } = totals();
			const kinds = Uint8Array.from(walls, (w) => (w.target.kind === 'ours' ? 0 : 1));
			const collected = {
				times: recording.times,
				kinds,
				walls: walls.length,
				sample,
				cpuUs: cpu.user + cpu.system,
				gaps,
				reconnects
			};
			recording.prefix = '';
			return { id: request.id, type: 'collected', collected };
		}
		case 'disconnect':
			for (const w of walls) w.close();
			walls = [];
			recording.prefix = '';
			return { id: request.id, type: 'done' };
	}
}

process.on('message', (request: WorkerRequest) => {
	handle(request)
		.then((reply) => process.send!(reply))
		.catch((error: unknown) => process.send!({ id: request.id, type: 'error', message: String(error) } satisfies WorkerReply));
});
process.on('disconnect', () => process.exit(0));
