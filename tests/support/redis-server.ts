/**
 * Starts a private `redis-server` for a test file: a free port on 127.0.0.1, AOF on (appendfsync `always`
 * unless told otherwise), no RDB snapshots, a fresh temp dir; ready once it answers `INFO server` with its own pid. It never touches a Redis already running
 * elsewhere (e.g. on 6379): the port is found by binding port 0 first.
 *
 * Under `CI=true` a missing binary is an error, never a skip: use {@link canRunRedisTests} to decide whether
 * a test file runs at all, then let {@link startRedis} throw if the binary is not there.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServerOptions {
	/** `always` (default) fsyncs before every reply, so an acknowledged write survives SIGKILL. */
	appendfsync?: 'always' | 'everysec';
}

export interface RedisServer {
	/** `redis://127.0.0.1:<port>` */
	url: string;
	port: number;
	/** The server's working dir (holds `appendonlydir/`); kept across stop/kill/restart. */
	dir: string;
	/** SIGTERM, waits for the process to exit (Redis flushes the AOF on SIGTERM). */
	stop(): Promise<void>;
	/** SIGKILL, waits for the process to exit: only what was fsync'd survives. */
	kill(): Promise<void>;
	/** Stops it if running, then starts it again on the same port and dir (AOF on, so data comes back). */
	restart(): Promise<void>;
	/** Stops it and removes its dir. Call once, in afterAll. */
	destroy(): Promise<void>;
}

const BINARY = process.env.REDIS_SERVER_BIN ?? 'redis-server';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

/** Whether a Redis test file should run: always under CI (a missing binary then fails), else if installed. */
export function canRunRedisTests(): boolean {
	if (process.env.CI === 'true') return true;
	return spawnSync(BINARY, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A port that was free a moment ago on 127.0.0.1. */
function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			const port = typeof address === 'object' && address !== null ? address.port : 0;
			probe.close(() => (port > 0 ? resolve(port) : reject(new Error('could not find a free port'))));
		});
	});
}

/**
 * Resolves true once the server on 127.0.0.1:port answers and is process `pid` (from `INFO server`), so a
 * server some other test started on the same port is never mistaken for ours; false on any other outcome.
 */
function answersAs(port: number, pid: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect({ host: '127.0.0.1', port });
		let reply = '';
		const done = (ok: boolean): void => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(500, () => done(false));
		socket.once('error', () => done(false));
		socket.once('connect', () => socket.write('INFO server\r\n'));
		socket.on('data', (chunk) => {
			reply += chunk.toString('latin1');
			if (reply.startsWith('-')) return done(false);
			const match = /\r\nprocess_id:(\d+)\r\n/.exec(reply);
			if (match) done(Number(match[1]) === pid);
		});
	});
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Children still running, killed if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.once('exit', () => {
		for (const child of running) child.kill('SIGKILL');
	});
}

interface Running {
	child: ChildProcess;
	exited: Promise<void>;
	output: () => string;
}

function spawnRedis(port: number, dir: string, appendfsync: 'always' | 'everysec'): Running {
	const args = [
		'--port',
		String(port),
		'--bind',
		'127.0.0.1',
		'--save',
		'',
		'--appendonly',
		'yes',
		'--appendfsync',
		appendfsync,
		'--dir',
		dir,
		'--daemonize',
		'no',
		'--logfile',
		''
	];
	const child = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	running.add(child);
	installExitHook();
	let output = '';
	const keep = (chunk: Buffer): void => {
		output = (output + chunk.toString('utf8')).slice(-8000);
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	const exited = new Promise<void>((resolve) => {
		child.once('exit', () => {
			running.delete(child);
			resolve();
		});
		// A spawn failure (ENOENT) emits 'error' and no 'exit'.
		child.once('error', () => {
			running.delete(child);
			resolve();
		});
	});
	return { child, exited, output: () => output };
}

/** Spawns redis-server and waits until it answers (as itself); rejects with its output if it dies first. */
async function launch(port: number, dir: string, appendfsync: 'always' | 'everysec'): Promise<Running> {
	const proc = spawnRedis(port, dir, appendfsync);
	let spawnError: Error | null = null;
	proc.child.once('error', (error) => {
		spawnError = error;
	});
	let dead = false;
	void proc.exited.then(() => {
		dead = true;
	});
	const deadline = Date.now() + START_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (spawnError !== null) {
			const error: Error = spawnError;
			throw new Error(
				`Cannot start ${BINARY} (${error.message}): install Redis (apt-get install redis-server) ` +
					'or set REDIS_SERVER_BIN; the Redis tests never skip under CI=true',
				{ cause: error }
			);
		}
		if (dead) throw new Error(`redis-server on port ${port} exited during startup:\n${proc.output()}`);
		if (proc.child.pid !== undefined && (await answersAs(port, proc.child.pid))) return proc;
		await delay(25);
	}
	proc.child.kill('SIGKILL');
	await proc.exited;
	throw new Error(`redis-server on port ${port} did not answer within ${START_TIMEOUT_MS} ms:\n${proc.output()}`);
}

async function terminate(proc: Running, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
	if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
	proc.child.kill(signal);
	const timer = setTimeout(() => proc.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
	await proc.exited;
	clearTimeout(timer);
}

/** Starts a private redis-server (see the file comment). */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
	const appendfsync = options.appendfsync ?? 'always';
	const dir = await mkdtemp(join(tmpdir(), 'customer-room-redis-'));
	let proc: Running | null = null;
	let port = 0;
	// Another process may grab the probed port before redis-server binds it: try a few ports.
	for (let attempt = 1; proc === null; attempt++) {
		port = await freePort();
		try {
			proc = await launch(port, dir, appendfsync);
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			if (attempt >= 3 || !/exited during startup/.test(message)) {
				await rm(dir, { recursive: true, force: true });
				throw error;
			}
		}
	}
	let current: Running | null = proc;
	const stopWith = async (signal: 'SIGTERM' | 'SIGKILL'): Promise<void> => {
		const target = current;
		current = null;
		if (target) await terminate(target, signal);
	};
	return {
		url: `redis://127.0.0.1:${port}`,
		port,
		dir,
		stop: () => stopWith('SIGTERM'),
		kill: () => stopWith('SIGKILL'),
		async restart() {
			await stopWith('SIGTERM');
			current = await launch(port, dir, appendfsync);
		},
		async destroy() {
			await stopWith('SIGTERM');
			await rm(dir, { recursive: true, force: true });
		}
	};
}
