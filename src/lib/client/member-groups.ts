/**
 * What a room's member list says of someone who holds a role through their groups at the company's
 * identity provider: the one home of these sentences.
 */
import { roleInSentence } from './access';
import type { Member } from './people';

/** "the group A", "the groups A and B", "the groups A, B and C". */
export function groupNames(names: readonly string[]): string {
	if (names.length <= 1) return `the group ${names[0] ?? ''}`.trim();
	return `the groups ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * Why a member holds their role through groups, as a whole sentence; null when no group gives them one.
 * Someone with a role of their own as well is told that the higher of the two counts.
 */
export function groupSentence(member: Pick<Member, 'via' | 'directRole' | 'groups'>): string | null {
	const groups = member.groups;
	if (!groups || groups.names.length === 0) return null;
	if (!member.directRole) return `Has this role through ${groupNames(groups.names)}.`;
	return `Is also ${roleInSentence(groups.role)} through ${groupNames(groups.names)}; the higher role counts.`;
}

/** Only in the room through groups: removing them here would change nothing, so the list says what would. */
export const onlyThroughGroups = (member: Pick<Member, 'via' | 'directRole' | 'groups'>): boolean =>
	member.via === 'group' && !member.directRole;

export const THROUGH_GROUPS_REMOVAL =
	'To take them out of this room, change their group’s role under Groups, or ask your IT team to take them out of the group.';
