/**
 * What a wall shows of a room, computed with the wall's own functions, for tests that compare two states
 * as a wall would show them (the wall projection, src/lib/domain/projection.ts).
 */
import type { RoomState } from '../../src/lib/domain';
import { complaintPeriods } from '../../src/lib/client/complaint-periods';
import { newestQuotes, overdueByTeam, segmentState, wallStage } from '../../src/lib/components/wall/wall-data';

/** What corridor mode must never be sent, found in a corridor wall's copy; null when nothing. */
export function corridorLeak(s: RoomState): string | null {
	for (const item of [...Object.values(s.complaints), ...Object.values(s.surveys)]) {
		if (item.verbatims.length) return `a verbatim of ${item.id}`;
		if (item.tone) return `the tone counts of ${item.id}`;
	}
	for (const a of Object.values(s.artifacts)) {
		if (a.sensitive) return `the sensitive artifact ${a.id}`;
		if (a.transcript) return `the transcript of ${a.id}`;
	}
	return null;
}

/**
 * What the wall shows of a room, through the wall's own functions: every stage's column (its ladder,
 * complaints, KPIs, surveys, teams, wins, artifacts, health, newest quote) and what each spotlight takes
 * of the lists the wall projection shortens (two quotes, the last maturity change, three team updates).
 */
export function wallShows(room: RoomState, segment: string | null, nowMs: number, corridor: boolean) {
	const view = segmentState(room, segment);
	const period = complaintPeriods(view, nowMs);
	const columns = view.stageOrder.map((id) => {
		const stage = wallStage(view, id, period, corridor);
		return { stage, quote: corridor ? [] : newestQuotes(stage.items, 1) };
	});
	const spotlights = {
		complaints: Object.values(view.complaints).map((c) => c.verbatims.slice(0, 2)),
		surveys: Object.values(view.surveys).map((s) => s.verbatims.slice(0, 2)),
		touchpoints: Object.values(view.touchpoints).map((t) => t.history[0] ?? null),
		teams: Object.values(view.teams).map((t) => t.updates.slice(0, 3))
	};
	return asCardsRead({ columns, spotlights, overdue: overdueByTeam(view, new Date(nowMs).toISOString().slice(0, 10)) });
}

/**
 * `shown` with each entity's lists cut to what a wall card reads of them (the quotes of a category or a
 * survey, two at most; the last maturity change; three team updates; no tone counts or status history),
 * so the comparison is of what is on screen, not of the entities the cards are handed.
 */
function asCardsRead(shown: unknown): unknown {
	return JSON.parse(JSON.stringify(shown), (key, value: unknown) => {
		if (key === 'tone' || key === 'statusHistory') return undefined;
		if (key === 'verbatims' && Array.isArray(value)) return value.slice(0, 2);
		if (key === 'history' && Array.isArray(value)) return value.slice(0, 1);
		if (key === 'updates' && Array.isArray(value)) return value.slice(0, 3);
		return value;
	}) as unknown;
}
