/**
 * Access endpoints: redeem an invite, make and revoke invite links, pair a TV. JSON in and out; every
 * state-changing request must come from our own origin (SameSite cookies plus an Origin check), and
 * attempts are rate limited per client address.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import QRCode from 'qrcode';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { z } from 'zod';
import { Id, Name, Role } from '../../src/lib/domain';
import { isInstanceAdmin, mayCreateRooms, PAIRING_TTL_MS, type AccessService } from '../access/access-service';
import type { RoomEngine } from '../engine/room-engine';
import { clientAddress, isAllowedOrigin, isHttps, type TrustProxy } from './origin';
import { readJson, sendJson } from './json';
import { overLimit, TOO_MANY } from './callers';
import { sessionCookie as sessionCookieFor, sessionTokenOf } from './session';

export interface AccessApiDeps {
	access: AccessService;
	engine: RoomEngine;
	limiter: RateLimiterAbstract;
	allowedOrigins: readonly string[];
	allowedHosts: readonly string[];
	trustProxy: TrustProxy | null;
	adminToken?: string;
	/** Called when a session ends (signed out, display unpaired), to close its connections everywhere. */
	onRevoked(sessionId: string, reason: string): void;
	/**
	 * With single sign-on: where to send the browser after signing out to end the provider's session too
	 * (the fields to post there), or null.
	 */
	providerSignOut?(sessionId: string, returnTo: string): Promise<{ url: string; fields: Record<string, string> } | null>;
}

const JoinBody = z.strictObject({ token: z.string().min(1).max(100), name: z.string().trim().max(60).default('') });
const InviteBody = z.strictObject({ role: Role });
const RenameBody = z.strictObject({ name: z.string().trim().min(1).max(60) });
const PairBody = z.strictObject({
	code: z.string().trim().min(1).max(20),
	name: Name,
	mode: z.enum(['room', 'corridor']).default('room')
});

const ROOM_INVITES = /^\/api\/rooms\/([A-Za-z0-9_-]{1,64})\/invites(?:\/(facilitator|contributor|viewer))?$/;
const ROOM_INVITE_SESSIONS = /^\/api\/rooms\/([A-Za-z0-9_-]{1,64})\/invites\/(facilitator|contributor|viewer)\/sessions$/;
const ROOM_DISPLAYS = /^\/api\/rooms\/([A-Za-z0-9_-]{1,64})\/displays$/;
const ADMIN_SESSIONS = /^\/api\/admin\/rooms\/([A-Za-z0-9_-]{1,64})\/sessions$/;
const AdminRoomBody = z.strictObject({ roomId: Id, name: Name, organisation: z.string().trim().max(120).default('') });
const AdminSessionBody = z.strictObject({ role: Role, name: Name });

/** The first problem of a refused body, as "roomId: ids are 1-64 letters, digits, - or _". */
function describeIssue(error: z.ZodError): string {
	const issue = error.issues[0];
	return issue ? `${issue.path.join('.') || 'the body'}: ${issue.message}` : 'the body is not valid';
}

export function createAccessApi(deps: AccessApiDeps) {
	const { access, engine, limiter, trustProxy } = deps;

	/** Secure over HTTPS: our own TLS, or X-Forwarded-Proto from a proxy TRUST_PROXY names (never a client's). */
	const sessionCookie = (req: IncomingMessage, token: string, maxAge?: number) =>
		sessionCookieFor(req, token, trustProxy, maxAge);

	/** The origin links are made for: the address the person used to reach us (an allowed host). */
	function publicOrigin(req: IncomingMessage): string {
		const proto = isHttps(req, trustProxy) ? 'https' : 'http';
		return `${proto}://${req.headers.host ?? 'localhost'}`;
	}

	const adminHash = deps.adminToken ? createHash('sha256').update(deps.adminToken).digest() : null;
	/** Constant-time comparison of the Bearer token with ADMIN_TOKEN (both hashed to one length). */
	const isAdmin = (req: IncomingMessage): boolean => {
		const header = req.headers.authorization ?? '';
		if (!adminHash || !header.startsWith('Bearer ')) return false;
		return timingSafeEqual(adminHash, createHash('sha256').update(header.slice(7)).digest());
	};
	const tokenOf = sessionTokenOf;

	const tooMany = (res: ServerResponse) => sendJson(res, 429, TOO_MANY);

	async function limited(req: IncomingMessage, res: ServerResponse, bucket: string): Promise<boolean> {
		if (!(await overLimit(limiter, req, trustProxy, bucket))) return false;
		tooMany(res);
		return true;
	}

	/**
	 * The admin token is checked only from an address that is not limited, so guessing stops at the limit
	 * even for a guess that would be right; only wrong tokens count, so a script that knows it is not slowed.
	 */
	async function adminAllowed(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
		const key = `admin:${clientAddress(req, trustProxy)}`;
		const seen = await limiter.get(key);
		if (seen && seen.consumedPoints >= limiter.points) return (tooMany(res), false);
		if (isAdmin(req)) return true;
		if (!(await limited(req, res, 'admin'))) {
			sendJson(res, 401, { error: 'unauthenticated', message: 'The admin API needs ADMIN_TOKEN as a Bearer token.' });
		}
		return false;
	}

	async function requireRole(req: IncomingMessage, res: ServerResponse, roomId: string, role: Role): Promise<boolean> {
		const session = await access.session(tokenOf(req));
		const has = access.roleIn(session, roomId);
		if (has === role) return true;
		sendJson(res, has ? 403 : 401, {
			error: has ? 'forbidden' : 'unauthenticated',
			message: has ? `Only a ${role} can do this.` : 'Open your invite link first.'
		});
		return false;
	}

	/** Handles the access routes; returns false for any other path. */
	return async function handleAccess(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
		const { pathname } = url;
		const method = req.method ?? 'GET';
		const isWrite = method !== 'GET' && method !== 'HEAD';
		const known =
			pathname === '/api/join' ||
			pathname === '/api/me' ||
			pathname === '/api/me/name' ||
			pathname === '/api/signout' ||
			pathname.startsWith('/api/pair/') ||
			ROOM_INVITES.test(pathname) ||
			ROOM_INVITE_SESSIONS.test(pathname) ||
			ROOM_DISPLAYS.test(pathname) ||
			pathname.startsWith('/api/admin/');
		if (!known) return false;
		if (isWrite && !isAllowedOrigin(req, deps.allowedOrigins, deps.allowedHosts)) {
			sendJson(res, 403, { error: 'forbidden', message: 'Requests must come from this site.' });
			return true;
		}

		if (pathname.startsWith('/api/admin/')) {
			if (!(await adminAllowed(req, res))) return true;
			if (pathname === '/api/admin/rooms' && method === 'POST') {
				const body = AdminRoomBody.safeParse(await readJson(req));
				if (!body.success)
					return (
						sendJson(res, 400, {
							error: 'invalid_payload',
							message: `Send { roomId, name, organisation }: ${describeIssue(body.error)}. A room id is 1 to 64 letters (a-z, A-Z), digits, - or _, with no spaces; a name is 1 to 120 characters.`
						}),
						true
					);
				const { roomId, name, organisation } = body.data;
				const created = await engine.execute(
					roomId,
					`admin-create-${roomId}`,
					{ type: 'room.create', name, organisation },
					{
						id: 'admin',
						name: 'Administrator',
						role: 'facilitator'
					}
				);
				if (!created.ok)
					return (
						sendJson(res, created.code === 'conflict' ? 409 : 503, { error: created.code, message: created.message }),
						true
					);
				const token = await access.rotateInvite(roomId, 'facilitator');
				sendJson(res, 200, { roomId, link: `${publicOrigin(req)}/join#${token}` });
				return true;
			}
			if (pathname === '/api/admin/setup-link' && method === 'POST') {
				// For scripts and tests: what `npm run admin -- setup-link` prints.
				const token = await access.makeSetupToken(true);
				sendJson(res, 200, { link: `${publicOrigin(req)}/setup#${token}` });
				return true;
			}
			const sessions = ADMIN_SESSIONS.exec(pathname);
			if (sessions && method === 'POST') {
				const body = AdminSessionBody.safeParse(await readJson(req));
				if (!body.success) return (sendJson(res, 400, { error: 'invalid_payload', message: 'Send { role, name }.' }), true);
				sendJson(res, 200, { token: await access.grantDirectly(sessions[1]!, body.data.role, body.data.name) });
				return true;
			}
			sendJson(res, 404, { error: 'not_found', message: 'No such admin endpoint.' });
			return true;
		}

		if (pathname === '/api/join' && method === 'POST') {
			if (await limited(req, res, 'join')) return true;
			const body = JoinBody.safeParse(await readJson(req));
			if (!body.success) return (sendJson(res, 400, { error: 'invalid_payload', message: 'Send { token, name }.' }), true);
			const joined = await access.join(body.data.token, body.data.name, tokenOf(req));
			if (!joined.ok) return (sendJson(res, 404, { error: joined.code, message: joined.message }), true);
			res.setHeader('set-cookie', sessionCookie(req, joined.token, access.cookieMaxAgeS(joined.session)));
			sendJson(res, 200, { roomId: joined.roomId, role: joined.role, name: joined.session.name });
			return true;
		}

		if (pathname === '/api/me' && method === 'GET') {
			const session = await access.session(tokenOf(req));
			sendJson(res, 200, {
				signedIn: session !== null,
				name: session?.name ?? null,
				kind: session?.kind ?? null,
				mayCreateRooms: mayCreateRooms(session),
				instanceAdmin: isInstanceAdmin(session),
				/** Signed in to an account (else a guest, a screen, or a link joined before accounts). */
				account: session?.accountId ? { id: session.accountId } : null,
				guest: session?.guest === true,
				rooms: Object.entries(session?.grants ?? {}).map(([roomId, g]) => ({
					roomId,
					role: g.role,
					displayId: g.displayId ?? null
				}))
			});
			return true;
		}

		if (pathname === '/api/me/name' && method === 'POST') {
			const body = RenameBody.safeParse(await readJson(req));
			if (!body.success)
				return (sendJson(res, 400, { error: 'invalid_payload', message: 'Send { name }: a name of 1 to 60 characters.' }), true);
			const renamed = await access.rename(tokenOf(req), body.data.name);
			if (renamed === 'screen')
				return (sendJson(res, 403, { error: 'forbidden', message: 'A screen keeps the name it was paired with.' }), true);
			if (!renamed)
				return (
					sendJson(res, 401, {
						error: 'unauthenticated',
						message: 'Open your invite link first: only people who joined a room have a name here.'
					}),
					true
				);
			sendJson(res, 200, { name: renamed.name });
			return true;
		}

		if (pathname === '/api/signout' && method === 'POST') {
			const token = tokenOf(req);
			const ended = await access.session(token);
			if (token) await access.endSession(token);
			// Sockets opened with this session keep no rights after signing out.
			if (ended) deps.onRevoked(ended.id, 'You signed out.');
			res.setHeader('set-cookie', sessionCookie(req, '', 0));
			const provider =
				ended?.accountId && deps.providerSignOut
					? await deps.providerSignOut(ended.id, `${publicOrigin(req)}/sign-in?signed-out=1`)
					: null;
			sendJson(res, 200, { ok: true, ...(provider ? { provider } : {}) });
			return true;
		}

		if (pathname === '/api/pair/start' && method === 'POST') {
			if (await limited(req, res, 'pair-start')) return true;
			const { code, token, expiresAt } = await access.startPairing();
			const pairUrl = `${publicOrigin(req)}/pair#${code}`;
			const qr = await QRCode.toString(pairUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
			res.setHeader('set-cookie', sessionCookie(req, token, (PAIRING_TTL_MS + access.lifetimes.maxMs) / 1000));
			sendJson(res, 200, { code, expiresAt, qr, pairUrl });
			return true;
		}

		if (pathname === '/api/pair/status' && method === 'GET') {
			sendJson(res, 200, await access.pairingStatus(tokenOf(req)));
			return true;
		}

		const invites = ROOM_INVITES.exec(pathname);
		if (invites) {
			const [, roomId, roleInPath] = invites as unknown as [string, string, Role | undefined];
			if (!(await requireRole(req, res, roomId, 'facilitator'))) return true;
			if (method === 'GET' && !roleInPath) {
				sendJson(res, 200, { invites: await access.invites(roomId) });
			} else if (method === 'POST' && !roleInPath) {
				const body = InviteBody.safeParse(await readJson(req));
				if (!body.success) return (sendJson(res, 400, { error: 'invalid_payload', message: 'Send { role }.' }), true);
				const token = await access.rotateInvite(roomId, body.data.role);
				sendJson(res, 200, { role: body.data.role, link: `${publicOrigin(req)}/join#${token}` });
			} else if (method === 'DELETE' && roleInPath) {
				await access.revokeInvite(roomId, roleInPath);
				sendJson(res, 200, { ok: true });
			} else {
				sendJson(res, 405, { error: 'method_not_allowed', message: 'Not here.' });
			}
			return true;
		}

		const fromLink = ROOM_INVITE_SESSIONS.exec(pathname);
		if (fromLink) {
			const [, roomId, role] = fromLink as unknown as [string, string, Role];
			if (!(await requireRole(req, res, roomId, 'facilitator'))) return true;
			if (method !== 'DELETE')
				return (sendJson(res, 405, { error: 'method_not_allowed', message: 'Send DELETE to end these sessions.' }), true);
			const ended = await access.endSessionsFromInvite(roomId, role);
			for (const sessionId of ended)
				deps.onRevoked(sessionId, 'The facilitator ended access from the link you joined with. Ask them for a new link.');
			sendJson(res, 200, { ended: ended.length });
			return true;
		}

		const displays = ROOM_DISPLAYS.exec(pathname);
		if (displays && method === 'POST') {
			const id = Id.safeParse(displays[1]);
			if (!id.success) return (sendJson(res, 404, { error: 'not_found', message: 'No such room.' }), true);
			const roomId = id.data;
			if (await limited(req, res, 'pair-claim')) return true;
			if (!(await requireRole(req, res, roomId, 'facilitator'))) return true;
			const body = PairBody.safeParse(await readJson(req));
			if (!body.success) return (sendJson(res, 400, { error: 'invalid_payload', message: 'Send { code, name, mode }.' }), true);
			const claimed = await access.claimPairing(body.data.code, roomId, body.data.name);
			if (!claimed.ok) return (sendJson(res, 404, { error: claimed.code, message: claimed.message }), true);
			const facilitator = await access.session(tokenOf(req));
			const result = await engine.execute(
				roomId,
				`pair-${claimed.displayId}`,
				{
					type: 'display.register',
					displayId: claimed.displayId,
					name: body.data.name,
					location: '',
					mode: body.data.mode,
					rotation: { stageIds: [], intervalSec: 30 }
				},
				{ id: facilitator!.accountId ?? facilitator!.id, name: facilitator!.name, role: 'facilitator' }
			);
			if (!result.ok) {
				const sessionId = await access.revokeDisplay(roomId, claimed.displayId);
				if (sessionId) deps.onRevoked(sessionId, 'This screen could not be added to the room.');
				return (sendJson(res, 503, { error: result.code, message: result.message }), true);
			}
			await access.trail
				.record({
					action: 'screen_paired',
					roomId,
					actor: { id: facilitator!.accountId ?? facilitator!.id, name: facilitator!.name, kind: 'person' },
					subject: { id: claimed.displayId, name: body.data.name, kind: 'screen' },
					detail: body.data.mode === 'corridor' ? 'corridor mode' : 'room mode'
				})
				.catch(() => undefined);
			sendJson(res, 200, { displayId: claimed.displayId });
			return true;
		}

		sendJson(res, 405, { error: 'method_not_allowed', message: 'Not here.' });
		return true;
	};
}
