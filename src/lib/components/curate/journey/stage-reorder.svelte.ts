/**
 * Reordering the journey's stages, by drag and drop or by keyboard: what is being dragged and where it
 * would land, the order to show while moves are on their way (so a run of key presses builds on the
 * last one), which control keeps focus as the list re-sorts under it, and what to announce.
 */
import { createContext } from 'svelte';
import type { RoomStore } from '$lib/client/room-store.svelte';
import type { RoomState } from '$lib/domain';
import { dropIndex, keyedIndex, positionAnnouncement, type MoveKey } from './reorder';

export type Placement = 'before' | 'after';
/** The control that moved a stage, to be focused again once the list has re-sorted. */
export type MoveControl = 'handle' | 'earlier' | 'later';

function moveTo(order: readonly string[], id: string, index: number): string[] {
	const rest = order.filter((x) => x !== id);
	rest.splice(Math.min(index, rest.length), 0, id);
	return rest;
}

const sameStages = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id) => b.includes(id));

export class StageReorder {
	/** The stage being dragged, if any. */
	dragging = $state<string | null>(null);
	/** Where it would land if dropped now. */
	over = $state<{ id: string; placement: Placement } | null>(null);
	/** The last move's outcome, for the aria-live region. */
	announcement = $state('');
	error = $state<string | null>(null);
	keepFocus = $state<{ stageId: string; control: MoveControl } | null>(null);
	/** The order as it will be once the moves in flight land; null when none is in flight. */
	#expected = $state.raw<string[] | null>(null);
	#inFlight = $state(0);
	readonly #store: RoomStore;
	readonly #room: () => RoomState;

	constructor(store: RoomStore, room: () => RoomState) {
		this.#store = store;
		this.#room = room;
	}

	/** The order to show: the room's, or the one the moves in flight will make. */
	get order(): readonly string[] {
		const actual = this.#room().stageOrder;
		const expected = this.#expected;
		return expected && sameStages(expected, actual) ? expected : actual;
	}

	get moving(): boolean {
		return this.#inFlight > 0;
	}

	/** A key press on a stage's handle; true when the key was a move key (so the page should not scroll). */
	key(stageId: string, move: MoveKey | null, control: MoveControl = 'handle'): boolean {
		if (!move) return false;
		const index = keyedIndex(this.order, stageId, move);
		const name = this.#name(stageId);
		if (index === null) {
			this.announcement =
				move === 'earlier' || move === 'first' ? `“${name}” is already the first stage.` : `“${name}” is already the last stage.`;
			return true;
		}
		void this.move(stageId, index, control);
		return true;
	}

	startDrag(stageId: string): void {
		this.dragging = stageId;
		this.over = null;
	}

	/** The pointer is over a stage: above its middle drops before it, below after it. */
	dragOver(targetId: string, placement: Placement): void {
		if (this.dragging && (this.over?.id !== targetId || this.over.placement !== placement)) {
			this.over = { id: targetId, placement };
		}
	}

	endDrag(): void {
		this.dragging = null;
		this.over = null;
	}

	/** Drops the dragged stage where `over` says. */
	drop(): void {
		const { dragging, over } = this;
		this.endDrag();
		if (!dragging || !over) return;
		const index = dropIndex(this.order, dragging, over.id, over.placement);
		if (index !== null) void this.move(dragging, index, null);
	}

	/** Sends `stage.move`; shows the new order at once and announces where the stage landed. */
	async move(stageId: string, index: number, control: MoveControl | null): Promise<void> {
		const next = moveTo(this.order, stageId, index);
		this.#expected = next;
		this.#inFlight++;
		this.error = null;
		if (control) this.keepFocus = { stageId, control };
		const result = await this.#store.send({ type: 'stage.move', stageId, index });
		this.#inFlight--;
		if (this.#inFlight === 0) this.#expected = null;
		const name = this.#name(stageId);
		if (result.ok) {
			this.announcement = positionAnnouncement(name, next.indexOf(stageId), next.length);
		} else {
			this.#expected = null;
			this.error = `Could not move “${name}”: ${result.message}`;
			this.announcement = this.error;
		}
	}

	#name(stageId: string): string {
		return this.#room().stages[stageId]?.name ?? stageId;
	}
}

const [getStageReorder, setStageReorderContext] = createContext<StageReorder>();

/** Hands the Journey tab's reorder state to the stage rows below it. */
export const setStageReorder = setStageReorderContext;
export const useStageReorder = getStageReorder;
