/**
 * The browser's side of single sign-on (server/http/sso-api.ts): how people may sign in here, the way to
 * the company's identity provider, linking an account, and each room's groups-to-roles mapping.
 */
import type { Role } from '$lib/protocol';
import { call, send } from './json-call';

/** How people sign in on this server: `passwords` false means only single sign-on; `sso` null means none. */
export interface AuthMethods {
	passwords: boolean;
	/** `label` is the words of the sign-in button, as the server's admin set them. */
	sso: { label: string } | null;
}

/** One line of a room's mapping: people in `group` at the provider get `role` here. */
export interface GroupRole {
	group: string;
	role: Role;
}

export interface GroupRoles {
	groups: GroupRole[];
	sso: { label: string } | null;
}

export const fetchAuthMethods = () => call<AuthMethods>('/api/auth/methods');

/** Where the browser goes to sign in with the provider, coming back to `next` (a path of this site). */
export function ssoStartHref(next: string): string {
	const here = next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
	return `/api/auth/sso/start?next=${encodeURIComponent(here)}`;
}

/** Begins linking the signed-in account: the browser then goes to `url`, and comes back to `/account?sso=linked`. */
export const linkSso = () => call<{ url: string }>('/api/account/sso/link', send('POST'));

/** Unlinks the signed-in account from the provider (refused when it has no password). */
export const unlinkSso = () => call<{ ok: true }>('/api/account/sso', send('DELETE'));

const groupRolesPath = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}/group-roles`;

export const fetchGroupRoles = (roomId: string) => call<GroupRoles>(groupRolesPath(roomId));

/** Saves a room's whole mapping; answers it as saved. */
export const saveGroupRoles = (roomId: string, groups: GroupRole[]) =>
	call<GroupRoles>(groupRolesPath(roomId), send('PUT', { groups }));
