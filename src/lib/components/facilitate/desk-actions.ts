/**
 * What the facilitator's panels can ask of the desk: open the charter or the win dialog, and the
 * evidence ticked under the stage. Handed down by context so a panel deep in the page does not thread
 * callbacks through every parent.
 */
import { createContext } from 'svelte';
import type { Letdown } from '$lib/client/evidence';
import type { FixTeam } from '$lib/domain';
import type { TickedEvidence } from './ticked-evidence.svelte';

export interface DeskActions {
	/** The evidence ticked under the stage the room is on: every charter button links it. */
	ticked: TickedEvidence;
	/** The ticked items under `stageId`, ranked. */
	tickedItems(stageId: string | null): Letdown[];
	/** Opens the charter dialog for this stage, with the items ticked under it linked. */
	charter(stageId: string | null): void;
	/** Opens the charter dialog with these items linked (the top of a vote), under `stageId`. */
	charterItems(items: readonly Letdown[], stageId: string | null): void;
	/** Opens the win dialog, for a team or for none. */
	markWin(team: FixTeam | null): void;
}

const [getDeskActions, setDeskActionsContext] = createContext<DeskActions>();

export const setDeskActions = setDeskActionsContext;
export const useDeskActions = getDeskActions;
