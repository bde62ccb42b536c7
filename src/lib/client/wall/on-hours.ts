/**
 * A screen's on hours (docs/wall.md, "On hours"): outside them the wall shows a dark, moving clock, so a
 * TV left on all night neither burns in nor shows the board to an empty building. Hours are read in the
 * TV's own time zone, on the server's clock (a TV's clock may be minutes off; its time zone rarely is).
 */
import type { OnHours } from '$lib/domain';

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether `at` (local time) lies within the hours. `to` before `from` runs past midnight: the late part
 * belongs to the day it started on (Friday 22:00 to 06:00 is on early Saturday too). `from` equal to
 * `to` means the whole day.
 */
export function isOnHours(hours: OnHours | null | undefined, at: Date): boolean {
	if (!hours) return true;
	const now = at.getHours() * 60 + at.getMinutes();
	const from = minutes(hours.from);
	const to = minutes(hours.to);
	const today = at.getDay();
	const yesterday = (today + 6) % 7;
	if (from === to) return hours.days.includes(today);
	if (from < to) return hours.days.includes(today) && now >= from && now < to;
	return (hours.days.includes(today) && now >= from) || (hours.days.includes(yesterday) && now < to);
}

/** When the board next comes on after `at` (local time), or null when the hours never start (no days). */
export function nextStart(hours: OnHours, at: Date): Date | null {
	const from = minutes(hours.from);
	for (let ahead = 0; ahead <= 7; ahead++) {
		const day = new Date(at.getFullYear(), at.getMonth(), at.getDate() + ahead, Math.floor(from / 60), from % 60);
		if (day.getTime() > at.getTime() && hours.days.includes(day.getDay())) return day;
	}
	return null;
}
