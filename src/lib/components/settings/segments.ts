/** The customer segments a room's data already carries, for the settings page to offer. */
import type { RoomState } from '$lib/domain';

/**
 * Segments that imports and quotes carry (complaint counts and survey responses per segment, verbatims
 * tagged with one) but the room does not name yet, in the order first met, each once.
 */
export function segmentsInData(state: RoomState): string[] {
	const named = new Set((state.meta?.segments ?? []).map((s) => s.toLowerCase()));
	const found = new Map<string, string>();
	const note = (segment: string | null) => {
		const key = segment?.toLowerCase();
		if (segment && key && !named.has(key) && !found.has(key)) found.set(key, segment);
	};
	for (const c of Object.values(state.complaints)) {
		Object.keys(c.bySegment).forEach(note);
		c.verbatims.forEach((v) => note(v.segment));
	}
	for (const s of Object.values(state.surveys)) {
		Object.keys(s.bySegment).forEach(note);
		s.verbatims.forEach((v) => note(v.segment));
	}
	return [...found.values()];
}
