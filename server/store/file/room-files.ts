/**
 * Names and formats of the files in a room directory, other than the log lines themselves (line-codec.ts):
 * `meta.json`, `snapshot.json` and the `log-<first>.jsonl` segments. Recovery and the writer both use these,
 * so the on-disk format is defined once.
 */
import { isRecord } from '../contract';

/** On-disk format version, written into meta.json and snapshot.json. */
export const FORMAT = 1;
export const META_FILE = 'meta.json';
export const SNAPSHOT_FILE = 'snapshot.json';
export const SEGMENT_FILE = /^log-(\d{12,})\.jsonl$/;

/** One log file of a room. */
export interface Segment {
	file: string;
	first: number;
	/** Version of the last event; `first - 1` while empty. */
	last: number;
}

/** A remembered command as a snapshot stores it: `[commandId, from, to]`, and its digest when it has one. */
export type CommandEntry = [string, number, number] | [string, number, number, string];

export interface SnapshotFile {
	version: number;
	epoch: string;
	state: unknown;
	commands: CommandEntry[];
}

/** The name of the segment whose first event has `firstVersion` (zero-padded so names sort by version). */
export function segmentFileName(firstVersion: number): string {
	return `log-${String(firstVersion).padStart(12, '0')}.jsonl`;
}

/** The content of meta.json for a room with `epoch`. */
export function encodeMeta(epoch: string): string {
	return `${JSON.stringify({ format: FORMAT, epoch })}\n`;
}

/** The epoch recorded in meta.json, or null if the text is not a meta.json of this format. */
export function parseMetaEpoch(text: string): string | null {
	let parsed: unknown = null;
	try {
		parsed = JSON.parse(text);
	} catch {
		// Reported by the caller.
	}
	if (!isRecord(parsed) || parsed.format !== FORMAT || typeof parsed.epoch !== 'string') return null;
	return parsed.epoch;
}

/** The content of snapshot.json. */
export function encodeSnapshotFile(snapshot: SnapshotFile): string {
	const { version, epoch, state, commands } = snapshot;
	return `${JSON.stringify({ format: FORMAT, version, epoch, state, commands })}\n`;
}

function isCommandEntry(value: unknown): value is CommandEntry {
	return (
		Array.isArray(value) &&
		(value.length === 3 || (value.length === 4 && typeof value[3] === 'string')) &&
		typeof value[0] === 'string' &&
		Number.isSafeInteger(value[1]) &&
		Number.isSafeInteger(value[2])
	);
}

/** Parses snapshot.json; null if it is not valid JSON of this format. */
export function parseSnapshotFile(text: string): SnapshotFile | null {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		return null;
	}
	if (!isRecord(parsed) || parsed.format !== FORMAT || !('state' in parsed)) return null;
	const { version, epoch, state, commands } = parsed;
	if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) return null;
	if (typeof epoch !== 'string' || !Array.isArray(commands) || !commands.every(isCommandEntry)) return null;
	return { version, epoch, state, commands };
}
