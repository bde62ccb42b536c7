/**
 * Taking part from one's own device, for the screens: the check-in link, what a vote is taken on, the
 * words every screen uses about a vote, and the top items that go on to a fix team's charter.
 */
import { rankedResults } from '$lib/domain/votes';
import type { RoomState, Vote } from '$lib/domain/model';
export { currentVote, rulesSentence, turnoutSentence, votesLabel } from './vote-words';
import { rankLetdowns, type Letdown } from './evidence';

/** The short link the room's big screen shows while a session runs (it leads to the check-in page). */
export const checkInPath = (roomId: string) => `/in/${encodeURIComponent(roomId)}`;
/** The check-in page itself: where an attendee follows the session and votes. */
export const checkInPage = (roomId: string) => `/rooms/${encodeURIComponent(roomId)}/check-in`;

/** How many items a vote offers at most: the top of the desk's ranking. */
export const VOTE_ITEMS_STAGE = 8;
export const VOTE_ITEMS_ROOM = 10;
/** The default number of votes each person has. */
export const DEFAULT_VOTES_EACH = 3;
/** How many of the top items go on to "charter a fix team". */
export const TOP_ITEMS = 3;

/**
 * What a vote is taken on: a stage's let-downs as the desk ranks them, or for the whole room ("where we
 * let customers down") the strongest of every stage, strongest first.
 */
export function voteCandidates(state: RoomState, stageId: string | null, nowMs: number): Letdown[] {
	if (stageId) return rankLetdowns(state, stageId, nowMs).slice(0, VOTE_ITEMS_STAGE);
	return state.stageOrder
		.flatMap((id) => rankLetdowns(state, id, nowMs).slice(0, 3))
		.sort((a, b) => b.score - a.score)
		.slice(0, VOTE_ITEMS_ROOM);
}

/**
 * The revealed vote's top items that got votes, as the desk's let-downs (with their evidence and the
 * departments to suggest), ready for "charter a fix team". An item no longer ranked keeps its name.
 */
export function topVotedLetdowns(state: RoomState, vote: Vote, nowMs: number): Letdown[] {
	return rankedResults(vote)
		.filter((r) => r.tally.votes > 0)
		.slice(0, TOP_ITEMS)
		.map(({ item }) => {
			const ranked = rankLetdowns(state, item.stageId, nowMs).find((l) => l.kind === item.kind && l.id === item.id);
			return (
				ranked ?? {
					kind: item.kind,
					id: item.id,
					name: item.label,
					score: 0,
					reasons: [],
					figure: null,
					departments: [],
					coveredBy: [],
					momentOfTruth: false
				}
			);
		});
}
