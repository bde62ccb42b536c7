/**
 * Moments of truth, a touchpoint's scores and the perception gap (DESIGN.md: internal - customer), in
 * numbers and in words. Pure.
 */
import type { Touchpoint } from '$lib/domain';

/** Past this many moments of truth they stop standing out (the practice starts with the top 10-20). */
export const MOMENTS_OF_TRUTH_LIMIT = 20;

/** How many touchpoints in the room are flagged as moments of truth. */
export function momentsOfTruth(touchpoints: Readonly<Record<string, Touchpoint>>): number {
	let n = 0;
	for (const tp of Object.values(touchpoints)) if (tp.momentOfTruth) n++;
	return n;
}

/** The warning for a room with this many moments of truth, or null while they still stand out. */
export function momentsOfTruthWarning(count: number): string | null {
	return count > MOMENTS_OF_TRUTH_LIMIT
		? `${count} moments of truth: past ${MOMENTS_OF_TRUTH_LIMIT} they stop standing out`
		: null;
}

/** The perception gap (DESIGN.md: internal - customer): positive when we rate ourselves higher. */
export function scoreGap(internal: number | null, performance: number | null): number | null {
	if (internal === null || performance === null) return null;
	return Math.round((internal - performance) * 10) / 10;
}

/** The gap as a number with its sign: "+2.0", "-1.5", "0.0". */
export function gapFigure(gap: number): string {
	return `${gap > 0 ? '+' : ''}${gap.toFixed(1)}`;
}

/** The gap in words, so a reader knows which way it points. */
export function gapSentence(gap: number | null): string {
	if (gap === null) return 'No gap yet: it needs both the customers’ performance score and our internal score.';
	if (gap === 0) return 'We rate ourselves the same as customers do.';
	return `We rate ourselves ${Math.abs(gap).toFixed(1)} ${gap > 0 ? 'higher' : 'lower'} than customers do.`;
}

export type ParsedScore = { ok: true; value: number | null } | { ok: false; message: string };

/** A 0-10 score typed in a field: empty means "not scored"; a comma works as a decimal point. */
export function parseScore(text: string, label: string): ParsedScore {
	const trimmed = text.trim().replace(',', '.');
	if (trimmed === '') return { ok: true, value: null };
	const value = Number(trimmed);
	if (!Number.isFinite(value) || value < 0 || value > 10) {
		return { ok: false, message: `${label} must be a number from 0 to 10, or left empty.` };
	}
	return { ok: true, value: Math.round(value * 10) / 10 };
}

/** A score as a field shows it ("" for none). */
export const scoreText = (value: number | null): string => (value === null ? '' : String(value));
