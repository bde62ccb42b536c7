/**
 * Win celebrations: every `win.marked` that arrives live plays once, full screen, for a fixed time;
 * wins marked together play one after the other. A wall that catches up after a long time away does not
 * replay old wins. "Live" is judged without trusting the TV's clock alone (TV clocks drift): a small
 * batch is what one command broadcasts; a big catch-up batch only celebrates wins the clock calls recent.
 */
import type { RecordedEvent, Win } from '$lib/domain';

/** A win older than this when it reaches the wall in a catch-up is shown on the board, not celebrated. */
const FRESH_MS = 5 * 60_000;
/** One command yields a handful of events; more than this in one batch is a catch-up. */
const LIVE_BATCH = 8;

export class Celebrations {
	/** The win on screen now, or null. */
	current = $state.raw<Win | null>(null);

	#durationMs: number;
	#queue: Win[] = [];
	#timer: ReturnType<typeof setTimeout> | undefined;

	constructor(durationSec: number) {
		this.#durationMs = durationSec * 1000;
	}

	/** Looks at a batch of applied events and queues the wins among them. */
	offer(events: readonly RecordedEvent[], now = Date.now()): void {
		const live = events.length <= LIVE_BATCH;
		for (const e of events) {
			if (e.event.type !== 'win.marked') continue;
			if (!live && now - Date.parse(e.at) > FRESH_MS) continue;
			this.#queue.push(e.event.win);
		}
		if (!this.current) this.#next();
	}

	/** A retracted win stops celebrating (and leaves the queue). */
	retract(winId: string): void {
		this.#queue = this.#queue.filter((w) => w.id !== winId);
		if (this.current?.id === winId) this.#next();
	}

	/** Stops the timer (the wall is going away). */
	stop(): void {
		clearTimeout(this.#timer);
		this.#queue = [];
		this.current = null;
	}

	#next(): void {
		clearTimeout(this.#timer);
		this.current = this.#queue.shift() ?? null;
		if (this.current) this.#timer = setTimeout(() => this.#next(), this.#durationMs);
	}
}
