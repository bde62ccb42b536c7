/**
 * Small display helpers for the browser: months, ages, numbers and text. Pure and locale-stable
 * (fixed English month names) so every screen in the room reads the same.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** "2026-10" -> "Oct 2026". Anything that is not a YYYY-MM period is returned as is. */
export function monthLabel(period: string): string {
	const match = /^(\d{4})-(\d{2})$/.exec(period);
	const month = match ? MONTHS[Number(match[2]) - 1] : undefined;
	return match && month ? `${month} ${match[1]}` : period;
}

/** The count of a month in progress, as one sentence: "Dec 2026 so far: 2 complaints." */
export function soFarSentence(soFar: { period: string; count: number }): string {
	const n = soFar.count.toLocaleString('en');
	return soFar.count === 1
		? `${monthLabel(soFar.period)} so far: 1 complaint.`
		: `${monthLabel(soFar.period)} so far: ${n} complaints.`;
}

/** "2026-10-31" -> "31 Oct 2026". */
export function dateLabel(isoDate: string): string {
	const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
	const month = match ? MONTHS[Number(match[2]) - 1] : undefined;
	return match && month ? `${Number(match[3])} ${month} ${match[1]}` : isoDate;
}

/** The month before a YYYY-MM period: "2026-01" -> "2025-12". */
export function previousPeriod(period: string): string {
	const [y, m] = period.split('-').map(Number) as [number, number];
	return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The month after a YYYY-MM period: "2025-12" -> "2026-01". */
export function nextPeriod(period: string): string {
	const [y, m] = period.split('-').map(Number) as [number, number];
	return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The latest key of a record of periods, or null when it is empty. */
export function latestPeriod(record: Record<string, unknown>): string | null {
	let latest: string | null = null;
	for (const key of Object.keys(record)) if (latest === null || key > latest) latest = key;
	return latest;
}

/** Today in the browser's time zone, as YYYY-MM-DD. */
export function todayIso(now: Date = new Date()): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** How long ago, in words: "5 s ago", "3 min ago", "2 h ago", "4 days ago". */
export function formatAge(ms: number): string {
	const s = Math.max(0, Math.floor(ms / 1000));
	if (s < 60) return `${s} s ago`;
	const min = Math.floor(s / 60);
	if (min < 60) return `${min} min ago`;
	const h = Math.floor(min / 60);
	if (h < 48) return `${h} h ago`;
	return `${Math.floor(h / 24)} days ago`;
}

/** A number with sensible precision for its size: 1234 -> "1,234", 12.34 -> "12.3", 0.456 -> "0.46". */
export function formatNumber(value: number): string {
	const abs = Math.abs(value);
	const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
	const text = new Intl.NumberFormat('en', { maximumFractionDigits: digits }).format(abs);
	return value < 0 && Number(text.replace(/,/g, '')) !== 0 ? `\u2212${text}` : text;
}

/** A value with its unit: "97.2%", "3.4 days", "412". */
export function withUnit(value: number, unit: string): string {
	const n = formatNumber(value);
	if (!unit) return n;
	return unit === '%' ? `${n}%` : `${n} ${unit}`;
}

/** Shortens text to at most `max` characters at a word boundary, with an ellipsis. */
export function truncate(text: string, max: number): string {
	const clean = text.replace(/\s+/g, ' ').trim();
	if (clean.length <= max) return clean;
	const cut = clean.slice(0, max - 1);
	const space = cut.lastIndexOf(' ');
	return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?-]+$/, '')}\u2026`;
}

const MINUS = '\u2212';
const EM_DASH = '\u2014';

/**
 * Formats a share (0..1) as a percentage: formatPercent(0.423) = "42%", formatPercent(0.4235, 1) = "42.4%".
 * '—' (em dash) for null or a non-finite value. Negative values use a real minus sign (U+2212);
 * a value that rounds to zero never shows a sign.
 */
export function formatPercent(share: number | null, digits = 0): string {
	if (share === null || !Number.isFinite(share)) return EM_DASH;
	const text = Math.abs(share * 100).toFixed(digits);
	return `${share < 0 && Number(text) !== 0 ? MINUS : ''}${text}%`;
}

/**
 * Formats a number with an explicit sign: formatSigned(12) = "+12", formatSigned(-4) = "−4" (U+2212),
 * formatSigned(0) = "0" (no sign when it rounds to zero). Rounds to `digits` decimals (default 0).
 * '—' for null or a non-finite value, so a missing gap renders as a dash.
 */
export function formatSigned(n: number | null, digits = 0): string {
	if (n === null || !Number.isFinite(n)) return EM_DASH;
	const text = Math.abs(n).toFixed(digits);
	if (Number(text) === 0) return text;
	return `${n < 0 ? MINUS : '+'}${text}`;
}
