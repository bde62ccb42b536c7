/**
 * The wall's URL options (docs/wall.md lists them). A TV is set up once with a bookmarked URL, so every
 * option has a safe default and a bad value falls back to it instead of breaking the screen.
 *
 *   /rooms/demo/wall?mode=corridor&rotate=30&segment=Private%20clients
 */
import type { Display } from '$lib/domain';

export type WallMode = 'room' | 'corridor';

export interface WallOptions {
	/** `corridor` hides sensitive artifacts and every verbatim (complaints, surveys, call transcripts). */
	mode: WallMode;
	/** Seconds per stage when showing one stage at a time, larger; null shows the stage columns. */
	rotateSec: number | null;
	/** Stages to rotate through (empty: all, in the room's order). */
	rotateStageIds: string[];
	/**
	 * Only this customer segment's complaint counts, survey responses and verbatims. `all` shows every
	 * customer; without the option a wall shows the room's most profitable segment (see `segmentFor`).
	 */
	segment: string | null;
	/** How long a win celebration stays on screen, in seconds. */
	celebrateSec: number;
	/** Seconds per page when a column holds more than fits. */
	pageSec: number;
	/** Pins the wall to one screen of the journey (1-based) instead of paging across stages. */
	screen: number | null;
	/** Most stage columns on one screen before the wall pages across stages. */
	maxColumns: number;
	/** A registered display whose mode and rotation apply where the URL says nothing. */
	displayId: string | null;
}

export const DEFAULT_OPTIONS: WallOptions = {
	mode: 'room',
	rotateSec: null,
	rotateStageIds: [],
	segment: null,
	celebrateSec: 10,
	pageSec: 12,
	screen: null,
	maxColumns: 5,
	displayId: null
};

/** A whole number within bounds, or null when the value is missing or not a number. */
function bounded(raw: string | null, min: number, max: number): number | null {
	if (raw === null || raw.trim() === '') return null;
	const n = Number(raw);
	if (!Number.isFinite(n)) return null;
	return Math.min(max, Math.max(min, Math.round(n)));
}

/** Reads the options from a URL's query; unknown or malformed values keep their defaults. */
export function parseWallOptions(params: URLSearchParams): WallOptions {
	const mode = params.get('mode');
	const segment = params.get('segment')?.trim() ?? '';
	const display = params.get('display')?.trim() ?? '';
	return {
		mode: mode === 'corridor' ? 'corridor' : 'room',
		rotateSec: bounded(params.get('rotate'), 5, 3600),
		rotateStageIds: [],
		segment: segment && segment.toLowerCase() !== 'all' ? segment.slice(0, 60) : null,
		celebrateSec: bounded(params.get('celebrate'), 1, 120) ?? DEFAULT_OPTIONS.celebrateSec,
		pageSec: bounded(params.get('page'), 3, 600) ?? DEFAULT_OPTIONS.pageSec,
		screen: bounded(params.get('screen'), 1, 50),
		maxColumns: bounded(params.get('columns'), 1, 8) ?? DEFAULT_OPTIONS.maxColumns,
		displayId: /^[A-Za-z0-9_-]{1,64}$/.test(display) ? display : null
	};
}

/**
 * Applies a registered display's settings: what the pairing allows, which the URL may only narrow. A
 * technician's URL can make a room screen show corridor view, but not the reverse (the server sends a
 * corridor display only corridor data anyway); a display pinned to a segment, a screen of the journey or
 * a set of stages keeps it whatever the URL says, and the URL's choice applies only where the display
 * leaves it open. How things look (columns, page and celebration times, rotation speed) the URL may change.
 */
export function withDisplay(options: WallOptions, display: Display | undefined, params: URLSearchParams): WallOptions {
	if (!display) return options;
	const rotating = display.rotation.stageIds.length > 0;
	return {
		...options,
		mode: display.mode === 'corridor' || options.mode === 'corridor' ? 'corridor' : 'room',
		rotateSec: params.has('rotate') ? options.rotateSec : rotating ? display.rotation.intervalSec : options.rotateSec,
		rotateStageIds: rotating ? display.rotation.stageIds : options.rotateStageIds,
		segment: display.segment ?? options.segment,
		screen: display.screen ?? options.screen,
		maxColumns: params.has('columns') ? options.maxColumns : (display.columns ?? options.maxColumns)
	};
}

/** Whether the wall's segment comes from its settings (URL or display) rather than the room's lead segment. */
export const segmentChosen = (display: Display | undefined, params: URLSearchParams) =>
	params.has('segment') || (display?.segment ?? null) !== null;
