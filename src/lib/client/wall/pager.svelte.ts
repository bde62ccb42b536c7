/**
 * The wall's one clock: it turns column pages and moves across screens of stages, so nothing on a TV
 * ever needs a scrollbar or a click.
 *
 * - Every `pageSec` the columns turn a page (`turn` grows by one; a column shows page `turn % pages`);
 *   a column with many pages turns faster (never under 6 s) so one screen stays at most about 75 s.
 * - A screen of stages stays until its longest column has shown every page (at least two turns), then
 *   the next screen comes. In rotation mode each screen is one stage, shown `rotateSec` seconds in all.
 * - A change holds the screen that shows it for a full round; a pin (a `screen` URL option, or the
 *   stage the session is on) stops the screens from moving at all.
 */
import { own } from '$lib/domain/basics';

export interface PagerTiming {
	/** Seconds per column page. */
	pageSec: number;
	/** Seconds per stage in rotation mode; null for the column view. */
	rotateSec: number | null;
}

/** A page never turns faster than this, however many pages a stage has. */
const MIN_PAGE_SEC = 6;
/** In the column view, pages turn faster (down to MIN_PAGE_SEC) so a screen stays no longer than this. */
const MAX_SCREEN_SEC = 75;

export class WallPager {
	/** Index of the screen of stages on show. */
	screen = $state(0);
	/** Page turns since this screen came up. */
	turn = $state(0);
	/** The wall's clock (ms since epoch), ticking every second: data age, session timer. */
	now = $state(Date.now());

	#timing: PagerTiming;
	#screens: string[][] = [[]];
	#pinned: number | null = null;
	/** Pages per stage column, as last measured (not reactive: `screenPages` is read on each turn). */
	#pages: Record<string, number> = {};
	#elapsed = 0;
	#turnsHere = 0;

	constructor(timing: PagerTiming) {
		this.#timing = timing;
	}

	/** New timing (a facilitator changed the screen's rotation); takes effect from the next beat. */
	setTiming(timing: PagerTiming): void {
		this.#timing = timing;
	}

	/** Starts the heartbeat; returns the function that stops it. */
	start(): () => void {
		const timer = setInterval(() => this.#beat(), 1000);
		return () => clearInterval(timer);
	}

	/** The screens of stage ids, left to right; keeps the current screen when it still exists. */
	setScreens(screens: string[][]): void {
		this.#screens = screens.length ? screens : [[]];
		if (this.#pinned !== null && this.#clamp(this.#pinned) !== this.screen) this.#show(this.#clamp(this.#pinned));
		else if (this.screen >= this.#screens.length) this.#show(0);
	}

	/** Pins a screen (null releases it). */
	pin(index: number | null): void {
		// Kept as asked: the screens may not have arrived yet (clamped when shown).
		this.#pinned = index;
		if (index !== null && this.#clamp(index) !== this.screen) this.#show(this.#clamp(index));
	}

	/** A column says how many pages it needs. */
	report(stageId: string, pages: number): void {
		this.#pages[stageId] = Math.max(1, pages);
	}

	/** Brings the screen holding this stage up and keeps it for a full round (unless pinned elsewhere). */
	focus(stageId: string): void {
		const index = this.#screens.findIndex((s) => s.includes(stageId));
		if (index < 0 || (this.#pinned !== null && index !== this.#clamp(this.#pinned))) return;
		if (index !== this.screen) this.#show(index);
		this.#elapsed = 0;
		this.#turnsHere = 0;
	}

	get screenCount(): number {
		return this.#screens.length;
	}

	#clamp(index: number): number {
		return Math.min(Math.max(0, index), this.#screens.length - 1);
	}

	#show(index: number): void {
		this.screen = index;
		this.turn = 0;
		this.#elapsed = 0;
		this.#turnsHere = 0;
	}

	#maxPages(): number {
		let max = 1;
		for (const id of this.#screens[this.screen] ?? []) max = Math.max(max, own(this.#pages, id) ?? 1);
		return max;
	}

	#beat(): void {
		this.now = Date.now();
		const pages = this.#maxPages();
		const { pageSec, rotateSec } = this.#timing;
		const perPage =
			rotateSec === null
				? Math.min(pageSec, Math.max(MIN_PAGE_SEC, Math.floor(MAX_SCREEN_SEC / pages)))
				: Math.max(MIN_PAGE_SEC, Math.floor(rotateSec / pages));
		this.#elapsed += 1;
		if (this.#elapsed < perPage) return;
		this.#elapsed = 0;
		this.#turnsHere += 1;
		const round = rotateSec === null ? Math.max(2, pages) : pages;
		const mayMove = this.#pinned === null && this.#screens.length > 1;
		if (mayMove && this.#turnsHere >= round) this.#show((this.screen + 1) % this.#screens.length);
		else this.turn += 1;
	}
}
