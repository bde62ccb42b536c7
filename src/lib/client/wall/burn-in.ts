/**
 * Burn-in guard: the whole wall drifts very slowly along a closed path a few pixels across, so the
 * header, the rail and the legend never sit on the same pixels for hours. The move is too slow to see
 * (one step every `DRIFT_STEP_MS`, eased over the same time) and under prefers-reduced-motion it still
 * happens, as tiny jumps.
 */

/** How often the drift takes a step. */
export const DRIFT_STEP_MS = 20_000;

/** Largest offset from the centre, in vh (about 5 px at 1080p, 11 px at 4K). */
const AMPLITUDE_VH = 0.5;

/**
 * The offset at a moment: a Lissajous figure with periods of 17 and 23 minutes, so the path does not
 * repeat for hours and every pixel spends as little time as possible under the same edge.
 */
export function driftOffset(nowMs: number): { x: number; y: number } {
	const minutes = nowMs / 60_000;
	return {
		x: AMPLITUDE_VH * Math.sin((2 * Math.PI * minutes) / 17),
		y: AMPLITUDE_VH * Math.sin((2 * Math.PI * minutes) / 23 + 1)
	};
}

/** The CSS transform for an offset. */
export function driftTransform(offset: { x: number; y: number }): string {
	return `translate(${offset.x.toFixed(3)}vh, ${offset.y.toFixed(3)}vh)`;
}
