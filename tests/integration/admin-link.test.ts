/**
 * The demo facilitator link and `npm run admin -- link <roomId>` (issue 13, item 8): a server whose
 * stdout is not a terminal (a service manager's log, docker) prints no link, and the admin command
 * prints a fresh one while the server runs, from the same store (embedded data dir, or Redis).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

/** Runs the admin command as an operator would; answers its exit code and output. */
async function admin(env: Record<string, string>, ...args: string[]) {
	try {
		const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'server/admin.ts', ...args], {
			cwd: root,
			env: { ...process.env, ...env }
		});
		return { code: 0, stdout, stderr };
	} catch (error) {
		const failed = error as { code: number; stdout: string; stderr: string };
		return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
	}
}

/** Redeems a link's token at the running server; answers the role it gives. */
async function redeem(server: ServerProcess, link: string): Promise<unknown> {
	const res = await fetch(`${server.url}/api/join`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ token: link.split('#')[1], name: 'Operator' })
	});
	return { status: res.status, ...((await res.json()) as object) };
}

const cleanups: Array<() => Promise<void>> = [];
async function cleanUp(): Promise<void> {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}
afterAll(cleanUp);

async function startDemo(env: Record<string, string>) {
	const tmp = await tempDir();
	const server = await startServerProcess(tmp.dir, { SEED_DEMO: 'true', ...env });
	cleanups.push(async () => {
		server.child.kill('SIGTERM');
		await server.exited;
		await tmp.cleanup();
	});
	return { server, dataDir: tmp.dir };
}

describe('embedded store', () => {
	it('prints no link among the log lines, and the admin command makes one while the server runs', async () => {
		const { server, dataDir } = await startDemo({ LOG_LEVEL: 'info' });
		expect(server.output()).not.toMatch(/\/join#/);
		// The log is written asynchronously: the hint may follow the LISTENING line by a moment.
		await expect.poll(() => server.output(), { timeout: 5_000 }).toMatch(/npm run admin -- link/);
		expect(server.output()).not.toMatch(/\/join#/);

		const made = await admin({ DATA_DIR: dataDir }, 'link', 'demo');
		expect(made.code).toBe(0);
		const link = made.stdout.trim();
		expect(link).toMatch(/^http:\/\/localhost:3000\/join#[A-Za-z0-9_-]{43}$/);
		expect(await redeem(server, link)).toMatchObject({ status: 200, roomId: 'demo', role: 'facilitator' });

		// A second link replaces the first, at the running server too.
		const again = (await admin({ DATA_DIR: dataDir }, 'link', 'demo')).stdout.trim();
		expect(await redeem(server, link)).toMatchObject({ status: 404 });
		expect(await redeem(server, again)).toMatchObject({ status: 200, role: 'facilitator' });
	});

	it('says what is wrong with a room that does not exist, or no room at all', async () => {
		const { dataDir } = await startDemo({});
		const missing = await admin({ DATA_DIR: dataDir }, 'link', 'no-such-room');
		expect(missing.code).toBe(1);
		expect(missing.stderr).toMatch(/There is no room "no-such-room"/);
		expect((await admin({ DATA_DIR: dataDir }, 'link')).stderr).toMatch(/Usage: npm run admin -- link <roomId>/);
	});
});

describe.runIf(canRunRedisTests())('Redis mode', () => {
	let redis: RedisServer;
	afterAll(async () => {
		// The servers stop before their Redis does.
		await cleanUp();
		await redis?.destroy();
	});

	it('the admin command makes a link the running server accepts', async () => {
		redis = await startRedis();
		const { server } = await startDemo({ REDIS_URL: redis.url });
		expect(server.output()).not.toMatch(/\/join#/);
		const made = await admin({ REDIS_URL: redis.url }, 'link', 'demo');
		expect(made.code).toBe(0);
		expect(await redeem(server, made.stdout.trim())).toMatchObject({ status: 200, roomId: 'demo', role: 'facilitator' });
	});
});
