/**
 * StoredEvent <-> the JSON kept in a room's stream entry (field `e`). Events are serialized in TypeScript
 * (the append script stores the strings it is given) and read back from their own JSON, so what the store
 * acknowledges is exactly what later reads return (no Dates, no undefined fields).
 */
import type { NewEvent, StoredEvent } from '../port';

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isStoredEvent(value: unknown): value is StoredEvent {
	return (
		isRecord(value) &&
		typeof value.v === 'number' &&
		Number.isSafeInteger(value.v) &&
		value.v >= 1 &&
		typeof value.commandId === 'string' &&
		value.commandId.length > 0 &&
		typeof value.at === 'string' &&
		isRecord(value.actor) &&
		typeof value.actor.id === 'string' &&
		typeof value.actor.name === 'string' &&
		'event' in value
	);
}

/** The JSON of event `v` of command `commandId`; throws if the event could not be read back as a StoredEvent. */
export function encodeEvent(v: number, commandId: string, input: NewEvent): string {
	if (input.commandId !== commandId) {
		throw new Error(`Event commandId ${JSON.stringify(input.commandId)} differs from the append's ${JSON.stringify(commandId)}`);
	}
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
