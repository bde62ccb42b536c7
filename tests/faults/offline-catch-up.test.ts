/**
 * Fault suite, clients going offline: while writers keep changing the room, clients drop off the network
 * (their link cut, or their socket closed) alone or two at once, for a little while or for long, and walls
 * reload. The server snapshots every 10 events and keeps only 100 behind a snapshot, so a client back after
 * a short absence catches up with the events it missed, and one back after a long absence (its version
 * compacted away) with a snapshot. A tap on the store keeps the whole log for the checker.
 */
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import type { RecordedEvent } from '../../src/lib/domain';
import { tapStore, type StoreTap } from '../support/store-tap';
import { startTestServer, type TestServer } from '../support/test-server';
import { checkRun } from './checker';
import { CLIENT_FAULTS, FaultRun, LONG, faultSeed, setUpRoom } from './harness';

const ROOM = 'faults-offline';
const SNAPSHOT_EVERY = 10;
/**
 * Events kept behind a snapshot: a client at most this far behind is always served events. Far more than
 * the writers manage while a closed socket opens again, even on a busy machine.
 */
const RETAIN = 100;
const SHAPE = LONG
	? { writers: 4, walls: 4, faults: 24, spacing: [20, 120] as const }
	: { writers: 3, walls: 3, faults: 6, spacing: [15, 50] as const };
/** A short absence: so few commands that the client is never more than RETAIN behind when it is back. */
const SHORT_AWAY = 2;
/** A long absence: far more than a snapshot interval plus what is retained, so its version is compacted away. */
const LONG_AWAY = 4 * (SNAPSHOT_EVERY + RETAIN);

let server: TestServer | undefined;
let run: FaultRun | undefined;
afterEach(async () => {
	await run?.close();
	await server?.close();
});

describe('fault suite: clients going offline and back', () => {
	it(
		'catches every client up after short and long absences: events while the log has them, else a snapshot',
		{ timeout: LONG ? 900_000 : 90_000 },
		async () => {
			const seed = faultSeed();
			let tap: StoreTap | undefined;
			server = await startTestServer({
				snapshotEvery: SNAPSHOT_EVERY,
				snapshotRetainEvents: RETAIN,
				wrapStore: (store) => (tap = tapStore(store)).store
			});
			const { access, url, port } = server;
			const setupVersion = await setUpRoom(url, ROOM, await access.grantDirectly(ROOM, 'facilitator', 'Setup'));
			const faults = new FaultRun({
				roomId: ROOM,
				seed,
				backends: () => [port],
				token: (role, name) => access.grantDirectly(ROOM, role, name),
				maxPauseMs: 25,
				spacing: SHAPE.spacing
			});
			run = faults;
			onTestFailed(() => console.error(faults.summary('offline clients, failed', tap!.log(ROOM).length)));
			await faults.start(SHAPE.writers, SHAPE.walls);
			/** Anyone but writer-0, who keeps the room changing while others are away. */
			const someone = () => faults.rng.pick(faults.clients.filter((c) => c.name !== 'writer-0'));

			const shortAbsences: number[] = [];
			const longAbsences: number[] = [];
			for (const fault of faults.plan(['short', 'long', 'pair', ...CLIENT_FAULTS] as const, SHAPE.faults)) {
				await faults.progress(faults.gap());
				if (fault === 'short') {
					// Closing the socket (rather than cutting the link) brings it back at once, so it stays within RETAIN.
					shortAbsences.push(await faults.offline(someone(), 'disconnect', SHORT_AWAY));
				} else if (fault === 'long') {
					longAbsences.push(await faults.offline(someone(), faults.rng.pick(['cut', 'disconnect'] as const), LONG_AWAY));
				} else if (fault === 'pair') {
					const first = someone();
					const second = faults.rng.pick(faults.clients.filter((c) => c.name !== 'writer-0' && c !== first));
					await Promise.all([
						faults.offline(first, faults.rng.pick(['cut', 'disconnect'] as const), faults.gap()),
						faults.offline(second, faults.rng.pick(['cut', 'disconnect'] as const), faults.gap())
					]);
				} else await faults.clientFault(fault);
			}
			await faults.progress(faults.gap());
			const top = await faults.finish();

			const log = tap!.log(ROOM) as RecordedEvent[];
			const head = (await tap!.store.head(ROOM))!;
			console.info(faults.summary('offline clients, snapshots every 10 events', log.length));
			expect(checkRun({ epoch: head.epoch, log, setupVersion, clients: faults.histories })).toEqual([]);
			expect(log.length).toBe(top);
			// The log the store still holds (after compaction) is the tail of the one the tap kept.
			const kept = await tap!.store.readFrom(ROOM, top - RETAIN);
			expect(kept.ok && kept.events.map((e) => e.commandId)).toEqual(log.slice(top - RETAIN).map((e) => e.commandId));
			// Promise 4, both ways: no full reload after a short absence, a snapshot after a long one.
			expect(
				shortAbsences.every((snapshots) => snapshots === 0),
				`snapshots loaded after short absences: ${shortAbsences}`
			).toBe(true);
			expect(
				longAbsences.every((snapshots) => snapshots >= 1),
				`snapshots loaded after long absences: ${longAbsences}`
			).toBe(true);
		}
	);
});
