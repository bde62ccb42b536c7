/**
 * The KPI and survey tabs' rules, pure: who may do what, what a removal takes with it (as `evolve`
 * does it), and reading the numbers typed into a form. No Svelte, no I/O, so each is unit tested.
 */
import { mayIssue } from '$lib/domain/roles';
import type { Role } from '$lib/domain/model';
import type { RoomState } from '$lib/domain';

export interface KpiAbilities {
	/** Add, edit, reorder KPIs and surveys; enter values, distributions and quotes. */
	edit: boolean;
	/** Remove a KPI or a survey (facilitators). */
	remove: boolean;
	/** What this role cannot do here, in words, or null. */
	limits: string | null;
}

export function kpiAbilities(role: Role | null): KpiAbilities {
	const edit = role !== null && mayIssue(role, 'kpi.define') && mayIssue(role, 'survey.define');
	const remove = role !== null && mayIssue(role, 'kpi.remove') && mayIssue(role, 'survey.remove');
	return {
		edit,
		remove,
		limits:
			edit && !remove
				? 'As a contributor you can add, edit and reorder, and enter values; only a facilitator removes a KPI or a survey.'
				: null
	};
}

/** Whether a role may add KPIs and surveys: the "Add a KPI" links on the board, wall, facilitate and team pages. */
export const mayAddKpis = (role: Role | null): boolean => role !== null && mayIssue(role, 'kpi.define');
export const mayAddSurveys = (role: Role | null): boolean => role !== null && mayIssue(role, 'survey.define');

/** Where a room's KPIs and surveys are curated. */
export const curateKpisHref = (roomId: string, stageId?: string | null) =>
	`/rooms/${encodeURIComponent(roomId)}/curate?tab=kpis${stageId ? `&add=${encodeURIComponent(stageId)}` : ''}`;
export const curateSurveysHref = (roomId: string, stageId?: string | null) =>
	`/rooms/${encodeURIComponent(roomId)}/curate?tab=surveys${stageId ? `&add=${encodeURIComponent(stageId)}` : ''}`;

/** What removing a KPI takes with it: its values, and the links fix teams hold to it (the teams stay). */
export function kpiRemoval(state: RoomState, kpiId: string): { points: number; teams: string[]; spotlit: boolean } {
	const kpi = Object.hasOwn(state.kpis, kpiId) ? state.kpis[kpiId] : undefined;
	return {
		points: kpi?.points.length ?? 0,
		teams: Object.values(state.teams)
			.filter((t) => t.links.kpis.includes(kpiId))
			.map((t) => t.name),
		spotlit: state.spotlight?.target.kind === 'kpi' && state.spotlight.target.id === kpiId
	};
}

/** What removing a survey takes with it: months of responses, quotes, and fix teams' links. */
export function surveyRemoval(
	state: RoomState,
	surveyId: string
): { months: number; responses: number; quotes: number; teams: string[] } {
	const survey = Object.hasOwn(state.surveys, surveyId) ? state.surveys[surveyId] : undefined;
	const months = Object.keys(survey?.responses ?? {}).length;
	let responses = 0;
	for (const counts of Object.values(survey?.responses ?? {})) for (const c of counts) responses += c;
	return {
		months,
		responses,
		quotes: survey?.verbatims.length ?? 0,
		teams: Object.values(state.teams)
			.filter((t) => t.links.surveys.includes(surveyId))
			.map((t) => t.name)
	};
}

/**
 * A number typed into a field: "81.5", "81,5", "-3", " 1 200 " (spaces group thousands). Empty is null;
 * anything else that is not a number is `bad`.
 */
export function parseFieldNumber(text: string): { ok: true; value: number | null } | { ok: false } {
	let t = '';
	for (const ch of text) if (ch.trim() !== '') t += ch;
	if (t === '') return { ok: true, value: null };
	if (t.length > 40) return { ok: false };
	const commas = t.split(',').length - 1;
	if (commas === 1 && !t.includes('.')) t = t.replace(',', '.');
	else if (commas > 0) t = t.replaceAll(',', '');
	const value = Number(t);
	return Number.isFinite(value) && t !== '-' && t !== '.' ? { ok: true, value } : { ok: false };
}
