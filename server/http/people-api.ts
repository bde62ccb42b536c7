/**
 * People: the first admin (setup link), signing in, my account, a room's members and invitations,
 * password resets, and the instance's people for admins. JSON in and out; every state-changing request
 * must come from our own origin; sign-in attempts are limited per account and per address.
 *
 *   POST   /api/setup                           { token, account? }  the setup link makes the first admin
 *   POST   /api/auth/sign-in                    { login, password }
 *   POST   /api/auth/forgot                     { login }  e-mails a reset link (when SMTP is set)
 *   POST   /api/auth/reset/peek                 { token }
 *   POST   /api/auth/reset                      { token, password }
 *   GET    /api/account                         my account and my sessions
 *   POST   /api/account/password                { current, password }
 *   POST   /api/account/sign-out-everywhere
 *   DELETE /api/account/sessions/:sessionId
 *   GET    /api/rooms/:id/members               members (facilitators see e-mail, how and when)
 *   POST   /api/rooms/:id/members               { login, role }  add a person who has an account
 *   PUT    /api/rooms/:id/members/:accountId    { role }
 *   DELETE /api/rooms/:id/members/:accountId
 *   GET    /api/rooms/:id/person-invites        pending invitations
 *   POST   /api/rooms/:id/person-invites        { name, email?, role }
 *   POST   /api/rooms/:id/person-invites/:id/resend
 *   DELETE /api/rooms/:id/person-invites/:id
 *   GET    /api/rooms/:id/guest-links           guest links that still work
 *   POST   /api/rooms/:id/guest-links           { role, hours, uses }  (uses null: until it expires)
 *   DELETE /api/rooms/:id/guest-links/:id       the link stops; its guests lose the room
 *   POST   /api/invites/peek                    { token }
 *   POST   /api/invites/accept                  { token, account? }
 *   GET    /api/instance/people                 every account (instance admins)
 *   POST   /api/instance/people/:id/reset-link  a reset link to hand over (instance admins)
 *   PUT    /api/instance/people/:id/admin       { admin }
 *   GET    /api/instance/settings, PUT { everyoneCreatesRooms }
 *
 * Tokens travel in bodies, never in URLs; links carry them in the fragment.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { z } from 'zod';
import { Role } from '../../src/lib/domain';
import { isInstanceAdmin, type AccessService, type Session } from '../access/access-service';
import { checkPasswordPolicy, hashPassword, needsRehash, verifyPassword, verifyWithoutAccount } from '../auth/passwords';
import type { SignInLimits } from '../auth/sign-in-limits';
import type { inviteMessage, passwordResetMessage } from '../mail/messages';
import type { RoomEngine } from '../engine/room-engine';
import type { Logger } from '../log';
import type { Account } from '../people/accounts';
import type { AuditTrail } from '../people/audit-trail';
import type { Invitations, PersonInvite } from '../people/invitations';
import { clientAddress, isAllowedOrigin, isHttps, type TrustProxy } from './origin';
import { readJson, sendJson } from './json';
import { facilitatorGuard } from './room-guard';
import { sessionCookie, sessionTokenOf } from './session';
import { overLimit, signedInAccount, TOO_MANY } from './callers';

/** What the people endpoints record in the audit trail (server/people/audit-trail.ts). */
export type AuditRecorder = Pick<AuditTrail, 'record'>;

/** What sends e-mail (server/mail); absent or disabled without SMTP_URL. */
export interface MailSender {
	enabled: boolean;
	send(message: { to: string; subject: string; text: string; html: string }): Promise<void>;
}

export interface PeopleApiDeps {
	access: AccessService;
	invitations: Invitations;
	engine: RoomEngine;
	log: Logger;
	/** Per-address limit for setup, invitation and reset attempts. */
	limiter: RateLimiterAbstract;
	/** Sign-in failures per account and per address. */
	signInLimits: SignInLimits;
	allowedOrigins: readonly string[];
	allowedHosts: readonly string[];
	trustProxy: TrustProxy | null;
	audit?: AuditRecorder;
	mailer?: MailSender;
	/** Builds the e-mails (server/mail/messages.ts). */
	messages?: { invite: typeof inviteMessage; reset: typeof passwordResetMessage };
	/**
	 * Tells a person's open pages their access changed: ended in one room (or, with null, everywhere), or
	 * only changed (`changed`: a new role), when their pages reconnect with it and carry on.
	 */
	onAccessChanged(sessionIds: readonly string[], roomId: string | null, reason: string, changed?: boolean): void;
	/** Whether people may sign in with a password (AUTH_LOCAL; default on). Off: single sign-on only. */
	localPasswords?: boolean;
}

const PASSWORDS_OFF = {
	error: 'passwords_off',
	message: 'Passwords are turned off on this server. Sign in with your company account instead.'
} as const;

const PASSWORDS_OFF_SETUP = {
	code: 'passwords_off',
	message: 'Passwords are turned off on this server. Sign in with your company account first, then open this setup link again.'
} as const;

const Password = z.string().min(1, 'Enter a password.').max(256, 'A password is at most 256 characters.');
const PersonName = z.string().trim().min(1, 'Enter a name.').max(60, 'A name is at most 60 characters.');
const NewAccountBody = z.strictObject({ name: PersonName, login: z.string().trim().min(1).max(254), password: Password });
const SetupBody = z.strictObject({ token: z.string().min(1).max(100), account: NewAccountBody.optional() });
const SignInBody = z.strictObject({ login: z.string().trim().min(1).max(254), password: Password });
const TokenBody = z.strictObject({ token: z.string().min(1).max(100) });
const AcceptBody = z.strictObject({ token: z.string().min(1).max(100), account: NewAccountBody.optional() });
const ResetBody = z.strictObject({ token: z.string().min(1).max(100), password: Password });
const ChangePasswordBody = z.strictObject({ current: Password, password: Password });
const ForgotBody = z.strictObject({ login: z.string().trim().min(1).max(254) });
const InviteBody = z.strictObject({
	name: PersonName,
	email: z
		.string()
		.trim()
		.max(254)
		.optional()
		.transform((s) => s || null),
	role: Role
});
const GuestLinkBody = z.strictObject({
	role: Role,
	hours: z
		.number()
		.int()
		.min(1, 'A guest link lives at least an hour.')
		.max(720, 'A guest link lives at most 30 days (720 hours).'),
	uses: z.number().int().min(1).max(1000).nullable()
});
const AddMemberBody = z.strictObject({ login: z.string().trim().min(1).max(254), role: Role });
const RoleBody = z.strictObject({ role: Role });
const AdminBody = z.strictObject({ admin: z.boolean() });
const SettingsBody = z.strictObject({ everyoneCreatesRooms: z.boolean() });
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{2,63}$/;

const ROOM_ID = '([A-Za-z0-9_-]{1,64})';
const UUID = '([0-9a-f-]{36})';
const MEMBERS = new RegExp(`^/api/rooms/${ROOM_ID}/members$`);
const MEMBER = new RegExp(`^/api/rooms/${ROOM_ID}/members/${UUID}$`);
const INVITES = new RegExp(`^/api/rooms/${ROOM_ID}/person-invites$`);
const INVITE = new RegExp(`^/api/rooms/${ROOM_ID}/person-invites/${UUID}$`);
const INVITE_RESEND = new RegExp(`^/api/rooms/${ROOM_ID}/person-invites/${UUID}/resend$`);
const GUEST_LINKS = new RegExp(`^/api/rooms/${ROOM_ID}/guest-links$`);
const GUEST_LINK = new RegExp(`^/api/rooms/${ROOM_ID}/guest-links/${UUID}$`);
const ACCOUNT_SESSION = new RegExp(`^/api/account/sessions/${UUID}$`);
const PERSON_RESET = new RegExp(`^/api/instance/people/${UUID}/reset-link$`);
const PERSON_ADMIN = new RegExp(`^/api/instance/people/${UUID}/admin$`);

const FIXED = new Set([
	'/api/setup',
	'/api/auth/sign-in',
	'/api/auth/forgot',
	'/api/auth/reset/peek',
	'/api/auth/reset',
	'/api/account',
	'/api/account/password',
	'/api/account/sign-out-everywhere',
	'/api/invites/peek',
	'/api/invites/accept',
	'/api/instance/people',
	'/api/instance/settings'
]);
const PATTERNS = [
	MEMBERS,
	MEMBER,
	INVITES,
	INVITE,
	INVITE_RESEND,
	GUEST_LINKS,
	GUEST_LINK,
	ACCOUNT_SESSION,
	PERSON_RESET,
	PERSON_ADMIN
];

/** "Chrome on Windows" from a User-Agent header, for My account's list of sessions. */
export function describeDevice(userAgent: string | undefined): string {
	const ua = (userAgent ?? '').slice(0, 400);
	const browser = /Edg\//.test(ua)
		? 'Edge'
		: /Firefox\//.test(ua)
			? 'Firefox'
			: /Chrom(e|ium)\//.test(ua)
				? 'Chrome'
				: /Safari\//.test(ua)
					? 'Safari'
					: 'A browser';
	const system = /Android/.test(ua)
		? 'Android'
		: /iPhone|iPad/.test(ua)
			? 'iOS'
			: /Windows/.test(ua)
				? 'Windows'
				: /Mac OS X/.test(ua)
					? 'macOS'
					: /Linux/.test(ua)
						? 'Linux'
						: null;
	return system ? `${browser} on ${system}` : browser;
}

const refusalOf = (error: z.ZodError) => {
	const issue = error.issues[0];
	return issue ? `${issue.path.join('.') || 'the body'}: ${issue.message}` : 'the body is not valid';
};

export function createPeopleApi(deps: PeopleApiDeps) {
	const { access, invitations, engine, log } = deps;
	const accounts = access.accounts;
	/** The caller's session, or sends why they may not manage the room's people. */
	const facilitatorOf = facilitatorGuard(access, engine, 'its people');

	const origin = (req: IncomingMessage) =>
		`${isHttps(req, deps.trustProxy) ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
	const setCookie = (req: IncomingMessage, res: ServerResponse, token: string, session: Session) =>
		res.setHeader('set-cookie', sessionCookie(req, token, deps.trustProxy, access.cookieMaxAgeS(session)));
	const audit = (entry: Parameters<AuditRecorder['record']>[0]): void => {
		deps.audit
			?.record(entry)
			.catch((error: unknown) => log.warn({ err: String(error), action: entry.action }, 'an audit entry was not recorded'));
	};
	const actorOf = (s: Session) => ({
		id: s.accountId ?? s.id,
		name: s.name,
		kind: s.guest ? ('guest' as const) : ('person' as const)
	});
	const subjectOf = (a: Account) => ({ id: a.id, name: a.name, kind: 'person' as const });

	async function limited(req: IncomingMessage, res: ServerResponse, bucket: string): Promise<boolean> {
		if (!(await overLimit(deps.limiter, req, deps.trustProxy, bucket))) return false;
		sendJson(res, 429, TOO_MANY);
		return true;
	}

	/** Checks a new password against the policy; answers the hash, or sends the refusal and answers null. */
	async function newPasswordHash(
		res: ServerResponse,
		password: string,
		person: { name?: string; email?: string | null; username?: string | null }
	): Promise<string | null> {
		const policy = checkPasswordPolicy(password, person);
		if (!policy.ok) {
			sendJson(res, 400, { error: 'weak_password', message: policy.message });
			return null;
		}
		return hashPassword(password);
	}

	/** Makes an account from a sign-up form, or sends why not. */
	async function makeAccount(
		res: ServerResponse,
		input: z.infer<typeof NewAccountBody>,
		extra: { instanceAdmin?: boolean; email?: string | null } = {}
	): Promise<Account | null> {
		const login = input.login.toLowerCase();
		const hash = await newPasswordHash(res, input.password, {
			name: input.name,
			email: login.includes('@') ? login : null,
			username: login.includes('@') ? null : login
		});
		if (!hash) return null;
		const made = await accounts.create({ name: input.name, login, passwordHash: hash, ...extra });
		if (!made.ok) {
			sendJson(res, made.code === 'conflict' ? 409 : 400, { error: made.code, message: made.message });
			return null;
		}
		return made.account;
	}

	/** With AUTH_LOCAL=off, sends the refusal of anything done with a password and answers true. */
	function passwordsOff(res: ServerResponse): boolean {
		if (deps.localPasswords !== false) return false;
		sendJson(res, 403, PASSWORDS_OFF);
		return true;
	}

	async function sessionOf(req: IncomingMessage) {
		const token = sessionTokenOf(req);
		return { token, session: await access.session(token) };
	}

	const inviteView = (i: PersonInvite) => ({
		id: i.id,
		name: i.name,
		email: i.email,
		role: i.role,
		invitedBy: i.by.name,
		createdAt: i.createdAt,
		expiresAt: i.expiresAt,
		emailed: i.emailed
	});

	/** E-mails an invitation's link when SMTP is set; answers whether it went. */
	async function mailInvite(invite: PersonInvite, link: string): Promise<boolean> {
		if (!deps.mailer?.enabled || !deps.messages || !invite.email) return false;
		const state = await engine.state(invite.roomId);
		try {
			await deps.mailer.send({
				to: invite.email,
				...deps.messages.invite({
					inviteeName: invite.name,
					inviterName: invite.by.name,
					roomName: state?.meta?.name ?? invite.roomId,
					role: invite.role,
					link,
					expiresAt: new Date(invite.expiresAt)
				})
			});
			await invitations.markEmailed(invite.roomId, invite.id);
			return true;
		} catch (error) {
			log.warn({ roomId: invite.roomId, err: String(error) }, 'an invitation could not be e-mailed; its link is shown to copy');
			return false;
		}
	}

	/** A room with at least one other facilitator (a room must never lose its last one by a click). */
	async function otherFacilitator(roomId: string, accountId: string): Promise<boolean> {
		return (await access.membersOf(roomId)).some((m) => m.account.id !== accountId && m.role === 'facilitator');
	}

	async function closeSessions(accountId: string, roomId: string | null, reason: string, changed = false) {
		deps.onAccessChanged(await access.sessionIdsOf(accountId), roomId, reason, changed);
	}

	// ---- handlers ----

	async function setup(req: IncomingMessage, res: ServerResponse) {
		if (await limited(req, res, 'setup')) return;
		const body = SetupBody.safeParse(await readJson(req));
		if (!body.success)
			return sendJson(res, 400, { error: 'invalid_payload', message: `Send { token, account }: ${refusalOf(body.error)}.` });
		const claimed = await access.claimSetup(
			body.data.token,
			sessionTokenOf(req),
			describeDevice(req.headers['user-agent']),
			async (signedIn) => {
				if (signedIn?.accountId) {
					const account = await accounts.setInstanceAdmin(signedIn.accountId, true);
					return account
						? { ok: true, account }
						: { ok: false, code: 'not_found', message: 'Your account was not found. Sign in again.' };
				}
				if (deps.localPasswords === false) return { ok: false, ...PASSWORDS_OFF_SETUP };
				if (!body.data.account)
					return {
						ok: false,
						code: 'invalid_payload',
						message: 'Choose your name, your e-mail address or user name, and a password.'
					};
				// Checked before the account is made, so a refusal leaves the link usable.
				const login = body.data.account.login.toLowerCase();
				const policy = checkPasswordPolicy(body.data.account.password, {
					name: body.data.account.name,
					email: login.includes('@') ? login : null,
					username: login.includes('@') ? null : login
				});
				if (!policy.ok) return { ok: false, code: 'weak_password', message: policy.message };
				const made = await accounts.create({
					name: body.data.account.name,
					login,
					passwordHash: await hashPassword(body.data.account.password),
					instanceAdmin: true
				});
				if (!made.ok) return made;
				// The seeded demo room belongs to the first admin.
				if ((await engine.state('demo'))?.meta) await accounts.grant(made.account.id, 'demo', 'facilitator', 'setup');
				audit({ action: 'account_created', roomId: null, actor: null, subject: subjectOf(made.account), detail: 'setup link' });
				return { ok: true, account: (await accounts.get(made.account.id)) ?? made.account };
			}
		);
		if (!claimed.ok) {
			const status =
				claimed.code === 'not_found' ? 404 : claimed.code === 'conflict' ? 409 : claimed.code === 'passwords_off' ? 403 : 400;
			return sendJson(res, status, { error: claimed.code, message: claimed.message });
		}
		log.info({ accountId: claimed.account.id }, 'the setup link was used: this account is an instance admin');
		audit({ action: 'admin_granted', roomId: null, actor: null, subject: subjectOf(claimed.account), detail: 'setup link' });
		setCookie(req, res, claimed.token, claimed.session);
		sendJson(res, 200, { instanceAdmin: true, name: claimed.account.name });
	}

	async function signIn(req: IncomingMessage, res: ServerResponse) {
		if (passwordsOff(res)) return;
		const address = clientAddress(req, deps.trustProxy);
		const body = SignInBody.safeParse(await readJson(req));
		if (!body.success)
			return sendJson(res, 400, {
				error: 'invalid_payload',
				message: 'Enter your e-mail address or user name and your password.'
			});
		const login = body.data.login.toLowerCase();
		const allowed = await deps.signInLimits.check(login, address);
		if (!allowed.allowed) return tooManySignIns(res, allowed.retryAfterS);
		const account = await accounts.byLogin(login);
		// Without an account, the same hashing time is spent, so the answer's timing does not tell who has one.
		const ok = account?.passwordHash
			? await verifyPassword(account.passwordHash, body.data.password)
			: await verifyWithoutAccount(body.data.password);
		if (!account || !ok) {
			const failure = await deps.signInLimits.fail(login, address);
			audit({
				action: 'sign_in_failed',
				roomId: null,
				actor: null,
				address,
				detail: account ? `wrong password for ${account.name}` : 'unknown login'
			});
			if (failure.locked) return tooManySignIns(res, failure.retryAfterS);
			return sendJson(res, 401, {
				error: 'unauthenticated',
				message: 'That e-mail address or user name and password do not match. Check them, or reset your password.'
			});
		}
		await deps.signInLimits.succeed(login, address);
		// Stronger parameters since this hash was made: store a new one now that the password is at hand.
		if (needsRehash(account.passwordHash!)) await accounts.setPassword(account.id, await hashPassword(body.data.password), false);
		const started = await access.startAccountSession(account, sessionTokenOf(req), describeDevice(req.headers['user-agent']));
		audit({ action: 'signed_in', roomId: null, actor: actorOf(started.session), address });
		setCookie(req, res, started.token, started.session);
		sendJson(res, 200, { name: account.name, instanceAdmin: account.instanceAdmin });
	}

	function tooManySignIns(res: ServerResponse, retryAfterS: number) {
		const minutes = Math.max(1, Math.ceil(retryAfterS / 60));
		res.setHeader('retry-after', String(Math.ceil(retryAfterS)));
		sendJson(res, 429, {
			error: 'rate_limited',
			message:
				minutes === 1
					? 'Too many failed sign-ins. Wait a minute and try again, or reset your password.'
					: `Too many failed sign-ins. Wait ${minutes} minutes and try again, or reset your password.`
		});
	}

	const accountOf = (req: IncomingMessage, res: ServerResponse) => signedInAccount(access, req, res);

	async function myAccount(req: IncomingMessage, res: ServerResponse) {
		const mine = await accountOf(req, res);
		if (!mine) return;
		const { session, account } = mine;
		const rooms = await engine.listRooms();
		const byGroups = await access.groupGrantsOf(account);
		const sessions = await access.accountSessions(account.id);
		sendJson(res, 200, {
			id: account.id,
			name: account.name,
			email: account.email,
			username: account.username,
			instanceAdmin: account.instanceAdmin || account.sso?.admin === true,
			hasPassword: account.passwordHash !== null,
			sso: { linked: account.sso !== undefined },
			createdAt: account.createdAt,
			// Rooms by a membership and rooms by a provider group; the role that counts is the session's.
			rooms: Object.entries(session.grants).map(([roomId, grant]) => ({
				roomId,
				name: rooms.find((r) => r.id === roomId)?.name ?? roomId,
				role: grant.role,
				since: account.memberships[roomId]?.since ?? account.sso?.checkedAt ?? account.createdAt,
				...(byGroups[roomId] ? { groups: byGroups[roomId].groups } : {})
			})),
			sessions: sessions.map((s) => ({
				id: s.id,
				device: s.device || 'A browser',
				createdAt: s.createdAt,
				lastSeenAt: s.lastSeenAt ?? s.createdAt,
				current: s.id === session.id
			}))
		});
	}

	async function changePassword(req: IncomingMessage, res: ServerResponse) {
		if (passwordsOff(res)) return;
		const mine = await accountOf(req, res);
		if (!mine) return;
		const body = ChangePasswordBody.safeParse(await readJson(req));
		if (!body.success) return sendJson(res, 400, { error: 'invalid_payload', message: 'Send { current, password }.' });
		const { account, session } = mine;
		const key = account.email ?? account.username ?? account.id;
		const address = clientAddress(req, deps.trustProxy);
		const allowed = await deps.signInLimits.check(key, address);
		if (!allowed.allowed) return tooManySignIns(res, allowed.retryAfterS);
		if (!account.passwordHash || !(await verifyPassword(account.passwordHash, body.data.current))) {
			await deps.signInLimits.fail(key, address);
			return sendJson(res, 400, { error: 'wrong_password', message: 'Your current password is not right. Nothing was changed.' });
		}
		const hash = await newPasswordHash(res, body.data.password, account);
		if (!hash) return;
		await accounts.setPassword(account.id, hash, true);
		// Every other session ends; this browser keeps going with a fresh one.
		const others = (await access.sessionIdsOf(account.id)).filter((id) => id !== session.id);
		const started = await access.startAccountSession(
			(await accounts.get(account.id))!,
			sessionTokenOf(req),
			session.device ?? ''
		);
		deps.onAccessChanged(others, null, 'Your password was changed: sign in again.');
		audit({ action: 'password_changed', roomId: null, actor: actorOf(session), subject: subjectOf(account) });
		setCookie(req, res, started.token, started.session);
		sendJson(res, 200, { ok: true });
	}

	async function signOutEverywhere(req: IncomingMessage, res: ServerResponse) {
		const mine = await accountOf(req, res);
		if (!mine) return;
		const ids = await access.sessionIdsOf(mine.account.id);
		await accounts.endAllSessions(mine.account.id);
		deps.onAccessChanged(ids, null, 'You signed out everywhere.');
		audit({
			action: 'sessions_ended',
			roomId: null,
			actor: actorOf(mine.session),
			subject: subjectOf(mine.account),
			detail: 'everywhere'
		});
		res.setHeader('set-cookie', sessionCookie(req, '', deps.trustProxy, 0));
		sendJson(res, 200, { ok: true, ended: ids.length });
	}

	async function endOneSession(req: IncomingMessage, res: ServerResponse, sessionId: string) {
		const mine = await accountOf(req, res);
		if (!mine) return;
		if (!(await access.endAccountSession(mine.account.id, sessionId)))
			return sendJson(res, 404, { error: 'not_found', message: 'That session has already ended.' });
		deps.onAccessChanged([sessionId], null, 'This session was ended from My account.');
		audit({
			action: 'sessions_ended',
			roomId: null,
			actor: actorOf(mine.session),
			subject: subjectOf(mine.account),
			detail: 'one session'
		});
		if (sessionId === mine.session.id) res.setHeader('set-cookie', sessionCookie(req, '', deps.trustProxy, 0));
		sendJson(res, 200, { ok: true });
	}

	async function members(req: IncomingMessage, res: ServerResponse, roomId: string) {
		const { session } = await sessionOf(req);
		const role = access.roleIn(session, roomId);
		if (!session || (!role && !isInstanceAdmin(session)))
			return sendJson(res, session ? 403 : 401, {
				error: session ? 'forbidden' : 'unauthenticated',
				message: 'Only members of this room see its people.'
			});
		const full = role === 'facilitator' || isInstanceAdmin(session);
		const list = await access.membersOf(roomId);
		sendJson(res, 200, {
			members: list.map(({ account: a, role: held, direct: m, group }) => ({
				id: a.id,
				name: a.name,
				role: held,
				you: a.id === session.accountId,
				...(full
					? {
							email: a.email,
							username: a.username,
							// A person here only through their provider groups has no membership of their own.
							via: m?.via ?? 'group',
							by: m?.by ?? null,
							since: m?.since ?? a.sso?.checkedAt ?? a.createdAt,
							lastSeenAt: a.lastSeenAt ?? null,
							directRole: m?.role ?? null,
							groups: group ? { role: group.role, names: group.groups } : null
						}
					: {})
			}))
		});
	}

	async function addMember(req: IncomingMessage, res: ServerResponse, roomId: string) {
		const session = await facilitatorOf(req, res, roomId);
		if (!session) return;
		const body = AddMemberBody.safeParse(await readJson(req));
		if (!body.success)
			return sendJson(res, 400, { error: 'invalid_payload', message: `Send { login, role }: ${refusalOf(body.error)}.` });
		const account = await accounts.byLogin(body.data.login);
		if (!account)
			return sendJson(res, 404, {
				error: 'not_found',
				message: `Nobody signs in as ${body.data.login} here. Invite them instead: they make their account when they accept.`
			});
		const from = account.memberships[roomId]?.role ?? null;
		await accounts.grant(account.id, roomId, body.data.role, 'granted', { by: session.name, replace: true });
		await closeSessions(account.id, roomId, 'Your role in this room changed.', true);
		audit({
			action: from ? 'role_changed' : 'member_added',
			roomId,
			actor: actorOf(session),
			subject: subjectOf(account),
			role: body.data.role,
			fromRole: from
		});
		sendJson(res, 200, { id: account.id, name: account.name, role: body.data.role });
	}

	async function changeRole(req: IncomingMessage, res: ServerResponse, roomId: string, accountId: string) {
		const session = await facilitatorOf(req, res, roomId);
		if (!session) return;
		const body = RoleBody.safeParse(await readJson(req));
		if (!body.success)
			return sendJson(res, 400, { error: 'invalid_payload', message: 'Send { role }: facilitator, contributor or viewer.' });
		const account = await accounts.get(accountId);
		const byGroups = account ? (await access.groupGrantsOf(account))[roomId] : undefined;
		const from = account?.memberships[roomId]?.role ?? byGroups?.role ?? null;
		if (!account || !from)
			return sendJson(res, 404, { error: 'not_found', message: 'That person is not a member of this room.' });
		if (from === 'facilitator' && body.data.role !== 'facilitator' && !(await otherFacilitator(roomId, accountId)))
			return sendJson(res, 409, {
				error: 'last_facilitator',
				message: 'A room needs at least one facilitator. Make someone else a facilitator first.'
			});
		await accounts.grant(accountId, roomId, body.data.role, 'granted', { replace: true });
		await closeSessions(accountId, roomId, 'Your role in this room changed.', true);
		audit({
			action: 'role_changed',
			roomId,
			actor: actorOf(session),
			subject: subjectOf(account),
			role: body.data.role,
			fromRole: from
		});
		sendJson(res, 200, { id: accountId, role: body.data.role });
	}

	async function removeMember(req: IncomingMessage, res: ServerResponse, roomId: string, accountId: string) {
		const session = await facilitatorOf(req, res, roomId);
		if (!session) return;
		const account = await accounts.get(accountId);
		const from = account?.memberships[roomId]?.role ?? null;
		const byGroups = account ? (await access.groupGrantsOf(account))[roomId] : undefined;
		if (account && !from && byGroups)
			return sendJson(res, 409, {
				error: 'through_groups',
				message: `${account.name} is in this room through the group ${byGroups.groups.join(', ')} at your identity provider. Change the group's role under Groups, or ask your IT team to take them out of the group.`
			});
		if (!account || !from)
			return sendJson(res, 404, { error: 'not_found', message: 'That person is not a member of this room.' });
		if (from === 'facilitator' && !(await otherFacilitator(roomId, accountId)))
			return sendJson(res, 409, {
				error: 'last_facilitator',
				message: "A room needs at least one facilitator. Make someone else a facilitator before removing this room's last one."
			});
		await accounts.removeMembership(accountId, roomId);
		await closeSessions(accountId, roomId, 'You were removed from this room. Ask its facilitator if this is a mistake.');
		audit({ action: 'person_removed', roomId, actor: actorOf(session), subject: subjectOf(account), fromRole: from });
		sendJson(res, 200, { removed: accountId });
	}

	async function listInvites(req: IncomingMessage, res: ServerResponse, roomId: string) {
		if (!(await facilitatorOf(req, res, roomId))) return;
		sendJson(res, 200, { invites: (await invitations.pending(roomId)).map(inviteView), mail: deps.mailer?.enabled === true });
	}

	async function invite(req: IncomingMessage, res: ServerResponse, roomId: string) {
		const session = await facilitatorOf(req, res, roomId);
		if (!session) return;
		const body = InviteBody.safeParse(await readJson(req));
		if (!body.success)
			return sendJson(res, 400, { error: 'invalid_payload', message: `Send { name, email, role }: ${refusalOf(body.error)}.` });
		if (body.data.email && !EMAIL.test(body.data.email.toLowerCase()))
			return sendJson(res, 400, {
				error: 'invalid_payload',
				message: 'This e-mail address is not valid. Leave it empty to copy the link instead.'
			});
		const made = await invitations.create({
			roomId,
			role: body.data.role,
			name: body.data.name,
			email: body.data.email,
			by: { id: session.accountId ?? session.id, name: session.name }
		});
		const link = `${origin(req)}/invite#${made.token}`;
		const emailed = await mailInvite(made.invite, link);
		audit({
			action: 'invite_made',
			roomId,
			actor: actorOf(session),
			role: made.invite.role,
			detail: `${made.invite.name}${made.invite.email ? ` <${made.invite.email}>` : ''}`
		});
		sendJson(res, 201, { invite: { ...inviteView(made.invite), emailed }, link });
	}

	async function resend(req: IncomingMessage, res: ServerResponse, roomId: string, inviteId: string) {
		const session = await facilitatorOf(req, res, roomId);
		if (!session) return;
		const made = await invitations.resend(roomId, inviteId);
		if (!made)
			return sendJson(res, 404, { error: 'not_found', message: 'That invitation was accepted, revoked or has expired.' });
		const link = `${origin(req)}/invite#${made.token}`;
		const emailed = await mailInvite(made.invite, link);
		audit({ action: 'invite_resent', roomId, actor: actorOf(session), role: made.invite.role, detail: made.invite.name });
		sendJson(res, 200, { invite: { ...inviteView(made.invite), emailed }, link });
	}

	async function revokeInvite(req: IncomingMessage, res: ServerResponse, roomId: string, inviteId: string) {
		const session = await facilitatorOf(req, res, roomId);
		if (!session) return;
		const revoked = await invitations.revoke(roomId, inviteId);
		if (!revoked)
			return sendJson(res, 404, { error: 'not_found', message: 'That invitation was accepted, revoked or has expired.' });
		audit({ action: 'invite_revoked', roomId, actor: actorOf(session), role: revoked.role, detail: revoked.name });
		sendJson(res, 200, { revoked: inviteId });
	}

	async function guestLinks(req: IncomingMessage, res: ServerResponse, roomId: string) {
		if (!(await facilitatorOf(req, res, roomId))) return;
		sendJson(res, 200, {
			links: (await access.guestLinks(roomId)).map(({ id, role, createdAt, createdBy, expiresAt, usesLeft, used }) => ({
				id,
				role,
				createdAt,
				createdBy,
				expiresAt: new Date(expiresAt).toISOString(),
				usesLeft,
				used
			}))
		});
	}

	async function makeGuestLink(req: IncomingMessage, res: ServerResponse, roomId: string) {
		const session = await facilitatorOf(req, res, roomId);
		if (!session) return;
		const body = GuestLinkBody.safeParse(await readJson(req));
		if (!body.success)
			return sendJson(res, 400, { error: 'invalid_payload', message: `Send { role, hours, uses }: ${refusalOf(body.error)}.` });
		const made = await access.makeGuestLink(roomId, body.data.role, {
			ttlMs: body.data.hours * 3600_000,
			uses: body.data.uses,
			createdBy: session.name
		});
		audit({
			action: 'guest_link_made',
			roomId,
			actor: actorOf(session),
			role: body.data.role,
			detail: `${body.data.hours} h, ${body.data.uses ?? 'any number of'} uses`
		});
		sendJson(res, 201, {
			link: `${origin(req)}/join#${made.token}`,
			id: made.link.id,
			expiresAt: new Date(made.link.expiresAt).toISOString(),
			usesLeft: made.link.usesLeft
		});
	}

	async function revokeGuestLink(req: IncomingMessage, res: ServerResponse, roomId: string, id: string) {
		const session = await facilitatorOf(req, res, roomId);
		if (!session) return;
		const ended = await access.revokeGuestLink(roomId, id);
		if (!ended)
			return sendJson(res, 404, { error: 'not_found', message: 'That guest link has expired or was turned off already.' });
		deps.onAccessChanged(ended, roomId, 'The guest link you came by was turned off.');
		audit({
			action: 'invite_revoked',
			roomId,
			actor: actorOf(session),
			detail: `a guest link; ${ended.length} guests lost access`
		});
		sendJson(res, 200, { revoked: id, ended: ended.length });
	}

	const EXPIRED_INVITE = {
		error: 'not_found',
		message: 'This invitation has been used, revoked or has expired. Ask the person who invited you for a new one.'
	};

	async function peekInvite(req: IncomingMessage, res: ServerResponse) {
		if (await limited(req, res, 'invite')) return;
		const body = TokenBody.safeParse(await readJson(req));
		if (!body.success)
			return sendJson(res, 400, { error: 'invalid_payload', message: 'Send { token } from the invitation link.' });
		const found = await invitations.peek(body.data.token);
		if (!found) return sendJson(res, 404, EXPIRED_INVITE);
		const state = await engine.state(found.roomId);
		const { session } = await sessionOf(req);
		sendJson(res, 200, {
			roomName: state?.meta?.name ?? found.roomId,
			organisation: state?.meta?.organisation ?? '',
			role: found.role,
			name: found.name,
			email: found.email,
			invitedBy: found.by.name,
			expiresAt: found.expiresAt,
			signedInAs: session?.accountId ? session.name : null
		});
	}

	async function acceptInvite(req: IncomingMessage, res: ServerResponse) {
		if (await limited(req, res, 'invite')) return;
		const body = AcceptBody.safeParse(await readJson(req));
		if (!body.success)
			return sendJson(res, 400, { error: 'invalid_payload', message: `Send { token, account }: ${refusalOf(body.error)}.` });
		const { token, session } = await sessionOf(req);
		const signedIn = session?.accountId ? await accounts.get(session.accountId) : null;
		if (!signedIn && !body.data.account)
			return sendJson(res, 400, {
				error: 'invalid_payload',
				message: 'Choose your name, your e-mail address or user name, and a password, or sign in first.'
			});
		const found = await invitations.peek(body.data.token);
		if (!found) return sendJson(res, 404, EXPIRED_INVITE);
		// A new account is checked fully before the invitation is used up.
		let account = signedIn;
		if (!account) {
			if (passwordsOff(res)) return;
			account = await makeAccount(res, body.data.account!, { email: found.email });
			if (!account) return;
		}
		const taken = await invitations.take(body.data.token);
		if (!taken) return sendJson(res, 404, EXPIRED_INVITE);
		const granted = (await accounts.grant(account.id, taken.roomId, taken.role, 'invite', { by: taken.by.name }))!;
		const started = await access.startAccountSession(granted, token, describeDevice(req.headers['user-agent']));
		if (!signedIn)
			audit({ action: 'account_created', roomId: taken.roomId, actor: null, subject: subjectOf(granted), detail: 'invitation' });
		audit({
			action: 'invite_redeemed',
			roomId: taken.roomId,
			actor: actorOf(started.session),
			role: granted.memberships[taken.roomId]!.role,
			detail: `invited by ${taken.by.name}`
		});
		setCookie(req, res, started.token, started.session);
		sendJson(res, 200, { roomId: taken.roomId, role: granted.memberships[taken.roomId]!.role, name: granted.name });
	}

	async function forgot(req: IncomingMessage, res: ServerResponse) {
		if (passwordsOff(res)) return;
		if (await limited(req, res, 'forgot')) return;
		const body = ForgotBody.safeParse(await readJson(req));
		if (!body.success)
			return sendJson(res, 400, { error: 'invalid_payload', message: 'Enter your e-mail address or user name.' });
		if (!deps.mailer?.enabled || !deps.messages)
			return sendJson(res, 503, {
				error: 'no_mail',
				message: 'This server sends no e-mail. Ask an admin of Customer Room for a password-reset link.'
			});
		const account = await accounts.byLogin(body.data.login);
		if (account?.email) {
			const reset = await invitations.makeReset(account.id, 3600_000);
			const link = `${origin(req)}/reset#${reset.token}`;
			await deps.mailer
				.send({
					to: account.email,
					...deps.messages.reset({ name: account.name, link, expiresAt: new Date(reset.expiresAt) })
				})
				.catch((error: unknown) => log.warn({ err: String(error) }, 'a password-reset e-mail could not be sent'));
			audit({
				action: 'password_reset_requested',
				roomId: null,
				actor: null,
				subject: subjectOf(account),
				address: clientAddress(req, deps.trustProxy)
			});
		}
		// The same answer whether or not the login exists: this form tells nobody who has an account.
		sendJson(res, 200, {
			ok: true,
			message: 'If an account with an e-mail address signs in as that, a reset link is on its way. It works for an hour.'
		});
	}

	async function peekReset(req: IncomingMessage, res: ServerResponse) {
		if (await limited(req, res, 'reset')) return;
		const body = TokenBody.safeParse(await readJson(req));
		const accountId = body.success ? await invitations.peekReset(body.data.token) : null;
		const account = accountId ? await accounts.get(accountId) : null;
		if (!account)
			return sendJson(res, 404, {
				error: 'not_found',
				message: 'This reset link has been used or has expired. Ask for a new one.'
			});
		sendJson(res, 200, { name: account.name, login: account.email ?? account.username });
	}

	async function reset(req: IncomingMessage, res: ServerResponse) {
		if (passwordsOff(res)) return;
		if (await limited(req, res, 'reset')) return;
		const body = ResetBody.safeParse(await readJson(req));
		if (!body.success) return sendJson(res, 400, { error: 'invalid_payload', message: 'Send { token, password }.' });
		const accountId = await invitations.peekReset(body.data.token);
		const account = accountId ? await accounts.get(accountId) : null;
		if (!account)
			return sendJson(res, 404, {
				error: 'not_found',
				message: 'This reset link has been used or has expired. Ask for a new one.'
			});
		const hash = await newPasswordHash(res, body.data.password, account);
		if (!hash) return;
		if ((await invitations.takeReset(body.data.token)) !== account.id)
			return sendJson(res, 404, {
				error: 'not_found',
				message: 'This reset link has been used or has expired. Ask for a new one.'
			});
		const ended = await access.sessionIdsOf(account.id);
		await accounts.setPassword(account.id, hash, true);
		deps.onAccessChanged(ended, null, 'The password of this account was reset: sign in again.');
		const started = await access.startAccountSession(
			(await accounts.get(account.id))!,
			sessionTokenOf(req),
			describeDevice(req.headers['user-agent'])
		);
		audit({ action: 'password_reset', roomId: null, actor: actorOf(started.session), subject: subjectOf(account) });
		setCookie(req, res, started.token, started.session);
		sendJson(res, 200, { name: account.name });
	}

	async function adminOf(req: IncomingMessage, res: ServerResponse): Promise<Session | null> {
		const { session } = await sessionOf(req);
		if (!isInstanceAdmin(session)) {
			sendJson(res, session ? 403 : 401, {
				error: session ? 'forbidden' : 'unauthenticated',
				message: 'Only an instance admin can do this.'
			});
			return null;
		}
		return session;
	}

	async function people(req: IncomingMessage, res: ServerResponse) {
		if (!(await adminOf(req, res))) return;
		const rooms = await engine.listRooms();
		sendJson(res, 200, {
			people: (await accounts.all()).map((a) => ({
				id: a.id,
				name: a.name,
				email: a.email,
				username: a.username,
				instanceAdmin: a.instanceAdmin || a.sso?.admin === true,
				createdAt: a.createdAt,
				lastSeenAt: a.lastSeenAt ?? null,
				rooms: Object.entries(a.memberships).map(([roomId, m]) => ({
					roomId,
					name: rooms.find((r) => r.id === roomId)?.name ?? roomId,
					role: m.role
				}))
			})),
			settings: await access.instanceSettings(),
			mail: deps.mailer?.enabled === true
		});
	}

	async function resetLink(req: IncomingMessage, res: ServerResponse, accountId: string) {
		const admin = await adminOf(req, res);
		if (!admin) return;
		const account = await accounts.get(accountId);
		if (!account) return sendJson(res, 404, { error: 'not_found', message: 'There is no such person.' });
		const made = await invitations.makeReset(account.id);
		audit({
			action: 'password_reset_requested',
			roomId: null,
			actor: actorOf(admin),
			subject: subjectOf(account),
			detail: 'link made by an admin'
		});
		sendJson(res, 201, { link: `${origin(req)}/reset#${made.token}`, expiresAt: made.expiresAt });
	}

	async function setAdmin(req: IncomingMessage, res: ServerResponse, accountId: string) {
		const admin = await adminOf(req, res);
		if (!admin) return;
		const body = AdminBody.safeParse(await readJson(req));
		if (!body.success) return sendJson(res, 400, { error: 'invalid_payload', message: 'Send { admin: true or false }.' });
		const account = await accounts.get(accountId);
		if (!account) return sendJson(res, 404, { error: 'not_found', message: 'There is no such person.' });
		if (!body.data.admin && !(await accounts.all()).some((a) => a.instanceAdmin && a.id !== accountId))
			return sendJson(res, 409, {
				error: 'last_admin',
				message: 'Customer Room needs at least one admin. Make someone else an admin first.'
			});
		await accounts.setInstanceAdmin(accountId, body.data.admin);
		await closeSessions(accountId, null, 'Your rights on this server changed.', true);
		audit({
			action: 'admin_granted',
			roomId: null,
			actor: actorOf(admin),
			subject: subjectOf(account),
			detail: body.data.admin ? 'made an admin' : 'no longer an admin'
		});
		sendJson(res, 200, { id: accountId, instanceAdmin: body.data.admin });
	}

	async function settings(req: IncomingMessage, res: ServerResponse, method: string) {
		if (!(await adminOf(req, res))) return;
		if (method === 'GET') return sendJson(res, 200, await access.instanceSettings());
		const body = SettingsBody.safeParse(await readJson(req));
		if (!body.success)
			return sendJson(res, 400, { error: 'invalid_payload', message: 'Send { everyoneCreatesRooms: true or false }.' });
		sendJson(res, 200, await access.setInstanceSettings(body.data));
	}

	/** Handles the people routes; answers false for any other path. */
	return async function handlePeople(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
		const { pathname } = url;
		if (!FIXED.has(pathname) && !PATTERNS.some((p) => p.test(pathname))) return false;
		const method = req.method ?? 'GET';
		const isWrite = method !== 'GET' && method !== 'HEAD';
		if (isWrite && !isAllowedOrigin(req, deps.allowedOrigins, deps.allowedHosts)) {
			sendJson(res, 403, { error: 'forbidden', message: 'Requests must come from this site.' });
			return true;
		}
		const wrong = (allowed: string) => sendJson(res, 405, { error: 'method_not_allowed', message: `Use ${allowed} here.` });
		let m: RegExpExecArray | null;
		if (pathname === '/api/setup') await (method === 'POST' ? setup(req, res) : wrong('POST'));
		else if (pathname === '/api/auth/sign-in') await (method === 'POST' ? signIn(req, res) : wrong('POST'));
		else if (pathname === '/api/auth/forgot') await (method === 'POST' ? forgot(req, res) : wrong('POST'));
		else if (pathname === '/api/auth/reset/peek') await (method === 'POST' ? peekReset(req, res) : wrong('POST'));
		else if (pathname === '/api/auth/reset') await (method === 'POST' ? reset(req, res) : wrong('POST'));
		else if (pathname === '/api/account') await (method === 'GET' ? myAccount(req, res) : wrong('GET'));
		else if (pathname === '/api/account/password') await (method === 'POST' ? changePassword(req, res) : wrong('POST'));
		else if (pathname === '/api/account/sign-out-everywhere')
			await (method === 'POST' ? signOutEverywhere(req, res) : wrong('POST'));
		else if ((m = ACCOUNT_SESSION.exec(pathname))) await (method === 'DELETE' ? endOneSession(req, res, m[1]!) : wrong('DELETE'));
		else if (pathname === '/api/invites/peek') await (method === 'POST' ? peekInvite(req, res) : wrong('POST'));
		else if (pathname === '/api/invites/accept') await (method === 'POST' ? acceptInvite(req, res) : wrong('POST'));
		else if (pathname === '/api/instance/people') await (method === 'GET' ? people(req, res) : wrong('GET'));
		else if (pathname === '/api/instance/settings')
			await (method === 'GET' || method === 'PUT' ? settings(req, res, method) : wrong('GET or PUT'));
		else if ((m = PERSON_RESET.exec(pathname))) await (method === 'POST' ? resetLink(req, res, m[1]!) : wrong('POST'));
		else if ((m = PERSON_ADMIN.exec(pathname))) await (method === 'PUT' ? setAdmin(req, res, m[1]!) : wrong('PUT'));
		else if ((m = MEMBERS.exec(pathname)))
			await (method === 'GET' ? members(req, res, m[1]!) : method === 'POST' ? addMember(req, res, m[1]!) : wrong('GET or POST'));
		else if ((m = MEMBER.exec(pathname)))
			await (method === 'PUT'
				? changeRole(req, res, m[1]!, m[2]!)
				: method === 'DELETE'
					? removeMember(req, res, m[1]!, m[2]!)
					: wrong('PUT or DELETE'));
		else if ((m = INVITES.exec(pathname)))
			await (method === 'GET'
				? listInvites(req, res, m[1]!)
				: method === 'POST'
					? invite(req, res, m[1]!)
					: wrong('GET or POST'));
		else if ((m = GUEST_LINKS.exec(pathname)))
			await (method === 'GET'
				? guestLinks(req, res, m[1]!)
				: method === 'POST'
					? makeGuestLink(req, res, m[1]!)
					: wrong('GET or POST'));
		else if ((m = GUEST_LINK.exec(pathname)))
			await (method === 'DELETE' ? revokeGuestLink(req, res, m[1]!, m[2]!) : wrong('DELETE'));
		else if ((m = INVITE_RESEND.exec(pathname))) await (method === 'POST' ? resend(req, res, m[1]!, m[2]!) : wrong('POST'));
		else if ((m = INVITE.exec(pathname))) await (method === 'DELETE' ? revokeInvite(req, res, m[1]!, m[2]!) : wrong('DELETE'));
		return true;
	};
}
