import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openFileEventStore } from '../../server/store/file/file-event-store';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const ACKS_BEFORE_KILL = 300;
const RUNS = 3;

interface Ack {
	room: string;
	commandId: string;
	to: number;
}

/**
 * Runs the writer until it has acknowledged ACKS_BEFORE_KILL appends, kills it with SIGKILL, and returns every
 * ack it printed (including any printed between the kill and its death: those were durable too).
 */
function runWriterAndKill(dataDir: string, run: number): Promise<Ack[]> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/file-store-writer.ts', dataDir, String(run)], {
			cwd: repoRoot,
			stdio: ['ignore', 'pipe', 'pipe']
		});
		const acks: Ack[] = [];
		let stderr = '';
		let killed = false;
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
		createInterface({ input: child.stdout }).on('line', (line) => {
			const [tag, commandId, to] = line.split(' ');
			if (tag !== 'ACK' || commandId === undefined || to === undefined) return;
			acks.push({ room: commandId.split('.')[0] ?? '', commandId, to: Number(to) });
			if (!killed && acks.length >= ACKS_BEFORE_KILL) {
				killed = true;
				child.kill('SIGKILL');
			}
		});
		child.on('error', reject);
		child.on('close', (code, signal) => {
			if (signal === 'SIGKILL' && killed) resolve(acks);
			else reject(new Error(`writer exited early (code ${code}, signal ${signal}) after ${acks.length} acks:\n${stderr}`));
		});
	});
}

describe('file event store under kill -9', () => {
	it('keeps every acknowledged append, with contiguous versions, across repeated crashes', { timeout: 120_000 }, async () => {
		const dataDir = await mkdtemp(join(tmpdir(), 'customer-room-kill9-'));
		const acked: Ack[] = [];
		try {
			for (let run = 0; run < RUNS; run++) {
				acked.push(...(await runWriterAndKill(dataDir, run)));
				const store = await openFileEventStore({ dataDir, snapshotRetainEvents: 1_000_000, log: { warn: () => {} } });
				try {
					for (const ack of acked) {
						const range = await store.lookupCommand(ack.room, ack.commandId);
						expect(range?.to, `acked ${ack.commandId} at ${ack.to}`).toBe(ack.to);
					}
					for (const room of await store.listRooms()) {
						const read = await store.readFrom(room, 0);
						if (!read.ok) throw new Error(`room ${room}: log compacted unexpectedly`);
						expect(read.events.map((e) => e.v)).toEqual(read.events.map((_, i) => i + 1));
						expect((await store.head(room))?.version).toBe(read.events.length);
					}
				} finally {
					await store.close();
				}
			}
			expect(acked.length).toBeGreaterThanOrEqual(RUNS * ACKS_BEFORE_KILL);
		} finally {
			await rm(dataDir, { recursive: true, force: true });
		}
	});
});
