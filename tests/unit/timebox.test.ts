// The session's time as a facilitator meets it: a timebox planned per stage starts the countdown when
// the room turns to that stage, the time spent on each stop adds up from the focus changes, and the
// minutes show both.
import { describe, expect, it } from 'vitest';
import { RoomState, Session, agendaTimes, emptyRoom, evolve, type RoomState as Room } from '../../src/lib/domain';
import { NOW, apply, buildRoom, command, contextFor, refusal } from '../support/factories';

/** The facilitator's context `min` minutes (and `sec` seconds) after NOW. */
const at = (min: number, sec = 0) => contextFor('facilitator', new Date(Date.parse(NOW) + (min * 60 + sec) * 1000).toISOString());
const ms = (min: number, sec = 0) => Date.parse(NOW) + (min * 60 + sec) * 1000;

function planned(): Room {
	const room = buildRoom({ stages: 3 }).state;
	return apply(
		room,
		command('session.start', {
			sessionId: 'march',
			agenda: ['stage-1', 'stage-2', 'stage-3'],
			timeboxSec: { 'stage-1': 600, 'stage-2': 300 }
		})
	);
}

const times = (s: Room, nowMs: number) =>
	Object.fromEntries(agendaTimes(s.session!, nowMs).map((t) => [t.stageId ?? 'opening', [t.plannedSec, t.spentSec]]));

describe('timeboxes', () => {
	it('plans the minutes of each agenda stage when the session starts, and refuses a plan for a stage off the agenda', () => {
		const s = planned();
		expect(s.session!.clock.plannedSec).toEqual({ 'stage-1': 600, 'stage-2': 300 });
		const room = buildRoom({ stages: 2 }).state;
		const error = refusal(room, command('session.start', { agenda: ['stage-1'], timeboxSec: { 'stage-2': 600 } }));
		expect(error.code).toBe('rule_violation');
		expect(error.message).toContain('stage-2');
	});

	it('starts the countdown of a stage when the room turns to it, and stops it on a stage without a timebox', () => {
		let s = apply(planned(), command('session.focus', { stageId: null }));
		expect(s.session!.timer).toBeNull();
		s = apply(s, command('session.focus', { stageId: 'stage-2' }), at(2));
		expect(s.session!.timer).toEqual({ durationSec: 300, endsAt: new Date(ms(7)).toISOString() });
		s = apply(s, command('session.focus', { stageId: 'stage-3' }), at(4));
		expect(s.session!.timer).toBeNull();
	});

	it('adds up the time spent on each stop from the focus changes, the running stop counted to now', () => {
		let s = apply(planned(), command('session.focus', { stageId: null }));
		s = apply(s, command('session.focus', { stageId: 'stage-1' }), at(3));
		s = apply(s, command('session.focus', { stageId: 'stage-2' }), at(15, 30));
		expect(times(s, ms(16))).toEqual({
			opening: [null, 180],
			'stage-1': [600, 750],
			'stage-2': [300, 30],
			'stage-3': [null, 0]
		});
	});

	it('gives a stage turned to again only what is left of its timebox, already past zero when it is used up', () => {
		let s = apply(planned(), command('session.focus', { stageId: 'stage-1' }));
		s = apply(s, command('session.focus', { stageId: 'stage-3' }), at(4));
		s = apply(s, command('session.focus', { stageId: 'stage-1' }), at(10));
		expect(s.session!.timer!.endsAt).toBe(new Date(ms(16)).toISOString());
		s = apply(s, command('session.focus', { stageId: 'stage-3' }), at(20));
		s = apply(s, command('session.focus', { stageId: 'stage-1' }), at(21));
		// 4 + 10 minutes spent of a 10-minute timebox: the countdown is 4 minutes over at once.
		expect(Date.parse(s.session!.timer!.endsAt)).toBe(ms(17));
	});

	it('stops counting when the session ends, so the minutes keep the time spent', () => {
		let s = apply(planned(), command('session.focus', { stageId: 'stage-2' }));
		s = apply(s, command('session.end'), at(8));
		expect(times(s, ms(60))['stage-2']).toEqual([300, 480]);
		expect(s.session!.clock.focusedSince).toBeNull();
	});

	it('loads a session recorded before timeboxes existed, and counts its time from its start', () => {
		const s = planned();
		const { clock: _clock, ...old } = s.session!;
		expect(Session.parse(old).clock).toEqual({ plannedSec: {}, spentSec: {}, openingSec: 0, focusedSince: null });
		const replayed = evolve(RoomState.parse({ ...emptyRoom(), version: 0 }), {
			v: 1,
			commandId: 'c1',
			at: NOW,
			actor: { id: 'u-fran', name: 'Fran' },
			event: { type: 'session.started', session: Session.parse(old) }
		});
		expect(agendaTimes(replayed.session!, ms(5)).find((t) => t.current)?.spentSec).toBe(300);
	});
});
