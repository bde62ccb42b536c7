/**
 * The room's customer segments as the board and the wall offer them: the most profitable customers
 * first ("not all customers are equal"), then the rest in the room's order.
 */
import { own } from '$lib/domain/basics';
import type { RoomState } from '$lib/domain';

/** The room's segments, its most profitable one first. */
export function segmentChoices(state: RoomState): string[] {
	const segments = state.meta?.segments ?? [];
	const lead = state.meta?.leadSegment ?? null;
	return lead && segments.includes(lead) ? [lead, ...segments.filter((s) => s !== lead)] : [...segments];
}

/** Whether any complaint count or survey response in the room is filed under `segment`. */
export function hasSegmentData(state: RoomState, segment: string): boolean {
	return (
		Object.values(state.complaints).some((c) => own(c.bySegment, segment) !== undefined) ||
		Object.values(state.surveys).some((s) => own(s.bySegment, segment) !== undefined)
	);
}

/**
 * The segment a wall shows when its link names none: the room's most profitable customers, once the
 * room has figures for them (a wall of a segment without data would be empty); otherwise every customer.
 */
export function leadingSegment(state: RoomState): string | null {
	const lead = state.meta?.leadSegment ?? null;
	return lead && hasSegmentData(state, lead) ? lead : null;
}
