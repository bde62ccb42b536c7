/**
 * Servers under test, each a real process with probe.mjs preloaded: ours (server/index.ts, the production
 * entry, through tests/support/server-process.ts) in embedded or Redis mode with one or more instances, and
 * the raw socket.io baseline (raw-server.ts). Limits that would measure our rate limiting instead of
 * delivery are raised through the environment, for these runs only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';
import { nowMs, sleep } from './clock';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

/** What probe.mjs prints on SIGUSR2 (see there). */
export interface ProbeReport {
	seq: number;
	pid: number;
	ms: number;
	cpuUs: number;
	eld: { p50: number; p99: number; max: number; mean: number; count: number };
	rss: number;
	heapUsed: number;
	maxRss: number;
	heapAfterGc: number;
	externalAfterGc: number;
	arrayBuffersAfterGc: number;
	rssAfterGc: number;
	/** commandId -> when the latency benchmark's command arrived at this server (ms, CLOCK_MONOTONIC). */
	arrivals?: Record<string, number>;
}

/** One server process the benchmarks can probe. */
export interface Probed {
	name: string;
	child: ChildProcess;
	url: string;
	/** Asks probe.mjs for CPU, event-loop delay and memory since the previous probe (runs a full GC). */
	probe(): Promise<ProbeReport>;
}

export interface Deployment {
	kind: 'ours' | 'raw';
	instances: Probed[];
	urls: string[];
	stop(): Promise<void>;
}

/**
 * BENCH_CPU_PROF=<dir>: probe.mjs also writes a V8 CPU profile of every server into <dir>; servers then
 * stop with SIGTERM so the profile gets written. For finding where a missed target goes.
 */
const profileDir = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : null;
const PROBE_ENV = {
	NODE_OPTIONS: `--import=${pathToFileURL(path.join(here, 'probe.mjs')).href}`,
	...(profileDir ? { BENCH_CPU_PROF: profileDir } : {})
};

/** Environment for our server in a benchmark: rate limits far above what the load needs. */
export const BENCH_ENV = {
	COMMAND_RATE_LIMIT: '100000000',
	COMMAND_RATE_LIMIT_PER_ADDRESS: '100000000',
	// Every simulated wall connects from 127.0.0.1.
	MAX_CONNECTIONS_PER_ADDRESS: '1000000',
	MAX_ANONYMOUS_CONNECTIONS_PER_ADDRESS: '1000000',
	LOG_LEVEL: 'warn',
	...PROBE_ENV
};

export function assertBuilt(): void {
	if (!existsSync(path.join(root, 'build', 'handler.js'))) {
		throw new Error('No build found: run `npm run build` first (the benchmarks start the production server).');
	}
}

function probing(name: string, child: ChildProcess, url: string, output: () => string): Probed {
	let asked = 0;
	return {
		name,
		child,
		url,
		async probe() {
			const want = ++asked;
			child.kill('SIGUSR2');
			const deadline = nowMs() + 15_000;
			while (nowMs() < deadline) {
				const line = output()
					.split('\n')
					.find((l) => l.startsWith(`BENCH_PROBE {"seq":${want},`));
				if (line) return JSON.parse(line.slice('BENCH_PROBE '.length)) as ProbeReport;
				await sleep(20);
			}
			throw new Error(`${name} did not answer the probe:\n${output().slice(-2000)}`);
		}
	};
}

async function kill(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	if (profileDir) {
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
		await exited;
		clearTimeout(timer);
		return;
	}
	child.kill('SIGKILL');
	await exited;
}

/**
 * Our server: one embedded instance (fresh data dir), or `instances` processes sharing the Redis at
 * `redisUrl`.
 */
export async function startOurs(
	options: { instances?: number; redisUrl?: string; env?: Record<string, string> } = {}
): Promise<Deployment> {
	const count = options.instances ?? 1;
	if (count > 1 && !options.redisUrl) throw new Error('several instances need Redis');
	const tmp = await tempDir('customer-room-bench-');
	const env = { ...BENCH_ENV, ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}), ...options.env };
	const started: ServerProcess[] = [];
	try {
		for (let i = 0; i < count; i++) started.push(await startServerProcess(path.join(tmp.dir, `instance-${i}`), env));
	} catch (error) {
		for (const s of started) await kill(s.child);
		await tmp.cleanup();
		throw error;
	}
	const instances = started.map((s, i) => probing(`ours#${i}`, s.child, s.url, s.output));
	return {
		kind: 'ours',
		instances,
		urls: instances.map((i) => i.url),
		async stop() {
			for (const s of started) await kill(s.child);
			await tmp.cleanup();
		}
	};
}

/** The raw socket.io baseline: one process, or `instances` sharing Redis through the same adapter as ours. */
export async function startRaw(options: { instances?: number; redisUrl?: string } = {}): Promise<Deployment> {
	const count = options.instances ?? 1;
	const instances: Probed[] = [];
	const children: ChildProcess[] = [];
	try {
		for (let i = 0; i < count; i++) {
			const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'raw-server.ts')], {
				cwd: root,
				env: { ...process.env, ...PROBE_ENV, PORT: '0', ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}) },
				stdio: ['ignore', 'pipe', 'pipe']
			});
			children.push(child);
			let output = '';
			child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
			child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
			const deadline = nowMs() + 30_000;
			let port = 0;
			while (!port) {
				port = Number(/LISTENING (\d+)/.exec(output)?.[1] ?? 0);
				if (child.exitCode !== null) throw new Error(`raw server exited:\n${output}`);
				if (nowMs() > deadline) throw new Error(`raw server did not start:\n${output}`);
				await sleep(20);
			}
			instances.push(probing(`raw#${i}`, child, `http://127.0.0.1:${port}`, () => output));
		}
	} catch (error) {
		for (const c of children) await kill(c);
		throw error;
	}
	return {
		kind: 'raw',
		instances,
		urls: instances.map((i) => i.url),
		async stop() {
			for (const c of children) await kill(c);
		}
	};
}

/** CPU of a probe window as a share of one core (100 = one core busy). */
export const cpuPercent = (r: ProbeReport): number => (r.ms > 0 ? (r.cpuUs / 1000 / r.ms) * 100 : Number.NaN);
