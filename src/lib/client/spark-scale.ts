/**
 * Where a small line chart puts its points: x spreads the values across the width (one value sits in the
 * middle), y maps the values and the target, if any, onto the height, highest at the top.
 */
export function sparkScale(
	values: readonly number[],
	target: number | null,
	width: number,
	height: number,
	pad: number
): { x: (i: number) => number; y: (v: number) => number } {
	const all = target === null ? [...values] : [...values, target];
	const min = Math.min(...all);
	const max = Math.max(...all);
	const span = max - min || 1;
	const x = (i: number) => pad + (values.length < 2 ? (width - 2 * pad) / 2 : (i * (width - 2 * pad)) / (values.length - 1));
	const y = (v: number) => height - pad - ((v - min) / span) * (height - 2 * pad);
	return { x, y };
}
