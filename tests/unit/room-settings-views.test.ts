// What the settings page, the board and the wall make of a room's departments and segments: the sentences
// shown before a department changes, the segments found in the data, the most profitable one first, and
// the segment a wall leads with.
import { describe, expect, it } from 'vitest';
import { departmentUsage, type RoomState } from '../../src/lib/domain';
import { parseWallOptions } from '../../src/lib/client/wall/options';
import { hasSegmentData, leadingSegment, segmentChoices } from '../../src/lib/client/segments';
import { relabelEffects, removalEffects, usageSummary } from '../../src/lib/components/settings/department-effects';
import { segmentsInData } from '../../src/lib/components/settings/segments';
import { liveItem } from '../../src/lib/components/activity/activity';
import { apply, applyAll, command, furnishedRoom, step } from '../support/factories';

const none = { touchpoints: 0, complaints: 0, kpis: 0, members: 0, teams: 0 };

describe('what a department change touches, in sentences', () => {
	it('says one or many with the right words, and leaves out what is not touched', () => {
		expect(relabelEffects({ ...none, touchpoints: 1, kpis: 2 })).toEqual([
			'One touchpoint is relabelled.',
			'2 KPIs change their owning department.'
		]);
		expect(relabelEffects({ ...none, complaints: 3, members: 4, teams: 2 })).toEqual([
			'3 complaint categories are relabelled.',
			'4 fix-team members, in 2 teams, move to it.'
		]);
		expect(relabelEffects({ ...none, members: 2, teams: 1 })).toEqual(['2 members of one fix team move to it.']);
		expect(removalEffects({ ...none, touchpoints: 2, complaints: 1, kpis: 1 })).toEqual([
			'2 touchpoints no longer name it.',
			'One complaint category no longer names it.',
			'One KPI is left without an owning department.'
		]);
		expect(relabelEffects(none)).toEqual([]);
	});

	it('summarises a row with the counts that are not zero, in thousands as people write them', () => {
		expect(usageSummary({ ...none, touchpoints: 1200, members: 1, teams: 1 })).toBe('1,200 touchpoints · 1 fix-team member');
		expect(usageSummary(none)).toBe('Nothing names it yet.');
	});

	it('counts a thing naming two merged departments once', () => {
		const room = applyAll([
			command('room.create'),
			command('stage.add', { stageId: 'stage-1' }),
			command('touchpoint.add', { touchpointId: 'tp-1', departments: ['Sales', 'Marketing'] })
		]);
		expect(departmentUsage(room, ['Sales', 'Marketing']).touchpoints).toBe(1);
	});
});

describe('segments', () => {
	function withSegments(segments: string[], leadSegment: string | null): RoomState {
		return apply(furnishedRoom().state, command('room.configure', { patch: { segments, leadSegment } }));
	}

	it('offers the most profitable segment first, then the rest in the room’s order', () => {
		expect(segmentChoices(withSegments(['Retail', 'SME', 'Private clients'], 'Private clients'))).toEqual([
			'Private clients',
			'Retail',
			'SME'
		]);
		expect(segmentChoices(withSegments(['Retail', 'SME'], null))).toEqual(['Retail', 'SME']);
		expect(segmentChoices(furnishedRoom().state)).toEqual([]);
	});

	it('leads a wall with the most profitable segment only once the room has figures for it', () => {
		const marked = withSegments(['Private clients'], 'Private clients');
		expect(hasSegmentData(marked, 'Private clients')).toBe(false);
		expect(leadingSegment(marked)).toBeNull();
		const counted = apply(marked, command('complaint.count', { segment: 'Private clients', count: 3 }));
		expect(leadingSegment(counted)).toBe('Private clients');
	});

	it('finds the segments the data carries that the room does not name yet, each once', () => {
		const room = applyAll(
			[
				command('complaint.count', { segment: 'SME', count: 3 }),
				command('complaint.count', { segment: 'Retail', count: 1 }),
				command('room.configure', { patch: { segments: ['retail'] } })
			],
			furnishedRoom().state
		);
		// Retail is named (ignoring case), so only SME is new.
		expect(segmentsInData(room)).toEqual(['SME']);
	});

	it('reads `segment=all` on a wall link as every customer', () => {
		expect(parseWallOptions(new URLSearchParams('segment=all')).segment).toBeNull();
		expect(parseWallOptions(new URLSearchParams('segment=SME')).segment).toBe('SME');
	});
});

describe('the activity feed', () => {
	it('says who renamed, merged or removed a department, and who archived or restored the room', () => {
		let state = furnishedRoom().state;
		const said: string[] = [];
		for (const c of [
			command('department.rename', { from: 'Operations', to: 'Underwriting' }),
			command('department.merge', { from: ['Marketing', 'HR'], into: 'Sales' }),
			command('department.remove', { name: 'Legal' }),
			command('room.archive'),
			command('room.unarchive')
		]) {
			const next = step(state, c);
			for (const recorded of next.recorded) {
				const item = liveItem(recorded, next.state);
				said.push(`${item?.who} ${item?.what}`);
			}
			state = next.state;
		}
		expect(said).toEqual([
			'Fran Facilitator renamed the department Operations to Underwriting',
			'Fran Facilitator merged Marketing and HR into the department Sales',
			'Fran Facilitator removed the department Legal',
			'Fran Facilitator archived the room',
			'Fran Facilitator restored the room from the archive'
		]);
	});
});
