/**
 * Follows one room's log segments in an embedded data dir while a server process writes them, so a test
 * keeps the room's whole log even when snapshots let the server delete old segments (compaction). It reads
 * only complete lines (a line being written is read on a later poll) and checks each one's CRC, with the
 * store's own line codec.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredEvent } from '../../server/store/port';
import { decodeLine, NEWLINE } from '../../server/store/file/line-codec';
import { SEGMENT_FILE } from '../../server/store/file/room-files';

export interface LogTail {
	/** Every event seen so far, in version order. */
	events(): StoredEvent[];
	/** What looked wrong: a bad complete line, a version rewritten with another command, a file cut short. */
	problems: string[];
	/** Stops polling after one last read of the files. */
	stop(): Promise<void>;
}

export function tailRoomLog(dataDir: string, roomId: string, intervalMs = 50): LogTail {
	const dir = join(dataDir, 'rooms', roomId);
	const problems: string[] = [];
	const byVersion = new Map<number, StoredEvent>();
	/** Bytes of each segment read so far (up to its last complete line). */
	const consumed = new Map<string, number>();
	/**
	 * Segments read to their end while the next one already held a complete line: nothing more will come.
	 * (A later segment that is still empty is not enough: after a crash the store deletes an empty last
	 * segment and appends to the one before it again.)
	 */
	const sealed = new Set<string>();
	/** Segments whose every byte was read (so far). */
	const fullyRead = new Set<string>();

	async function poll(): Promise<void> {
		const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => SEGMENT_FILE.test(n)).sort();
		for (const [index, name] of names.entries()) {
			if (sealed.has(name)) continue;
			const bytes = await readFile(join(dir, name)).catch(() => null);
			if (!bytes) continue; // compacted away between readdir and read
			let at = consumed.get(name) ?? 0;
			if (bytes.length < at) problems.push(`${name} shrank below complete lines already read (${bytes.length} < ${at} bytes)`);
			for (let end = bytes.indexOf(NEWLINE, at); end >= 0; end = bytes.indexOf(NEWLINE, at)) {
				const line = decodeLine(bytes.subarray(at, end));
				at = end + 1;
				if (!line.ok) {
					problems.push(`${name}: a complete line is bad: ${line.problem}`);
					continue;
				}
				const known = byVersion.get(line.event.v);
				if (known && known.commandId !== line.event.commandId) {
					problems.push(`version ${line.event.v} was written for command ${known.commandId}, then for ${line.event.commandId}`);
				}
				byVersion.set(line.event.v, line.event);
			}
			consumed.set(name, at);
			const previous = names[index - 1];
			if (previous !== undefined && at > 0 && fullyRead.has(previous)) sealed.add(previous);
			if (at === bytes.length) fullyRead.add(name);
			else fullyRead.delete(name);
		}
	}

	let stopped = false;
	const loop = (async () => {
		while (!stopped) {
			await poll();
			await new Promise((resolve) => setTimeout(resolve, intervalMs));
		}
	})();

	return {
		events: () => [...byVersion.values()].sort((a, b) => a.v - b.v),
		problems,
		async stop() {
			stopped = true;
			await loop;
			await poll();
		}
	};
}
