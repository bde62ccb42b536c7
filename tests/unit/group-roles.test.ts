/** Groups to roles (single sign-on): the rule that decides a person's role in each room from their groups. */
import { describe, expect, it } from 'vitest';
import { claimAt, groupsFrom } from '../../server/auth/oidc';
import { GroupRoles, higherRole, rolesFromGroups, type GroupRole } from '../../server/people/group-roles';

const mappings = new Map<string, GroupRole[]>([
	[
		'claims',
		[
			{ group: 'CX-Leadership', role: 'facilitator' },
			{ group: 'Claims-Ops', role: 'contributor' },
			{ group: 'Everyone', role: 'viewer' }
		]
	],
	['onboarding', [{ group: 'Everyone', role: 'viewer' }]]
]);

describe('rolesFromGroups', () => {
	it('gives each room the highest role any of the groups maps to, naming the groups that give it', () => {
		expect(rolesFromGroups(mappings, ['everyone', 'claims-ops'])).toEqual({
			claims: { role: 'contributor', groups: ['Claims-Ops'] },
			onboarding: { role: 'viewer', groups: ['Everyone'] }
		});
		expect(rolesFromGroups(mappings, ['CX-LEADERSHIP'])).toEqual({ claims: { role: 'facilitator', groups: ['CX-Leadership'] } });
	});

	it('gives nothing to groups no room maps, or to nobody', () => {
		expect(rolesFromGroups(mappings, ['Finance'])).toEqual({});
		expect(rolesFromGroups(mappings, [])).toEqual({});
	});

	it('higherRole keeps the higher of a direct role and a group role', () => {
		expect(higherRole('viewer', 'contributor')).toBe('contributor');
		expect(higherRole('facilitator', 'viewer')).toBe('facilitator');
		expect(higherRole(null, 'viewer')).toBe('viewer');
		expect(higherRole(undefined, undefined)).toBeNull();
	});

	it('a mapping names each group once, at most 50', () => {
		expect(
			GroupRoles.safeParse([
				{ group: 'A', role: 'viewer' },
				{ group: 'a', role: 'facilitator' }
			]).success
		).toBe(false);
		expect(GroupRoles.safeParse([{ group: ' ', role: 'viewer' }]).success).toBe(false);
		expect(GroupRoles.safeParse([{ group: 'A', role: 'owner' }]).success).toBe(false);
		expect(GroupRoles.safeParse(Array.from({ length: 51 }, (_, i) => ({ group: `g${i}`, role: 'viewer' }))).success).toBe(false);
	});
});

describe('reading groups from a token', () => {
	it('reads a claim by name or dotted path, and nothing from what is not there', () => {
		const claims = { groups: ['a'], realm_access: { roles: ['cx'] }, hd: 'example.com' };
		expect(claimAt(claims, 'groups')).toEqual(['a']);
		expect(claimAt(claims, 'realm_access.roles')).toEqual(['cx']);
		expect(claimAt(claims, 'realm_access.missing')).toBeUndefined();
		expect(claimAt(claims, 'toString')).toBeUndefined();
		expect(claimAt({ 'https://room.example.com/groups': ['cx'] }, 'https://room.example.com/groups')).toEqual(['cx']);
	});

	it('takes a list of names or one name (a Google Workspace domain); anything else is no groups claim', () => {
		expect(groupsFrom(['CX', '', 3, ' Ops '])).toEqual(['CX', 'Ops']);
		expect(groupsFrom('example.com')).toEqual(['example.com']);
		expect(groupsFrom(undefined)).toBeNull();
		expect(groupsFrom({ a: 1 })).toBeNull();
	});
});
