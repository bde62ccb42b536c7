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
