/**
 * The words for the domain's statuses, in one place for every screen (board, wall, team page, curate,
 * minutes), so a label is changed, and later translated, once. Shapes and colours live with the
 * components that draw them; the word always travels with them, so meaning is never colour alone.
 */
import type { Maturity, TeamStatus, TeamUpdateKind } from '$lib/domain';

/** A fix team's status, as a label. */
export const TEAM_STATUS_WORD: Record<TeamStatus, string> = {
	chartered: 'Chartered',
	investigating: 'Investigating',
	fixing: 'Fixing',
	verifying: 'Verifying',
	won: 'Won',
	stalled: 'Stalled',
	disbanded: 'Disbanded'
};

/** What each team status means, for the status form. */
export const TEAM_STATUS_HINT: Record<TeamStatus, string> = {
	chartered: 'The team exists; work has not started.',
	investigating: 'Finding the root cause: data, replays, interviews.',
	fixing: 'The change is agreed and being made.',
	verifying: 'The change is live; checking the numbers moved.',
	won: 'The target is reached (the facilitator usually marks a win).',
	stalled: 'Blocked: needs the sponsor or another department.',
	disbanded: 'Stopped without a fix.'
};

/** The usual path of a fix team, in order; stalled and disbanded sit beside it. */
export const TEAM_STATUS_PATH: readonly TeamStatus[] = ['chartered', 'investigating', 'fixing', 'verifying', 'won'];

/** The kinds of a team update, as labels. */
export const UPDATE_WORD: Record<TeamUpdateKind, string> = {
	finding: 'Finding',
	recommendation: 'Recommendation',
	result: 'Result',
	blocker: 'Blocker',
	note: 'Note'
};

/** A touchpoint's rung on the maturity ladder, as a label. */
export const MATURITY_WORD: Record<Maturity, string> = {
	unassessed: 'Not assessed',
	broken: 'Broken',
	reliable: 'Reliable',
	differentiating: 'Differentiating'
};
