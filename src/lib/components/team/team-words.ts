/** Words for fix-team statuses and update kinds, shared by the team and facilitator screens. */
export {
	TEAM_STATUS_WORD as STATUS_WORD,
	TEAM_STATUS_HINT as STATUS_HINT,
	TEAM_STATUS_PATH as STATUS_PATH,
	UPDATE_WORD
} from '$lib/client/words';

/** A page for a team. */
export const teamHref = (roomId: string, teamId: string) =>
	`/rooms/${encodeURIComponent(roomId)}/teams/${encodeURIComponent(teamId)}`;
