/**
 * Which months complaints are compared on, shared by the board, the wall and the facilitator's ranking,
 * so a category's signal is the same on every screen.
 *
 * A month that has barely begun is not "this month": a November file with two rows from early December
 * would otherwise read "2 in Dec, from 118 in Nov" with a green arrow. So the month compared is the
 * latest *complete* month with counts, by the clock (the server's, on every screen), never by the data's
 * own last month; the month in progress is shown beside it as "so far", and takes no part in trends or
 * signals.
 */
import type { ComplaintCategory, RoomState } from '$lib/domain';
import { nextPeriod, previousPeriod } from './format';

/** How many months a series looks back (an XmR chart wants about a year of points). */
export const SERIES_MONTHS = 12;

/** The months complaints are read on: the last complete one, and the one in progress by the clock. */
export interface ComplaintPeriods {
	/** The latest complete month with counts (or, when only the month in progress has any, the month before it). */
	compared: string;
	/** The month the clock is in (YYYY-MM, UTC). */
	inProgress: string;
	/** Whether any category has counts in the month in progress (then screens show "so far"). */
	inProgressHasCounts: boolean;
}

/** The month (YYYY-MM, UTC) a clock reading in ms since the epoch falls in. */
export function periodAt(nowMs: number): string {
	return new Date(nowMs).toISOString().slice(0, 7);
}

/** The start of the month (UTC) a clock reading falls in: a value that changes once a month, for screens that tick. */
export function monthStart(nowMs: number): number {
	return Date.parse(`${periodAt(nowMs)}-01T00:00:00Z`);
}

/**
 * The months complaints are compared on at `nowMs` (the clock, not the data's last month), or null when
 * no category has counts up to the month in progress. Counts dated after the month in progress are ignored.
 */
export function complaintPeriods(state: RoomState, nowMs: number): ComplaintPeriods | null {
	const inProgress = periodAt(nowMs);
	let compared: string | null = null;
	let inProgressHasCounts = false;
	for (const c of Object.values(state.complaints)) {
		for (const p of Object.keys(c.counts)) {
			if (p === inProgress) inProgressHasCounts = true;
			else if (p < inProgress && (compared === null || p > compared)) compared = p;
		}
	}
	if (compared === null && !inProgressHasCounts) return null;
	return { compared: compared ?? previousPeriod(inProgress), inProgress, inProgressHasCounts };
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
