/**
 * Encoding and decoding of event log lines. A line is `{"c":"<crc32 hex, 8 chars>","e":<StoredEvent JSON>}\n`;
 * the CRC covers the exact bytes of the event JSON as written, so recovery checks the bytes and never a
 * re-serialization.
 */
import { crc32 } from 'node:zlib';
import { isStoredEvent } from '../contract';
import type { StoredEvent } from '../port';

const LINE_PREFIX = '{"c":"';
const LINE_MIDDLE = '","e":';
/** Byte offset of the event JSON in a line: prefix (6) + crc (8) + middle (6); all ASCII. */
const EVENT_OFFSET = LINE_PREFIX.length + 8 + LINE_MIDDLE.length;
const CLOSING_BRACE = 0x7d;
/** The byte that ends every line. */
export const NEWLINE = 0x0a;

/** Freezes what we hand out, so a caller mutating an event cannot silently change the log's memory copy. */
export function deepFreeze<T>(value: T): T {
	if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const child of Object.values(value)) deepFreeze(child);
	}
	return value;
}

function checksum(data: string | Uint8Array): string {
	return crc32(data).toString(16).padStart(8, '0');
}

export interface EncodedEvent {
	line: string;
	stored: StoredEvent;
}

/**
 * Serializes one event, numbered and checked by the caller (assertAppend), as a log line. The event is read
 * back from its own JSON so the copy kept in memory is exactly what a restart will see (no Dates, no
 * undefined fields), and anything recovery would reject is refused now instead of bricking the next start.
 */
export function encodeEvent(input: StoredEvent, digest?: string): EncodedEvent {
	const { v, commandId } = input;
	const json = JSON.stringify({ v, commandId, at: input.at, actor: input.actor, event: input.event, digest });
	const parsed: unknown = JSON.parse(json);
	if (!isStoredEvent(parsed)) {
		throw new Error(`Event ${v} of command ${commandId} is not a storable StoredEvent (needs at, actor {id, name}, JSON event)`);
	}
	return { line: `${LINE_PREFIX}${checksum(json)}${LINE_MIDDLE}${json}}\n`, stored: deepFreeze(withoutDigest(parsed).event) };
}

/**
 * The first event of a command may carry the digest of the command's body (`digest`, see
 * EventStore.append): it is the store's to keep, so it is taken off the event readers get.
 */
function withoutDigest(parsed: StoredEvent & { digest?: unknown }): { event: StoredEvent; digest?: string } {
	if (!('digest' in parsed)) return { event: parsed };
	const { digest, ...event } = parsed;
	return typeof digest === 'string' ? { event, digest } : { event };
}

export type DecodedLine = { ok: true; event: StoredEvent; digest?: string } | { ok: false; problem: string };

/** Checks one line (without its newline) byte for byte: framing, CRC, JSON, shape. */
export function decodeLine(line: Buffer): DecodedLine {
	if (line.length < EVENT_OFFSET + 2) return { ok: false, problem: 'line is too short' };
	const head = line.subarray(0, EVENT_OFFSET).toString('latin1');
	const storedCrc = head.slice(LINE_PREFIX.length, LINE_PREFIX.length + 8);
	if (!head.startsWith(LINE_PREFIX) || !head.endsWith(LINE_MIDDLE) || !/^[0-9a-f]{8}$/.test(storedCrc)) {
		return { ok: false, problem: 'line does not start with {"c":"<crc32>","e":' };
	}
	if (line[line.length - 1] !== CLOSING_BRACE) return { ok: false, problem: 'line does not end with }' };
	const eventBytes = line.subarray(EVENT_OFFSET, line.length - 1);
	const actualCrc = checksum(eventBytes);
	if (actualCrc !== storedCrc) {
		return { ok: false, problem: `checksum mismatch (stored ${storedCrc}, computed ${actualCrc})` };
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(eventBytes.toString('utf8'));
	} catch {
		return { ok: false, problem: 'event is not valid JSON' };
	}
	if (!isStoredEvent(parsed)) return { ok: false, problem: 'event lacks v, commandId, at, actor or event' };
	return { ok: true, ...withoutDigest(parsed) };
}
