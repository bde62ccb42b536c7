/**
 * The words for action items, in one place: a role's name in the owner picker, and an action's state as a
 * word and a mark (never colour alone).
 */
import { isOverdue } from '$lib/domain/actions';
import type { ActionItem, Role } from '$lib/domain';

export const ROLE_WORD: Record<Role, string> = { facilitator: 'facilitator', contributor: 'contributor', viewer: 'viewer' };

export type ActionState = 'done' | 'overdue' | 'open';

/** Where an action stands on `today` (YYYY-MM-DD). */
export function actionState(action: Pick<ActionItem, 'due' | 'doneAt'>, today: string): ActionState {
	return action.doneAt ? 'done' : isOverdue(action, today) ? 'overdue' : 'open';
}

/** The word and the mark of each state. */
export const ACTION_STATE: Record<ActionState, { word: string; mark: string }> = {
	done: { word: 'Done', mark: '✓' },
	overdue: { word: 'Overdue', mark: '!' },
	open: { word: 'Open', mark: '○' }
};
