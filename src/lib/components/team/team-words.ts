/** Words for fix-team statuses and update kinds, shared by the team and facilitator screens. */
import type { TeamStatus, TeamUpdateKind } from '$lib/domain';

export const STATUS_WORD: Record<TeamStatus, string> = {
	chartered: 'Chartered',
	investigating: 'Investigating',
	fixing: 'Fixing',
	verifying: 'Verifying',
	won: 'Won',
	stalled: 'Stalled',
	disbanded: 'Disbanded'
};

/** The usual path of a fix team, in order; stalled and disbanded sit beside it. */
export const STATUS_PATH: readonly TeamStatus[] = ['chartered', 'investigating', 'fixing', 'verifying', 'won'];

/** What each status means, for the status form. */
export const STATUS_HINT: Record<TeamStatus, string> = {
	chartered: 'The team exists; work has not started.',
	investigating: 'Finding the root cause: data, replays, interviews.',
	fixing: 'The change is agreed and being made.',
	verifying: 'The change is live; checking the numbers moved.',
	won: 'The target is reached (the facilitator usually marks a win).',
	stalled: 'Blocked: needs the sponsor or another department.',
	disbanded: 'Stopped without a fix.'
};

export const UPDATE_WORD: Record<TeamUpdateKind, string> = {
	finding: 'Finding',
	recommendation: 'Recommendation',
	result: 'Result',
	blocker: 'Blocker',
	note: 'Note'
};

/** A page for a team. */
export const teamHref = (roomId: string, teamId: string) =>
	`/rooms/${encodeURIComponent(roomId)}/teams/${encodeURIComponent(teamId)}`;
