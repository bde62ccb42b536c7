// A new room's setup checklist ticks itself from the room's state: each step is done when the room shows
// it (not when someone marks it), says where the room stands in a sentence, and links to where it is done.
import { describe, expect, it } from 'vitest';
import { CONTENT_STEPS, MAX_MOMENTS, setupChecklist, type SetupItemId } from '../../src/lib/client/setup-checklist';
import { demoRoomCommands } from '../../server/seed/demo-room';
import type { RoomState } from '../../src/lib/domain';
import { apply, applyAll, buildRoom, command } from '../support/factories';

const done = (state: RoomState, invited: boolean | null = null) =>
	Object.fromEntries(setupChecklist(state, { invited }).map((i) => [i.id, i.done])) as Record<SetupItemId, boolean>;
const item = (state: RoomState, id: SetupItemId) => setupChecklist(state, { invited: null }).find((i) => i.id === id)!;

describe('the setup checklist', () => {
	it('starts with nothing done in a blank room, each step linking to where it is done', () => {
		const { state } = buildRoom({ stages: 0 });
		const items = setupChecklist(state, { invited: false });
		expect(items.map((i) => i.id)).toEqual(['stages', 'touchpoints', 'moments', 'kpis', 'evidence', 'people', 'screens']);
		expect(items.every((i) => !i.done)).toBe(true);
		expect(Object.fromEntries(items.map((i) => [i.id, i.href]))).toMatchObject({
			stages: 'curate?tab=journey',
			kpis: 'curate?tab=kpis',
			evidence: 'curate?tab=imports',
			people: 'access',
			screens: 'access'
		});
		expect(item(state, 'touchpoints').detail).toBe('Touchpoints belong to stages: add a stage first.');
	});

	it('ticks stages at three and touchpoints only when every stage has one', () => {
		const two = buildRoom({ stages: 2, touchpointsPerStage: 1 }).state;
		expect(done(two)).toMatchObject({ stages: false, touchpoints: true });
		expect(item(two, 'stages').detail).toBe('The journey has 2 stages; most journeys have three to eight.');

		const three = apply(two, command('stage.add', { stageId: 'stage-3', name: 'Renew' }));
		expect(done(three)).toMatchObject({ stages: true, touchpoints: false });
		expect(item(three, 'touchpoints').detail).toBe('1 stage has no touchpoint yet.');
	});

	it('asks for a KPI on every moment of truth, and for a handful of moments, not every touchpoint', () => {
		let { state } = buildRoom({ stages: 1, touchpointsPerStage: 2 });
		expect(done(state)).toMatchObject({ moments: false, kpis: false });

		state = apply(state, command('touchpoint.update', { touchpointId: 'tp-1', patch: { momentOfTruth: true } }));
		expect(done(state)).toMatchObject({ moments: true, kpis: false });
		expect(item(state, 'kpis').detail).toBe('1 moment of truth has no KPI yet.');

		// A KPI on the stage but not on the moment does not count.
		state = apply(state, command('kpi.define', { kpiId: 'k-stage', stageId: 'stage-1', touchpointId: null }));
		expect(done(state).kpis).toBe(false);
		state = apply(state, command('kpi.define', { kpiId: 'k-moment', stageId: 'stage-1', touchpointId: 'tp-1' }));
		expect(done(state).kpis).toBe(true);

		let many = buildRoom({ stages: 1, touchpointsPerStage: MAX_MOMENTS + 1 }).state;
		for (let i = 1; i <= MAX_MOMENTS + 1; i++)
			many = apply(many, command('touchpoint.update', { touchpointId: `tp-${i}`, patch: { momentOfTruth: true } }));
		expect(done(many).moments).toBe(false);
		expect(item(many, 'moments').detail).toBe('21 moments of truth are marked: keep the ten to twenty that matter most.');
	});

	it('wants all three kinds of evidence, and says which are missing', () => {
		const none = buildRoom({ stages: 1 }).state;
		expect(item(none, 'evidence').detail).toBe('The room has no complaints, artifacts or surveys yet.');
		const complaints = buildRoom({ stages: 1, complaintsPerStage: 1 }).state;
		expect(item(complaints, 'evidence')).toMatchObject({
			done: false,
			detail: 'The room has complaints, but no artifacts or surveys yet.',
			href: 'curate?tab=artifacts'
		});
		const all = buildRoom({ stages: 1, complaintsPerStage: 1, artifactsPerStage: 1, surveysPerStage: 1 }).state;
		expect(item(all, 'evidence')).toMatchObject({ done: true, detail: 'The room has complaints, artifacts and surveys.' });
	});

	it('ticks people from the invite links and screens from the paired displays', () => {
		const bare = buildRoom({ stages: 1 }).state;
		expect(done(bare, null).people).toBe(false);
		expect(done(bare, false).people).toBe(false);
		expect(done(bare, true).people).toBe(true);
		expect(done(bare).screens).toBe(false);
		const paired = buildRoom({ stages: 1, displays: 2 }).state;
		expect(done(paired).screens).toBe(true);
		expect(item(paired, 'screens').detail).toBe('2 screens show this room.');
	});
});

describe('the demo room', () => {
	it('has its content set up, so its checklist starts folded (only people and screens are left)', () => {
		const state = applyAll(demoRoomCommands());
		const open = setupChecklist(state, { invited: false }).filter((i) => !i.done);
		expect(open.map((i) => i.id)).toEqual(['people', 'screens']);
		expect(open.every((i) => !CONTENT_STEPS.has(i.id))).toBe(true);
	});
});
