/**
 * Groups to roles (single sign-on, issue 17): a room's facilitators map groups of the company's identity
 * provider to roles in their room ("CX-Leadership -> facilitator, Claims-Ops -> contributor"). A person
 * signed in with the provider holds, in each room, the highest role any of their groups maps to, beside
 * any role granted to them directly (the higher of the two counts).
 *
 * The groups a person is in are read from the provider at every sign-in and refresh and kept on their
 * account; the roles are worked out from them on every session lookup, so a mapping changed here counts
 * at once, and a group left at the provider counts at the next refresh.
 *
 * Stored in the access KvStore, one key per room (two rooms' facilitators never overwrite each other):
 *   group-roles:<roomId>   GroupRole[]
 *   group-roles-rooms      ids of rooms that ever had a mapping
 */
import { z } from 'zod';
import { Role } from '../../src/lib/domain';
import type { KvStore } from '../store/kv';

/** One line of a room's mapping: members of `group` get `role`. */
export const GroupRole = z.strictObject({
	group: z
		.string()
		.trim()
		.min(1, 'Enter the name (or id) of a group at your identity provider.')
		.max(200, 'A group name is at most 200 characters.'),
	role: Role
});
export type GroupRole = z.infer<typeof GroupRole>;

/** A room's whole mapping, as a facilitator saves it; a group appears at most once. */
export const GroupRoles = z
	.array(GroupRole)
	.max(50, 'A room maps at most 50 groups.')
	.refine((lines) => new Set(lines.map((l) => l.group.toLowerCase())).size === lines.length, 'Each group appears only once.');

const RANK: Record<Role, number> = { viewer: 0, contributor: 1, facilitator: 2 };

/** What a person's groups give them in one room: the role, and the groups that give it. */
export interface GroupGrant {
	role: Role;
	groups: string[];
}

/**
 * The role each room gives a person in `groups`: the highest that any of their groups maps to. Group
 * names are compared without case (directories treat them so); the names answered are the room's.
 */
export function rolesFromGroups(
	mappings: ReadonlyMap<string, readonly GroupRole[]>,
	groups: readonly string[]
): Record<string, GroupGrant> {
	const held = new Set(groups.map((g) => g.toLowerCase()));
	const grants: Record<string, GroupGrant> = {};
	for (const [roomId, lines] of mappings) {
		for (const line of lines) {
			if (!held.has(line.group.toLowerCase())) continue;
			const had = grants[roomId];
			if (!had || RANK[line.role] > RANK[had.role]) grants[roomId] = { role: line.role, groups: [line.group] };
			else if (line.role === had.role) had.groups.push(line.group);
		}
	}
	return grants;
}

/** The higher of two roles, either of which may be absent. */
export function higherRole(a: Role | null | undefined, b: Role | null | undefined): Role | null {
	if (!a) return b ?? null;
	if (!b) return a;
	return RANK[a] >= RANK[b] ? a : b;
}

/** How long a server keeps the mappings it read before reading them again (another instance may change them). */
const CACHE_MS = 3_000;

export function createGroupRoles(kv: KvStore, now: () => number = Date.now) {
	let cached: { at: number; mappings: Map<string, GroupRole[]> } | null = null;

	async function all(): Promise<Map<string, GroupRole[]>> {
		if (cached && now() - cached.at < CACHE_MS) return cached.mappings;
		const mappings = new Map<string, GroupRole[]>();
		for (const roomId of new Set(await kv.list<string>('group-roles-rooms'))) {
			const lines = await kv.get<GroupRole[]>(`group-roles:${roomId}`);
			if (lines?.length) mappings.set(roomId, lines);
		}
		cached = { at: now(), mappings };
		return mappings;
	}

	return {
		/** Every room's mapping (read at most every few seconds). */
		all,

		/** One room's mapping, in the order its facilitators wrote it. */
		room: async (roomId: string): Promise<GroupRole[]> => (await kv.get<GroupRole[]>(`group-roles:${roomId}`)) ?? [],

		/** Replaces a room's mapping. */
		async save(roomId: string, lines: readonly GroupRole[]): Promise<void> {
			const had = await kv.get<GroupRole[]>(`group-roles:${roomId}`);
			if (lines.length === 0) await kv.delete(`group-roles:${roomId}`);
			else await kv.set(`group-roles:${roomId}`, lines);
			if (!had && lines.length) await kv.push('group-roles-rooms', roomId, 100_000);
			cached = null;
		},

		/** Forgets a deleted room's mapping. */
		async forgetRoom(roomId: string): Promise<void> {
			await kv.delete(`group-roles:${roomId}`);
			cached = null;
		},

		/** What `groups` give in every room, as of now. */
		grantsFor: async (groups: readonly string[]): Promise<Record<string, GroupGrant>> =>
			groups.length ? rolesFromGroups(await all(), groups) : {}
	};
}

export type GroupRolesStore = ReturnType<typeof createGroupRoles>;
