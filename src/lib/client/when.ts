/**
 * Dates and times as people read them, in this browser's language and time zone (Intl), for the
 * account pages: "7 Dec 2026, 14:02".
 */
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An ISO timestamp as a date and time; a value that is not one is shown as it is. */
export function dateTime(iso: string): string {
	const d = new Date(iso);
	return Number.isNaN(d.getTime()) ? iso : DATE_TIME.format(d);
}
