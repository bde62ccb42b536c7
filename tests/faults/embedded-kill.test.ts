/**
 * Fault suite, embedded store: the real server process under a steady load from several writers and
 * walls is killed with SIGKILL again and again and restarted on the same data dir; clients reconnect,
 * resend their outboxes and catch up, some go offline or reload meanwhile. Afterwards the room's log
 * (read from the data dir with the store module) must agree with what every client applied and was told.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openFileEventStore } from '../../server/store/file/file-event-store';
import { sessionToken, startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';
import { checkRun } from './checker';
import { CLIENT_FAULTS, FaultRun, LONG, faultSeed, readLog, setUpRoom } from './harness';

const ROOM = 'faults-embedded';
/** No snapshot (so no compaction) during the run: the checker reads the whole log afterwards. */
const ENV = { COMMAND_RATE_LIMIT: '1000000', SNAPSHOT_EVERY: '1000000000' };
const SHAPE = LONG
	? { writers: 4, walls: 4, faults: 14, spacing: [60, 300] as const }
	: { writers: 3, walls: 2, faults: 5, spacing: [25, 80] as const };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

describe('fault suite: embedded store', () => {
	it('keeps every promise through repeated kill -9 under load, clients offline and reloading', { timeout: LONG ? 900_000 : 120_000 }, async () => {
		const seed = faultSeed();
		const { dir, cleanup } = await tempDir('customer-room-faults-');
		cleanups.push(cleanup);
		let server: ServerProcess | null = await startServerProcess(dir, ENV);
		cleanups.push(async () => {
			server?.child.kill('SIGKILL');
			await server?.exited;
		});
		const setupVersion = await setUpRoom(server.url, ROOM);

		const run = new FaultRun({
			roomId: ROOM,
			seed,
			backends: () => (server ? [server.port] : []),
			token: (role, name) => sessionToken(server!.url, ROOM, role, name),
			spacing: SHAPE.spacing
		});
		cleanups.push(() => run.close());
		await run.start(SHAPE.writers, SHAPE.walls);

		// Kills weigh double: they are what this file is about.
		for (const fault of run.plan(['kill', 'kill', ...CLIENT_FAULTS] as const, SHAPE.faults)) {
			await run.progress(run.gap());
			if (fault === 'kill') {
				const victim = server!;
				run.note(`kill -9 the server (pid ${victim.child.pid})`);
				server = null;
				victim.child.kill('SIGKILL');
				await victim.exited;
				server = await startServerProcess(dir, ENV);
			} else await run.clientFault(fault);
		}
		await run.progress(run.gap());
		const top = await run.finish();

		const last = server!;
		server = null;
		last.child.kill('SIGKILL');
		await last.exited;
		const store = await openFileEventStore({ dataDir: dir, snapshotRetainEvents: 1e9, log: { warn: () => {} } });
		const { epoch, log } = await readLog(store, ROOM).finally(() => store.close());

		console.info(run.summary('embedded store, kill -9', log));
		expect(checkRun({ epoch, log, setupVersion, clients: run.histories })).toEqual([]);
		expect(log.length).toBe(top);
	});
});
