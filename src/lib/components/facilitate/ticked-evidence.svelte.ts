/**
 * The evidence the facilitator ticked under the stage the room is on. The desk holds it (not the stage
 * panel), so every "Charter a fix team" button on the desk charters from the same ticked items; turning
 * the room to another stage starts with nothing ticked.
 */
import type { Letdown } from '$lib/client/evidence';

/** An item's key among a stage's letdowns. */
export const letdownKey = (item: Pick<Letdown, 'kind' | 'id'>) => `${item.kind}:${item.id}`;

export class TickedEvidence {
	#stageId = $state<string | null>(null);
	#keys = $state<string[]>([]);

	/** The keys ticked under `stageId` (none when another stage's were ticked). */
	keys(stageId: string | null): string[] {
		return stageId !== null && stageId === this.#stageId ? this.#keys : [];
	}

	/** The ticked items among `ranked`, in their order. */
	of(stageId: string | null, ranked: readonly Letdown[]): Letdown[] {
		const keys = this.keys(stageId);
		return ranked.filter((item) => keys.includes(letdownKey(item)));
	}

	set(stageId: string, item: Letdown, on: boolean): void {
		const keys = this.keys(stageId).filter((k) => k !== letdownKey(item));
		this.#stageId = stageId;
		this.#keys = on ? [...keys, letdownKey(item)] : keys;
	}

	clear(): void {
		this.#keys = [];
	}
}
