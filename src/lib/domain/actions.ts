/**
 * The rules of action items, zod-free (the wall folds events and reads them without the schemas): when an
 * action is overdue, which are a team's, and who may mark one done.
 */
import type { ActionItem, Role, RoomState } from './model';

/**
 * Whether an action is overdue on `today` (a YYYY-MM-DD day in the reader's calendar): still open and
 * due before today. Due today is not overdue yet.
 */
export function isOverdue(action: Pick<ActionItem, 'due' | 'doneAt'>, today: string): boolean {
	return action.doneAt === null && action.due < today;
}

/** A room's actions, open ones first by due date, then done ones newest first. */
export function sortedActions(actions: readonly ActionItem[]): ActionItem[] {
	return [...actions].sort((a, b) => {
		if ((a.doneAt === null) !== (b.doneAt === null)) return a.doneAt === null ? -1 : 1;
		if (a.doneAt === null) return a.due.localeCompare(b.due) || a.createdAt.localeCompare(b.createdAt);
		return (b.doneAt ?? '').localeCompare(a.doneAt ?? '');
	});
}

/** The actions a fix team keeps on its page (sorted as `sortedActions`). */
export function teamActions(state: Pick<RoomState, 'actions'>, teamId: string): ActionItem[] {
	return sortedActions(Object.values(state.actions ?? {}).filter((a) => a.teamId === teamId));
}

/** The overdue actions of a room on `today`, optionally of one team, oldest due first. */
export function overdueActions(state: Pick<RoomState, 'actions'>, today: string, teamId?: string): ActionItem[] {
	return sortedActions(
		Object.values(state.actions ?? {}).filter((a) => isOverdue(a, today) && (teamId === undefined || a.teamId === teamId))
	);
}

/**
 * Whether someone may mark an action done (or open it again): a facilitator always; a contributor when
 * the action is theirs. A viewer's access is read-only, so a facilitator marks a viewer's action done.
 */
export function mayMarkDone(role: Role, actorId: string, action: Pick<ActionItem, 'owner'>): boolean {
	return role === 'facilitator' || (role === 'contributor' && action.owner.id === actorId);
}
