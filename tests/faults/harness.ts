/**
 * The fault suite's load and bookkeeping: RoomStore clients (the browser's own code) behind their own
 * network links, writers sending a steady seeded mix of commands, walls watching, and the faults that
 * happen to clients (offline, reload, stalled link). Scenarios add the server-side faults (kill -9, Redis restarts)
 * and read the room's log at the end for {@link checkRun}.
 *
 * Faults are spaced by progress (acknowledged commands), never by the clock, so a slow machine runs the
 * same schedule, only slower.
 */
import { randomInt } from 'node:crypto';
import { io as connect } from 'socket.io-client';
import type { Command, RecordedEvent } from '../../src/lib/domain';
import type { EventStore } from '../../server/store/port';
import { prng, type Prng } from '../support/prng';
import { roomClient, waitUntil, type RoomClient } from '../support/room-clients';
import { sessionToken } from '../support/server-process';
import { startBalancer, type Balancer } from '../support/tcp-balancer';
import { createRoom, join, quote, stateHash, type TestSocket } from '../support/test-server';
import { recordHistory, type ClientHistory } from './checker';

/** `FAULTS=long` runs the long schedules (`npm run test:faults`); otherwise the short ones run in `npm test`. */
export const LONG = process.env.FAULTS === 'long';

/** The run's seed: FAULTS_SEED pins one (to replay a failure), else a fresh one. Printed by every scenario. */
export function faultSeed(): number {
	const pinned = process.env.FAULTS_SEED;
	if (pinned !== undefined && pinned !== '') {
		const seed = Number(pinned);
		if (!Number.isSafeInteger(seed)) throw new Error(`FAULTS_SEED must be an integer, got ${pinned}`);
		return seed;
	}
	return randomInt(2 ** 31);
}

export type Role = 'facilitator' | 'viewer';

/** Faults that happen to one client. Stalls take up to half a minute each, so only the long schedules have them. */
export type ClientFault = 'offline' | 'reload' | 'stall';
/** The client faults of this variant's schedules. */
export const CLIENT_FAULTS: readonly ClientFault[] = LONG ? ['offline', 'reload', 'stall'] : ['offline', 'reload'];

export interface FaultRunOptions {
	roomId: string;
	seed: number;
	/** Ports a client may reach right now; empty while every server is down. */
	backends: () => number[];
	/** A session token for `role` in the room, from whichever server is up. */
	token: (role: Role, name: string) => Promise<string>;
	/** Commands each writer keeps in flight (default 2). */
	depth?: number;
	/** Writers pause up to this long between commands, so the load is steady rather than a flood (default 15). */
	maxPauseMs?: number;
	/** Faults are this many acknowledged commands apart (least, most); an offline client misses as many. */
	spacing: readonly [number, number];
}

export interface FaultClient {
	name: string;
	role: Role;
	link: Balancer;
	client: RoomClient;
	history: ClientHistory;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Every 20th command is one a domain rule refuses, so the run also checks that nothing refused is applied. */
function nextCommand(rng: Prng, n: number): Command {
	const roll = rng.next();
	if (roll < 0.05) {
		const refused = quote(`Refused ${n}`, n);
		return refused.type === 'complaint.quote' ? { ...refused, categoryId: 'no-such-category' } : refused;
	}
	if (roll < 0.2)
		return { type: 'complaint.count', categoryId: 'cant-open', period: `2026-0${1 + rng.int(9)}`, count: rng.int(1000) };
	if (roll < 0.35) {
		// Order matters here: assessing to the current maturity is refused (conflict), so a reordering shows.
		const maturity = rng.pick(['broken', 'reliable', 'differentiating'] as const);
		return { type: 'touchpoint.assess', touchpointId: 'form', maturity, evidence: `Fault run, step ${n}` };
	}
	return quote(`Fault run complaint ${n}`, n);
}

/** One run of load and faults against one room; see the file comment. */
export class FaultRun {
	readonly rng: Prng;
	/** Clients connected now (a reloaded page is replaced by its successor). */
	readonly clients: FaultClient[] = [];
	/** Every history, including those of pages closed during the run. */
	readonly histories: ClientHistory[] = [];
	/** What happened, in order: printed with the seed. */
	readonly journal: string[] = [];
	acks = 0;
	/** The highest version any command was acknowledged at so far. */
	top = 0;
	resentAcks = 0;
	refusals = 0;
	#options: FaultRunOptions;
	#stopped = false;
	#loops: Array<Promise<void>> = [];
	#links: Balancer[] = [];

	constructor(options: FaultRunOptions) {
		this.#options = options;
		this.rng = prng(options.seed);
		console.info(
			`fault suite (${options.roomId}, ${LONG ? 'long' : 'short'}): seed ${options.seed}; FAULTS_SEED=${options.seed} replays it`
		);
	}

	/** Adds a client behind its own link; each link starts at another backend, so clients spread out. */
	async addClient(role: Role, name: string): Promise<FaultClient> {
		const offset = this.#links.length;
		const link = await startBalancer(() => {
			const ports = this.#options.backends();
			return ports.map((_, i) => ports[(i + offset) % ports.length]!);
		});
		this.#links.push(link);
		const fault: FaultClient = { name, role, link, ...(await this.#open(role, name, link, name)) };
		this.clients.push(fault);
		return fault;
	}

	/** A RoomStore client behind `link`, with a new history named `historyName`. */
	async #open(
		role: Role,
		name: string,
		link: Balancer,
		historyName: string
	): Promise<{ client: RoomClient; history: ClientHistory }> {
		const { history, record } = recordHistory(historyName);
		this.histories.push(history);
		const token = await this.#token(role, name);
		const kind = role === 'viewer' ? 'screen' : 'person';
		const client = roomClient(`http://127.0.0.1:${link.port}`, this.#options.roomId, token, name, kind, { onApplied: record });
		return { client, history };
	}

	/** A token, retried while no server can mint one (killed, or Redis down during a concurrent fault). */
	async #token(role: Role, name: string): Promise<string> {
		const deadline = Date.now() + 90_000;
		for (;;) {
			try {
				return await this.#options.token(role, name);
			} catch (error) {
				if (Date.now() > deadline) throw error;
				await delay(200);
			}
		}
	}

	get writers(): FaultClient[] {
		return this.clients.filter((c) => c.role === 'facilitator');
	}

	/**
	 * Adds `writers` (facilitators) and `walls` (viewer screens), then starts every writer's loops: each
	 * sends, waits for the answer (the RoomStore retries by itself), pauses, repeats.
	 */
	async start(writers: number, walls: number): Promise<void> {
		for (let i = 0; i < writers; i++) await this.addClient('facilitator', `writer-${i}`);
		for (let i = 0; i < walls; i++) await this.addClient('viewer', `wall-${i}`);
		let n = 0;
		for (const [w, writer] of this.writers.entries()) {
			for (let k = 0; k < (this.#options.depth ?? 2); k++) {
				const rng = prng(this.#options.seed * 31 + w * 7 + k);
				this.#loops.push(this.#writeLoop(writer, rng, () => n++));
			}
		}
	}

	async #writeLoop(writer: FaultClient, rng: Prng, count: () => number): Promise<void> {
		while (!this.#stopped) {
			const { store } = writer.client;
			const pending = store.send(nextCommand(rng, count()));
			// send() puts the entry in the outbox at once: its commandId is the one the server will see.
			const { commandId } = store.outbox.at(-1)!;
			const result = await pending;
			if (result.ok) {
				writer.history.acked.push({ commandId, version: result.version, duplicate: result.duplicate });
				this.acks++;
				this.top = Math.max(this.top, result.version);
				if (result.duplicate) this.resentAcks++;
			} else {
				writer.history.refused.push({ commandId, code: result.code });
				this.refusals++;
			}
			await delay(rng.int((this.#options.maxPauseMs ?? 15) + 1));
		}
	}

	/** Every kind at least once, the rest drawn by the seed, `total` in all, in a seeded order. */
	plan<T>(kinds: readonly T[], total: number): T[] {
		const plan = [...kinds];
		while (plan.length < total) plan.push(this.rng.pick(kinds));
		return plan.sort(() => this.rng.next() - 0.5);
	}

	/** A seeded number of acknowledged commands between two faults. */
	gap(rng: Prng = this.rng): number {
		const [least, most] = this.#options.spacing;
		return least + rng.int(most - least + 1);
	}

	/** Waits until `acks` more commands were acknowledged (the load moved on), however long the machine takes. */
	async progress(acks: number, timeoutMs = 90_000): Promise<void> {
		const target = this.acks + acks;
		await waitUntil(() => this.acks >= target, `${acks} more acknowledged commands (${this.describeClients()})`, timeoutMs);
	}

	note(line: string): void {
		this.journal.push(`[${this.acks} acks] ${line}`);
	}

	/**
	 * Takes a client off the network while the others write `whileAcks` commands, brings it back, and
	 * waits until it is live again and caught up with what was acknowledged meanwhile. `cut`: its link
	 * drops the connection and refuses new ones (both ends see a close); `disconnect`: the page closes its
	 * socket itself and opens it again. Resolves with how many snapshots the client loaded to catch up.
	 */
	offline(fault: FaultClient, mode: 'cut' | 'disconnect', whileAcks: number): Promise<number> {
		const { link, client } = fault;
		return this.#away(fault, `offline (${mode}) for ${whileAcks} acks`, {
			leave: () => (mode === 'cut' ? link.setOffline(true) : client.socket.disconnect()),
			meanwhile: () => this.progress(whileAcks),
			back: () => (mode === 'cut' ? link.setOffline(false) : client.socket.connect())
		});
	}

	/**
	 * Stalls a client's link for `ms`: nothing passes and nobody is told, so only the ack timeout (10 s)
	 * and the ping timeout (20 s) can notice; then everything that waited flows on. Resolves like offline().
	 */
	stall(fault: FaultClient, ms: number): Promise<number> {
		return this.#away(fault, `stalled for ${ms} ms`, {
			leave: () => fault.link.setStalled(true),
			meanwhile: () => delay(ms),
			back: () => fault.link.setStalled(false)
		});
	}

	async #away(
		fault: FaultClient,
		what: string,
		steps: { leave(): unknown; meanwhile(): Promise<void>; back(): unknown }
	): Promise<number> {
		const { history, client } = fault;
		const snapshots = () => history.entries.filter((e) => e.kind === 'snapshot').length;
		const before = snapshots();
		this.note(`${fault.name} ${what}`);
		steps.leave();
		await steps.meanwhile();
		steps.back();
		const target = this.top;
		await waitUntil(
			() => client.store.connection === 'live' && client.store.version >= target,
			`${fault.name} to catch up to version ${target} (${this.describeClients()})`,
			90_000
		);
		return snapshots() - before;
	}

	/**
	 * A fault of a random client: offline (cut or disconnect) for a gap, a wall's page reload, or a stalled
	 * link, either briefly (acks arrive late, within their timeout) or past the ping timeout.
	 */
	async clientFault(kind: ClientFault, rng: Prng = this.rng): Promise<void> {
		if (kind === 'offline') await this.offline(rng.pick(this.clients), rng.pick(['cut', 'disconnect'] as const), this.gap(rng));
		else if (kind === 'reload') await this.reload(rng.pick(this.clients.filter((c) => c.role === 'viewer')));
		else await this.stall(rng.pick(this.clients), rng.chance(0.5) ? 1_000 + rng.int(4_000) : 22_000 + rng.int(8_000));
	}

	/**
	 * Client faults one after another (each a gap apart) alongside whatever else the scenario breaks, until
	 * the returned stop() is called; stop() resolves once the fault under way is over. Its own PRNG (from the
	 * seed), so the scenario's schedule stays the same whatever the timing.
	 */
	clientFaultsMeanwhile(kinds: readonly ClientFault[]): { stop(): Promise<void> } {
		const rng = prng(this.#options.seed ^ 0x5eed);
		let stopped = false;
		const loop = (async () => {
			while (!stopped) {
				await this.progress(this.gap(rng));
				if (!stopped) await this.clientFault(rng.pick(kinds), rng);
			}
		})();
		return {
			async stop() {
				stopped = true;
				await loop;
			}
		};
	}

	/** A page reload: the client closes and a fresh one (empty state, new history) joins in its place. */
	async reload(fault: FaultClient): Promise<void> {
		this.note(`${fault.name} reloads`);
		fault.client.close();
		Object.assign(fault, await this.#open(fault.role, fault.name, fault.link, `${fault.history.name}'`));
	}

	/**
	 * Waits until every client that is not away (offline, stalled) is live and at `version` or beyond: the
	 * events keep reaching each of them, whatever happened to the servers.
	 */
	async everyClientReaches(version: number, timeoutMs = 90_000): Promise<void> {
		await waitUntil(
			() => this.clients.every(({ client }) => client.store.connection === 'live' && client.store.version >= version),
			`every client at version ${version} or beyond (${this.describeClients()})`,
			timeoutMs
		);
	}

	/** Every client's version, connection and outbox, for timeout messages. */
	describeClients(): string {
		return this.clients
			.map(
				(c) => `${c.name}@${c.client.store.state?.version ?? '-'}/${c.client.store.connection}/out${c.client.store.outbox.length}`
			)
			.join(', ');
	}

	/**
	 * Stops the writers, waits for every command to be answered and every client to reach the last
	 * acknowledged version, records each client's final state (the checker compares it with the log's), and
	 * returns that version.
	 */
	async finish(timeoutMs = 90_000): Promise<number> {
		this.#stopped = true;
		await Promise.all(this.#loops);
		const top = this.top;
		await waitUntil(
			() =>
				this.clients.every(
					({ client }) => client.store.connection === 'live' && client.store.version === top && client.store.outbox.length === 0
				),
			`every client at version ${top} (${this.describeClients()})`,
			timeoutMs
		);
		for (const c of this.clients) c.history.finalHash = stateHash(c.client.store.state!);
		return top;
	}

	/** One line for the test output: the seed, what the load did, and the faults in order. */
	summary(scenario: string, logLength: number): string {
		const snapshots = this.histories.reduce((n, h) => n + h.entries.filter((e) => e.kind === 'snapshot').length, 0);
		return [
			`fault suite (${scenario}, ${LONG ? 'long' : 'short'}) seed=${this.#options.seed}: ${logLength} events, ${this.acks} acks ` +
				`(${this.resentAcks} answered as resends), ${this.refusals} refused, ${snapshots} snapshots loaded by ${this.histories.length} client histories`,
			...this.journal.map((line) => `  ${line}`),
			`  replay with FAULTS_SEED=${this.#options.seed}${LONG ? ' FAULTS=long' : ''}`
		].join('\n');
	}

	/** Closes every client and link. */
	async close(): Promise<void> {
		this.#stopped = true;
		for (const c of this.clients) c.client.close();
		await Promise.all(this.#links.map((l) => l.close()));
	}
}

/**
 * The part of a room's log a store still holds, oldest first (all of it unless snapshots compacted the
 * start away), and the room's epoch.
 */
export async function readLog(store: EventStore, roomId: string): Promise<{ epoch: string; log: RecordedEvent[] }> {
	const head = await store.head(roomId);
	if (!head) throw new Error(`room ${roomId} is not in the store`);
	let read = await store.readFrom(roomId, 0);
	if (!read.ok) read = await store.readFrom(roomId, read.oldestAvailable);
	if (!read.ok) throw new Error(`room ${roomId}: the log could not be read`);
	return { epoch: head.epoch, log: read.events as RecordedEvent[] };
}

/**
 * Follows a room's log through a store while the run goes on (a shared store such as Redis, which a test
 * can read while servers write), so snapshots may compact the log behind it. Read errors (the store is
 * down) are retried on the next poll.
 */
export function followLog(
	store: EventStore,
	roomId: string,
	intervalMs = 100
): { events(): RecordedEvent[]; problems: string[]; stop(): Promise<void> } {
	const events: RecordedEvent[] = [];
	const problems: string[] = [];
	const poll = async () => {
		const read = await store.readFrom(roomId, events.length).catch(() => null);
		if (read === null) return;
		if (!read.ok) {
			problems.push(`the log was compacted to ${read.oldestAvailable} before version ${events.length + 1} was read`);
			return;
		}
		events.push(...(read.events as RecordedEvent[]));
	};
	let stopped = false;
	const loop = (async () => {
		while (!stopped && problems.length === 0) {
			await poll();
			await delay(intervalMs);
		}
	})();
	return {
		events: () => [...events],
		problems,
		async stop() {
			stopped = true;
			await loop;
			await poll();
		}
	};
}

/** Creates the room (one stage, touchpoint and complaint category) over a plain socket; returns its version. */
export async function setUpRoom(url: string, roomId: string, token?: string): Promise<number> {
	token ??= await sessionToken(url, roomId, 'facilitator', 'Setup');
	const socket: TestSocket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
	try {
		await new Promise<void>((resolve, reject) => {
			socket.once('connect', () => resolve());
			socket.once('connect_error', reject);
		});
		await createRoom(socket, roomId);
		const joined = await join(socket, roomId);
		if (!joined.ok || joined.mode !== 'snapshot') throw new Error('setup: expected a snapshot');
		return joined.state.version;
	} finally {
		socket.disconnect();
	}
}
