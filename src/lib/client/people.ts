/**
 * The browser's side of the people API (server/http/people-api.ts): the first admin, signing in, my
 * account, a room's members and invitations, password resets, the instance's people. Every helper answers
 * `{ ok: true, ... }` or `{ ok: false, status, message }` with a message a person can act on.
 */
import type { Role } from '$lib/protocol';
import { call, send } from './json-call';

const room = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}`;

/** What a person types to make an account. */
export interface NewAccount {
	name: string;
	/** An e-mail address or a user name. */
	login: string;
	password: string;
}

export interface Member {
	id: string;
	name: string;
	role: Role;
	you: boolean;
	/** Shown to facilitators and admins only. */
	email?: string | null;
	username?: string | null;
	/** How they came in; `group`: only through their groups at the company's identity provider. */
	via?: 'invite' | 'created' | 'granted' | 'setup' | 'took_over' | 'group';
	by?: string | null;
	since?: string;
	lastSeenAt?: string | null;
	/** The role given to them in this room directly; null when they are here only through groups. */
	directRole?: Role | null;
	/** The role their provider groups give them here, and which of the room's groups give it. */
	groups?: { role: Role; names: string[] } | null;
}

export interface PendingInvite {
	id: string;
	name: string;
	email: string | null;
	role: Role;
	invitedBy: string;
	createdAt: string;
	expiresAt: string;
	emailed: boolean;
}

export interface InvitePreview {
	roomName: string;
	organisation: string;
	role: Role;
	name: string;
	email: string | null;
	invitedBy: string;
	expiresAt: string;
	/** The name of the account this browser is signed in to, if any. */
	signedInAs: string | null;
}

export interface MyAccount {
	id: string;
	name: string;
	email: string | null;
	username: string | null;
	instanceAdmin: boolean;
	/** False for an account made by single sign-on (or whose password was never set). */
	hasPassword: boolean;
	/** Whether the account signs in with the company's identity provider (absent from older servers). */
	sso?: { linked: boolean };
	createdAt: string;
	rooms: Array<{ roomId: string; name: string; role: Role; since: string }>;
	sessions: Array<{ id: string; device: string; createdAt: string; lastSeenAt: string; current: boolean }>;
}

export interface Person {
	id: string;
	name: string;
	email: string | null;
	username: string | null;
	instanceAdmin: boolean;
	createdAt: string;
	lastSeenAt: string | null;
	rooms: Array<{ roomId: string; name: string; role: Role }>;
}

/** The setup link: makes the first admin's account (or makes the signed-in person an admin). */
export const claimSetup = (token: string, account?: NewAccount) =>
	call<{ instanceAdmin: true; name: string }>('/api/setup', send('POST', account ? { token, account } : { token }));

export const signIn = (login: string, password: string) =>
	call<{ name: string; instanceAdmin: boolean }>('/api/auth/sign-in', send('POST', { login, password }));

/** Ends this browser's session; with single sign-on, `provider` says how to end the provider's session too. */
/** Where to send the browser, and what to send, to end the identity provider's session too. */
export interface ProviderSignOut {
	url: string;
	fields: Record<string, string>;
}

export const signOut = () => call<{ ok: true; provider?: ProviderSignOut }>('/api/signout', send('POST'));

export const forgotPassword = (login: string) => call<{ message: string }>('/api/auth/forgot', send('POST', { login }));

export const peekReset = (token: string) =>
	call<{ name: string; login: string | null }>('/api/auth/reset/peek', send('POST', { token }));

export const resetPassword = (token: string, password: string) =>
	call<{ name: string }>('/api/auth/reset', send('POST', { token, password }));

export const fetchMyAccount = () => call<MyAccount>('/api/account');

export const changePassword = (current: string, password: string) =>
	call<{ ok: true }>('/api/account/password', send('POST', { current, password }));

export const signOutEverywhere = () => call<{ ended: number }>('/api/account/sign-out-everywhere', send('POST'));

export const endSession = (sessionId: string) =>
	call<{ ok: true }>(`/api/account/sessions/${encodeURIComponent(sessionId)}`, send('DELETE'));

export const fetchMembers = (roomId: string) => call<{ members: Member[] }>(`${room(roomId)}/members`);

export const addMember = (roomId: string, login: string, role: Role) =>
	call<{ id: string; name: string; role: Role }>(`${room(roomId)}/members`, send('POST', { login, role }));

export const changeRole = (roomId: string, accountId: string, role: Role) =>
	call<{ role: Role }>(`${room(roomId)}/members/${encodeURIComponent(accountId)}`, send('PUT', { role }));

export const removeMember = (roomId: string, accountId: string) =>
	call<{ removed: string }>(`${room(roomId)}/members/${encodeURIComponent(accountId)}`, send('DELETE'));

export const fetchPendingInvites = (roomId: string) =>
	call<{ invites: PendingInvite[]; mail: boolean }>(`${room(roomId)}/person-invites`);

export const invitePerson = (roomId: string, input: { name: string; email: string; role: Role }) =>
	call<{ invite: PendingInvite; link: string }>(`${room(roomId)}/person-invites`, send('POST', input));

export const resendInvite = (roomId: string, inviteId: string) =>
	call<{ invite: PendingInvite; link: string }>(
		`${room(roomId)}/person-invites/${encodeURIComponent(inviteId)}/resend`,
		send('POST')
	);

export const revokeInvite = (roomId: string, inviteId: string) =>
	call<{ revoked: string }>(`${room(roomId)}/person-invites/${encodeURIComponent(inviteId)}`, send('DELETE'));

export const peekInvite = (token: string) => call<InvitePreview>('/api/invites/peek', send('POST', { token }));

/** Accepts an invitation: as the signed-in person, or making an account. */
export const acceptInvite = (token: string, account?: NewAccount) =>
	call<{ roomId: string; role: Role; name: string }>(
		'/api/invites/accept',
		send('POST', account ? { token, account } : { token })
	);

export const fetchPeople = () =>
	call<{ people: Person[]; settings: { everyoneCreatesRooms: boolean }; mail: boolean }>('/api/instance/people');

export const makeResetLink = (accountId: string) =>
	call<{ link: string; expiresAt: string }>(`/api/instance/people/${encodeURIComponent(accountId)}/reset-link`, send('POST'));

export const setInstanceAdmin = (accountId: string, admin: boolean) =>
	call<{ instanceAdmin: boolean }>(`/api/instance/people/${encodeURIComponent(accountId)}/admin`, send('PUT', { admin }));

export const setInstanceSettings = (everyoneCreatesRooms: boolean) =>
	call<{ everyoneCreatesRooms: boolean }>('/api/instance/settings', send('PUT', { everyoneCreatesRooms }));

export interface GuestLinkView {
	id: string;
	role: Role;
	createdAt: string;
	createdBy: string;
	expiresAt: string;
	/** Opens left; null: any number until it expires. */
	usesLeft: number | null;
	used: number;
}

export const fetchGuestLinks = (roomId: string) => call<{ links: GuestLinkView[] }>(`${room(roomId)}/guest-links`);

export const makeGuestLink = (roomId: string, input: { role: Role; hours: number; uses: number | null }) =>
	call<{ link: string; id: string; expiresAt: string; usesLeft: number | null }>(
		`${room(roomId)}/guest-links`,
		send('POST', input)
	);

export const revokeGuestLink = (roomId: string, linkId: string) =>
	call<{ revoked: string; ended: number }>(`${room(roomId)}/guest-links/${encodeURIComponent(linkId)}`, send('DELETE'));
