/**
 * The Journey tab's rules, pure: what a stage holds, what removing a stage or a touchpoint really does
 * (as `decide` and `evolve` do it), and who may do what. No Svelte, no I/O, so each is unit tested.
 * (Reordering is in reorder.ts; scores and gaps in scores.ts; refusals in words in client/command-error.ts.)
 */
import { own } from '$lib/domain/basics';
import { mayIssue } from '$lib/domain/decide';
import type { Role } from '$lib/domain/model';
import type { CommandType, RoomState } from '$lib/domain';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Joins phrases as English does: "a", "a and b", "a, b and c". */
export function listPhrase(parts: readonly string[]): string {
	if (parts.length <= 1) return parts[0] ?? '';
	return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------
// What a stage holds
// ---------------------------------------------------------------------------------------------

export interface StageContents {
	touchpoints: number;
	artifacts: number;
	complaints: number;
	kpis: number;
	surveys: number;
	teams: number;
	wins: number;
}

const CONTENT_WORDS: ReadonlyArray<[keyof StageContents, string, string]> = [
	['touchpoints', 'touchpoint', 'touchpoints'],
	['artifacts', 'artifact', 'artifacts'],
	['complaints', 'complaint category', 'complaint categories'],
	['kpis', 'KPI', 'KPIs'],
	['surveys', 'survey', 'surveys'],
	['teams', 'fix team', 'fix teams'],
	['wins', 'win', 'wins']
];

/** How many of each kind of thing hang under a stage. */
export function stageContents(state: RoomState, stageId: string): StageContents {
	const count = (record: Readonly<Record<string, { stageId: string }>>) => {
		let n = 0;
		for (const item of Object.values(record)) if (item.stageId === stageId) n++;
		return n;
	};
	return {
		touchpoints: count(state.touchpoints),
		artifacts: count(state.artifacts),
		complaints: count(state.complaints),
		kpis: count(state.kpis),
		surveys: count(state.surveys),
		teams: count(state.teams),
		wins: count(state.wins)
	};
}

/** Everything a stage holds, added up. */
export const totalContents = (c: StageContents): number => CONTENT_WORDS.reduce((n, [key]) => n + c[key], 0);

/** The non-zero counts, in words: ["2 touchpoints", "1 complaint category"]. */
export function contentPhrases(c: StageContents): string[] {
	return CONTENT_WORDS.filter(([key]) => c[key] > 0).map(([key, one, many]) => plural(c[key], one, many));
}

// ---------------------------------------------------------------------------------------------
// Removing a stage
// ---------------------------------------------------------------------------------------------

export type StageRemoval =
	| {
			/** The room refuses to remove a stage that holds anything (decide: "so nothing is lost"). */
			allowed: false;
			stageName: string;
			contents: StageContents;
			/** "3 touchpoints", "1 KPI", ... */
			holds: string[];
	  }
	| {
			allowed: true;
			stageName: string;
			/** What else changes when it goes, in sentences (evolve's `stage.removed`). */
			alsoChanges: string[];
	  };

/** What removing a stage would do, exactly as `decide` and `evolve` would do it. */
export function stageRemoval(state: RoomState, stageId: string): StageRemoval {
	const stageName = own(state.stages, stageId)?.name ?? stageId;
	const contents = stageContents(state, stageId);
	if (totalContents(contents) > 0) return { allowed: false, stageName, contents, holds: contentPhrases(contents) };

	const alsoChanges: string[] = [];
	const session = state.session;
	if (session) {
		const which = session.endedAt ? 'the last session' : 'the running session';
		if (session.agenda.includes(stageId)) alsoChanges.push(`It comes off the agenda of ${which}, “${session.title}”.`);
		if (session.currentStageId === stageId)
			alsoChanges.push(`${session.endedAt ? 'The last session' : 'The running session'} stops focusing on it.`);
	}
	const screens = Object.values(state.displays).filter((d) => d.rotation.stageIds.includes(stageId));
	if (screens.length) {
		alsoChanges.push(
			`It leaves the stage rotation of ${plural(screens.length, 'screen', 'screens')}: ${listPhrase(screens.map((d) => d.name))}.`
		);
	}
	if (state.spotlight?.target.kind === 'stage' && state.spotlight.target.id === stageId) {
		alsoChanges.push('It is in the spotlight now: every wall goes back to the board.');
	}
	// The room drops those rules with the stage: say so, so the next complaint import is not a surprise.
	const mapping = state.importMappings?.complaints;
	if (
		mapping?.kind === 'complaints' &&
		(mapping.defaultStageId === stageId || mapping.stageRules.some((r) => r.stageId === stageId))
	) {
		alsoChanges.push(
			'The saved complaint import settings send rows to it: those rules are dropped, and the next complaint import asks where such rows go.'
		);
	}
	return { allowed: true, stageName, alsoChanges };
}

// ---------------------------------------------------------------------------------------------
// Removing a touchpoint
// ---------------------------------------------------------------------------------------------

export interface TouchpointRemoval {
	/** Artifacts, complaint categories, KPIs and surveys tied to it: they stay on the stage, untied. */
	detached: string[];
	/** Fix teams that link it: the link is dropped, the team stays. */
	teams: string[];
}

/** What removing a touchpoint would do (evolve's `touchpoint.removed`). */
export function touchpointRemoval(state: RoomState, touchpointId: string): TouchpointRemoval {
	const tied = (record: Readonly<Record<string, { touchpointId: string | null }>>) =>
		Object.values(record).filter((x) => x.touchpointId === touchpointId).length;
	const counts: StageContents = {
		touchpoints: 0,
		artifacts: tied(state.artifacts),
		complaints: tied(state.complaints),
		kpis: tied(state.kpis),
		surveys: tied(state.surveys),
		teams: 0,
		wins: 0
	};
	const teams = Object.values(state.teams)
		.filter((t) => t.links.touchpoints.includes(touchpointId))
		.map((t) => t.name);
	return { detached: contentPhrases(counts), teams };
}

// ---------------------------------------------------------------------------------------------
// Who may do what
// ---------------------------------------------------------------------------------------------

export interface JourneyAbilities {
	add: boolean;
	edit: boolean;
	move: boolean;
	removeStage: boolean;
	addTouchpoint: boolean;
	editTouchpoint: boolean;
	assess: boolean;
	removeTouchpoint: boolean;
	/** What this role cannot do here, in a sentence, or null when it can do everything. */
	limits: string | null;
}

/** What a role may do on the Journey tab: the server's own role table (`mayIssue`). */
export function journeyAbilities(role: Role | null): JourneyAbilities {
	const may = (type: CommandType) => role !== null && mayIssue(role, type);
	const abilities = {
		add: may('stage.add'),
		edit: may('stage.update'),
		move: may('stage.move'),
		removeStage: may('stage.remove'),
		addTouchpoint: may('touchpoint.add'),
		editTouchpoint: may('touchpoint.update'),
		assess: may('touchpoint.assess'),
		removeTouchpoint: may('touchpoint.remove')
	};
	const cannot = [!abilities.removeStage && 'remove stages', !abilities.removeTouchpoint && 'remove touchpoints'].filter(
		(x): x is string => typeof x === 'string'
	);
	const limits = !abilities.add
		? 'You can look at the journey here, but changing it needs a contributor’s or facilitator’s invite link.'
		: cannot.length
			? `As a ${role}, you can add, edit and reorder; only a facilitator can ${listPhrase(cannot)}, so nothing is lost by accident.`
			: null;
	return { ...abilities, limits };
}
