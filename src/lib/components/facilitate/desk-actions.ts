/**
 * What the facilitator's panels can ask of the desk: open the charter or the win dialog. Handed down
 * by context so a panel deep in the page does not thread callbacks through every parent.
 */
import { createContext } from 'svelte';
import type { Letdown } from '$lib/client/evidence';
import type { FixTeam } from '$lib/domain';

export interface DeskActions {
	/** Opens the charter dialog with these items linked, for this stage. */
	charter(items: readonly Letdown[], stageId: string | null): void;
	/** Opens the win dialog, for a team or for none. */
	markWin(team: FixTeam | null): void;
}

const [getDeskActions, setDeskActionsContext] = createContext<DeskActions>();

export const setDeskActions = setDeskActionsContext;
export const useDeskActions = getDeskActions;
