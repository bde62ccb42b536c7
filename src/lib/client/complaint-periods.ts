/**
 * Which months complaints are compared on, shared by the board, the wall and the facilitator's ranking,
 * so a category's signal is the same on every screen.
 */
import type { ComplaintCategory, RoomState } from '$lib/domain';
import { latestPeriod, nextPeriod, previousPeriod } from './format';

/** How many months a series looks back (an XmR chart wants about a year of points). */
export const SERIES_MONTHS = 12;

/** The latest month with a complaint count anywhere in the room: the month complaints are compared on. */
export function latestComplaintPeriod(state: RoomState): string | null {
	let latest: string | null = null;
	for (const c of Object.values(state.complaints)) {
		const p = latestPeriod(c.counts);
		if (p !== null && (latest === null || p > latest)) latest = p;
	}
	return latest;
}

/** The monthly counts of a category over (at most) the last 12 months ending at `period`; missing months count 0. */
export function complaintSeries(category: ComplaintCategory, period: string): number[] {
	const periods = Object.keys(category.counts)
		.filter((p) => p <= period)
		.sort();
	const first = periods[0];
	if (first === undefined) return [];
	let start = period;
	for (let i = 1; i < SERIES_MONTHS && start > first; i++) start = previousPeriod(start);
	const out: number[] = [];
	for (let p = start; p <= period && out.length < SERIES_MONTHS; p = nextPeriod(p)) out.push(category.counts[p] ?? 0);
	return out;
}
