/**
 * What the wall shows, computed from the room state: screens of stages, the segment view, the corridor
 * filter and the order of things under a stage (what hurts first). Pure, so the numbers match the
 * laptop board's (both build on board/stage-view.ts).
 */
import { compareIso, compareText, own } from '$lib/domain/basics';
import { overdueActions } from '$lib/domain/actions';
import type { Artifact, Maturity, RoomState, Touchpoint, Verbatim } from '$lib/domain';
import { healthOf, stageItems, type ComplaintPeriods, type StageItems } from '$lib/components/board/stage-view';
import type { StageHealthResult } from '$lib/domain/metrics';

/** Stage ids split into screens of at most `max` columns, as evenly as possible (7 by 6: 4 + 3). */
export function splitIntoScreens(stageIds: readonly string[], max: number): string[][] {
	if (stageIds.length === 0) return [[]];
	const screens = Math.ceil(stageIds.length / Math.max(1, max));
	const per = Math.ceil(stageIds.length / screens);
	const out: string[][] = [];
	for (let i = 0; i < stageIds.length; i += per) out.push(stageIds.slice(i, i + per));
	return out;
}

/**
 * The room as one customer segment sees it: complaint counts and survey distributions from `bySegment`,
 * verbatims from that segment only. Categories and surveys with no data for the segment drop out, so
 * every number on screen is about the segment (KPIs have no segments and stay as they are).
 */
export function segmentState(state: RoomState, segment: string | null): RoomState {
	if (!segment) return state;
	const complaints: RoomState['complaints'] = {};
	for (const [id, c] of Object.entries(state.complaints)) {
		const counts = own(c.bySegment, segment);
		if (!counts) continue;
		complaints[id] = { ...c, counts, verbatims: c.verbatims.filter((v) => v.segment === segment) };
	}
	const surveys: RoomState['surveys'] = {};
	for (const [id, s] of Object.entries(state.surveys)) {
		const responses = own(s.bySegment, segment);
		if (!responses) continue;
		surveys[id] = { ...s, responses, verbatims: s.verbatims.filter((v) => v.segment === segment) };
	}
	return { ...state, complaints, surveys };
}

/** The stage an entity belongs to, for any id a change or a spotlight can name; null when unknown. */
export function stageOfEntity(state: RoomState, id: string): string | null {
	if (own(state.stages, id)) return id;
	for (const record of [
		state.touchpoints,
		state.artifacts,
		state.complaints,
		state.kpis,
		state.surveys,
		state.teams,
		state.wins
	] as const) {
		const entity = own<{ stageId: string }>(record, id);
		if (entity) return entity.stageId;
	}
	return null;
}

const SEVERITY: Record<Maturity, number> = { broken: 0, unassessed: 1, reliable: 2, differentiating: 3 };

/** Moments of truth lead; then what is broken, then unknown, then what works. */
export function ladderOrder(a: Touchpoint, b: Touchpoint): number {
	return (
		Number(b.momentOfTruth) - Number(a.momentOfTruth) ||
		SEVERITY[a.maturity] - SEVERITY[b.maturity] ||
		compareText(a.name, b.name)
	);
}

export interface WallStage {
	items: StageItems;
	health: StageHealthResult;
}

/**
 * Everything under one stage on the wall. Corridor screens drop sensitive artifacts here; verbatims are
 * left out by the cards themselves (they receive `showVerbatims`).
 */
export function wallStage(state: RoomState, stageId: string, period: ComplaintPeriods | null, corridor: boolean): WallStage {
	const items = stageItems(state, stageId, period);
	const health = healthOf(items);
	return {
		items: {
			...items,
			touchpoints: [...items.touchpoints].sort(ladderOrder),
			artifacts: corridor ? items.artifacts.filter((a) => !a.sensitive) : items.artifacts,
			// KPIs that hurt first: red, then amber, then the rest.
			kpis: [...items.kpis].sort((a, b) => statusRank(a.status) - statusRank(b.status))
		},
		health
	};
}

const statusRank = (s: string) => (s === 'red' ? 0 : s === 'amber' ? 1 : 2);

/**
 * A short excerpt of a call transcript in the customer's words: the first line spoken by the customer
 * (transcripts read "AGENT: ..." / "CUSTOMER: ..."), else the start of the transcript.
 */
export function transcriptSnippet(transcript: string): string {
	const line = transcript.split('\n').find((l) => /^\s*customer\s*:/i.test(l));
	return (line ?? transcript).replace(/^\s*customer\s*:\s*/i, '').trim();
}

/** The newest customer quotes under a stage (complaints and surveys together), with what they are about. */
export function newestQuotes(items: StageItems, count: number): Array<{ verbatim: Verbatim; about: string }> {
	const all: Array<{ verbatim: Verbatim; about: string }> = [];
	for (const c of items.complaints) for (const v of c.category.verbatims) all.push({ verbatim: v, about: c.category.name });
	for (const s of items.surveys) for (const v of s.verbatims) all.push({ verbatim: v, about: `${s.kind.toUpperCase()} comment` });
	return all.sort((a, b) => compareIso(b.verbatim.date, a.verbatim.date)).slice(0, count);
}

/** Artifacts in display rows: pictures two to a row, calls and the rest one to a row. */
export function artifactRows(artifacts: readonly Artifact[]): Artifact[][] {
	const rows: Artifact[][] = [];
	let pending: Artifact | null = null;
	for (const a of artifacts) {
		if (a.kind === 'image') {
			if (pending) {
				rows.push([pending, a]);
				pending = null;
			} else pending = a;
		} else rows.push([a]);
	}
	if (pending) rows.push([pending]);
	return rows;
}

/**
 * How many blocks of each section a column shows when it may show at most `limit` blocks, the sections
 * taken in the order they stand (`sizes`: each section's number of blocks). A first render lays out only
 * what its first page can hold; the rest follows once that is painted.
 */
export function blockCounts(sizes: readonly number[], limit: number): number[] {
	let left = limit;
	return sizes.map((size) => {
		const shown = Math.max(0, Math.min(size, left));
		left -= shown;
		return shown;
	});
}

/** The first `count` of `list`: the same array when it holds no more than that. */
export function head<T>(list: readonly T[], count: number): readonly T[] {
	return list.length <= count ? list : list.slice(0, count);
}

/** How many overdue actions each fix team has on `today` (YYYY-MM-DD): the wall's team cards say so. */
export function overdueByTeam(state: Pick<RoomState, 'actions'>, today: string): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const action of overdueActions(state, today)) {
		if (action.teamId) counts[action.teamId] = (counts[action.teamId] ?? 0) + 1;
	}
	return counts;
}
