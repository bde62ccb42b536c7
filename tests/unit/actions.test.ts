// Action items: the rules of decide (sources, owners, who marks done), overdue, the activity feed, the
// minutes (Markdown) and who the minutes are e-mailed to.
import { describe, expect, it } from 'vitest';
import { isOverdue, overdueActions, teamActions } from '../../src/lib/domain/actions';
import { historyItems, liveItem } from '../../src/lib/components/activity/activity';
import { minutesMarkdown, minutesRecipients } from '../../src/lib/client/minutes';
import { PEOPLE, apply, applyAll, command, contextFor, furnishedRoom, refusal, step } from '../support/factories';

const omar = { id: 'account-omar', name: 'Omar' };
const cole = { id: PEOPLE.contributor.id, name: PEOPLE.contributor.name };

/** A furnished room with a running session holding a decision. */
function withDecision() {
	return applyAll([command('session.start'), command('session.decide')], furnishedRoom().state);
}

describe('making actions', () => {
	it('makes an action of a decision of the running session, recorded in that session', () => {
		const state = apply(
			withDecision(),
			command('action.create', {
				actionId: 'a-dec',
				source: { kind: 'decision', sessionId: 'session-new', decisionId: 'dec-new' },
				teamId: null
			})
		);
		expect(state.actions['a-dec']).toMatchObject({
			owner: { id: 'account-pat', name: 'Pat' },
			due: '2026-04-30',
			doneAt: null,
			createdBy: PEOPLE.facilitator.name,
			sessionId: 'session-new'
		});
	});

	it('refuses a decision or a recommendation that does not exist, and a post that is not a recommendation', () => {
		const state = withDecision();
		expect(
			refusal(
				state,
				command('action.create', { source: { kind: 'decision', sessionId: 'session-new', decisionId: 'nope' }, teamId: null })
			).message
		).toBe('No such decision.');
		const finding = apply(state, command('team.post', { updateId: 'u-finding', kind: 'finding' }));
		expect(
			refusal(finding, command('action.create', { source: { kind: 'recommendation', teamId: 'team-1', updateId: 'u-finding' } }))
				.message
		).toBe('That post is a finding, not a recommendation.');
	});

	it('keeps an action of a recommendation with the team that made it', () => {
		const state = apply(withDecision(), command('team.charter'));
		expect(refusal(state, command('action.create', { teamId: 'team-new' })).message).toBe(
			'An action from a recommendation stays with the team that made it.'
		);
		expect(refusal(state, command('action.update', { teamId: null })).code).toBe('rule_violation');
	});

	it('lists a team its own actions, open first by due date', () => {
		const state = applyAll(
			[command('action.create', { actionId: 'a-late', due: '2026-06-01' }), command('action.complete', { actionId: 'action-1' })],
			furnishedRoom().state
		);
		expect(teamActions(state, 'team-1').map((a) => a.id)).toEqual(['a-late', 'action-1']);
	});
});

describe('who marks an action done', () => {
	it('its owner (a contributor), and a facilitator; not another contributor; never a viewer', () => {
		const state = furnishedRoom().state;
		expect(refusal(state, command('action.complete'), contextFor('contributor'))).toEqual({
			code: 'forbidden',
			message: 'Only Omar, who owns this action, or a facilitator can mark it done or open it again.'
		});
		expect(refusal(state, command('action.complete'), contextFor('viewer')).code).toBe('forbidden');

		const cole_s = apply(state, command('action.assign', { owner: cole }));
		const done = apply(cole_s, command('action.complete'), contextFor('contributor'));
		expect(done.actions['action-1']).toMatchObject({ doneBy: PEOPLE.contributor.name, doneAt: expect.any(String) });
		expect(refusal(done, command('action.complete'), contextFor('contributor')).message).toBe('This action is already done.');
		const reopened = apply(done, command('action.reopen'));
		expect(reopened.actions['action-1']).toMatchObject({ doneAt: null, doneBy: null });
		// Editing, handing out and removing stay a facilitator's, even for the owner.
		for (const type of ['action.update', 'action.assign', 'action.remove'] as const) {
			expect(refusal(cole_s, command(type), contextFor('contributor')).code).toBe('forbidden');
		}
	});

	it('says when an action already belongs to the person it is handed to', () => {
		expect(refusal(furnishedRoom().state, command('action.assign', { owner: omar })).message).toBe(
			'Omar already owns this action.'
		);
	});
});

describe('overdue', () => {
	it('is open and due before today; due today is not overdue yet, and done never is', () => {
		expect(isOverdue({ due: '2026-04-09', doneAt: null }, '2026-04-10')).toBe(true);
		expect(isOverdue({ due: '2026-04-10', doneAt: null }, '2026-04-10')).toBe(false);
		expect(isOverdue({ due: '2026-04-01', doneAt: '2026-04-05T10:00:00.000Z' }, '2026-04-10')).toBe(false);
		const state = furnishedRoom().state;
		expect(overdueActions(state, '2026-04-11').map((a) => a.id)).toEqual(['action-1']);
		expect(overdueActions(state, '2026-04-11', 'team-other')).toEqual([]);
	});
});

describe('the activity feed', () => {
	it('shows an action given, handed on and done, under the team; and decisions revised and removed', () => {
		const start = furnishedRoom().state;
		const { recorded, state } = step(start, command('action.assign', { owner: cole }));
		expect(liveItem(recorded[0]!, state)).toMatchObject({
			kind: 'action',
			what: `handed an action to ${cole.name}`,
			detail: 'Put the fee on the sign-up page.',
			teamIds: ['team-1']
		});
		const history = historyItems(state).filter((i) => i.kind === 'action');
		// History knows the action as it stands: owned by Cole now.
		expect(history.map((i) => i.what)).toEqual([`made an action owned by ${cole.name}, due 10 Apr 2026`]);

		const session = withDecision();
		const revised = step(session, command('session.reviseDecision'));
		expect(liveItem(revised.recorded[0]!, revised.state)).toMatchObject({
			kind: 'decision',
			what: 'revised a decision',
			detail: 'Fund the fee-clarity team from Q2.'
		});
		const removed = step(session, command('session.removeDecision'));
		expect(liveItem(removed.recorded[0]!, removed.state)).toMatchObject({ kind: 'decision', what: 'removed a decision' });
	});
});

describe('the minutes', () => {
	it('list the session’s actions with owner, due date, origin and state', () => {
		let state = withDecision();
		state = applyAll(
			[
				command('action.create', {
					actionId: 'a-dec',
					text: 'Brief the call centre on fees.',
					source: { kind: 'decision', sessionId: 'session-new', decisionId: 'dec-new' },
					teamId: null,
					owner: omar,
					due: '2026-04-02'
				}),
				command('action.create', { actionId: 'a-rec' }),
				command('action.complete', { actionId: 'a-rec' })
			],
			state
		);
		const md = minutesMarkdown(state, { timeZone: 'UTC' });
		expect(md).toContain('## Actions (2)');
		expect(md).toContain('- **Omar**, due 2 Apr 2026: Brief the call centre on fees. (Decision; open)');
		expect(md).toMatch(
			/- \*\*Pat\*\*, due 30 Apr 2026: Show the fee on the first screen\. \(Recommendation of [^,;]+; done \d+ \w+ \d{4}\)/
		);
		// action-1 was agreed before the session: not in its minutes.
		expect(md).not.toContain('Put the fee on the sign-up page.');
	});

	it('go to the attendees with an account and an address, matched by name, each once', () => {
		const session = { ...withDecision().session!, attendees: ['Fran Facilitator', 'omar  owner', 'Walk-in Guest'] };
		const members = [
			{ id: 'a1', name: 'Fran Facilitator', email: 'fran@example.com' },
			{ id: 'a2', name: 'Omar Owner', email: 'omar@example.com' },
			{ id: 'a3', name: 'Omar Owner', email: 'OMAR@example.com' },
			{ id: 'a4', name: 'Pat', email: 'pat@example.com' },
			{ id: 'a5', name: 'Walk-in Guest', email: null }
		];
		expect(minutesRecipients(session, members).map((m) => m.email)).toEqual(['fran@example.com', 'omar@example.com']);
	});
});
