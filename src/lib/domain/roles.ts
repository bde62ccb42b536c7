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

/** Whether a role may send a command type at all (the room state may still refuse it). */
export function mayIssue(role: Role, type: CommandType): boolean {
	switch (role) {
		case 'facilitator':
			return true;
		case 'contributor':
			return CONTRIBUTOR_COMMANDS.has(type);
		case 'viewer':
			return false;
		default:
			return assertNever(role);
	}
}
