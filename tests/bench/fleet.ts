/**
 * The runner's side of the wall workers: forks them (each a node process running wall-worker.ts through
 * tsx), spreads walls over them, and gathers what they recorded. Walls live in their own processes so the
 * runner's clock and the laptop's sends are not held up by thousands of sockets; the same workers serve
 * our server and the raw baseline, so both pay the same client costs.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nowMs, pollUntil } from './clock';
import type { ApplyMode, Collected, ConnectReport, Progress, Target, WorkerReply, WorkerRequest } from './fleet-protocol';

const here = path.dirname(fileURLToPath(import.meta.url));
type Body<T extends WorkerRequest['type']> = Omit<Extract<WorkerRequest, { type: T }>, 'id'>;

class WorkerHandle {
	private next = 1;
	private readonly waiting = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();

	constructor(readonly child: ChildProcess) {
		child.on('message', (reply: WorkerReply) => {
			const w = this.waiting.get(reply.id);
			if (!w) return;
			this.waiting.delete(reply.id);
			if (reply.type === 'error') w.reject(new Error(`wall worker ${child.pid}: ${reply.message}`));
			else w.resolve(reply);
		});
		child.on('exit', (code, signal) => {
			for (const w of this.waiting.values()) w.reject(new Error(`wall worker ${child.pid} exited (${code ?? signal})`));
			this.waiting.clear();
		});
	}

	ask<T extends WorkerRequest['type']>(type: T, body: Omit<Body<T>, 'type'>): Promise<WorkerReply> {
		const id = this.next++;
		return new Promise((resolve, reject) => {
			this.waiting.set(id, { resolve, reject });
			this.child.send({ ...body, type, id } as WorkerRequest);
		});
	}
}

export interface FleetConnectReport {
	walls: number;
	ready: number;
	failed: number;
	/** Per wall: ms from the common start until it had the room's state. */
	readyAfter: number[];
	joinBytes: number;
	errors: string[];
}

export class Fleet {
	private walls = 0;

	private constructor(private readonly workers: WorkerHandle[]) {}

	/** Forks `count` wall workers. */
	static async start(count: number): Promise<Fleet> {
		const workers = Array.from({ length: count }, () => {
			const child = fork(path.join(here, 'wall-worker.ts'), [], {
				// BENCH_CPU_PROF=<dir> profiles the walls too (see servers.ts).
				execArgv: [
					'--import',
					'tsx',
					...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [])
				],
				serialization: 'advanced',
				stdio: ['ignore', 'inherit', 'inherit', 'ipc']
			});
			return new WorkerHandle(child);
		});
		return new Fleet(workers);
	}

	get size(): number {
		return this.walls;
	}

	/**
	 * Opens `count` walls spread evenly over the workers. Every worker starts at the same moment,
	 * `delayMs` from now; each keeps at most `concurrency` connections opening at once.
	 */
	async connect(
		target: Target,
		count: number,
		options: { apply: ApplyMode; concurrency?: number; delayMs?: number }
	): Promise<FleetConnectReport> {
		const startAt = nowMs() + (options.delayMs ?? 200);
		const first = this.walls;
		const replies = await Promise.all(
			this.workers.map((w, k) => {
				const indexes: number[] = [];
				for (let i = k; i < count; i += this.workers.length) indexes.push(first + i);
				return w.ask('connect', { target, indexes, apply: options.apply, concurrency: options.concurrency ?? 50, startAt });
			})
		);
		this.walls += count;
		const reports = replies.map((r) => (r as Extract<WorkerReply, { type: 'connected' }>).report as ConnectReport);
		return {
			walls: count,
			ready: reports.reduce((a, r) => a + r.ready, 0),
			failed: reports.reduce((a, r) => a + r.failed, 0),
			readyAfter: reports.flatMap((r) => [...r.readyAfter]),
			joinBytes: reports[0]?.joinBytes ?? 0,
			errors: reports.flatMap((r) => r.errors)
		};
	}

	/** Starts recording deliveries of commands `<prefix><letter>0` .. `<prefix><letter><expected - 1>`. */
	async arm(prefix: string, expected: number): Promise<void> {
		await Promise.all(this.workers.map((w) => w.ask('arm', { prefix, expected })));
	}

	async progress(): Promise<Progress> {
		const all = await Promise.all(
			this.workers.map(async (w) => ((await w.ask('progress', {})) as Extract<WorkerReply, { type: 'progress' }>).progress)
		);
		return {
			received: all.reduce((a, p) => a + p.received, 0),
			ready: all.reduce((a, p) => a + p.ready, 0),
			minVersion: Math.min(...all.map((p) => p.minVersion)),
			maxVersion: Math.max(...all.map((p) => p.maxVersion)),
			gaps: all.reduce((a, p) => a + p.gaps, 0),
			reconnects: all.reduce((a, p) => a + p.reconnects, 0)
		};
	}

	/** Waits until `expected` deliveries were recorded, or `timeoutMs`; returns the last progress. */
	async drain(expected: number, timeoutMs: number): Promise<Progress> {
		let last = await this.progress();
		await pollUntil(async () => (last = await this.progress()).received >= expected, timeoutMs, 100);
		return last;
	}

	/** Waits until every wall holds at least `version` (walls of our server only). */
	async reachVersion(version: number, timeoutMs: number): Promise<Progress> {
		let last = await this.progress();
		await pollUntil(async () => (last = await this.progress()).minVersion >= version, timeoutMs, 100);
		return last;
	}

	/** What every worker recorded since `arm`. */
	async collect(): Promise<Collected[]> {
		return Promise.all(
			this.workers.map(async (w) => ((await w.ask('collect', {})) as Extract<WorkerReply, { type: 'collected' }>).collected)
		);
	}

	async disconnect(): Promise<void> {
		await Promise.all(this.workers.map((w) => w.ask('disconnect', {})));
		this.walls = 0;
	}

	async close(): Promise<void> {
		await this.disconnect().catch(() => undefined);
		// A worker exits by itself once its IPC channel closes (writing its CPU profile, if asked for one).
		await Promise.all(
			this.workers.map(async ({ child }) => {
				if (child.exitCode !== null || child.signalCode !== null) return;
				const exited = new Promise((resolve) => child.once('exit', resolve));
				const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
				child.disconnect();
				await exited;
				clearTimeout(timer);
			})
		);
	}
}
