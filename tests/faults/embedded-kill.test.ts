/**
 * Fault suite, embedded store: the real server process under a steady load from several writers and
 * walls is killed with SIGKILL again and again and restarted on the same data dir; clients reconnect,
 * resend their outboxes and catch up, some go offline or reload meanwhile. The server snapshots every 10
 * events, so kills also land while it writes snapshots and seals segments, and restarts recover from a
 * snapshot plus the log after it. A tail on the room's log files keeps the whole log (the server deletes
 * old segments); it must agree with what the store module reads afterwards, and with every client.
 */
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import type { RecordedEvent } from '../../src/lib/domain';
import { openFileEventStore } from '../../server/store/file/file-event-store';
import { tailRoomLog } from '../support/file-log-tail';
import { sessionToken, startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';
import { checkRun } from './checker';
import { CLIENT_FAULTS, FaultRun, LONG, faultSeed, readLog, setUpRoom } from './harness';

const ROOM = 'faults-embedded';
const ENV = { COMMAND_RATE_LIMIT: '1000000', SNAPSHOT_EVERY: '10' };
const SHAPE = LONG
	? { writers: 4, walls: 4, kills: 20, spacing: [60, 300] as const }
	: { writers: 3, walls: 2, kills: 4, spacing: [25, 80] as const };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

describe('fault suite: embedded store', () => {
	it(
		'keeps every promise through repeated kill -9 under load, clients offline and reloading',
		{ timeout: LONG ? 900_000 : 120_000 },
		async () => {
			const seed = faultSeed();
			const { dir, cleanup } = await tempDir('customer-room-faults-');
			cleanups.push(cleanup);
			let server: ServerProcess | null = await startServerProcess(dir, ENV);
			cleanups.push(async () => {
				server?.child.kill('SIGKILL');
				await server?.exited;
			});
			const setupVersion = await setUpRoom(server.url, ROOM);
			const tail = tailRoomLog(dir, ROOM);
			cleanups.push(() => tail.stop());

			const run = new FaultRun({
				roomId: ROOM,
				seed,
				backends: () => (server ? [server.port] : []),
				token: (role, name) =>
					server ? sessionToken(server.url, ROOM, role, name) : Promise.reject(new Error('the server is down')),
				spacing: SHAPE.spacing
			});
			cleanups.push(() => run.close());
			onTestFailed(() => {
				const output = server ? `--- server:\n${server.output().slice(-3000)}` : '(no server running)';
				console.error([run.summary('embedded store, failed', tail.events().length), output].join('\n'));
			});
			await run.start(SHAPE.writers, SHAPE.walls);

			// Clients go offline, reload (and in the long run stall) meanwhile, so faults also overlap.
			const meanwhile = run.clientFaultsMeanwhile(CLIENT_FAULTS);
			for (let kill = 0; kill < SHAPE.kills; kill++) {
				await run.progress(run.gap());
				const victim = server!;
				run.note(`kill -9 the server (pid ${victim.child.pid})`);
				server = null;
				victim.child.kill('SIGKILL');
				await victim.exited;
				server = await startServerProcess(dir, ENV);
			}
			await meanwhile.stop();
			await run.progress(run.gap());
			const top = await run.finish();

			const last = server!;
			server = null;
			last.child.kill('SIGKILL');
			await last.exited;
			await tail.stop();
			const log = tail.events() as RecordedEvent[];
			const store = await openFileEventStore({ dataDir: dir, log: { warn: () => {} } });
			const { epoch, log: kept } = await readLog(store, ROOM).finally(() => store.close());

			console.info(run.summary('embedded store, kill -9, snapshots every 10 events', log.length));
			expect(tail.problems).toEqual([]);
			expect(checkRun({ epoch, log, setupVersion, clients: run.histories })).toEqual([]);
			expect(log.length).toBe(top);
			// What the store reads after the last kill is the end of what the tail saw written.
			expect(kept.map((e) => e.commandId)).toEqual(log.slice(log.length - kept.length).map((e) => e.commandId));
		}
	);
});
