// Room settings as a facilitator meets them in the domain: departments added, renamed, merged and
// removed in one event each (every touchpoint, category, KPI and team member naming one is rewritten),
// customer segments with a most profitable one, and archiving (read-only until restored).
import { describe, expect, it } from 'vitest';
import { ARCHIVED, COMMAND_TYPES, LIMITS, departmentUsage, type Command, type RoomState } from '../../src/lib/domain';
import { apply, applyAll, command, contextFor, furnishedRoom, refusal, step } from '../support/factories';

/**
 * A room where Operations and Customer Service are used everywhere: a touchpoint names both (and Sales),
 * a category names Operations, a KPI is owned by Operations, a fix team has a member from each.
 */
function usedRoom(): RoomState {
	const commands: Command[] = [
		command('room.create'),
		command('stage.add', { stageId: 'stage-1' }),
		command('touchpoint.add', { touchpointId: 'tp-1', departments: ['Operations', 'Customer Service', 'Sales'] }),
		command('touchpoint.add', { touchpointId: 'tp-2', departments: ['IT'] }),
		command('complaint.define', { categoryId: 'cat-1', departments: ['Operations'] }),
		command('kpi.define', { kpiId: 'kpi-1', department: 'Operations' }),
		command('kpi.define', { kpiId: 'kpi-2', department: 'IT' }),
		command('team.charter', {
			teamId: 'team-1',
			members: [
				{ name: 'Olu', department: 'Operations' },
				{ name: 'Cas', department: 'Customer Service' },
				{ name: 'Sam', department: 'Sales' }
			]
		})
	];
	return applyAll(commands);
}

describe('departments', () => {
	it('says what names a department: touchpoints, categories, KPIs and fix-team members', () => {
		expect(departmentUsage(usedRoom(), 'Operations')).toEqual({ touchpoints: 1, complaints: 1, kpis: 1, members: 1, teams: 1 });
		expect(departmentUsage(usedRoom(), 'operations').touchpoints).toBe(1);
		expect(departmentUsage(usedRoom(), 'Legal')).toEqual({ touchpoints: 0, complaints: 0, kpis: 0, members: 0, teams: 0 });
	});

	it('adds a department at the end of the list, and refuses one the room already has, whatever its case', () => {
		const state = apply(usedRoom(), command('department.add', { name: 'Claims' }));
		expect(state.meta?.departments.at(-1)).toBe('Claims');
		expect(refusal(state, command('department.add', { name: 'claims' }))).toEqual({
			code: 'conflict',
			message: '"Claims" is already one of the room\'s departments.'
		});
	});

	it(`refuses a department past ${LIMITS.departments}, saying to merge or remove one`, () => {
		const names = Array.from({ length: LIMITS.departments }, (_, i) => `Dept ${i}`);
		const full = applyAll([command('room.create', { departments: names })]);
		expect(refusal(full, command('department.add', { name: 'One more' })).message).toMatch(
			/at most 30 departments\. Merge or remove/
		);
	});

	it('renames a department everywhere in one event: the list (in place), touchpoints, categories, KPIs and members', () => {
		const before = usedRoom();
		const { state, recorded } = step(before, command('department.rename', { from: 'Operations', to: 'Underwriting' }));
		expect(recorded.map((r) => r.event)).toEqual([{ type: 'department.renamed', from: 'Operations', to: 'Underwriting' }]);
		expect(state.meta?.departments.indexOf('Underwriting')).toBe(before.meta?.departments.indexOf('Operations'));
		expect(state.meta?.departments).not.toContain('Operations');
		expect(state.touchpoints['tp-1']?.departments).toEqual(['Underwriting', 'Customer Service', 'Sales']);
		expect(state.complaints['cat-1']?.departments).toEqual(['Underwriting']);
		expect(state.kpis['kpi-1']?.department).toBe('Underwriting');
		expect(state.teams['team-1']?.members.map((m) => m.department)).toEqual(['Underwriting', 'Customer Service', 'Sales']);
		// What did not name it is the very same object (screens re-render only what changed).
		expect(state.touchpoints['tp-2']).toBe(before.touchpoints['tp-2']);
		expect(state.kpis['kpi-2']).toBe(before.kpis['kpi-2']);
	});

	it('refuses a rename to another department or to a missing one, and allows a change of case', () => {
		const state = usedRoom();
		expect(refusal(state, command('department.rename', { from: 'Operations', to: 'sales' }))).toEqual({
			code: 'conflict',
			message: '"Sales" is already a department. To make the two one, merge them.'
		});
		expect(refusal(state, command('department.rename', { from: 'Claims', to: 'Underwriting' }))).toEqual({
			code: 'not_found',
			message: 'The room has no department "Claims".'
		});
		expect(refusal(state, command('department.rename', { from: 'IT', to: 'IT' })).code).toBe('conflict');
		const renamed = apply(state, command('department.rename', { from: 'IT', to: 'Information Technology' }));
		expect(renamed.kpis['kpi-2']?.department).toBe('Information Technology');
		expect(apply(state, command('department.rename', { from: 'it', to: 'It' })).touchpoints['tp-2']?.departments).toEqual(['It']);
	});

	it('merges two departments into one, naming it once on each list that held both', () => {
		const { state, recorded } = step(
			usedRoom(),
			command('department.merge', { from: ['Operations', 'Customer Service'], into: 'Service Operations' })
		);
		expect(recorded).toHaveLength(1);
		expect(state.meta?.departments.filter((d) => /Operations|Customer Service/.test(d))).toEqual(['Service Operations']);
		expect(state.touchpoints['tp-1']?.departments).toEqual(['Service Operations', 'Sales']);
		expect(state.complaints['cat-1']?.departments).toEqual(['Service Operations']);
		expect(state.kpis['kpi-1']?.department).toBe('Service Operations');
		expect(state.teams['team-1']?.members.map((m) => m.department)).toEqual([
			'Service Operations',
			'Service Operations',
			'Sales'
		]);
	});

	it('merges into an existing department, which keeps its place, and ignores it among the merged ones', () => {
		const before = usedRoom();
		const state = apply(before, command('department.merge', { from: ['Customer Service', 'Operations'], into: 'Operations' }));
		expect(state.meta?.departments).toEqual(before.meta?.departments.filter((d) => d !== 'Customer Service'));
		expect(state.touchpoints['tp-1']?.departments).toEqual(['Operations', 'Sales']);
	});

	it('refuses a merge that would leave a fix team in one department, or the room with fewer than two', () => {
		const state = usedRoom();
		expect(
			refusal(state, command('department.merge', { from: ['Operations', 'Customer Service', 'Sales'], into: 'Everyone' }))
		).toEqual({
			code: 'rule_violation',
			message:
				'Fix team "Fee clarity" would then have members from one department only, and a fix team spans at least two. Add a member from another department to it first.'
		});
		const two = applyAll([command('room.create', { departments: ['Sales', 'IT'] })]);
		expect(refusal(two, command('department.merge', { from: ['Sales'], into: 'IT' })).message).toMatch(
			/at least two departments/
		);
		expect(refusal(state, command('department.merge', { from: ['Sales'], into: 'sales' })).message).toBe(
			'Choose at least one department to merge into another.'
		);
		expect(refusal(state, command('department.merge', { from: ['Sales', 'Nope'], into: 'IT' })).code).toBe('not_found');
	});

	it('removes a department from the list, its touchpoints and categories, and leaves its KPIs unowned', () => {
		const before = apply(
			usedRoom(),
			command('team.update', {
				teamId: 'team-1',
				patch: {
					members: [
						{ name: 'Cas', department: 'Customer Service' },
						{ name: 'Sam', department: 'Sales' }
					]
				}
			})
		);
		const state = apply(before, command('department.remove', { name: 'operations' }));
		expect(state.meta?.departments).not.toContain('Operations');
		expect(state.touchpoints['tp-1']?.departments).toEqual(['Customer Service', 'Sales']);
		expect(state.complaints['cat-1']?.departments).toEqual([]);
		expect(state.kpis['kpi-1']?.department).toBeNull();
	});

	it('refuses to remove a department fix-team members belong to, pointing at merge', () => {
		expect(refusal(usedRoom(), command('department.remove', { name: 'Operations' }))).toEqual({
			code: 'conflict',
			message:
				'A fix-team member belongs to "Operations". Merge "Operations" into another department instead, so the member keeps one.'
		});
		const two = applyAll([command('room.create', { departments: ['Sales', 'IT'] })]);
		expect(refusal(two, command('department.remove', { name: 'IT' })).message).toMatch(/at least two departments/);
	});

	it('lets only facilitators change departments', () => {
		for (const type of ['department.add', 'department.rename', 'department.merge', 'department.remove'] as const) {
			expect(refusal(usedRoom(), command(type), contextFor('contributor')).code).toBe('forbidden');
		}
	});
});

describe('customer segments', () => {
	it('names segments and marks one as the most profitable customers', () => {
		const state = apply(
			furnishedRoom().state,
			command('room.configure', { patch: { segments: ['Private clients', 'Retail'], leadSegment: 'Private clients' } })
		);
		expect(state.meta).toMatchObject({ segments: ['Private clients', 'Retail'], leadSegment: 'Private clients' });
	});

	it('refuses a lead segment that is not one of the segments, and a segment named twice', () => {
		const state = apply(furnishedRoom().state, command('room.configure', { patch: { segments: ['Retail'] } }));
		expect(refusal(state, command('room.configure', { patch: { leadSegment: 'SME' } }))).toEqual({
			code: 'not_found',
			message: '"SME" is not one of the room\'s segments; add it before marking it as the most profitable.'
		});
		expect(refusal(state, command('room.configure', { patch: { segments: ['SME', 'sme'] } })).message).toBe(
			'The segment "sme" is listed twice.'
		);
	});

	it('drops the lead when its segment leaves the list, and says so in the event', () => {
		const marked = apply(
			furnishedRoom().state,
			command('room.configure', { patch: { segments: ['Retail', 'SME'], leadSegment: 'SME' } })
		);
		const { state, recorded } = step(marked, command('room.configure', { patch: { segments: ['Retail'] } }));
		expect(recorded[0]?.event).toEqual({ type: 'room.configured', patch: { segments: ['Retail'], leadSegment: null } });
		expect(state.meta?.leadSegment).toBeNull();
	});
});

describe('archiving', () => {
	it('makes the room read-only: every command but unarchive is refused with a sentence saying how to restore it', () => {
		const archived = apply(furnishedRoom().state, command('room.archive'));
		expect(archived.meta?.archivedAt).toBe('2026-03-10T09:00:00.000Z');
		for (const type of COMMAND_TYPES.filter((t) => t !== 'room.unarchive' && t !== 'room.restore' && t !== 'room.create')) {
			expect(refusal(archived, command(type)), type).toEqual({ code: 'conflict', message: ARCHIVED });
		}
		expect(ARCHIVED).toBe('This room is archived; a facilitator can restore it from Settings.');
	});

	it('restores the room to what it was, and refuses to unarchive a room that is not archived', () => {
		const furnished = furnishedRoom().state;
		const restored = applyAll([command('room.archive'), command('room.unarchive')], furnished);
		expect(restored.meta?.archivedAt).toBeNull();
		expect(apply(restored, command('stage.update')).stages['stage-1']?.customerGoal).toBe('I want to be understood');
		expect(refusal(restored, command('room.unarchive'))).toEqual({ code: 'conflict', message: 'This room is not archived.' });
	});

	it('lets only facilitators archive and restore; a contributor is told so, not that the room is archived', () => {
		const archived = apply(furnishedRoom().state, command('room.archive'));
		expect(refusal(archived, command('room.unarchive'), contextFor('contributor')).code).toBe('forbidden');
		expect(refusal(furnishedRoom().state, command('room.archive'), contextFor('contributor')).code).toBe('forbidden');
	});
});
