// The Journey tab's pure rules: what removing a stage or a touchpoint really does (checked against
// decide and evolve themselves), where a dragged or keyed stage lands, moments of truth, gaps, scores.
import { describe, expect, it } from 'vitest';
import { commandErrorText } from '../../src/lib/client/command-error';
import {
	contentPhrases,
	journeyAbilities,
	listPhrase,
	stageContents,
	stageRemoval,
	touchpointRemoval
} from '../../src/lib/components/curate/journey/journey';
import { dropIndex, keyedIndex, moveForKey, positionAnnouncement } from '../../src/lib/components/curate/journey/reorder';
import {
	gapFigure,
	gapSentence,
	momentsOfTruth,
	momentsOfTruthWarning,
	parseScore,
	scoreGap
} from '../../src/lib/components/curate/journey/scores';
import { touchpointPatch } from '../../src/lib/components/curate/journey/touchpoint-fields';
import type { RoomState } from '../../src/lib/domain';
import { apply, applyAll, buildRoom, command, contextFor, refusal, step } from '../support/factories';

/** The order `stage.move` to `index` gives, through the real decide and evolve. */
function movedOrder(state: RoomState, stageId: string, index: number): string[] {
	return apply(state, command('stage.move', { stageId, index })).stageOrder;
}

describe('what a stage holds, and removing it', () => {
	it('counts each kind of thing on a stage and says it in words', () => {
		const { state } = buildRoom({
			stages: 2,
			touchpointsPerStage: 2,
			artifactsPerStage: 1,
			complaintsPerStage: 3,
			kpisPerStage: 1,
			surveysPerStage: 1,
			teams: 1,
			wins: 2
		});
		const contents = stageContents(state, 'stage-1');
		expect(contents).toEqual({ touchpoints: 2, artifacts: 1, complaints: 3, kpis: 1, surveys: 1, teams: 1, wins: 2 });
		expect(contentPhrases(contents)).toEqual([
			'2 touchpoints',
			'1 artifact',
			'3 complaint categories',
			'1 KPI',
			'1 survey',
			'1 fix team',
			'2 wins'
		]);
		expect(stageContents(state, 'stage-2').teams).toBe(0);
	});

	it('refuses a stage that holds anything, as decide does, and lists what is there', () => {
		const { state } = buildRoom({ stages: 1, touchpointsPerStage: 1, kpisPerStage: 2 });
		const removal = stageRemoval(state, 'stage-1');
		expect(removal).toMatchObject({ allowed: false, stageName: 'Stage 1', holds: ['1 touchpoint', '2 KPIs'] });
		expect(refusal(state, command('stage.remove', { stageId: 'stage-1' })).code).toBe('conflict');
	});

	it('for an empty stage, names exactly what else evolve changes: agenda, focus, screen rotations, spotlight', () => {
		let state = buildRoom({ stages: 2 }).state;
		state = applyAll(
			[
				command('display.register', {
					displayId: 'tv-1',
					name: 'Lobby TV',
					rotation: { stageIds: ['stage-1', 'stage-2'], intervalSec: 30 }
				}),
				command('display.register', { displayId: 'tv-2', name: 'Canteen', rotation: { stageIds: ['stage-2'], intervalSec: 30 } }),
				command('session.start', { sessionId: 'sess-1', title: 'March review', agenda: ['stage-2', 'stage-1'] }),
				command('spotlight.set', { target: { kind: 'stage', id: 'stage-2' } })
			],
			state
		);
		const removal = stageRemoval(state, 'stage-2');
		expect(removal.allowed).toBe(true);
		if (!removal.allowed) return;
		expect(removal.alsoChanges).toEqual([
			'It comes off the agenda of the running session, “March review”.',
			'The running session stops focusing on it.',
			'It leaves the stage rotation of 2 screens: Lobby TV and Canteen.',
			'It is in the spotlight now: every wall goes back to the board.'
		]);

		// What the dialog says is what happens.
		const after = apply(state, command('stage.remove', { stageId: 'stage-2' }));
		expect(after.session?.agenda).toEqual(['stage-1']);
		expect(after.session?.currentStageId).toBeNull();
		expect(after.displays['tv-1']?.rotation.stageIds).toEqual(['stage-1']);
		expect(after.displays['tv-2']?.rotation.stageIds).toEqual([]);
		expect(after.spotlight).toBeNull();
	});

	it('for an empty stage nothing points at, has nothing else to say', () => {
		const { state } = buildRoom({ stages: 1 });
		expect(stageRemoval(state, 'stage-1')).toEqual({ allowed: true, stageName: 'Stage 1', alsoChanges: [] });
	});
});

describe('removing a touchpoint', () => {
	it('says which items stay on the stage untied and which teams stop linking it, as evolve does', () => {
		let state = buildRoom({ stages: 1, touchpointsPerStage: 2, teams: 1 }).state;
		state = applyAll(
			[
				command('kpi.define', { kpiId: 'kpi-a', stageId: 'stage-1', touchpointId: 'tp-1' }),
				command('complaint.define', { categoryId: 'cat-a', stageId: 'stage-1', touchpointId: 'tp-1' }),
				command('complaint.define', { categoryId: 'cat-b', stageId: 'stage-1', touchpointId: 'tp-1' })
			],
			state
		);
		expect(touchpointRemoval(state, 'tp-1')).toEqual({ detached: ['2 complaint categories', '1 KPI'], teams: ['Fix team 1'] });
		expect(touchpointRemoval(state, 'tp-2')).toEqual({ detached: [], teams: [] });

		const after = apply(state, command('touchpoint.remove', { touchpointId: 'tp-1' }));
		expect(after.kpis['kpi-a']).toMatchObject({ stageId: 'stage-1', touchpointId: null });
		expect(after.complaints['cat-b']).toMatchObject({ stageId: 'stage-1', touchpointId: null });
		expect(after.teams['team-1']?.links.touchpoints).toEqual([]);
	});
});

describe('reordering', () => {
	const { state } = buildRoom({ stages: 4 });
	const order = state.stageOrder;

	it('drops before or after a stage at the index stage.move needs, in both directions', () => {
		expect(order).toEqual(['stage-1', 'stage-2', 'stage-3', 'stage-4']);
		const cases: Array<[string, string, 'before' | 'after', string[]]> = [
			['stage-1', 'stage-3', 'before', ['stage-2', 'stage-1', 'stage-3', 'stage-4']],
			['stage-1', 'stage-3', 'after', ['stage-2', 'stage-3', 'stage-1', 'stage-4']],
			['stage-1', 'stage-4', 'after', ['stage-2', 'stage-3', 'stage-4', 'stage-1']],
			['stage-4', 'stage-1', 'before', ['stage-4', 'stage-1', 'stage-2', 'stage-3']],
			['stage-4', 'stage-2', 'after', ['stage-1', 'stage-2', 'stage-4', 'stage-3']],
			['stage-3', 'stage-1', 'after', ['stage-1', 'stage-3', 'stage-2', 'stage-4']]
		];
		for (const [dragged, target, placement, expected] of cases) {
			const index = dropIndex(order, dragged, target, placement);
			expect(index, `${dragged} ${placement} ${target}`).not.toBeNull();
			expect(movedOrder(state, dragged, index!)).toEqual(expected);
		}
	});

	it('does nothing when the drop leaves the stage where it is', () => {
		expect(dropIndex(order, 'stage-2', 'stage-2', 'before')).toBeNull();
		expect(dropIndex(order, 'stage-2', 'stage-1', 'after')).toBeNull();
		expect(dropIndex(order, 'stage-2', 'stage-3', 'before')).toBeNull();
		expect(dropIndex(order, 'stage-9', 'stage-3', 'before')).toBeNull();
	});

	it('moves by key one step, or to either end, and no further', () => {
		expect(keyedIndex(order, 'stage-2', 'earlier')).toBe(0);
		expect(keyedIndex(order, 'stage-2', 'later')).toBe(2);
		expect(keyedIndex(order, 'stage-2', 'last')).toBe(3);
		expect(keyedIndex(order, 'stage-3', 'first')).toBe(0);
		expect(keyedIndex(order, 'stage-1', 'earlier')).toBeNull();
		expect(keyedIndex(order, 'stage-1', 'first')).toBeNull();
		expect(keyedIndex(order, 'stage-4', 'later')).toBeNull();
		expect(movedOrder(state, 'stage-2', keyedIndex(order, 'stage-2', 'later')!)).toEqual([
			'stage-1',
			'stage-3',
			'stage-2',
			'stage-4'
		]);
		expect(['ArrowUp', 'ArrowLeft', 'ArrowDown', 'ArrowRight', 'Home', 'End', 'Enter'].map(moveForKey)).toEqual([
			'earlier',
			'earlier',
			'later',
			'later',
			'first',
			'last',
			null
		]);
	});

	it('announces the new position counting from one', () => {
		expect(positionAnnouncement('Apply', 0, 7)).toBe('“Apply” is now stage 1 of 7.');
	});
});

describe('moments of truth, gaps and scores', () => {
	it('warns only past twenty moments of truth', () => {
		let state = buildRoom({ stages: 1 }).state;
		for (let i = 0; i < 21; i++) {
			state = apply(
				state,
				command('touchpoint.add', { touchpointId: `mot-${i}`, stageId: 'stage-1', name: `MoT ${i}`, momentOfTruth: true })
			);
			const count = momentsOfTruth(state.touchpoints);
			expect(count).toBe(i + 1);
			expect(momentsOfTruthWarning(count)).toBe(count > 20 ? '21 moments of truth: past 20 they stop standing out' : null);
		}
	});

	it('takes the gap as internal minus performance and says which way it points', () => {
		expect(scoreGap(7.5, 5.5)).toBe(2);
		expect(gapFigure(2)).toBe('+2.0');
		expect(gapSentence(2)).toBe('We rate ourselves 2.0 higher than customers do.');
		expect(scoreGap(7, 8.5)).toBe(-1.5);
		expect(gapFigure(-1.5)).toBe('-1.5');
		expect(gapSentence(-1.5)).toBe('We rate ourselves 1.5 lower than customers do.');
		expect(scoreGap(6.3, 6.3)).toBe(0);
		expect(gapSentence(0)).toBe('We rate ourselves the same as customers do.');
		// Floating point does not leak into what people read.
		expect(scoreGap(7.3, 5.1)).toBe(2.2);
		expect(scoreGap(null, 5)).toBeNull();
		expect(scoreGap(5, null)).toBeNull();
		expect(gapSentence(null)).toMatch(/needs both/);
	});

	it('reads scores from 0 to 10, empty as not scored, a comma as a decimal point', () => {
		expect(parseScore('', 'Importance')).toEqual({ ok: true, value: null });
		expect(parseScore('  ', 'Importance')).toEqual({ ok: true, value: null });
		expect(parseScore('7', 'Importance')).toEqual({ ok: true, value: 7 });
		expect(parseScore('6,5', 'Importance')).toEqual({ ok: true, value: 6.5 });
		expect(parseScore('0', 'Importance')).toEqual({ ok: true, value: 0 });
		expect(parseScore('10', 'Importance')).toEqual({ ok: true, value: 10 });
		expect(parseScore('7.25', 'Importance')).toEqual({ ok: true, value: 7.3 });
		expect(parseScore('11', 'Importance')).toEqual({
			ok: false,
			message: 'Importance must be a number from 0 to 10, or left empty.'
		});
		expect(parseScore('-1', 'Importance').ok).toBe(false);
		expect(parseScore('high', 'Importance').ok).toBe(false);
	});
});

describe('editing a touchpoint', () => {
	const { state } = buildRoom({ stages: 2, touchpointsPerStage: 1 });
	const tp = state.touchpoints['tp-1']!;
	const same = {
		stageId: tp.stageId,
		name: tp.name,
		channel: tp.channel,
		momentOfTruth: tp.momentOfTruth,
		departments: [...tp.departments],
		importance: tp.importance,
		performance: tp.performance,
		internalScore: tp.internalScore
	};

	it('sends only what changed, and nothing when nothing did (departments in any order)', () => {
		expect(touchpointPatch(tp, same)).toBeNull();
		expect(touchpointPatch(tp, { ...same, departments: [...tp.departments].reverse() })).toBeNull();
		const patch = touchpointPatch(tp, { ...same, name: 'Renamed', internalScore: 9, stageId: 'stage-2' });
		expect(patch).toEqual({ name: 'Renamed', internalScore: 9, stageId: 'stage-2' });
		// The patch is one the room accepts.
		const { result } = step(state, command('touchpoint.update', { touchpointId: 'tp-1', patch: patch! }));
		expect(result.ok).toBe(true);
	});
});

describe('who may do what', () => {
	it('follows the server role table: contributors cannot remove, viewers cannot change anything', () => {
		const facilitator = journeyAbilities('facilitator');
		expect(facilitator).toMatchObject({ add: true, move: true, removeStage: true, removeTouchpoint: true, limits: null });
		const contributor = journeyAbilities('contributor');
		expect(contributor).toMatchObject({
			add: true,
			edit: true,
			move: true,
			assess: true,
			removeStage: false,
			removeTouchpoint: false
		});
		expect(contributor.limits).toBe(
			'As a contributor, you can add, edit and reorder; only a facilitator can remove stages and remove touchpoints, so nothing is lost by accident.'
		);
		const viewer = journeyAbilities('viewer');
		expect(viewer).toMatchObject({ add: false, edit: false, move: false, assess: false });
		expect(viewer.limits).toMatch(/invite link/);
		// The same answers the server gives.
		const { state } = buildRoom({ stages: 2 });
		const move = command('stage.move', { stageId: 'stage-1', index: 1 });
		expect(step(state, move, contextFor('contributor')).result.ok).toBe(true);
		expect(refusal(state, command('stage.remove', { stageId: 'stage-2' }), contextFor('contributor')).code).toBe('forbidden');
	});
});

describe('words', () => {
	it('lists phrases as English does', () => {
		expect(listPhrase([])).toBe('');
		expect(listPhrase(['a'])).toBe('a');
		expect(listPhrase(['a', 'b'])).toBe('a and b');
		expect(listPhrase(['a', 'b', 'c'])).toBe('a, b and c');
	});

	it('turns a refused payload into a sentence about the field', () => {
		expect(
			commandErrorText('Invalid command.name: must not be empty', [{ path: 'command.name', message: 'must not be empty' }])
		).toBe('The name must not be empty.');
		expect(
			commandErrorText('Invalid command.patch.customerGoal: Too big', [
				{ path: 'command.patch.customerGoal', message: 'Too big: expected string to have <=2000 characters' }
			])
		).toBe('The customer goal is not valid: Too big: expected string to have <=2000 characters.');
		expect(commandErrorText('This stage still holds 3 items.')).toBe('This stage still holds 3 items.');
		expect(commandErrorText('Invalid roomId', [{ path: 'roomId', message: 'bad' }])).toBe('Invalid roomId');
	});
});
