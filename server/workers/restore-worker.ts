/**
 * Worker thread body: reads one backup (JSON parse, shape, file checksums, the room's rules) off the
 * event loop, and sends back the room state and the files its state refers to, their bytes transferred
 * rather than copied. Everything else it parsed dies with the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { referencedBlobs } from '../../src/lib/domain';
import { checkBackup } from '../exports/backup';
import type { RestoreReading } from './restore-thread';

function read(body: Uint8Array): RestoreReading {
	let json: unknown;
	try {
		json = JSON.parse(new TextDecoder('utf-8', { fatal: false }).decode(body));
	} catch {
		return { ok: false, message: 'This file is not JSON, so it is not a Customer Room backup.' };
	}
	const checked = checkBackup(json);
	if (!checked.ok) return checked;
	// Only files the room refers to travel on: anything else in the backup is never stored.
	const files: Array<[string, Uint8Array]> = [];
	for (const id of referencedBlobs(checked.backup.state)) {
		const bytes = checked.files.get(id);
		if (bytes) files.push([id, new Uint8Array(bytes)]);
	}
	return { ok: true, state: checked.backup.state, files };
}

const reading = read((workerData as { body: Uint8Array }).body);
parentPort!.postMessage(reading, reading.ok ? reading.files.map(([, bytes]) => bytes.buffer as ArrayBuffer) : []);
