/**
 * Where a dragged or keyed stage lands in the journey, as the index `stage.move` takes, and what a
 * screen reader hears once it has. Pure, so it is unit tested against the real `evolve`.
 */
/**
 * The `stage.move` index that puts `draggedId` just before or after `targetId`, or null when that is
 * where it already is. (`stage.move` takes the position in the order once the stage is lifted out.)
 */
export function dropIndex(
	order: readonly string[],
	draggedId: string,
	targetId: string,
	placement: 'before' | 'after'
): number | null {
	const from = order.indexOf(draggedId);
	const target = order.indexOf(targetId);
	if (from < 0 || target < 0 || draggedId === targetId) return null;
	let index = placement === 'before' ? target : target + 1;
	if (from < index) index--;
	return index === from ? null : index;
}

export type MoveKey = 'earlier' | 'later' | 'first' | 'last';

/** The index a key move takes a stage to, or null when it cannot go further that way. */
export function keyedIndex(order: readonly string[], stageId: string, move: MoveKey): number | null {
	const from = order.indexOf(stageId);
	if (from < 0) return null;
	const last = order.length - 1;
	const to = move === 'earlier' ? from - 1 : move === 'later' ? from + 1 : move === 'first' ? 0 : last;
	return to < 0 || to > last || to === from ? null : to;
}

/** The keyboard keys that move a stage (arrows either way, since the board runs left to right). */
export function moveForKey(key: string): MoveKey | null {
	switch (key) {
		case 'ArrowUp':
		case 'ArrowLeft':
			return 'earlier';
		case 'ArrowDown':
		case 'ArrowRight':
			return 'later';
		case 'Home':
			return 'first';
		case 'End':
			return 'last';
		default:
			return null;
	}
}

/** What a screen reader hears once a move is done. */
export function positionAnnouncement(stageName: string, index: number, total: number): string {
	return `“${stageName}” is now stage ${index + 1} of ${total}.`;
}
