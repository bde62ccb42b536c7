/**
 * Presence: who is connected to a room, across every instance. socket.io's `fetchSockets()` asks every
 * instance through the adapter, so with Redis the list covers the whole deployment. Changes are
 * debounced per room: a hundred walls joining at once cause one broadcast, not a hundred. The list names
 * every screen too, but goes only to the people in the room (see peopleChannel).
 */
import type { Logger } from '../log';
import type { PresenceMessage } from '../../src/lib/protocol';
import { peopleChannel, roomChannel, type AppServer } from './channels';

const DEBOUNCE_MS = 300;

export function createPresence(io: AppServer, log: Logger) {
	const pending = new Map<string, ReturnType<typeof setTimeout>>();

	/** Everyone in the room right now, one entry per client (a person with two tabs counts once). */
	async function list(roomId: string): Promise<PresenceMessage> {
		const sockets = await io.in(roomChannel(roomId)).fetchSockets();
		const people = new Map<string, PresenceMessage['people'][number]>();
		for (const s of sockets) {
			const { actor, kind, grants } = s.data;
			const role = grants && Object.hasOwn(grants, roomId) ? grants[roomId]! : null;
			if (actor && role) people.set(actor.id, { id: actor.id, name: actor.name, role, kind: kind ?? 'person' });
		}
		return { roomId, people: [...people.values()].sort((a, b) => a.name.localeCompare(b.name)) };
	}

	/** Schedules one presence broadcast to the room. */
	function changed(roomId: string): void {
		if (pending.has(roomId)) return;
		pending.set(
			roomId,
			setTimeout(() => {
				pending.delete(roomId);
				list(roomId)
					.then((message) => io.to(peopleChannel(roomId)).emit('room:presence', message))
					.catch((error: unknown) => log.warn({ roomId, err: String(error) }, 'presence lookup failed'));
			}, DEBOUNCE_MS)
		);
	}

	return {
		list,
		changed,
		close() {
			for (const timer of pending.values()) clearTimeout(timer);
			pending.clear();
		}
	};
}

export type Presence = ReturnType<typeof createPresence>;
