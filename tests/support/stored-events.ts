/** Events as the engine hands them to a store: numbered from `after + 1`, each carrying its index. */
import type { StoredEvent } from '../../server/store/port';

/** `count` events of one command appended at version `after`, each carrying its index so reads can be checked. */
export function eventsFor(commandId: string, count = 1, after = 0): StoredEvent[] {
	return Array.from({ length: count }, (_, index) => ({
		v: after + 1 + index,
		commandId,
		at: '2024-05-01T10:00:00.000Z',
		actor: { id: 'u1', name: 'Ada' },
		event: { type: 'note.added', commandId, index }
	}));
}
