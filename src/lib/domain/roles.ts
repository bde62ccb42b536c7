/**
 * Who may send what (DESIGN.md section 7), zod-free: `decide` and the gateway check it, and pages use it
 * to offer only what a role may do (the wall's curator note among them) without loading the schemas.
 */
import type { CommandType } from './commands';
import { assertNever } from './basics';
import type { Role } from './model';

/** Commands a contributor may send; a facilitator may send every command, a viewer none. */
const CONTRIBUTOR_COMMANDS: ReadonlySet<CommandType> = new Set<CommandType>([
	'stage.add',
	'stage.update',
	'stage.move',
	'touchpoint.add',
	'touchpoint.update',
	'touchpoint.assess',
	'artifact.add',
	'artifact.update',
	'artifact.remove',
	'complaint.define',
	'complaint.update',
	'complaint.count',
	'complaint.quote',
	'rule.save',
	'rule.remove',
	'review.place',
	'kpi.define',
	'kpi.update',
	'kpi.record',
	'kpi.unrecord',
	'kpi.move',
	'survey.define',
	'survey.update',
	'survey.record',
	'survey.quote',
	'team.update',
	'team.setStatus',
	'team.post',
	// Only on their own actions: decide checks the owner (`mayMarkDone`).
	'action.complete',
	'action.reopen',
	'import.apply'
]);

/**
 * Commands every role may send, because a person sends them for themself: checking in to a session and
 * voting (leadership attendees are often viewers). Only in their own name: the gateway refuses them from
 * paired screens and guest links (`isPersonal`), and `decide` checks it again.
 */
const EVERY_ROLE_COMMANDS: ReadonlySet<CommandType> = new Set<CommandType>(['session.checkIn', 'vote.cast']);

/** Whether a command is one a person sends only in their own name (not a screen, a guest link or an API key). */
export const isPersonal = (type: CommandType): boolean => EVERY_ROLE_COMMANDS.has(type);

/** Whether a role may send a command type at all (the room state may still refuse it). */
export function mayIssue(role: Role, type: CommandType): boolean {
	switch (role) {
		case 'facilitator':
			return true;
		case 'contributor':
			return CONTRIBUTOR_COMMANDS.has(type) || EVERY_ROLE_COMMANDS.has(type);
		case 'viewer':
			return EVERY_ROLE_COMMANDS.has(type);
		default:
			return assertNever(role);
	}
}
