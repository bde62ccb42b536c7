// How the countdown and the time per stop read on the walls, the desk and the minutes.
import { describe, expect, it } from 'vitest';
import {
	countdown,
	countdownLabel,
	countdownText,
	showsLarge,
	stopMinutesText,
	stopTimeText
} from '../../src/lib/client/timebox';

const END = Date.parse('2026-03-10T09:10:00.000Z');
const timer = { endsAt: new Date(END).toISOString() };

describe('the countdown', () => {
	it('counts down in minutes and seconds, then turns to the last minute, then to "+m:ss over" after zero', () => {
		expect(countdown(timer, END - 125_000)).toEqual({ phase: 'running', leftSec: 125, overSec: 0 });
		expect(countdownText(countdown(timer, END - 125_000))).toBe('2:05');
		expect(countdown(timer, END - 60_000).phase).toBe('last-minute');
		expect(countdownText(countdown(timer, END - 9_400))).toBe('0:10');
		expect(countdown(timer, END).phase).toBe('over');
		expect(countdownText(countdown(timer, END + 80_000))).toBe('+1:20 over');
		expect(countdownText(countdown(timer, END + 3_725_000))).toBe('+62:05 over');
		expect(countdownLabel(countdown(timer, END + 80_000), 600)).toBe('past the 10 min timebox');
		expect(countdownLabel(countdown(timer, END - 80_000), 600)).toBe('left in the timebox');
	});

	it('is large on the walls in the last minute and the first minute over, not before or after', () => {
		expect(showsLarge(countdown(timer, END - 61_000))).toBe(false);
		expect(showsLarge(countdown(timer, END - 60_000))).toBe(true);
		expect(showsLarge(countdown(timer, END + 59_000))).toBe(true);
		expect(showsLarge(countdown(timer, END + 60_000))).toBe(false);
	});
});

describe('time per stop', () => {
	it('reads planned against spent on the desk, and says how far over a stop ran', () => {
		expect(stopTimeText(600, 190)).toBe('3:10 of 10 min');
		expect(stopTimeText(600, 730)).toBe('12:10 of 10 min, +2:10 over');
		expect(stopTimeText(null, 45)).toBe('0:45 spent');
	});

	it('reads planned and spent as one phrase in the minutes', () => {
		expect(stopMinutesText(1800, 1200)).toBe('30 min planned, 20:00 spent');
		expect(stopMinutesText(300, 381)).toBe('5 min planned, 6:21 spent, +1:21 over');
		expect(stopMinutesText(null, 0)).toBe('0:00 spent');
	});
});
