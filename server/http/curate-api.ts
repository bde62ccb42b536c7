/**
 * Curation endpoints: uploads, imports (inspect, preview, apply, with progress), exports (backup, CSV
 * per kind) and restoring a backup into a new room. Every request names a room the caller's session
 * holds a role in (cookie), every POST comes from our own origin, and every failure is a JSON answer
 * `{ error, message }` a page can show as it is.
 *
 *   POST /api/rooms/:id/uploads?purpose=artifact|import   raw bytes -> what was stored
 *   POST /api/rooms/:id/imports/inspect                   { blobId } -> columns, sample rows, guesses with reasons
 *                                                          (422 unreadable_file: quotes never closed, with the lines)
 *   POST /api/rooms/:id/imports                           { blobId, fileName, mapping, dryRun }
 *                                                          -> NDJSON: progress lines, then the outcome
 *   GET  /api/rooms/:id/export/backup.json                (facilitators)
 *   GET  /api/rooms/:id/export/<kind>.csv
 *   GET  /api/rooms/:id/storage                           -> { used, limit } bytes of the room's files
 *   GET  /api/rooms/:id/redaction                         -> what `room.redact` would mask now (facilitators)
 *   POST /api/rooms/restore                               backup JSON -> { roomId } (a new room)
 */
import type { Logger } from '../log';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { z } from 'zod';
import { ImportMapping, audienceFor, projectState, referencedBlobs, rewriteCount, type Role } from '../../src/lib/domain';
import { prepareRedaction } from '../text/redact-room';
import { mayCreateRooms, type AccessService, type Session } from '../access/access-service';
import { roomIdTaken, uniqueRoomId } from '../rooms/room-id';
import type { RoomEngine } from '../engine/room-engine';
import { writeBackup } from '../exports/backup';
import { storeRestoredFiles } from '../exports/restore-files';
import { CSV_KINDS, exportCsv, type CsvKind } from '../exports/csv-export';
import type { RoomStorage } from '../files/room-storage';
import { readBody, storeUpload, UploadError } from '../files/uploads';
import { sessionTokenOf } from './session';
import type { ImportService } from '../imports/import-service';
import type { RedactionPreview, UnreadableFile } from '../../src/lib/protocol/curate';
import type { BlobStore } from '../store/port';
import { readBackup } from '../workers/restore-thread';
import { readJson, SECURITY_HEADERS, sendJson } from './json';
import { isAllowedOrigin } from './origin';

export interface CurateApiDeps {
	/** Failures are logged here once, with the room and the request (never a token or a file's content). */
	log: Logger;
	access: AccessService;
	engine: RoomEngine;
	blobs: BlobStore;
	imports: ImportService;
	allowedOrigins: readonly string[];
	allowedHosts: readonly string[];
	/** Largest upload, in bytes (a backup to restore may be up to four times this: files travel as base64). */
	uploadLimit: number;
	/** Each room's storage quota, which uploads and restores must fit. */
	storage: RoomStorage;
	/** Restores per session. */
	restoreLimiter: RateLimiterAbstract;
}

const ROOM = '([A-Za-z0-9_-]{1,64})';
const UPLOADS = new RegExp(`^/api/rooms/${ROOM}/uploads$`);
const INSPECT = new RegExp(`^/api/rooms/${ROOM}/imports/inspect$`);
const IMPORTS = new RegExp(`^/api/rooms/${ROOM}/imports$`);
const BACKUP = new RegExp(`^/api/rooms/${ROOM}/export/backup\\.json$`);
const CSV = new RegExp(`^/api/rooms/${ROOM}/export/([a-z]+)\\.csv$`);
const STORAGE = new RegExp(`^/api/rooms/${ROOM}/storage$`);
const REDACTION = new RegExp(`^/api/rooms/${ROOM}/redaction$`);
const RESTORE = '/api/rooms/restore';

const Sha = z.string().regex(/^[a-f0-9]{64}$/, 'a file id is 64 hex characters');
const InspectBody = z.strictObject({ blobId: Sha });
const ImportBody = z.strictObject({
	blobId: Sha,
	fileName: z.string().trim().max(200).default('import.csv'),
	mapping: ImportMapping,
	dryRun: z.boolean()
});

/** Another room's file, or one never uploaded: the same answer, so ids of other rooms' files tell nothing. */
const NOT_UPLOADED_HERE = {
	error: 'not_found',
	message: 'That file was not uploaded to this room; upload it here first.'
} as const;

const RANK: Record<Role, number> = { viewer: 0, contributor: 1, facilitator: 2 };

export function createCurateApi(deps: CurateApiDeps) {
	const { access, engine, blobs, imports, storage } = deps;

	async function sessionOf(req: IncomingMessage): Promise<{ token: string | null; session: Session | null }> {
		const token = sessionTokenOf(req);
		return { token, session: await access.session(token) };
	}

	/** The caller's session if it holds at least `least` in the room; otherwise answers and returns null. */
	async function member(req: IncomingMessage, res: ServerResponse, roomId: string, least: Role): Promise<Session | null> {
		const { session } = await sessionOf(req);
		const role = access.roleIn(session, roomId);
		if (!session) {
			sendJson(res, 401, {
				error: 'unauthenticated',
				message: 'Open your invite link first: this browser has not joined the room.'
			});
			return null;
		}
		if (!role || RANK[role] < RANK[least]) {
			sendJson(res, 403, {
				error: 'forbidden',
				message: `Only a ${least}${least === 'facilitator' ? '' : ' or facilitator'} of this room can do this.`
			});
			return null;
		}
		return session;
	}

	const actorOf = (session: Session, role: Role) => ({ id: session.accountId ?? session.id, name: session.name, role });

	async function upload(req: IncomingMessage, res: ServerResponse, roomId: string, url: URL): Promise<void> {
		const session = await member(req, res, roomId, 'contributor');
		if (!session) return void res.once('finish', () => req.destroy());
		const purpose = url.searchParams.get('purpose') === 'import' ? 'import' : 'artifact';
		const declared = Number(req.headers['content-length']);
		const early = Number.isFinite(declared) ? await storage.refusal(roomId, declared) : null;
		if (early) throw new UploadError(413, 'too_large', early);
		const bytes = await readBody(req, deps.uploadLimit);
		const full = await storage.refusal(roomId, bytes.byteLength);
		if (full) throw new UploadError(413, 'too_large', full);
		const stored = await storeUpload(blobs, bytes, purpose);
		// Imports and inspections read a file by id only in the room that uploaded it.
		for (const id of [stored.blobId, stored.thumbBlobId]) if (id) await blobs.recordUpload(id, roomId);
		storage.noteUpload(roomId, stored);
		sendJson(res, 201, stored);
	}

	async function runImport(req: IncomingMessage, res: ServerResponse, roomId: string): Promise<void> {
		const session = await member(req, res, roomId, 'contributor');
		if (!session) return;
		const parsed = ImportBody.safeParse(await readJson(req, 256 * 1024));
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			return sendJson(res, 400, {
				error: 'invalid_payload',
				message: `The import settings are not valid (${issue?.path.join('.')}: ${issue?.message}).`
			});
		}
		if (!(await blobs.uploadedTo(parsed.data.blobId, roomId))) return sendJson(res, 404, NOT_UPLOADED_HERE);
		// Progress streams as one JSON object per line; the last line is the outcome.
		res.writeHead(200, {
			...SECURITY_HEADERS,
			'content-type': 'application/x-ndjson; charset=utf-8',
			'cache-control': 'no-store'
		});
		let lastSent = 0;
		const outcome = await imports
			.run({
				roomId,
				actor: actorOf(session, access.roleIn(session, roomId)!),
				...parsed.data,
				onProgress: ({ rows, fraction }) => {
					const now = Date.now();
					if (now - lastSent < 100) return;
					lastSent = now;
					res.write(`${JSON.stringify({ type: 'progress', rows, fraction })}\n`);
				}
			})
			.catch((error: unknown) => {
				deps.log.error({ roomId, request: 'POST /imports', err: String(error) }, 'import failed');
				return {
					ok: false as const,
					code: 'unavailable' as const,
					message: 'The import could not finish just now; nothing was changed. Try again.'
				};
			});
		res.end(`${JSON.stringify({ type: 'done', ...outcome })}\n`);
	}

	async function backup(req: IncomingMessage, res: ServerResponse, roomId: string): Promise<void> {
		if (!(await member(req, res, roomId, 'facilitator'))) return;
		const joined = await engine.join(roomId);
		if (!joined.ok || joined.mode !== 'snapshot')
			return sendJson(res, 503, { error: 'unavailable', message: 'The room could not be read just now; try again.' });
		const day = new Date().toISOString().slice(0, 10);
		res.writeHead(200, {
			...SECURITY_HEADERS,
			'content-type': 'application/json; charset=utf-8',
			'cache-control': 'no-store',
			'content-disposition': `attachment; filename="${roomId}-backup-${day}.json"`
		});
		await writeBackup(res, { id: roomId, version: joined.state.version, epoch: joined.epoch }, joined.state, blobs);
		res.end();
	}

	async function csv(req: IncomingMessage, res: ServerResponse, roomId: string, kind: string): Promise<void> {
		if (!(CSV_KINDS as readonly string[]).includes(kind)) {
			return sendJson(res, 404, { error: 'not_found', message: `No export "${kind}"; there are ${CSV_KINDS.join(', ')}.` });
		}
		const session = await member(req, res, roomId, 'viewer');
		if (!session) return;
		const state = await engine.state(roomId);
		if (!state) return sendJson(res, 404, { error: 'not_found', message: 'This room does not exist.' });
		// A member exports what it is sent: a corridor screen's export has no verbatims or sensitive artifacts.
		const grant = session.grants[roomId];
		const audience = audienceFor(state, grant?.role ?? 'viewer', grant?.displayId);
		const text = exportCsv(projectState(state, audience), kind as CsvKind);
		res.writeHead(200, {
			...SECURITY_HEADERS,
			'content-type': 'text/csv; charset=utf-8',
			'cache-control': 'no-store',
			'content-disposition': `attachment; filename="${roomId}-${kind}.csv"`,
			'content-length': Buffer.byteLength(text)
		});
		res.end(text);
	}

	async function restore(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const { token, session } = await sessionOf(req);
		if (!session || !token) {
			return sendJson(res, 401, { error: 'unauthenticated', message: 'Sign in to a room as its facilitator first.' });
		}
		if (!mayCreateRooms(session) && !Object.values(session.grants).some((g) => g.role === 'facilitator')) {
			return sendJson(res, 403, {
				error: 'forbidden',
				message: 'Only an instance admin or a facilitator of a room can restore a backup.'
			});
		}
		try {
			await deps.restoreLimiter.consume(`restore:${session.id}`);
		} catch (refusal) {
			if (!(refusal instanceof RateLimiterRes)) throw refusal;
			const minutes = Math.max(1, Math.ceil(refusal.msBeforeNext / 60_000));
			res.once('finish', () => req.destroy());
			return sendJson(res, 429, {
				error: 'rate_limited',
				message: `You have restored ${deps.restoreLimiter.points} backups in the last hour, the most one person may. Try again in ${new Intl.NumberFormat('en').format(minutes)} ${minutes === 1 ? 'minute' : 'minutes'}.`
			});
		}
		const body = await readBody(req, deps.uploadLimit * 4).catch((error: unknown) => {
			if (error instanceof UploadError)
				throw new UploadError(
					413,
					'too_large',
					`This backup is larger than the ${Math.round((deps.uploadLimit * 4) / 1_048_576)} MB this server restores.`
				);
			throw error;
		});
		// 1. Parse and check the backup in a worker thread: other rooms' commands go on meanwhile.
		const reading = await readBackup(body);
		if (!reading.ok) return sendJson(res, 400, { error: 'invalid_payload', message: reading.message });
		// 2. Its files go through what an upload goes through, and must fit the new room's quota.
		const restored = await storeRestoredFiles(blobs, reading.state, new Map(reading.files), storage.limitBytes);
		if (!restored.ok) {
			return sendJson(res, restored.status, {
				error: restored.status === 413 ? 'too_large' : restored.status === 415 ? 'unsupported_type' : 'invalid_payload',
				message: restored.message
			});
		}
		// 3. The room is created by a command, which `decide` checks against the room's rules once more.
		// The same id rule as a room created in the app (a name taken at once by another restore is refused
		// below as a conflict; the person restores again).
		const roomId = await uniqueRoomId(restored.state.meta!.name, roomIdTaken(engine, access));
		// The restored room's imports may read its files again, as the original room's could.
		for (const id of referencedBlobs(restored.state)) await blobs.recordUpload(id, roomId);
		const result = await engine.execute(
			roomId,
			`restore-${randomBytes(8).toString('hex')}`,
			{ type: 'room.restore', state: restored.state },
			actorOf(session, 'facilitator')
		);
		if (!result.ok)
			return sendJson(res, result.code === 'unavailable' ? 503 : result.code === 'rule_violation' ? 400 : 409, {
				error: result.code,
				message: result.message
			});
		await access.addGrant(token, roomId, 'facilitator');
		sendJson(res, 201, { roomId, version: result.version, files: reading.files.length });
	}

	/** Handles the curation paths; answers false for any other path. */
	return async function handleCurate(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
		const path = url.pathname;
		const post = req.method === 'POST';
		const match = (pattern: RegExp) => pattern.exec(path);
		const routes: Array<[RegExpExecArray | null | boolean, boolean, () => Promise<void>]> = [
			[match(UPLOADS), true, () => upload(req, res, match(UPLOADS)![1]!, url)],
			[match(INSPECT), true, () => inspect(req, res, match(INSPECT)![1]!)],
			[match(IMPORTS), true, () => runImport(req, res, match(IMPORTS)![1]!)],
			[path === RESTORE, true, () => restore(req, res)],
			[match(BACKUP), false, () => backup(req, res, match(BACKUP)![1]!)],
			[match(CSV), false, () => csv(req, res, match(CSV)![1]!, match(CSV)![2]!)],
			[match(STORAGE), false, () => storageUse(req, res, match(STORAGE)![1]!)],
			[match(REDACTION), false, () => redactionPreview(req, res, match(REDACTION)![1]!)]
		];
		const route = routes.find(([m]) => m);
		if (!route) return false;
		const [, wantsPost, run] = route;
		if (wantsPost !== post && !(!wantsPost && req.method === 'HEAD')) {
			sendJson(res, 405, { error: 'method_not_allowed', message: `Use ${wantsPost ? 'POST' : 'GET'} here.` });
			return true;
		}
		if (post && !isAllowedOrigin(req, deps.allowedOrigins, deps.allowedHosts)) {
			sendJson(res, 403, { error: 'forbidden', message: 'Requests must come from this site.' });
			return true;
		}
		try {
			await run();
		} catch (error) {
			if (error instanceof UploadError) {
				if (!res.headersSent) sendJson(res, error.status, { error: error.code, message: error.message });
				// A refused body is not read to its end: close the connection rather than drain it.
				if (error.status === 413) res.once('finish', () => req.destroy());
			} else {
				const roomId = /^\/api\/rooms\/([A-Za-z0-9_-]{1,64})\//.exec(path)?.[1] ?? null;
				deps.log.error({ roomId, request: `${req.method} ${path}`, err: String(error) }, 'curation request failed');
				if (!res.headersSent) {
					sendJson(res, 503, {
						error: 'unavailable',
						message: 'The server could not finish this just now; nothing was changed. Try again.'
					});
				} else {
					res.end();
				}
			}
		}
		return true;
	};

	async function storageUse(req: IncomingMessage, res: ServerResponse, roomId: string): Promise<void> {
		if (!(await member(req, res, roomId, 'viewer'))) return;
		res.setHeader('cache-control', 'no-store');
		sendJson(res, 200, await storage.usage(roomId));
	}

	/** How many stored texts `room.redact` would change, and what it would mask, so the button can say so first. */
	async function redactionPreview(req: IncomingMessage, res: ServerResponse, roomId: string): Promise<void> {
		if (!(await member(req, res, roomId, 'facilitator'))) return;
		const state = await engine.state(roomId);
		if (!state?.meta) return sendJson(res, 404, { error: 'not_found', message: 'This room does not exist.' });
		const prepared = prepareRedaction(state);
		res.setHeader('cache-control', 'no-store');
		sendJson(res, 200, { items: rewriteCount(prepared.rewrites), masked: prepared.masked } satisfies RedactionPreview);
	}

	async function inspect(req: IncomingMessage, res: ServerResponse, roomId: string): Promise<void> {
		if (!(await member(req, res, roomId, 'contributor'))) return;
		const parsed = InspectBody.safeParse(await readJson(req));
		if (!parsed.success) return sendJson(res, 400, { error: 'invalid_payload', message: 'Send { blobId } of an uploaded file.' });
		if (!(await blobs.uploadedTo(parsed.data.blobId, roomId))) return sendJson(res, 404, NOT_UPLOADED_HERE);
		const inspected = await imports.inspect(parsed.data.blobId);
		if (!inspected)
			return sendJson(res, 404, { error: 'not_found', message: 'That file is no longer on the server; upload it again.' });
		if (!inspected.ok) {
			// The person's file, not the server: said once in the log (no contents), answered with what to fix.
			deps.log.warn({ roomId, request: 'POST /imports/inspect', lines: inspected.lines }, 'import file cannot be read as CSV');
			const body: UnreadableFile = {
				error: 'unreadable_file',
				message: inspected.message,
				line: inspected.line,
				lines: inspected.lines
			};
			return sendJson(res, 422, body);
		}
		sendJson(res, 200, inspected.inspection);
	}
}
