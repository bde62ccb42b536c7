// Dot votes as the minutes and every screen read them: the tally and its ranking, the rules a ballot
// meets, and the minutes of a vote revealed or left sealed when the session ended.
import { describe, expect, it } from 'vitest';
import { projectState } from '../../src/lib/domain';
import { minutesMarkdown, minutesModel } from '../../src/lib/client/minutes';
import { PEOPLE, apply, command, contextFor, furnishedRoom, refusal } from '../support/factories';

const open = { ...command('vote.open'), severalOnOne: true, votesEach: 3 } as const;
const as = (role: 'facilitator' | 'contributor' | 'viewer') => contextFor(role);

function votedRoom() {
	let s = apply(furnishedRoom().state, command('session.start'));
	s = apply(s, open);
	s = apply(s, { type: 'vote.cast', voteId: 'vote-new', counts: [1, 2] }, as('contributor'));
	s = apply(s, { type: 'vote.cast', voteId: 'vote-new', counts: [0, 3] }, as('viewer'));
	return s;
}

describe('a vote', () => {
	it('ranks the reveal by votes, and puts it in the minutes', () => {
		const s = apply(votedRoom(), command('vote.reveal'));
		const vote = s.session!.votes[0]!;
		expect(vote.results!.map((r) => [r.id, r.votes, r.voters])).toEqual([
			['cat-1', 5, 2],
			['tp-1', 1, 1]
		]);
		const minutes = minutesModel(s)!;
		expect(minutes.votes![0]!.results!.map((r) => [r.rank, r.votes])).toEqual([
			[1, 5],
			[2, 1]
		]);
		expect(minutesMarkdown(s)).toMatch(/## Vote 1: .*\n\n.*2 people voted\.\n\n1\. .*: 5 votes/);
	});

	it('checks a voter in, and refuses a ballot over the allowance or from a screen', () => {
		const s = votedRoom();
		expect(s.session!.checkIns.map((c) => c.name)).toEqual([PEOPLE.contributor.name, PEOPLE.viewer.name]);
		expect(refusal(s, { type: 'vote.cast', voteId: 'vote-new', counts: [2, 2] }, as('contributor')).code).toBe('rule_violation');
		const screen = { ...contextFor('viewer'), actor: { ...PEOPLE.viewer, person: false } };
		expect(refusal(s, { type: 'vote.cast', voteId: 'vote-new', counts: [1, 0] }, screen).code).toBe('forbidden');
	});

	it('stays sealed when the session ends before the reveal: no audience is sent the ballots, the minutes say so', () => {
		const s = apply(votedRoom(), command('session.end'));
		for (const audience of ['full', 'viewer', 'corridor'] as const) {
			expect(projectState(s, audience).session!.votes[0]!.ballots).toEqual({});
		}
		expect(minutesModel(s)!.votes![0]!.results).toBeNull();
		expect(minutesMarkdown(s)).toContain('Not revealed: the session ended before the results were shown.');
	});

	it('can be cancelled while open: it leaves the session with its ballots, and the next vote can open', () => {
		const s = apply(votedRoom(), command('vote.cancel'));
		expect(s.session!.votes).toEqual([]);
		expect(minutesModel(s)!.votes ?? []).toEqual([]);
		expect(refusal(votedRoom(), command('vote.cancel'), as('contributor')).code).toBe('forbidden');
		const again = apply(s, { ...open, voteId: 'vote-again' });
		expect(again.session!.votes.map((v) => v.id)).toEqual(['vote-again']);
	});

	it('cannot be cancelled once revealed', () => {
		const s = apply(votedRoom(), command('vote.reveal'));
		const refused = refusal(s, command('vote.cancel'));
		expect(refused.code).toBe('conflict');
		expect(refused.message).toMatch(/revealed/);
	});
});
