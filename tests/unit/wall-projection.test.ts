// The wall projection (src/lib/domain/projection.ts): a wall joins with a state without what no wall shows,
// and shows exactly what it would show of the whole room, for every customer segment, also after folding
// the events that change what was left out. The seeded version is in evolve-property.test.ts.
import { describe, expect, it } from 'vitest';
import { canonicalJson, decide, evolve, projectEvent, projectState, type Command, type RoomState } from '../../src/lib/domain';
import { apply, buildRoom, command, contextFor, recordEvents } from '../support/factories';
import { wallShows } from '../support/wall-shows';

const NOW_MS = Date.parse('2026-03-10T09:00:00.000Z');
const SEGMENTS = [null, 'SME', 'Retail', 'Private clients'];

/** Quotes of every segment, newest first by date but sent in another order, and segment counts. */
function busyRoom(): RoomState {
	let state = buildRoom({ stages: 2, touchpointsPerStage: 2, complaintsPerStage: 2, surveysPerStage: 1, teams: 2 }).state;
	const segments = [null, 'SME', 'Retail', null, 'SME', null, 'Retail', null, 'Private clients', null, null, 'SME'];
	const commands: Command[] = [];
	for (const [i, segment] of segments.entries()) {
		const date = `2026-0${1 + (i % 3)}-${String(10 + ((i * 7) % 18)).padStart(2, '0')}`;
		for (const categoryId of ['cat-1', 'cat-2']) {
			commands.push(
				command('complaint.quote', {
					categoryId,
					verbatim: { id: `q-${categoryId}-${i}`, text: `Quote ${i}.`, date, channel: 'web', segment }
				})
			);
		}
		commands.push(
			command('survey.quote', {
				surveyId: 'survey-1',
				verbatim: { id: `s-${i}`, text: `Comment ${i}.`, date, channel: 'email', segment }
			})
		);
	}
	for (const segment of ['SME', 'Retail', 'Private clients']) {
		for (const categoryId of ['cat-1', 'cat-2']) {
			commands.push(command('complaint.count', { categoryId, period: '2026-02', count: 7, segment }));
		}
		commands.push(
			command('survey.record', { surveyId: 'survey-1', period: '2026-02', counts: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], segment })
		);
	}
	for (const [i, maturity] of (['broken', 'reliable', 'broken', 'differentiating'] as const).entries()) {
		commands.push(command('touchpoint.assess', { touchpointId: 'tp-1', maturity, evidence: `Step ${i}` }));
	}
	for (let i = 0; i < 6; i++)
		commands.push(command('team.post', { teamId: 'team-1', updateId: `upd-${i}`, text: `Update ${i}` }));
	commands.push(command('team.setStatus', { teamId: 'team-1', status: 'investigating', note: 'Started' }));
	commands.push(command('session.start', { sessionId: 'session-1', title: 'January', agenda: [] }));
	commands.push(command('session.end', {}));
	commands.push(command('session.start', { sessionId: 'session-2', title: 'February', agenda: [] }));
	for (const c of commands) state = apply(state, c);
	return state;
}

const shownBy = (state: RoomState) => SEGMENTS.map((segment) => canonicalJson(wallShows(state, segment, NOW_MS, false)));

describe('the wall projection', () => {
	const room = busyRoom();
	const wall = projectState(room, 'wall');

	it('leaves out the quotes, maturity history, team history and past sessions no wall shows', () => {
		const quotes = (s: RoomState) => Object.values(s.complaints).reduce((n, c) => n + c.verbatims.length, 0);
		expect(quotes(room)).toBe(24);
		expect(quotes(wall)).toBeLessThan(quotes(room));
		expect(wall.touchpoints['tp-1']!.history).toHaveLength(1);
		expect(wall.teams['team-1']!.updates).toHaveLength(3);
		expect(wall.teams['team-1']!.statusHistory).toEqual([]);
		expect(wall.pastSessions).toEqual([]);
		expect(wall.session?.id).toBe('session-2');
		expect(Object.values(wall.complaints).some((c) => c.tone)).toBe(false);
		expect(JSON.stringify(wall).length).toBeLessThan(JSON.stringify(projectState(room, 'viewer')).length * 0.8);
	});

	it('shows what the whole room shows, in every segment: columns, newest quotes, spotlights', () => {
		expect(shownBy(wall)).toEqual(shownBy(room));
		// Each segment's view keeps its own two newest quotes, not only the room's two newest.
		const sme = (s: RoomState) => s.complaints['cat-1']!.verbatims.filter((v) => v.segment === 'SME').map((v) => v.id);
		expect(sme(wall)).toEqual(sme(room).slice(0, 2));
	});

	it('still shows the same after events that change what was left out, folded on the projection', () => {
		const later: Command[] = [
			command('complaint.quote', {
				categoryId: 'cat-1',
				verbatim: { id: 'q-late-old', text: 'An old one, imported late.', date: '2025-12-01', channel: 'web', segment: 'SME' }
			}),
			command('complaint.quote', {
				categoryId: 'cat-1',
				verbatim: { id: 'q-late-new', text: 'The newest.', date: '2026-03-09', channel: 'phone', segment: 'Retail' }
			}),
			command('touchpoint.assess', { touchpointId: 'tp-1', maturity: 'reliable', evidence: 'Fixed' }),
			command('team.post', { teamId: 'team-1', updateId: 'upd-late', text: 'Late news' }),
			command('session.end', {}),
			command('session.start', { sessionId: 'session-3', title: 'March', agenda: [] })
		];
		let full = room;
		let copy = wall;
		for (const c of later) {
			const ctx = contextFor();
			const decided = decide(full, c, ctx);
			if (!decided.ok) throw new Error(`${c.type}: ${decided.error.message}`);
			for (const recorded of recordEvents(full, decided, ctx, `cmd-${full.version}`)) {
				full = evolve(full, recorded);
				const projected = projectEvent(recorded, 'wall');
				expect(projected).not.toBeNull();
				copy = evolve(copy, projected!);
			}
			expect(shownBy(copy)).toEqual(shownBy(full));
			expect(canonicalJson(projectState(copy, 'wall'))).toBe(canonicalJson(projectState(full, 'wall')));
		}
	});
});
