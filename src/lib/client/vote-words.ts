/**
 * The words every screen uses about a vote, in one place. Zod-free (the wall imports it).
 */
import { openVote } from '$lib/domain/votes';
import type { Session, Vote } from '$lib/domain/model';

/** The session's vote still taking ballots, else the last one revealed, else null. */
export function currentVote(session: Session | null): Vote | null {
	// Not findLast: walls run older Chromium engines.
	return openVote(session) ?? [...(session?.votes ?? [])].reverse().find((v) => v.revealedAt !== null) ?? null;
}

/** How long a revealed vote fills the walls before they go back to the board (the desk keeps it). */
export const WALL_RESULTS_MS = 5 * 60_000;

/** The revealed vote the walls show now, ranked, or null (none, one open, or revealed long enough ago). */
export function resultsOnWalls(session: Session | null, serverNowMs: number): Vote | null {
	const vote = currentVote(session);
	if (!vote?.revealedAt || !vote.results) return null;
	return serverNowMs - Date.parse(vote.revealedAt) < WALL_RESULTS_MS ? vote : null;
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
