/**
 * Rooms: making the first instance admin, creating rooms in the app, taking over a room nobody can open,
 * and deleting a room. Who may create rooms is one rule, `mayCreateRooms` (access-service.ts).
 *
 *   POST   /api/rooms                 { name, organisation, start }  -> { roomId } (instance admins)
 *   POST   /api/rooms/:id/takeover    an instance admin becomes the room's facilitator (audited)
 *   DELETE /api/rooms/:id             { confirm: <the room's name> }  (facilitators of the room, instance admins)
 *
 * Every write comes from our own origin; the creator, the taker-over and the restorer keep their cookie
 * and gain the facilitator grant at once.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { z } from 'zod';
import { Id, Name, referencedBlobs, templateCommands, type Command } from '../../src/lib/domain';
import { isInstanceAdmin, mayCreateRooms, type AccessService, type Session } from '../access/access-service';
import type { Actor, RoomEngine } from '../engine/room-engine';
import type { Logger } from '../log';
import { roomIdTaken, uniqueRoomId } from '../rooms/room-id';
import type { TemplateCatalogue } from '../templates/template-catalogue';
import { isAllowedOrigin, type TrustProxy } from './origin';
import { readJson, sendJson } from './json';
import { sessionTokenOf } from './session';

export interface RoomsApiDeps {
	log: Logger;
	access: AccessService;
	engine: RoomEngine;
	/** The room templates (loaded once, at start). */
	templates: Promise<TemplateCatalogue>;
	limiter: RateLimiterAbstract;
	allowedOrigins: readonly string[];
	allowedHosts: readonly string[];
	trustProxy: TrustProxy | null;
	/** Called when a session changed rights (a grant ended), to close its connections everywhere. */
	onRevoked(sessionId: string, reason: string): void;
	/** Called once a room is deleted: its sockets are told and closed, its files collected. */
	onRoomDeleted(roomId: string, blobIds: ReadonlySet<string>): Promise<void>;
}

const Organisation = z.string().trim().max(120).default('');
const CreateBody = z.strictObject({
	name: Name,
	organisation: Organisation,
	start: z.discriminatedUnion('kind', [
		z.strictObject({ kind: z.literal('template'), templateId: Id }),
		z.strictObject({ kind: z.literal('blank') })
	])
});
const DeleteBody = z.strictObject({ confirm: z.string().max(200) });

const ROOM_PATH = /^\/api\/rooms\/([A-Za-z0-9_-]{1,64})$/;
const TAKEOVER_PATH = /^\/api\/rooms\/([A-Za-z0-9_-]{1,64})\/takeover$/;

export function createRoomsApi(deps: RoomsApiDeps) {
	const { access, engine, log } = deps;
	const taken = roomIdTaken(engine, access);

	const NOT_ADMIN = {
		error: 'forbidden',
		message:
			'Only an instance admin can create rooms. The person who installed Customer Room becomes one by opening the setup link the server prints when it starts.'
	} as const;

	async function sessionOf(req: IncomingMessage): Promise<{ token: string | null; session: Session | null }> {
		const token = sessionTokenOf(req);
		return { token, session: await access.session(token) };
	}

	const actorOf = (session: Session): Actor => ({ id: session.accountId ?? session.id, name: session.name, role: 'facilitator' });

	/** The commands that build the room the body asks for, or a message saying what is wrong. */
	async function commandsFor(body: z.infer<typeof CreateBody>): Promise<Command[] | string> {
		const { name, organisation, start } = body;
		if (start.kind === 'blank') return [{ type: 'room.create', name, organisation }];
		const template = (await deps.templates).get(start.templateId);
		if (!template) return `There is no template "${start.templateId}". Choose one of the templates the New room page lists.`;
		return templateCommands(template, { roomName: name, organisation });
	}

	async function create(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const { token, session } = await sessionOf(req);
		if (!session || !token) return sendJson(res, 401, { error: 'unauthenticated', message: NOT_ADMIN.message });
		if (!mayCreateRooms(session)) return sendJson(res, 403, NOT_ADMIN);
		const parsed = CreateBody.safeParse(await readJson(req));
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			return sendJson(res, 400, {
				error: 'invalid_payload',
				message: `Send { name, organisation, start }: ${issue?.path.join('.') || 'the body'}: ${issue?.message ?? 'not valid'}.`
			});
		}
		const commands = await commandsFor(parsed.data);
		if (typeof commands === 'string') return sendJson(res, 400, { error: 'invalid_payload', message: commands });
		// Two people naming rooms alike at once: the second `room.create` is refused, and takes the next id.
		for (let attempt = 0; attempt < 5; attempt++) {
			const roomId = await uniqueRoomId(parsed.data.name, taken);
			const [first, ...rest] = commands;
			// A fresh id per request: a second person's `room.create` must be refused, not taken for this one's.
			const created = await engine.execute(roomId, `create-${roomId}-${randomUUID()}`, first!, actorOf(session));
			if (!created.ok && created.code === 'conflict') continue;
			if (!created.ok) return sendJson(res, 503, { error: created.code, message: created.message });
			await access.addGrant(token, roomId, 'facilitator');
			for (const [index, command] of rest.entries()) {
				// Stable ids: a retried request is applied once.
				const result = await engine.execute(roomId, `template-${roomId}-${index + 1}`, command, actorOf(session));
				if (!result.ok) {
					log.warn(
						{ roomId, commandType: command.type, code: result.code },
						`building the room from its template stopped: ${result.message}`
					);
					return sendJson(res, 503, {
						error: result.code,
						message: `The room was created, but its template could not be applied in full (${result.message}). Open the room and finish it in Curate, or delete it and try again.`,
						roomId
					});
				}
			}
			log.info({ roomId, start: parsed.data.start.kind, commands: commands.length }, 'room created');
			return sendJson(res, 201, { roomId });
		}
		sendJson(res, 503, {
			error: 'unavailable',
			message: 'The room could not be created just now; nothing was changed. Try again.'
		});
	}

	async function takeOver(req: IncomingMessage, res: ServerResponse, roomId: string): Promise<void> {
		const { token, session } = await sessionOf(req);
		if (!token || !isInstanceAdmin(session))
			return sendJson(res, session ? 403 : 401, {
				error: session ? 'forbidden' : 'unauthenticated',
				message: 'Only an instance admin can take over a room. Ask one of its facilitators for a new invite link.'
			});
		if (!(await engine.state(roomId)))
			return sendJson(res, 404, { error: 'not_found', message: `There is no room "${roomId}".` });
		await access.takeOver(token, roomId);
		log.info({ roomId, sessionId: session!.id }, 'an instance admin took over the room as facilitator');
		sendJson(res, 200, { roomId, role: 'facilitator' });
	}

	async function remove(req: IncomingMessage, res: ServerResponse, roomId: string): Promise<void> {
		const { session } = await sessionOf(req);
		const role = access.roleIn(session, roomId);
		if (!session) return sendJson(res, 401, { error: 'unauthenticated', message: 'Open your invite link first.' });
		if (role !== 'facilitator' && !isInstanceAdmin(session))
			return sendJson(res, 403, { error: 'forbidden', message: 'Only a facilitator of this room can delete it.' });
		const body = DeleteBody.safeParse(await readJson(req));
		if (!body.success)
			return sendJson(res, 400, { error: 'invalid_payload', message: "Send { confirm } with the room's name, typed out." });
		const state = await engine.state(roomId);
		if (!state?.meta) return sendJson(res, 404, { error: 'not_found', message: `There is no room "${roomId}".` });
		if (body.data.confirm.trim() !== state.meta.name.trim()) {
			return sendJson(res, 400, {
				error: 'confirmation_mismatch',
				message: `Type the room's name exactly, "${state.meta.name}", to delete it. Nothing was deleted.`
			});
		}
		// Its files are known before its state goes; they are collected after.
		const files = new Set(referencedBlobs(state));
		const displays = Object.keys(state.displays);
		if (!(await engine.deleteRoom(roomId)))
			return sendJson(res, 404, { error: 'not_found', message: `There is no room "${roomId}".` });
		const ended = await access.forgetRoom(roomId, displays);
		for (const sessionId of ended) deps.onRevoked(sessionId, 'This room was deleted.');
		await deps.onRoomDeleted(roomId, files);
		log.info({ roomId, sessionId: session.id, sessionsEnded: ended.length }, 'room deleted');
		sendJson(res, 200, { deleted: roomId });
	}

	/** Handles the rooms routes; answers false for any other path. */
	return async function handleRooms(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
		const { pathname } = url;
		const method = req.method ?? 'GET';
		const isWrite = method !== 'GET' && method !== 'HEAD';
		const room = ROOM_PATH.exec(pathname);
		const takeover = TAKEOVER_PATH.exec(pathname);
		const roomId = room && room[1] !== 'restore' ? room[1]! : null;
		// GET /api/rooms (the list) is api.ts's; every other method on these paths is ours.
		const ours = takeover !== null || (isWrite && (pathname === '/api/rooms' || roomId !== null));
		if (!ours) return false;
		if (isWrite && !isAllowedOrigin(req, deps.allowedOrigins, deps.allowedHosts)) {
			sendJson(res, 403, { error: 'forbidden', message: 'Requests must come from this site.' });
			return true;
		}
		if (pathname === '/api/rooms' && method === 'POST') await create(req, res);
		else if (takeover && method === 'POST') await takeOver(req, res, takeover[1]!);
		else if (roomId && method === 'DELETE') await remove(req, res, roomId);
		else
			sendJson(res, 405, {
				error: 'method_not_allowed',
				message: roomId && !takeover ? "Use DELETE here, with { confirm: the room's name }." : 'Use POST here.'
			});
		return true;
	};
}
