/**
 * Runs the real server (server/index.ts, the production entry) as a child process on a free port,
 * so tests can SIGKILL it and start it again on the same data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The admin token every test server gets, so tests can create rooms and sessions over HTTP. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** A session token with `role` in `roomId` (which may not exist yet), from a test server's admin API. */
export async function sessionToken(
	baseUrl: string,
	roomId: string,
	role: 'facilitator' | 'contributor' | 'viewer',
	name = 'Tester'
): Promise<string> {
	const res = await fetch(`${baseUrl}/api/admin/rooms/${roomId}/sessions`, {
		method: 'POST',
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify({ role, name })
	});
	if (!res.ok) throw new Error(`admin session: ${res.status} ${await res.text()}`);
	return ((await res.json()) as { token: string }).token;
}

export interface ServerProcess {
	child: ChildProcess;
	port: number;
	url: string;
	output: () => string;
	/** Resolves with the exit code (or signal) when the process ends. */
	exited: Promise<number | string>;
}

/** Starts the server; resolves once it listens. Rejects with its output if it exits first. */
export function startServerProcess(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
	const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/index.ts')], {
		cwd: root,
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			SEED_DEMO: 'false',
			LOG_LEVEL: 'warn',
			CUSTOMER_ROOM_ANNOUNCE: '1',
			ADMIN_TOKEN: TEST_ADMIN_TOKEN,
			// Every test client connects from 127.0.0.1: the per-address budgets would make one client of
			// them all (tests/integration/limits.test.ts tests those budgets).
			COMMAND_RATE_LIMIT_PER_ADDRESS: '1000000',
			MAX_CONNECTIONS_PER_ADDRESS: '100000',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	const exited = new Promise<number | string>((resolve) =>
		child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))
	);
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			const match = /LISTENING (\d+)/.exec(output);
			if (match) {
				clearTimeout(timer);
				const port = Number(match[1]);
				resolve({ child, port, url: `http://127.0.0.1:${port}`, output: () => output, exited });
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		void exited.then((code) => {
			clearTimeout(timer);
			reject(new Error(`server exited (${code}) before listening:\n${output}`));
		});
	});
}

/** A port that was free a moment ago, so a restarted server can come back on the same address. */
export async function freePort(): Promise<number> {
	const { createServer } = await import('node:net');
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}
