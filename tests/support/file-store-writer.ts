/**
 * Child process for the kill -9 test: appends to two rooms as fast as it can with several appends in flight
 * per room, saving a snapshot now and then, and prints `ACK <commandId> <to>` once an append has resolved
 * (is durable). The commandId is `<room>.<run>.<n>`. Usage: file-store-writer.ts <dataDir> <run>
 */
import { openFileEventStore, type FileEventStore } from '../../server/store/file/file-event-store';
import type { AppendResult, StoredEvent } from '../../server/store/port';

const IN_FLIGHT_PER_ROOM = 8;
const SNAPSHOT_EVERY = 97;
const ROOMS = ['alpha', 'beta'];

function die(reason: unknown): never {
	process.stderr.write(`writer failed: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`);
	process.exit(1);
}

function eventsFor(commandId: string, count: number, after: number): StoredEvent[] {
	return Array.from({ length: count }, (_, index) => ({
		v: after + 1 + index,
		commandId,
		at: new Date().toISOString(),
		actor: { id: 'writer', name: 'Writer' },
		event: { type: 'note.added', index, text: 'x'.repeat(40 + (index % 7) * 13) }
	}));
}

/** Keeps IN_FLIGHT_PER_ROOM appends pending on one room, forever (until killed). */
async function pump(store: FileEventStore, room: string, run: string): Promise<void> {
	const head = await store.head(room);
	const epoch = head?.epoch ?? `epoch-${room}`;
	let assigned = head?.version ?? 0;
	let acked = assigned;
	let snapshotting = false;
	let n = 0;
	const inFlight = new Set<Promise<void>>();
	for (;;) {
		while (inFlight.size < IN_FLIGHT_PER_ROOM) {
			const commandId = `${room}.${run}.${n}`;
			const count = 1 + (n % 3);
			const expected = assigned;
			assigned += count;
			n++;
			const done: Promise<void> = store
				.append(room, expected, commandId, eventsFor(commandId, count, expected), epoch)
				.then((result: AppendResult) => {
					if (!result.ok || result.duplicate) die(`unexpected result for ${commandId}: ${JSON.stringify(result)}`);
					acked = Math.max(acked, result.range.to);
					process.stdout.write(`ACK ${commandId} ${result.range.to}\n`);
				}, die)
				.finally(() => inFlight.delete(done));
			inFlight.add(done);
		}
		await Promise.race(inFlight);
		if (!snapshotting && acked > 0 && n % SNAPSHOT_EVERY === 0) {
			snapshotting = true;
			const version = acked;
			store.saveSnapshot(room, { version, epoch, state: { notes: version } }).then(() => (snapshotting = false), die);
		}
	}
}

const [dataDir, run = '0'] = process.argv.slice(2);
if (!dataDir) die('usage: file-store-writer.ts <dataDir> <run>');
const store = await openFileEventStore({ dataDir, snapshotRetainEvents: 1_000_000 });
await Promise.all(ROOMS.map((room) => pump(store, room, run))).catch(die);
