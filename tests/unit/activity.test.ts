// The activity feed: a status change and the note written with it are news, whether the page saw the
// event arrive or opened later and reads the room's history (a note was once saved and shown nowhere).
import { describe, expect, it } from 'vitest';
import { historyItems, liveItem, mergeActivity } from '../../src/lib/components/activity/activity';
import { applyAll, command, contextFor, step } from '../support/factories';

const chartered = applyAll([
	command('room.create'),
	command('stage.add', { stageId: 'stage-1' }),
	command('team.charter', { teamId: 'team-1', name: 'Fee clarity' })
]);
const moved = step(
	chartered,
	command('team.setStatus', { teamId: 'team-1', status: 'investigating', note: 'Kick-off done; IT joins on Monday.' }),
	contextFor('contributor', '2026-03-11T14:00:00.000Z')
);

describe('status changes in the activity feed', () => {
	it('are in the history a page reads when it opens, with who, the move and the note', () => {
		const status = historyItems(moved.state).filter((i) => i.kind === 'status');
		expect(status).toEqual([
			{
				key: 'status:team-1:2026-03-11T14:00:00.000Z',
				kind: 'status',
				at: '2026-03-11T14:00:00.000Z',
				who: 'Cole Contributor',
				what: 'moved Fee clarity from chartered to investigating',
				detail: 'Kick-off done; IT joins on Monday.',
				teamIds: ['team-1']
			}
		]);
	});

	it('show once when the page also saw the event arrive', () => {
		const live = liveItem(moved.recorded[0]!, moved.state)!;
		const merged = mergeActivity(historyItems(moved.state), [live]);
		expect(merged.filter((i) => i.kind === 'status')).toHaveLength(1);
	});
});
