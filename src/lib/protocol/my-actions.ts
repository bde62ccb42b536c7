/**
 * `GET /api/account/actions`: the actions a signed-in person owns, across every room they can see.
 * Overdue is the reader's to judge (their calendar), by the domain's `isOverdue`.
 */
import type { ActionItem, Role } from '../domain/model';

/** One action of the person's, with what a list needs to show it without opening the room. */
export interface MyAction {
	roomId: string;
	roomName: string;
	/** The person's role in that room. */
	role: Role;
	action: ActionItem;
	/** The fix team that keeps it, or null. */
	teamName: string | null;
	/** Where it came from, in words: "Decision: …" or "Recommendation of Fee clarity: …". */
	origin: string;
	/** Whether this person may mark it done or open it again (the rule of `mayMarkDone`). */
	mayMarkDone: boolean;
}

export interface MyActionsAnswer {
	/** Open ones first by due date, then done ones (the newest first), across rooms. */
	actions: MyAction[];
}
