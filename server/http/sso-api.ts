/**
 * Single sign-on over HTTP (issue 17): how people may sign in here, the way to the provider and back,
 * linking an account, and each room's groups-to-roles mapping.
 *
 *   GET    /api/auth/methods                  { passwords, sso: { label } | null }
 *   GET    /api/auth/sso/start?next=/path     a navigation: on to the provider
 *   GET    /api/auth/sso/callback             the provider's answer: signed in, then on to `next`
 *   POST   /api/account/sso/link              { url }: link my account (the browser goes to the url)
 *   DELETE /api/account/sso                   unlink my account (it must have a password)
 *   GET    /api/rooms/:id/group-roles         the room's mapping (facilitators)
 *   PUT    /api/rooms/:id/group-roles         { groups: [{ group, role }] }
 *
 * The provider's answer arrives by a cross-site navigation, which carries no SameSite=Strict cookie: the
 * state travels in its own short-lived Lax cookie, scoped to these paths, and the callback answers with
 * a small page that moves on by itself, so the next page loads as a same-site navigation and carries
 * the new session cookie.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serialize, parse as parseCookie } from 'cookie';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { z } from 'zod';
import { isInstanceAdmin, mayCreateRooms, type AccessService } from '../access/access-service';
import { SIGN_IN_TTL_MS, type Oidc, type SsoPerson } from '../auth/oidc';
import type { RoomEngine } from '../engine/room-engine';
import type { Logger } from '../log';
import type { Account } from '../people/accounts';
import { GroupRoles } from '../people/group-roles';
import { describeDevice, type AuditRecorder } from './people-api';
import { clientAddress, isAllowedOrigin, isHttps, type TrustProxy } from './origin';
import { readJson, SECURITY_HEADERS, sendJson } from './json';
import { facilitatorGuard } from './room-guard';
import { sessionCookie, sessionTokenOf } from './session';
import { overLimit, signedInAccount } from './callers';

export interface SsoApiDeps {
	access: AccessService;
	/** Absent without OIDC_ISSUER. */
	oidc: Oidc | null;
	/** Whether people may sign in with a password (AUTH_LOCAL). */
	localPasswords: boolean;
	engine: RoomEngine;
	log: Logger;
	/** Sign-ins begun per address (the callback needs none: it only completes one begun here). */
	limiter: RateLimiterAbstract;
	allowedOrigins: readonly string[];
	allowedHosts: readonly string[];
	trustProxy: TrustProxy | null;
	audit?: AuditRecorder;
	/** As in the people API: a person's open pages reconnect with the roles they hold now. */
	onAccessChanged(sessionIds: readonly string[], roomId: string | null, reason: string, changed?: boolean): void;
}

/** The cookie that keeps a sign-in's state in the browser that began it (Lax: it must survive the provider's redirect). */
const STATE_COOKIE = 'cr_sso_state';
const STATE_COOKIE_PATH = '/api/auth/sso';
const GROUP_ROLES = /^\/api\/rooms\/([A-Za-z0-9_-]{1,64})\/group-roles$/;
const GroupRolesBody = z.strictObject({ groups: GroupRoles });

/** Only a path of this site: a link may not send a person elsewhere after signing in. */
export function safeNext(wanted: string | null): string {
	if (!wanted || wanted.length > 500) return '/';
	return wanted.startsWith('/') && !wanted.startsWith('//') && !wanted.startsWith('/\\') ? wanted : '/';
}

/** A page that moves on to `to` by itself (a same-site navigation, so the Strict session cookie goes with it). */
function sendOnwards(res: ServerResponse, to: string, cookies: string[] = []): void {
	const escaped = to.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
	const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${escaped}"><title>Signing you in · Customer Room</title></head><body><p>Signing you in… <a href="${escaped}">Continue</a></p></body></html>`;
	res.writeHead(200, {
		...SECURITY_HEADERS,
		'content-type': 'text/html; charset=utf-8',
		'cache-control': 'no-store',
		'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
		...(cookies.length ? { 'set-cookie': cookies } : {})
	});
	res.end(body);
}

export function createSsoApi(deps: SsoApiDeps) {
	const { access, oidc, log } = deps;
	const accounts = access.accounts;
	const facilitatorOf = facilitatorGuard(access, deps.engine, 'its people');

	const origin = (req: IncomingMessage) =>
		`${isHttps(req, deps.trustProxy) ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
	const redirectUri = (req: IncomingMessage) => `${origin(req)}/api/auth/sso/callback`;
	const stateCookie = (req: IncomingMessage, value: string, maxAgeS: number) =>
		serialize(STATE_COOKIE, value, {
			httpOnly: true,
			sameSite: 'lax',
			secure: isHttps(req, deps.trustProxy),
			path: STATE_COOKIE_PATH,
			maxAge: maxAgeS
		});
	const audit = (entry: Parameters<AuditRecorder['record']>[0]): void => {
		deps.audit
			?.record(entry)
			.catch((error: unknown) => log.warn({ err: String(error), action: entry.action }, 'an audit entry was not recorded'));
	};
	const party = (a: Account) => ({ id: a.id, name: a.name, kind: 'person' as const });

	const limited = (req: IncomingMessage) => overLimit(deps.limiter, req, deps.trustProxy, 'sso');

	/** Sends the browser back to the sign-in page, which says what happened and what to do. */
	const failed = (res: ServerResponse, req: IncomingMessage, code: string) =>
		sendOnwards(res, `/sign-in?sso=${encodeURIComponent(code)}`, [stateCookie(req, '', 0)]);

	async function start(req: IncomingMessage, res: ServerResponse, url: URL) {
		if (!oidc) return sendOnwards(res, '/sign-in?sso=off');
		if (await limited(req)) return sendOnwards(res, '/sign-in?sso=rate_limited');
		const begun = await oidc.begin(redirectUri(req), safeNext(url.searchParams.get('next')), { kind: 'sign-in' });
		if (!begun.ok) {
			log.warn({ reason: begun.reason }, 'single sign-on could not begin');
			return sendOnwards(res, `/sign-in?sso=${begun.code}`);
		}
		res.writeHead(302, {
			...SECURITY_HEADERS,
			location: begun.url.href,
			'cache-control': 'no-store',
			'set-cookie': stateCookie(req, begun.state, SIGN_IN_TTL_MS / 1000)
		});
		res.end();
	}

	/** The account a person from the provider signs in to: linked by issuer and `sub`, or made now. */
	async function accountFor(person: SsoPerson): Promise<{ ok: true; account: Account } | { ok: false; code: string }> {
		const linked = await accounts.bySubject(person.issuer, person.subject);
		if (linked) return { ok: true, account: linked };
		// Never linked by e-mail alone: the account's holder links it, signed in, from My account.
		if (person.email && (await accounts.byLogin(person.email))) return { ok: false, code: 'email_taken' };
		const account = await accounts.createFromSso({
			name: person.name,
			email: person.email,
			identity: { issuer: person.issuer, subject: person.subject, groups: [], admin: false, checkedAt: new Date().toISOString() }
		});
		audit({ action: 'account_created', roomId: null, actor: party(account), detail: 'single sign-on' });
		return { ok: true, account };
	}

	/** Records what the provider says of the person now (groups, admin) and lists them in the rooms it opens. */
	async function applyGroups(account: Account, groups: string[]): Promise<Account> {
		const admin = oidc!.isAdmin(groups);
		const updated = (await accounts.setSsoGroups(account.id, groups, admin)) ?? account;
		if (admin && !account.sso?.admin) {
			await access.noteInstanceAdmin(account.id);
			audit({ action: 'admin_granted', roomId: null, actor: null, subject: party(updated), detail: 'provider group' });
		}
		for (const roomId of Object.keys(await access.groupGrantsOf(updated))) await accounts.listInRoom(updated.id, roomId);
		return updated;
	}

	async function callback(req: IncomingMessage, res: ServerResponse, url: URL) {
		if (!oidc) return failed(res, req, 'off');
		const address = clientAddress(req, deps.trustProxy);
		const browserState = parseCookie(req.headers.cookie ?? '')[STATE_COOKIE] ?? null;
		const answered = new URL(url.pathname + url.search, origin(req));
		const finished = await oidc.finish(answered, browserState);
		if (!finished.ok) {
			log.warn({ code: finished.code, reason: finished.reason }, 'a single sign-on was refused');
			audit({
				action: 'sign_in_failed',
				roomId: null,
				actor: null,
				address,
				detail: `single sign-on: ${finished.reason}`.slice(0, 200)
			});
			return failed(res, req, finished.code);
		}
		const { person, intent } = finished;
		if (person.groupsMissing)
			log.warn(
				{ claim: 'OIDC_GROUPS_CLAIM' },
				'the provider sent no groups claim: check OIDC_GROUPS_CLAIM and the groups the provider puts in tokens'
			);

		if (intent.kind === 'link') {
			const current = await access.session(sessionTokenOf(req));
			if (current?.accountId !== intent.accountId) return failed(res, req, 'link_signed_out');
			const holder = await accounts.bySubject(person.issuer, person.subject);
			if (holder && holder.id !== intent.accountId) return failed(res, req, 'link_taken');
			const linked = await accounts.linkSso(intent.accountId, {
				issuer: person.issuer,
				subject: person.subject,
				groups: [],
				admin: false,
				checkedAt: new Date().toISOString()
			});
			if (!linked) return failed(res, req, 'link_signed_out');
			await applyGroups(linked, person.groups);
			if (finished.refreshToken) await oidc.keepRefreshToken(linked.id, person.subject, finished.refreshToken);
			if (finished.idToken) await oidc.keepIdToken(current.id, finished.idToken, access.lifetimes.maxMs);
			audit({ action: 'sso_linked', roomId: null, actor: party(linked) });
			deps.onAccessChanged(await access.sessionIdsOf(linked.id), null, 'Your access changed.', true);
			return sendOnwards(res, '/account?sso=linked', [stateCookie(req, '', 0)]);
		}

		const found = await accountFor(person);
		if (!found.ok) {
			audit({
				action: 'sign_in_failed',
				roomId: null,
				actor: null,
				address,
				detail: 'single sign-on: the e-mail address has a local account'
			});
			return failed(res, req, found.code);
		}
		const account = await applyGroups(found.account, person.groups);
		const started = await access.startAccountSession(account, sessionTokenOf(req), describeDevice(req.headers['user-agent']));
		if (finished.refreshToken) await oidc.keepRefreshToken(account.id, person.subject, finished.refreshToken);
		if (finished.idToken) await oidc.keepIdToken(started.session.id, finished.idToken, access.lifetimes.maxMs);
		audit({ action: 'signed_in', roomId: null, actor: party(account), address, detail: 'single sign-on' });
		log.info({ accountId: account.id, groups: person.groups.length }, 'signed in with single sign-on');
		const session = started.session;
		const anywhere = Object.keys(session.grants).length > 0 || isInstanceAdmin(session) || mayCreateRooms(session);
		// A setup or invitation link the person signed in to use gives them their first room: back to it.
		const toLink = /^\/(setup|invite)(\?|$)/.test(finished.returnTo);
		sendOnwards(res, anywhere || toLink ? finished.returnTo : '/?sso=no_access', [
			stateCookie(req, '', 0),
			sessionCookie(req, started.token, deps.trustProxy, access.cookieMaxAgeS(session))
		]);
	}

	const accountOf = (req: IncomingMessage, res: ServerResponse) => signedInAccount(access, req, res);

	async function link(req: IncomingMessage, res: ServerResponse) {
		const mine = await accountOf(req, res);
		if (!mine) return;
		if (!oidc) return sendJson(res, 404, { error: 'not_found', message: 'Single sign-on is not set up on this server.' });
		if (await limited(req))
			return sendJson(res, 429, { error: 'rate_limited', message: 'Too many attempts. Wait a minute and try again.' });
		const begun = await oidc.begin(redirectUri(req), '/account', { kind: 'link', accountId: mine.account.id });
		if (!begun.ok) {
			log.warn({ reason: begun.reason }, 'single sign-on could not begin');
			return sendJson(res, 503, {
				error: 'unavailable',
				message: 'Your company sign-in cannot be reached just now. Try again in a few minutes.'
			});
		}
		res.setHeader('set-cookie', stateCookie(req, begun.state, SIGN_IN_TTL_MS / 1000));
		sendJson(res, 200, { url: begun.url.href });
	}

	async function unlink(req: IncomingMessage, res: ServerResponse) {
		const mine = await accountOf(req, res);
		if (!mine) return;
		if (!mine.account.sso)
			return sendJson(res, 404, { error: 'not_found', message: 'Your account is not linked to single sign-on.' });
		if (!mine.account.passwordHash || !deps.localPasswords)
			return sendJson(res, 409, {
				error: 'conflict',
				message: deps.localPasswords
					? 'Your account has no password, so your company account is your only way in: it stays linked.'
					: 'Single sign-on is the only way to sign in here, so it cannot be unlinked.'
			});
		const unlinked = (await accounts.unlinkSso(mine.account.id)) ?? mine.account;
		await oidc?.forgetRefreshToken(mine.account.id);
		audit({ action: 'sso_unlinked', roomId: null, actor: party(unlinked) });
		deps.onAccessChanged(await access.sessionIdsOf(unlinked.id), null, 'Your access changed.', true);
		sendJson(res, 200, { ok: true });
	}

	async function groupRoles(req: IncomingMessage, res: ServerResponse, roomId: string, method: string) {
		const session = await facilitatorOf(req, res, roomId);
		if (!session) return;
		if (method === 'PUT') {
			const body = GroupRolesBody.safeParse(await readJson(req));
			if (!body.success) {
				const issue = body.error.issues[0];
				return sendJson(res, 400, {
					error: 'invalid_payload',
					message: issue?.message ?? 'Send { groups: [{ group, role }] }.'
				});
			}
			const lines = body.data.groups.map((l) => ({ group: l.group.trim(), role: l.role }));
			await access.groupRoles.save(roomId, lines);
			audit({
				action: 'group_roles_changed',
				roomId,
				actor: { id: session.accountId ?? session.id, name: session.name, kind: 'person' },
				detail: lines.length
					? lines
							.map((l) => `${l.group}: ${l.role}`)
							.join(', ')
							.slice(0, 200)
					: 'none'
			});
		}
		sendJson(res, 200, {
			groups: await access.groupRoles.room(roomId),
			sso: oidc ? { label: oidc.buttonLabel } : null
		});
	}

	/** Handles the single sign-on routes; answers false for any other path. */
	return async function handleSso(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
		const { pathname } = url;
		const method = req.method ?? 'GET';
		const wrong = (allowed: string) => sendJson(res, 405, { error: 'method_not_allowed', message: `Use ${allowed}.` });
		const groupRoom = GROUP_ROLES.exec(pathname)?.[1];
		const known =
			pathname === '/api/auth/methods' ||
			pathname === '/api/auth/sso/start' ||
			pathname === '/api/auth/sso/callback' ||
			pathname === '/api/account/sso/link' ||
			pathname === '/api/account/sso' ||
			groupRoom !== undefined;
		if (!known) return false;
		if (method !== 'GET' && method !== 'HEAD' && !isAllowedOrigin(req, deps.allowedOrigins, deps.allowedHosts)) {
			sendJson(res, 403, { error: 'forbidden', message: 'Requests must come from this site.' });
			return true;
		}
		if (pathname === '/api/auth/methods') {
			if (method === 'GET')
				sendJson(res, 200, { passwords: deps.localPasswords, sso: oidc ? { label: oidc.buttonLabel } : null });
			else wrong('GET');
		} else if (pathname === '/api/auth/sso/start') await (method === 'GET' ? start(req, res, url) : wrong('GET'));
		else if (pathname === '/api/auth/sso/callback') await (method === 'GET' ? callback(req, res, url) : wrong('GET'));
		else if (pathname === '/api/account/sso/link') await (method === 'POST' ? link(req, res) : wrong('POST'));
		else if (pathname === '/api/account/sso') await (method === 'DELETE' ? unlink(req, res) : wrong('DELETE'));
		else if (groupRoom !== undefined)
			await (method === 'GET' || method === 'PUT' ? groupRoles(req, res, groupRoom, method) : wrong('GET or PUT'));
		return true;
	};
}
