/**
 * The session's countdown and the time per stop, in words: one home for how a timebox reads on the
 * walls, the desk and the minutes. Numbers go through Intl; each text is a whole sentence or label, so it
 * can be translated as one piece.
 */
import type { SessionTimer } from '$lib/domain';

/** The countdown shows large on the walls once this few seconds are left. */
export const LAST_MINUTE_SEC = 60;

const whole = new Intl.NumberFormat('en', { maximumFractionDigits: 0, useGrouping: false });
const twoDigits = new Intl.NumberFormat('en', { minimumIntegerDigits: 2, maximumFractionDigits: 0, useGrouping: false });
const minutesUnit = new Intl.NumberFormat('en', {
	style: 'unit',
	unit: 'minute',
	unitDisplay: 'short',
	maximumFractionDigits: 0
});

/** Where a countdown is: counting down, in its last minute, or past zero. */
export type TimerPhase = 'running' | 'last-minute' | 'over';

export interface Countdown {
	phase: TimerPhase;
	/** Whole seconds left (0 once past zero). */
	leftSec: number;
	/** Whole seconds past zero (0 before it). */
	overSec: number;
}

/** Where the session's timer stands at `nowMs` (the server's time, so every screen agrees). */
export function countdown(timer: Pick<SessionTimer, 'endsAt'>, nowMs: number): Countdown {
	const deltaMs = Date.parse(timer.endsAt) - nowMs;
	const leftSec = Math.max(0, Math.ceil(deltaMs / 1000));
	const overSec = Math.max(0, Math.floor(-deltaMs / 1000));
	const phase: TimerPhase = leftSec === 0 ? 'over' : leftSec <= LAST_MINUTE_SEC ? 'last-minute' : 'running';
	return { phase, leftSec, overSec };
}

/** Seconds as minutes and seconds: 80 -> "1:20", 3725 -> "62:05". */
export function clockText(seconds: number): string {
	const s = Math.max(0, Math.floor(seconds));
	return `${whole.format(Math.floor(s / 60))}:${twoDigits.format(s % 60)}`;
}

/** Seconds as whole minutes, rounded: 600 -> "10 min". */
export function minutesText(seconds: number): string {
	return minutesUnit.format(Math.round(seconds / 60));
}

/** The countdown past zero, as the walls and the desk show it: "+1:20 over". */
export function overText(overSec: number): string {
	return `+${clockText(overSec)} over`;
}

/** The label under the countdown: what the figure means. */
export function countdownLabel(c: Countdown, durationSec: number): string {
	if (c.phase !== 'over') return 'left in the timebox';
	return durationSec >= 60 ? `past the ${minutesText(durationSec)} timebox` : 'past the timebox';
}

/**
 * Whether the walls show the countdown large: in its last minute and the first minute past zero; after
 * that the header's "+m:ss over" is enough, and the board is not covered for the rest of the stage.
 */
export function showsLarge(c: Countdown): boolean {
	return c.phase === 'last-minute' || (c.phase === 'over' && c.overSec < LAST_MINUTE_SEC);
}

/** The countdown's figure: the time left, or the time over once past zero. */
export function countdownText(c: Countdown): string {
	return c.phase === 'over' ? overText(c.overSec) : clockText(c.leftSec);
}

/** One stop on the desk's agenda: "3:10 of 10 min", "12:10 of 10 min, 2:10 over", or "3:10 spent". */
export function stopTimeText(plannedSec: number | null, spentSec: number): string {
	if (plannedSec === null) return `${clockText(spentSec)} spent`;
	if (spentSec <= plannedSec) return `${clockText(spentSec)} of ${minutesText(plannedSec)}`;
	return `${clockText(spentSec)} of ${minutesText(plannedSec)}, ${overText(spentSec - plannedSec)}`;
}

/** Whether a stop has run past its timebox. */
export function isOverTime(plannedSec: number | null, spentSec: number): boolean {
	return plannedSec !== null && spentSec > plannedSec;
}

/** One stop in the minutes: "10 min planned, 12:10 spent, +2:10 over", or "3:10 spent" without a timebox. */
export function stopMinutesText(plannedSec: number | null, spentSec: number): string {
	if (plannedSec === null) return `${clockText(spentSec)} spent`;
	const planned = `${minutesText(plannedSec)} planned, ${clockText(spentSec)} spent`;
	return spentSec > plannedSec ? `${planned}, ${overText(spentSec - plannedSec)}` : planned;
}
