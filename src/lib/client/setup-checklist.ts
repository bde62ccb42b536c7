/**
 * The first hour of a room: what a new room still needs before it is worth putting on a wall. Each item
 * ticks itself from the room's state (nothing to mark by hand) and names the page where it is done, so
 * the checklist on the board and in Curate is both a plan and a set of shortcuts.
 */
import type { RoomState } from '$lib/domain';

export type SetupItemId = 'stages' | 'touchpoints' | 'moments' | 'kpis' | 'evidence' | 'people' | 'screens';

export interface SetupItem {
	id: SetupItemId;
	done: boolean;
	/** What to do, as one sentence (the item's label). */
	title: string;
	/** Where the room stands on it, as one sentence. */
	detail: string;
	/** Where it is done, relative to the room's address (`curate?tab=journey`, `access`). */
	href: string;
	/** The link's text. */
	action: string;
}

/** The steps about the room's content (the rest are about people and screens). */
export const CONTENT_STEPS: ReadonlySet<SetupItemId> = new Set(['stages', 'touchpoints', 'moments', 'kpis', 'evidence']);

/** What the checklist needs to know beyond the room's state: whether invite links exist (null: unknown). */
export interface SetupContext {
	/** True when a contributor's or viewer's invite link has been made; null when this person cannot see links. */
	invited: boolean | null;
}

/** A room has a journey worth showing with at least this many stages. */
export const MIN_STAGES = 3;
/** The top 10-20 rule: a handful of moments of truth, never every touchpoint. */
export const MAX_MOMENTS = 20;

const count = (n: number, one: string, many: string) => (n === 1 ? one : many).replace('{n}', new Intl.NumberFormat().format(n));

/** The checklist of a room, in the order a curator works through it. */
export function setupChecklist(state: RoomState, context: SetupContext): SetupItem[] {
	const stages = state.stageOrder.filter((id) => state.stages[id]);
	const touchpoints = Object.values(state.touchpoints);
	const bare = stages.filter((id) => !touchpoints.some((t) => t.stageId === id));
	const moments = touchpoints.filter((t) => t.momentOfTruth);
	const kpis = Object.values(state.kpis);
	const unmeasured = moments.filter((m) => !kpis.some((k) => k.touchpointId === m.id));
	const evidence = {
		complaints: Object.keys(state.complaints).length,
		artifacts: Object.keys(state.artifacts).length,
		surveys: Object.keys(state.surveys).length
	};
	const screens = Object.keys(state.displays).length;

	return [
		{
			id: 'stages',
			done: stages.length >= MIN_STAGES,
			title: 'Name the stages of the journey, in your customers’ words.',
			detail:
				stages.length >= MIN_STAGES
					? count(stages.length, 'The journey has {n} stage.', 'The journey has {n} stages.')
					: stages.length === 0
						? 'The journey has no stages yet; most journeys have three to eight.'
						: count(
								stages.length,
								'The journey has {n} stage; most journeys have three to eight.',
								'The journey has {n} stages; most journeys have three to eight.'
							),
			href: 'curate?tab=journey',
			action: 'Open the journey'
		},
		{
			id: 'touchpoints',
			done: stages.length > 0 && bare.length === 0,
			title: 'Add the touchpoints where customers meet you in each stage.',
			detail:
				stages.length === 0
					? 'Touchpoints belong to stages: add a stage first.'
					: bare.length === 0
						? count(touchpoints.length, 'Every stage has touchpoints ({n} in all).', 'Every stage has touchpoints ({n} in all).')
						: count(bare.length, '{n} stage has no touchpoint yet.', '{n} stages have no touchpoint yet.'),
			href: 'curate?tab=journey',
			action: 'Add touchpoints'
		},
		{
			id: 'moments',
			done: moments.length > 0 && moments.length <= MAX_MOMENTS,
			title: 'Mark the moments of truth: the handful of touchpoints that make or break the experience.',
			detail:
				moments.length === 0
					? 'No touchpoint is marked as a moment of truth yet.'
					: moments.length > MAX_MOMENTS
						? count(
								moments.length,
								'{n} moment of truth is marked.',
								'{n} moments of truth are marked: keep the ten to twenty that matter most.'
							)
						: count(moments.length, '{n} moment of truth is marked.', '{n} moments of truth are marked.'),
			href: 'curate?tab=journey',
			action: 'Mark moments of truth'
		},
		{
			id: 'kpis',
			done: moments.length > 0 && unmeasured.length === 0,
			title: 'Give every moment of truth a KPI, so the room sees whether it is getting better.',
			detail:
				moments.length === 0
					? 'Mark the moments of truth first; each then needs a KPI.'
					: unmeasured.length === 0
						? 'Every moment of truth has a KPI.'
						: count(unmeasured.length, '{n} moment of truth has no KPI yet.', '{n} moments of truth have no KPI yet.'),
			href: 'curate?tab=kpis',
			action: 'Add a KPI'
		},
		{
			id: 'evidence',
			done: evidence.complaints > 0 && evidence.artifacts > 0 && evidence.surveys > 0,
			title: 'Bring in the evidence: complaints, the artifacts customers receive, and survey results.',
			detail: evidenceDetail(evidence),
			href:
				evidence.complaints === 0
					? 'curate?tab=imports'
					: evidence.artifacts === 0
						? 'curate?tab=artifacts'
						: 'curate?tab=surveys',
			action: evidence.complaints === 0 ? 'Import complaints' : evidence.artifacts === 0 ? 'Add artifacts' : 'Add a survey'
		},
		{
			id: 'people',
			done: context.invited === true,
			title: 'Invite the people who run the room: fix-team members as contributors, everyone else as viewers.',
			detail:
				context.invited === null
					? 'The facilitator makes the invite links on the Access page.'
					: context.invited
						? 'An invite link has been made.'
						: 'No invite link has been made yet.',
			href: 'access',
			action: 'Invite people'
		},
		{
			id: 'screens',
			done: screens > 0,
			title: 'Pair a TV, so the room is on a wall where people pass.',
			detail:
				screens === 0 ? 'No screen is paired yet.' : count(screens, '{n} screen shows this room.', '{n} screens show this room.'),
			href: 'access',
			action: 'Pair a TV'
		}
	];
}

function evidenceDetail(e: { complaints: number; artifacts: number; surveys: number }): string {
	const missing = [
		e.complaints === 0 ? 'complaints' : null,
		e.artifacts === 0 ? 'artifacts' : null,
		e.surveys === 0 ? 'surveys' : null
	].filter((x) => x !== null);
	// Whole sentences per case, so each can be translated as it stands.
	if (missing.length === 0) return 'The room has complaints, artifacts and surveys.';
	if (missing.length === 3) return 'The room has no complaints, artifacts or surveys yet.';
	if (missing.length === 2) {
		if (e.complaints > 0) return 'The room has complaints, but no artifacts or surveys yet.';
		if (e.artifacts > 0) return 'The room has artifacts, but no complaints or surveys yet.';
		return 'The room has surveys, but no complaints or artifacts yet.';
	}
	if (e.complaints === 0) return 'The room has artifacts and surveys, but no complaints yet.';
	if (e.artifacts === 0) return 'The room has complaints and surveys, but no artifacts yet.';
	return 'The room has complaints and artifacts, but no surveys yet.';
}

/** Whether the room still needs setting up: any item not done. */
export const needsSetup = (items: readonly SetupItem[]) => items.some((i) => !i.done);
