/**
 * Accounts: the people of this server (DESIGN.md section 7). A person has one account, instance-wide:
 * a name, how they sign in (an e-mail address or a user name and a password), whether they are an
 * instance admin, and a membership (a role) in each room they belong to.
 *
 * The account, not the session, holds the memberships: a session of an account reads them on every
 * lookup, so a role changed or a person removed takes effect on their next request, on every instance,
 * without finding and rewriting their sessions (their open sockets are closed by the caller).
 *
 * Stored in the access KvStore (the data dir's access file, or Redis with `REDIS_URL`), beside sessions:
 *   account:<id>            the account
 *   login:<e-mail or name>  { accountId }, lower case: one account per login
 *   account-ids             every account's id, in order of creation
 *   room-members:<roomId>   ids of accounts that joined a room (the account's memberships are the truth)
 *   sso-subject:<hash>      { accountId }: the account a provider's person (issuer and `sub`) signs in to
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Role } from '../../src/lib/domain';
import type { KvStore } from '../store/kv';

/** How a person came to be in a room, shown in the Members list. */
export type JoinedVia = 'invite' | 'created' | 'granted' | 'setup' | 'took_over';

/**
 * An account's link to a person at the company's identity provider (single sign-on), and what the
 * provider said of them when it was last asked: at sign-in, and at each refresh while they stay signed in.
 */
export interface SsoIdentity {
	issuer: string;
	/** The provider's id for the person (`sub`): the link; an e-mail address alone never is. */
	subject: string;
	/** The groups the provider put in the person's token (server/people/group-roles.ts maps them to roles). */
	groups: string[];
	/** In one of OIDC_ADMIN_GROUPS: an instance admin while it lasts. */
	admin: boolean;
	/** When the provider last confirmed the groups. */
	checkedAt: string;
}

/** The key an identity is filed under: a hash, so an odd issuer or subject cannot shape the key. */
const subjectKey = (issuer: string, subject: string) =>
	`sso-subject:${createHash('sha256').update(`${issuer}\n${subject}`).digest('hex')}`;

export interface Membership {
	role: Role;
	via: JoinedVia;
	since: string;
	/** Who invited or granted (their name then), when someone did. */
	by?: string;
}

export interface Account {
	id: string;
	name: string;
	/** Lower case, or null: signing in by user name. */
	email: string | null;
	/** Lower case, or null: signing in by e-mail. */
	username: string | null;
	/** A self-describing hash (server/auth/passwords.ts), or null: no password set (single sign-on). */
	passwordHash: string | null;
	instanceAdmin: boolean;
	memberships: Record<string, Membership>;
	createdAt: string;
	/** Last time one of the account's sessions was used (updated at most every few hours). */
	lastSeenAt?: string;
	/** Sessions begun before this time have ended (sign out everywhere, password reset). */
	sessionsValidFrom?: string;
	/** Signs in with the company's identity provider. */
	sso?: SsoIdentity;
}

/** What a person types to sign in: an e-mail address or a user name. */
export const Login = z
	.string()
	.trim()
	.min(2, 'Enter your e-mail address or user name.')
	.max(254, 'An e-mail address or user name is at most 254 characters.')
	.transform((s) => s.toLowerCase());

/** A user name: letters, digits, dot, dash, underscore (no @, so it never reads as an e-mail). */
const USERNAME = /^[a-z0-9._-]{2,64}$/;
/** One @ with something either side and a dot in the domain; the server does not try to be an RFC. */
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{2,63}$/;

/** Splits a login into an e-mail address or a user name, or says why it is neither. */
export function parseLogin(login: string): { email: string } | { username: string } | { error: string } {
	const value = login.trim().toLowerCase();
	if (value.includes('@')) return EMAIL.test(value) ? { email: value } : { error: 'This e-mail address is not valid.' };
	return USERNAME.test(value)
		? { username: value }
		: { error: 'A user name is 2 to 64 letters, digits, dots, dashes or underscores; or enter an e-mail address.' };
}

export type NewAccount = {
	name: string;
	login: string;
	passwordHash: string | null;
	instanceAdmin?: boolean;
	/** An e-mail address known besides a user name (from an invite). */
	email?: string | null;
};

export type AccountsError = { ok: false; code: 'conflict' | 'invalid' | 'not_found'; message: string };

export function createAccounts(kv: KvStore, now: () => number = Date.now) {
	const iso = () => new Date(now()).toISOString();
	const get = (id: string) => kv.get<Account>(`account:${id}`);
	const put = (account: Account) => kv.set(`account:${account.id}`, account);

	/** Applies a change to a stored account; answers the changed account, or null if there is none. */
	async function update(id: string, change: (a: Account) => Account): Promise<Account | null> {
		const current = await get(id);
		if (!current) return null;
		const next = change(current);
		await put(next);
		return next;
	}

	return {
		get,

		/** The account a login names (e-mail or user name, any case), or null. */
		async byLogin(login: string): Promise<Account | null> {
			const ref = await kv.get<{ accountId: string }>(`login:${login.trim().toLowerCase()}`);
			return ref ? get(ref.accountId) : null;
		},

		/** Whether any account exists (the first one is made from the setup link). */
		any: async () => (await kv.list<string>('account-ids')).length > 0,

		/** Every account, oldest first. */
		async all(): Promise<Account[]> {
			const ids = [...new Set(await kv.list<string>('account-ids'))];
			const accounts = await Promise.all(ids.map(get));
			return accounts.filter((a): a is Account => a !== null);
		},

		/** Makes an account; refused if the login (or the e-mail given beside it) is taken. */
		async create(input: NewAccount): Promise<{ ok: true; account: Account } | AccountsError> {
			const parsed = parseLogin(input.login);
			if ('error' in parsed) return { ok: false, code: 'invalid', message: parsed.error };
			const email = 'email' in parsed ? parsed.email : (input.email?.trim().toLowerCase() ?? null) || null;
			const username = 'username' in parsed ? parsed.username : null;
			for (const login of [email, username]) {
				if (login && (await kv.get(`login:${login}`))) {
					return {
						ok: false,
						code: 'conflict',
						message: `An account already signs in as ${login}. Sign in with it, or choose another.`
					};
				}
			}
			const account: Account = {
				id: randomUUID(),
				name: input.name.trim(),
				email,
				username,
				passwordHash: input.passwordHash,
				instanceAdmin: input.instanceAdmin === true,
				memberships: {},
				createdAt: iso()
			};
			await put(account);
			for (const login of [email, username]) if (login) await kv.set(`login:${login}`, { accountId: account.id });
			await kv.push('account-ids', account.id, 1_000_000);
			return { ok: true, account };
		},

		/** The account linked to a person at the identity provider, or null. */
		async bySubject(issuer: string, subject: string): Promise<Account | null> {
			const ref = await kv.get<{ accountId: string }>(subjectKey(issuer, subject));
			return ref ? get(ref.accountId) : null;
		},

		/**
		 * Makes an account on someone's first single sign-on (no password). The e-mail address becomes its
		 * login when no other account has it; the caller refuses first when a local account does.
		 */
		async createFromSso(input: { name: string; email: string | null; identity: SsoIdentity }): Promise<Account> {
			const email = input.email && !(await kv.get(`login:${input.email}`)) ? input.email : null;
			const account: Account = {
				id: randomUUID(),
				name: input.name.trim().slice(0, 60) || 'Someone',
				email,
				username: null,
				passwordHash: null,
				instanceAdmin: false,
				memberships: {},
				createdAt: iso(),
				sso: input.identity
			};
			await put(account);
			if (email) await kv.set(`login:${email}`, { accountId: account.id });
			await kv.set(subjectKey(input.identity.issuer, input.identity.subject), { accountId: account.id });
			await kv.push('account-ids', account.id, 1_000_000);
			return account;
		},

		/** Links an account to a person at the provider (the account's holder asked for it, signed in). */
		async linkSso(id: string, identity: SsoIdentity): Promise<Account | null> {
			const linked = await update(id, (a) => ({ ...a, sso: identity }));
			if (linked) await kv.set(subjectKey(identity.issuer, identity.subject), { accountId: id });
			return linked;
		},

		/** Unlinks an account from the provider; it signs in with its password from now on. */
		async unlinkSso(id: string): Promise<Account | null> {
			const current = await get(id);
			if (!current?.sso) return current;
			await kv.delete(subjectKey(current.sso.issuer, current.sso.subject));
			const { sso: _dropped, ...rest } = current;
			await put(rest);
			return rest;
		},

		/** Records what the provider says of a person now: their groups and whether these make them an admin. */
		setSsoGroups: (id: string, groups: string[], admin: boolean) =>
			update(id, (a) => (a.sso ? { ...a, sso: { ...a.sso, groups, admin, checkedAt: iso() } } : a)),

		/** Lists an account among a room's people (its groups give it a role there). */
		async listInRoom(id: string, roomId: string): Promise<void> {
			if (!(await kv.list<string>(`room-members:${roomId}`)).includes(id)) await kv.push(`room-members:${roomId}`, id, 1_000_000);
		},

		/** Every account listed among a room's people, whether by a membership or by a group. */
		async listedIn(roomId: string): Promise<Account[]> {
			const ids = [...new Set(await kv.list<string>(`room-members:${roomId}`))];
			const accounts = await Promise.all(ids.map(get));
			return accounts.filter((a): a is Account => a !== null);
		},

		/** Changes a person's name (the name the server records on their changes from now on). */
		rename: (id: string, name: string) => update(id, (a) => ({ ...a, name: name.trim() })),

		/** Sets a new password hash; with `endSessions` every session begun before now ends. */
		setPassword: (id: string, passwordHash: string, endSessions: boolean) =>
			update(id, (a) => ({ ...a, passwordHash, ...(endSessions ? { sessionsValidFrom: iso() } : {}) })),

		/** Ends every session of the account begun before now ("sign out everywhere"). */
		endAllSessions: (id: string) => update(id, (a) => ({ ...a, sessionsValidFrom: iso() })),

		/** Makes (or unmakes) an instance admin. */
		setInstanceAdmin: (id: string, instanceAdmin: boolean) => update(id, (a) => ({ ...a, instanceAdmin })),

		/** Notes that the account was just used. */
		seen: (id: string) => update(id, (a) => ({ ...a, lastSeenAt: iso() })),

		/**
		 * Gives a person a role in a room. A role they already hold is replaced only when `replace` is set
		 * (a facilitator changing it); an invite never lowers a role held. Answers the account, or null.
		 */
		async grant(
			id: string,
			roomId: string,
			role: Role,
			via: JoinedVia,
			options: { by?: string; replace?: boolean } = {}
		): Promise<Account | null> {
			const RANK: Record<Role, number> = { viewer: 0, contributor: 1, facilitator: 2 };
			let added = false;
			const next = await update(id, (a) => {
				const had = Object.hasOwn(a.memberships, roomId) ? a.memberships[roomId]! : null;
				added = had === null;
				if (had && !options.replace && RANK[had.role] >= RANK[role]) return a;
				const membership: Membership = had
					? { ...had, role }
					: { role, via, since: iso(), ...(options.by ? { by: options.by } : {}) };
				return { ...a, memberships: { ...a.memberships, [roomId]: membership } };
			});
			if (next && added) await kv.push(`room-members:${roomId}`, id, 1_000_000);
			return next;
		},

		/** Removes a person from a room. Answers whether they were in it. */
		async removeMembership(id: string, roomId: string): Promise<boolean> {
			let had = false;
			await update(id, (a) => {
				had = Object.hasOwn(a.memberships, roomId);
				if (!had) return a;
				const memberships = Object.fromEntries(Object.entries(a.memberships).filter(([room]) => room !== roomId));
				return { ...a, memberships };
			});
			return had;
		},

		/** The accounts with a membership in a room, in order of joining. */
		async members(roomId: string): Promise<Account[]> {
			const ids = [...new Set(await kv.list<string>(`room-members:${roomId}`))];
			const accounts = await Promise.all(ids.map(get));
			return accounts.filter((a): a is Account => a !== null && Object.hasOwn(a.memberships, roomId));
		},

		/** Forgets a deleted room in every account that was in it. */
		async forgetRoom(roomId: string): Promise<string[]> {
			const ids = [...new Set(await kv.list<string>(`room-members:${roomId}`))];
			const changed: string[] = [];
			for (const id of ids) {
				const account = await get(id);
				if (!account || !Object.hasOwn(account.memberships, roomId)) continue;
				const memberships = Object.fromEntries(Object.entries(account.memberships).filter(([room]) => room !== roomId));
				await put({ ...account, memberships });
				changed.push(id);
			}
			await kv.delete(`room-members:${roomId}`);
			return changed;
		}
	};
}

export type Accounts = ReturnType<typeof createAccounts>;
