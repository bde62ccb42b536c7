/**
 * Taking part from one's own device, for the screens: the check-in link, what a vote is taken on, the
 * words every screen uses about a vote, and the top items that go on to a fix team's charter.
 */
import { openVote, rankedResults, type RoomState, type Session, type Vote } from '$lib/domain';
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

/** The session's vote still taking ballots, else the last one revealed, else null. */
export function currentVote(session: Session | null): Vote | null {
	// Not findLast: walls run older Chromium engines.
	return openVote(session) ?? [...(session?.votes ?? [])].reverse().find((v) => v.revealedAt !== null) ?? null;
}

/** "2 of 5 checked-in people have voted." */
export function turnoutSentence(vote: Vote, session: Session): string {
	const n = vote.voters.length;
	const of = Math.max(session.checkIns.length, n);
	return `${new Intl.NumberFormat().format(n)} of ${new Intl.NumberFormat().format(of)} checked-in ${of === 1 ? 'person has' : 'people have'} voted.`;
}

/** "3 votes each, several on one item allowed." */
export function rulesSentence(vote: Pick<Vote, 'votesEach' | 'severalOnOne'>): string {
	const each = `${new Intl.NumberFormat().format(vote.votesEach)} ${vote.votesEach === 1 ? 'vote' : 'votes'} each`;
	return vote.severalOnOne ? `${each}; you may put several on one item.` : `${each}; at most one on any item.`;
}

/** "5 votes" */
export const votesLabel = (n: number) => `${new Intl.NumberFormat().format(n)} ${n === 1 ? 'vote' : 'votes'}`;

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
