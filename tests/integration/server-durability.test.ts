import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../../src/lib/domain';
import { sessionToken, startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';
import { commandId, createRoom, join, quote, send, type TestSocket } from '../support/test-server';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

async function client(server: ServerProcess, roomId: string): Promise<TestSocket> {
	const token = await sessionToken(server.url, roomId, 'facilitator');
	const socket: TestSocket = connect(server.url, {
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		auth: { token }
	});
	cleanups.push(async () => void socket.disconnect());
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', reject);
	});
	return socket;
}

async function start(dataDir: string): Promise<ServerProcess> {
	// A stress stream from one connection: lift the per-connection rate limit.
	const server = await startServerProcess(dataDir, { COMMAND_RATE_LIMIT: '100000' });
	cleanups.push(async () => {
		server.child.kill('SIGKILL');
		await server.exited;
	});
	return server;
}

async function logFile(dataDir: string, roomId: string): Promise<string> {
	const dir = path.join(dataDir, 'rooms', roomId);
	const segments = (await readdir(dir)).filter((f) => f.startsWith('log-')).sort();
	return path.join(dir, segments.at(-1)!);
}

describe('the server process on the embedded store', () => {
	it('keeps every acknowledged command through SIGKILL, and still applies each only once', async () => {
		const { dir, cleanup } = await tempDir();
		cleanups.push(cleanup);
		const first = await start(dir);
		const alice = await client(first, 'durable');
		await createRoom(alice, 'durable');

		// Pipeline commands (several in flight) and kill the server right after the 300th ack.
		const acked: Array<{ id: string; version: number; command: Command }> = [];
		const killed = new Promise<void>((resolve) => {
			let n = 0;
			const pump = () => {
				const id = commandId();
				const i = n++;
				const command = quote(`Complaint ${i}`, i);
				alice
					.timeout(5_000)
					.emitWithAck('command', { roomId: 'durable', commandId: id, command })
					.then((r) => {
						if (!r.ok) return;
						acked.push({ id, version: r.version, command });
						if (acked.length === 300) {
							first.child.kill('SIGKILL');
							resolve();
						} else if (acked.length < 300) pump();
					})
					.catch(() => undefined);
			};
			for (let k = 0; k < 16; k++) pump();
		});
		await killed;
		await first.exited;

		const second = await start(dir);
		const bob = await client(second, 'durable');
		const joined = await join(bob, 'durable');
		if (!joined.ok || joined.mode !== 'snapshot') throw new Error('expected a snapshot');
		const maxAcked = Math.max(...acked.map((a) => a.version));
		expect(joined.state.version).toBeGreaterThanOrEqual(maxAcked);

		// Resending each acknowledged commandId returns its original version and applies nothing.
		for (const a of acked) {
			const again = await send(bob, 'durable', a.command, a.id);
			expect(again).toEqual({ ok: true, version: a.version, duplicate: true });
		}
		const after = await join(bob, 'durable');
		expect(after.ok && after.mode === 'snapshot' && after.state.version).toBe(joined.state.version);
	});

	it('starts on a log with a torn last line, dropping only that line', async () => {
		const { dir, cleanup } = await tempDir();
		cleanups.push(cleanup);
		const first = await start(dir);
		const alice = await client(first, 'torn');
		await createRoom(alice, 'torn');
		expect(await send(alice, 'torn', quote('kept', 1))).toMatchObject({ ok: true });
		first.child.kill('SIGKILL');
		await first.exited;
		await appendFile(await logFile(dir, 'torn'), '{"c":"0badc0de","e":{"v":99,"commandId":"half-writ');

		const second = await start(dir);
		const bob = await client(second, 'torn');
		const joined = await join(bob, 'torn');
		if (!joined.ok || joined.mode !== 'snapshot') throw new Error('expected a snapshot');
		expect(joined.state.complaints['cant-open']!.verbatims.map((v) => v.text)).toEqual(['kept']);
		expect(await send(bob, 'torn', quote('after restart', 2))).toMatchObject({ ok: true });
	});

	it('refuses to start on a corrupt line in the middle of a log, naming the file and line', async () => {
		const { dir, cleanup } = await tempDir();
		cleanups.push(cleanup);
		const first = await start(dir);
		const alice = await client(first, 'corrupt');
		await createRoom(alice, 'corrupt');
		for (let i = 0; i < 5; i++) await send(alice, 'corrupt', quote(`q${i}`, i));
		first.child.kill('SIGKILL');
		await first.exited;
		const file = await logFile(dir, 'corrupt');
		const lines = (await readFile(file, 'utf8')).split('\n');
		lines[2] = lines[2]!.replace('Online form', 'Online farm'); // line 3: checksum no longer matches
		await writeFile(file, lines.join('\n'));

		const failed = await startServerProcess(dir).then(
			(s) => {
				s.child.kill('SIGKILL');
				throw new Error('the server started on a corrupt log');
			},
			(error: Error) => error.message
		);
		expect(failed).toContain(path.basename(file));
		expect(failed).toMatch(/line 3\b/);
		expect(failed).toMatch(/could not start/i);
	});
});
