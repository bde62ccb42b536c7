/**
 * The live half of the activity feed: a ring buffer of the items made from events this page applied.
 * The room store keeps only the last batch (`lastApplied`); this keeps the last `capacity` items, so a
 * page left open for days holds a bounded feed.
 */
import type { RecordedEvent, RoomState } from '$lib/domain';
import { liveItem, type ActivityItem } from './activity';

export class ActivityLog {
	/** Newest first, at most `capacity`. */
	items = $state.raw<ActivityItem[]>([]);
	readonly #capacity: number;
	#lastVersion = 0;

	constructor(capacity = 200) {
		this.#capacity = capacity;
	}

	/** Takes a batch of applied events (each seen once, by version) and the state after them. */
	take(events: readonly RecordedEvent[], state: RoomState): void {
		// A version below what we saw means the history was rewritten (restore): start over.
		if (state.version < this.#lastVersion) this.reset();
		const fresh: ActivityItem[] = [];
		for (const recorded of events) {
			if (recorded.v <= this.#lastVersion) continue;
			this.#lastVersion = recorded.v;
			const item = liveItem(recorded, state);
			if (item) fresh.push(item);
		}
		if (fresh.length) this.items = [...fresh.reverse(), ...this.items].slice(0, this.#capacity);
	}

	/** Forgets everything (the room's history was rewritten, or the page moved to another room). */
	reset(): void {
		this.items = [];
		this.#lastVersion = 0;
	}
}
