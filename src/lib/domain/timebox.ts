/**
 * The session's time: timeboxes planned per agenda stage and the time spent on each stop, derived from
 * the focus events. One home for these sums, so the desk, the walls and the minutes agree.
 */
import { own } from './basics';
import type { Session, SessionClock, SessionTimer } from './model';

/** One stop of a session with its time: planned (null without a timebox) and spent so far, in seconds. */
export interface StopTime {
	/** The stage, or null for the opening review of the open teams. */
	stageId: string | null;
	plannedSec: number | null;
	spentSec: number;
	/** Whether the session is on this stop now. */
	current: boolean;
}

/** Whole seconds from an ISO time to `nowMs`, never negative (clocks of two machines may disagree a little). */
function secondsSince(iso: string, nowMs: number): number {
	return Math.max(0, Math.floor((nowMs - Date.parse(iso)) / 1000));
}

/** The seconds already counted for a stop, without the stretch running now. */
function counted(clock: SessionClock, stageId: string | null): number {
	return stageId === null ? clock.openingSec : (own(clock.spentSec, stageId) ?? 0);
}

/**
 * Closes the stretch on the current stop at `at`: its seconds are added to that stop, and the next stretch
 * starts at `at` (or none starts, when `ended`). `evolve` calls it on every focus change and at the end,
 * with the event's recorded time.
 */
export function closeStretch(session: Session, at: string, ended = false): SessionClock {
	const { clock } = session;
	if (session.endedAt) return clock;
	const since = clock.focusedSince;
	const next = ended ? null : at;
	if (!since) return { ...clock, focusedSince: next };
	const total = counted(clock, session.currentStageId) + secondsSince(since, Date.parse(at));
	return session.currentStageId === null
		? { ...clock, openingSec: total, focusedSince: next }
		: { ...clock, spentSec: { ...clock.spentSec, [session.currentStageId]: total }, focusedSince: next };
}

/** Seconds spent on one stop up to `nowMs`, the running stretch included. */
export function spentOn(session: Session, stageId: string | null, nowMs: number): number {
	const running =
		session.clock.focusedSince && !session.endedAt && session.currentStageId === stageId
			? secondsSince(session.clock.focusedSince, nowMs)
			: 0;
	return counted(session.clock, stageId) + running;
}

/**
 * Time planned and spent for each stop of a session at `nowMs`: the opening review, the agenda's stages in
 * order, then any other stage the session turned to. The minutes show it; the desk shows it live.
 */
export function agendaTimes(session: Session, nowMs: number): StopTime[] {
	const visited = [...Object.keys(session.clock.spentSec), ...(session.currentStageId ? [session.currentStageId] : [])];
	const extra = visited.filter((id, i) => !session.agenda.includes(id) && visited.indexOf(id) === i);
	return [null, ...session.agenda, ...extra].map((stageId) => ({
		stageId,
		plannedSec: stageId === null ? null : (own(session.clock.plannedSec, stageId) ?? null),
		spentSec: spentOn(session, stageId, nowMs),
		current: !session.endedAt && session.currentStageId === stageId
	}));
}

/**
 * The countdown a stage's timebox starts when the session turns to it: what is left of the plan after
 * the time already spent there (already past zero when the plan is used up). Null without a timebox.
 */
export function timeboxTimer(session: Session, stageId: string | null, now: string): SessionTimer | null {
	const planned = stageId === null ? undefined : own(session.clock.plannedSec, stageId);
	if (planned === undefined) return null;
	const nowMs = Date.parse(now);
	const left = planned - spentOn(session, stageId, nowMs);
	return { durationSec: planned, endsAt: new Date(nowMs + left * 1000).toISOString() };
}
