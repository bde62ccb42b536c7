/**
 * Which view of a screen's playlist is on show. The position comes from the server's clock, not from
 * when the page loaded: two TVs with the same playlist show the same view, and a TV that reloads picks
 * up where the others are.
 */
import type { PlaylistView } from '$lib/domain';

export interface PlaylistPosition {
	index: number;
	view: PlaylistView;
	/** Milliseconds until the next view. */
	remainingMs: number;
}

/** The view on show at `serverNow` (ms since the epoch), or null for an empty playlist (the journey only). */
export function playlistAt(views: readonly PlaylistView[], serverNow: number): PlaylistPosition | null {
	if (views.length === 0) return null;
	const cycleMs = views.reduce((sum, v) => sum + v.seconds * 1000, 0);
	let offset = ((serverNow % cycleMs) + cycleMs) % cycleMs;
	for (let index = 0; index < views.length; index++) {
		const length = views[index]!.seconds * 1000;
		if (offset < length) return { index, view: views[index]!, remainingMs: length - offset };
		offset -= length;
	}
	// Unreachable: the offset is below the cycle's length.
	return { index: 0, view: views[0]!, remainingMs: views[0]!.seconds * 1000 };
}
