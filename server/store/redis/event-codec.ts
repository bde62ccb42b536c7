/**
 * StoredEvent <-> the JSON kept in a room's stream entry (field `e`). Events are serialized in TypeScript
 * (the append script stores the strings it is given) and read back from their own JSON, so what the store
 * acknowledges is exactly what later reads return (no Dates, no undefined fields).
 */
import { isStoredEvent } from '../contract';
import type { StoredEvent } from '../port';

/**
 * The JSON of one event, numbered and checked by the caller (assertAppend); throws if the event could not be
 * read back as a StoredEvent.
 */
export function encodeEvent(input: StoredEvent): string {
	const { v, commandId } = input;
	const json = JSON.stringify({ v, commandId, at: input.at, actor: input.actor, event: input.event });
	if (!isStoredEvent(JSON.parse(json))) {
		throw new Error(`Event ${v} of command ${commandId} is not a storable StoredEvent (needs at, actor {id, name}, JSON event)`);
	}
	return json;
}

/** Parses one stream entry, checking that its JSON is a StoredEvent whose `v` matches the entry id. */
export function decodeEntry(roomId: string, entry: [id: string, fields: string[]]): StoredEvent {
	const [id, fields] = entry;
	const v = Number(id.slice(0, id.indexOf('-')));
	const json = fields[0] === 'e' ? fields[1] : undefined;
	let parsed: unknown = null;
	try {
		parsed = json === undefined ? null : JSON.parse(json);
	} catch {
		// Reported below.
	}
	if (!isStoredEvent(parsed) || parsed.v !== v) {
		throw new Error(`Room ${roomId}: stream entry ${id} is not a valid stored event; restore the room from a backup`);
	}
	return parsed;
}
