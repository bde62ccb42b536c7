// Which month complaints are compared on: the last complete one by the clock, never the data's last
// month (a November file with two early-December rows once read "0 in Dec, from 2 in Nov" with a green arrow).
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/lib/domain';
import { complaintPeriods, monthStart, periodAt } from '../../src/lib/client/complaint-periods';
import { soFarSentence } from '../../src/lib/client/format';
import { rankLetdowns } from '../../src/lib/client/evidence';
import { summarizeComplaint } from '../../src/lib/components/board/stage-view';
import { applyAll, command } from '../support/factories';

const DEC_7 = Date.parse('2026-12-07T09:30:00Z');

/** A category counted Oct 60, Nov 118, and two rows from early December; another counted only in November. */
function novemberFileWithTwoDecemberRows() {
	const commands: Command[] = [
		command('room.create'),
		command('stage.add', { stageId: 'apply' }),
		command('complaint.define', { categoryId: 'c-fees', stageId: 'apply', touchpointId: null }),
		command('complaint.define', { categoryId: 'c-quiet', stageId: 'apply', touchpointId: null, name: 'Quiet one' }),
		command('complaint.count', { categoryId: 'c-fees', period: '2026-10', count: 60 }),
		command('complaint.count', { categoryId: 'c-fees', period: '2026-11', count: 118 }),
		command('complaint.count', { categoryId: 'c-fees', period: '2026-12', count: 2 }),
		command('complaint.count', { categoryId: 'c-quiet', period: '2026-11', count: 5 })
	];
	return applyAll(commands);
}

describe('the month complaints are compared on', () => {
	it('is the last complete month by the clock, with the month in progress told apart as "so far"', () => {
		const state = novemberFileWithTwoDecemberRows();
		const periods = complaintPeriods(state, DEC_7)!;
		expect(periods).toEqual({ compared: '2026-11', inProgress: '2026-12', inProgressHasCounts: true });

		const fees = summarizeComplaint(state.complaints['c-fees']!, periods);
		// November against October, up: not "2 in December, down from 118".
		expect([fees.period, fees.count, fees.previousPeriod, fees.previous, fees.trend]).toEqual([
			'2026-11',
			118,
			'2026-10',
			60,
			'up'
		]);
		expect(fees.soFar).toEqual({ period: '2026-12', count: 2 });
		expect(soFarSentence(fees.soFar!)).toBe('Dec 2026 so far: 2 complaints.');
		// A category with nothing yet this month says so, rather than leaving the month out.
		expect(summarizeComplaint(state.complaints['c-quiet']!, periods).soFar).toEqual({ period: '2026-12', count: 0 });
	});

	it('follows the clock, not the data: once December is over it is compared, and January is in progress', () => {
		const state = novemberFileWithTwoDecemberRows();
		const january = complaintPeriods(state, Date.parse('2027-01-03T00:00:00Z'))!;
		expect(january).toEqual({ compared: '2026-12', inProgress: '2027-01', inProgressHasCounts: false });
		expect(summarizeComplaint(state.complaints['c-fees']!, january).soFar).toBeNull();
		// Counts dated after the month in progress (a typo, a time zone) are not "this month" either.
		expect(complaintPeriods(state, Date.parse('2026-11-20T00:00:00Z'))).toEqual({
			compared: '2026-10',
			inProgress: '2026-11',
			inProgressHasCounts: true
		});
	});

	it('compares the month before when only the month in progress has counts, and nothing when there are none', () => {
		const only = applyAll([
			command('room.create'),
			command('stage.add', { stageId: 'apply' }),
			command('complaint.define', { categoryId: 'c-new', stageId: 'apply', touchpointId: null }),
			command('complaint.count', { categoryId: 'c-new', period: '2026-12', count: 3 })
		]);
		expect(complaintPeriods(only, DEC_7)).toEqual({ compared: '2026-11', inProgress: '2026-12', inProgressHasCounts: true });
		expect(complaintPeriods(applyAll([command('room.create')]), DEC_7)).toBeNull();
	});

	it('ranks letdowns on the complete month: two early-December rows are not a fall that hides November', () => {
		const state = novemberFileWithTwoDecemberRows();
		const fees = rankLetdowns(state, 'apply', DEC_7).find((l) => l.id === 'c-fees')!;
		expect(fees.figure).toBe('118 complaints in Nov 2026');
		expect(fees.reasons).toContain('Rising: 60 → 118 on the month before');
	});

	it('reads months in UTC, and changes the month start only when the month changes', () => {
		expect(periodAt(Date.parse('2026-12-31T23:59:59Z'))).toBe('2026-12');
		expect(monthStart(DEC_7)).toBe(Date.parse('2026-12-01T00:00:00Z'));
		expect(monthStart(Date.parse('2026-12-31T23:59:59Z'))).toBe(monthStart(DEC_7));
	});
});
