/**
 * `npm run admin` on people (issue 16, "recovery without a terminal dance"): run as an operator runs it,
 * a child process beside a running server, on the embedded data dir and on Redis. What it makes, the
 * running server honours: create-admin's account signs in, reset-password's link resets, grant's role
 * is the person's.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';

const root = path.resolve(import.meta.dirname, '../..');

/** Runs `npm run admin -- ...args` (its script) with `stdin` piped in; answers exit code and output. */
function admin(
	env: Record<string, string>,
	args: string[],
	stdin = ''
): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'server/admin.ts', ...args], {
			cwd: root,
			env: { ...process.env, ...env },
			stdio: ['pipe', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('error', reject);
		child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
		child.stdin.end(stdin);
	});
}

async function post(server: ServerProcess, route: string, body: unknown, cookie?: string) {
	const res = await fetch(`${server.url}${route}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
		body: JSON.stringify(body)
	});
	const cookieOut = res.headers.get('set-cookie')?.split(';')[0];
	return { status: res.status, cookie: cookieOut, body: (await res.json()) as Record<string, unknown> };
}

async function me(server: ServerProcess, cookie: string) {
	const res = await fetch(`${server.url}/api/me`, { headers: { cookie } });
	return (await res.json()) as { name: string; instanceAdmin: boolean; rooms: Array<{ roomId: string; role: string }> };
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
	return { server, env: { DATA_DIR: tmp.dir, ...env } };
}

const PASSWORD = 'plum orchard lantern';
const NEW_PASSWORD = 'copper meadow kettle';

/** The whole operator's round, against one running server and its store. */
async function operatorRound(server: ServerProcess, env: Record<string, string>) {
	// create-admin reads the password from a pipe and prints nothing secret.
	const made = await admin(env, ['create-admin', '--name', 'Olga Operator', '--login', 'olga@example.com'], `${PASSWORD}\n`);
	expect(made.code, made.stderr).toBe(0);
	expect(made.stdout).toBe('');
	expect(made.stderr).not.toContain(PASSWORD);
	expect(made.stderr).toMatch(/Olga Operator is an instance admin now/);

	const signedIn = await post(server, '/api/auth/sign-in', { login: 'olga@example.com', password: PASSWORD });
	expect(signedIn).toMatchObject({ status: 200, body: { name: 'Olga Operator', instanceAdmin: true } });
	expect((await me(server, signedIn.cookie!)).instanceAdmin).toBe(true);

	// The same login twice is refused, and nothing changes.
	const twice = await admin(env, ['create-admin', '--name', 'Someone Else', '--login', 'olga@example.com'], `${PASSWORD}\n`);
	expect(twice.code).toBe(1);
	expect(twice.stderr).toMatch(/already signs in as olga@example.com/);
	expect((await me(server, signedIn.cookie!)).name).toBe('Olga Operator');

	// grant gives the role, at once, to the session already open.
	const granted = await admin(env, ['grant', 'olga@example.com', 'demo', 'contributor']);
	expect(granted.code, granted.stderr).toBe(0);
	expect((await me(server, signedIn.cookie!)).rooms).toContainEqual(
		expect.objectContaining({ roomId: 'demo', role: 'contributor' })
	);
	const listed = await admin(env, ['list-people']);
	expect(listed.stdout).toMatch(/Olga Operator\s+olga@example.com\s+admin\s+\S+\s+demo \(contributor\)/);
	expect((await admin(env, ['list-rooms'])).stdout).toMatch(/demo\s+\S/);

	// reset-password prints a link that sets a new password; the old one stops working.
	const reset = await admin(env, ['reset-password', 'olga@example.com']);
	expect(reset.code, reset.stderr).toBe(0);
	const link = reset.stdout.trim();
	expect(link).toMatch(/^http:\/\/localhost:\d+\/reset#[A-Za-z0-9_-]{43}$/);
	const token = link.split('#')[1];
	expect(await post(server, '/api/auth/reset', { token, password: NEW_PASSWORD })).toMatchObject({ status: 200 });
	expect((await post(server, '/api/auth/sign-in', { login: 'olga@example.com', password: PASSWORD })).status).toBe(401);
	expect((await post(server, '/api/auth/sign-in', { login: 'olga@example.com', password: NEW_PASSWORD })).status).toBe(200);
	// One use only.
	expect((await post(server, '/api/auth/reset', { token, password: 'another long password' })).status).toBe(404);
}

describe('embedded store', () => {
	it(
		'create-admin signs in, grant gives the role, reset-password resets, on a running server',
		{ timeout: 120_000 },
		async () => {
			const { server, env } = await startDemo({});
			await operatorRound(server, env);
		}
	);

	it('refuses bad arguments with a sentence and exit code 1, changing nothing', { timeout: 120_000 }, async () => {
		const { env } = await startDemo({});
		const cases: Array<[string[], RegExp]> = [
			[['frob'], /There is no command "frob"/],
			[['create-admin', '--name', 'No Login'], /Usage: npm run admin -- create-admin/],
			[['grant', 'nobody@example.com', 'demo', 'boss'], /"boss" is not a role/],
			[['grant', 'nobody@example.com', 'demo', 'viewer'], /No account signs in as "nobody@example.com"/],
			[['reset-password', 'nobody'], /No account signs in as "nobody"/],
			[['link', '../etc'], /is not a room id/]
		];
		for (const [args, message] of cases) {
			const run = await admin(env, args);
			expect(run.code, args.join(' ')).toBe(1);
			expect(run.stderr).toMatch(message);
			expect(run.stdout).toBe('');
		}
		const weak = await admin(env, ['create-admin', '--name', 'Weak', '--login', 'weak'], 'short\n');
		expect(weak.code).toBe(1);
		expect(weak.stderr).toMatch(/at least 10 characters.*Nothing was changed/);
		expect((await admin(env, ['list-people'])).stderr).toMatch(/There are no accounts/);

		const help = await admin(env, ['--help']);
		expect(help.code).toBe(0);
		for (const name of ['create-admin', 'reset-password', 'grant', 'list-rooms', 'list-people', 'setup-link', 'link'])
			expect(help.stdout).toMatch(new RegExp(`^  ${name}\\s+\\S`, 'm'));
	});
});

/** `script` (util-linux) runs a command on a pseudo-terminal, as an operator's shell does. */
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

describe.runIf(hasScript)('on a terminal', () => {
	it('create-admin asks for the password twice and never shows it', { timeout: 60_000 }, async () => {
		const { server, env } = await startDemo({});
		const child = spawn(
			'script',
			['-qec', 'node --import tsx server/admin.ts create-admin --name "Tess Tty" --login tess', '/dev/null'],
			{
				cwd: root,
				env: { ...process.env, ...env },
				stdio: ['pipe', 'pipe', 'pipe']
			}
		);
		let screen = '';
		child.stdout.on('data', (chunk: Buffer) => {
			screen += chunk.toString();
			if (/Password \(not shown\): $/.test(screen) || /The password again: $/.test(screen)) child.stdin.write(`${PASSWORD}\r`);
		});
		const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
		expect(code, screen).toBe(0);
		expect(screen).toMatch(/Password \(not shown\):[\s\S]*The password again:[\s\S]*Tess Tty is an instance admin now/);
		expect(screen).not.toContain(PASSWORD);
		expect((await post(server, '/api/auth/sign-in', { login: 'tess', password: PASSWORD })).status).toBe(200);
	});
});

describe.runIf(canRunRedisTests())('Redis mode', () => {
	let redis: RedisServer;
	afterAll(async () => {
		// The servers stop before their Redis does.
		await cleanUp();
		await redis?.destroy();
	});

	it('the same round works on the Redis store', { timeout: 120_000 }, async () => {
		redis = await startRedis();
		const { server } = await startDemo({ REDIS_URL: redis.url });
		await operatorRound(server, { REDIS_URL: redis.url });
	});
});
