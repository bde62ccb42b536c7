/**
 * The HTTP API, version 1 (`/api/v1`): other systems read a room and push KPI points, survey responses
 * and distributions, complaints and artifacts into it, with an API key (`Authorization: Bearer cr_…`).
 *
 * Each request, in order:
 *   1. matched against `OPERATIONS` (404 / 405 otherwise);
 *   2. the key checked: it works (401), belongs to this room (403), has the operation's scope (403),
 *      and is within its rate (429, with Retry-After);
 *   3. the body checked with the operation's schema (400, with the issues); a batch's items one by one,
 *      so a bad item refuses only itself;
 *   4. the change made through the room engine as commands (walls update live, every event names the
 *      key), complaints and responses through the import pipeline (keys, caps, masking);
 *   5. the use recorded in the audit trail, and the answer sent.
 * Every error has one shape (`ApiError`): the socket's closed list of codes, and whether to retry.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringify } from 'csv-stringify/sync';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { z } from 'zod';
import { LIMITS, projectState, type ImportMapping, type RoomState } from '../../src/lib/domain';
import { surveyReading } from '../../src/lib/domain/metrics';
import { RETRYABLE_CODES, type ErrorCode } from '../../src/lib/protocol';
import type { Actor, RoomEngine } from '../engine/room-engine';
import { readBody, storeUpload, UploadError } from '../files/uploads';
import type { ImportService } from '../imports/import-service';
import type { Logger } from '../log';
import type { BlobStore } from '../store/port';
import type { AuditTrail } from '../people/audit-trail';
import { BodyError, readJson, SECURITY_HEADERS } from '../http/json';
import type { ApiKey, ApiKeys } from './api-keys';
import { OPERATIONS, pathPattern, pathParameters, type Operation, type OperationId } from './operations';
import {
	ArtifactQuery,
	ComplaintItem,
	ComplaintsBody,
	DistributionItem,
	DistributionsBody,
	KpiPointItem,
	KpiPointsBody,
	NewKpi,
	NewSurvey,
	ResponseItem,
	ResponsesBody,
	type ApiError,
	type BatchResult
} from './schemas';

export interface V1Deps {
	engine: RoomEngine;
	keys: ApiKeys;
	imports: ImportService;
	blobs: BlobStore;
	log: Logger;
	audit?: Pick<AuditTrail, 'record'>;
	uploadLimit: number;
	/** The room's storage quota (server/files/room-storage.ts). */
	storage: {
		refusal(roomId: string, bytes: number): Promise<string | null>;
		noteUpload(roomId: string, stored: Awaited<ReturnType<typeof storeUpload>>): void;
	};
	/** Requests one key may make per minute (per instance). */
	perKeyPerMinute?: number;
	/** The OpenAPI document and its reference page (`openapi.ts`). */
	document: () => unknown;
	referencePage: () => string;
}

const STATUS: Record<ErrorCode, number> = {
	invalid_payload: 400,
	unknown_room: 404,
	not_found: 404,
	conflict: 409,
	rule_violation: 422,
	forbidden: 403,
	unauthenticated: 401,
	rate_limited: 429,
	unavailable: 503,
	internal: 500
};

class ApiFailure extends Error {
	constructor(
		readonly code: ErrorCode,
		message: string,
		readonly issues?: ApiError['issues'],
		readonly retryAfterS?: number
	) {
		super(message);
	}
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		...SECURITY_HEADERS,
		'content-type': 'application/json; charset=utf-8',
		'cache-control': 'no-store',
		'content-length': Buffer.byteLength(text),
		...headers
	});
	res.end(text);
}

const issuesOf = (error: z.ZodError) =>
	error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
const firstIssue = (error: z.ZodError) => {
	const i = error.issues[0];
	return i ? `${i.path.join('.') || 'the item'}: ${i.message}` : 'not valid';
};

/** The batch answer from per-item statuses. */
function batch(results: BatchResult['results'], version: number | null): BatchResult {
	const count = (status: string) => results.filter((r) => r.status === status).length;
	results.sort((a, b) => a.index - b.index);
	return { accepted: count('accepted'), duplicates: count('duplicate'), refused: count('refused'), results, version };
}

/** Items of a batch checked one by one: the good ones with their index, the refusals. */
function checkItems<S extends z.ZodType>(items: unknown[], schema: S) {
	const good: Array<{ index: number; item: z.output<S> }> = [];
	const results: BatchResult['results'] = [];
	items.forEach((raw, index) => {
		const parsed = schema.safeParse(raw);
		if (parsed.success) good.push({ index, item: parsed.data });
		else results.push({ index, status: 'refused', reason: firstIssue(parsed.error) });
	});
	return { good, results };
}

/** One line per row: customer words may hold line breaks, which would move the lines the import reports. */
const oneLine = (text: string | null) => (text ?? '').replace(/[\r\n]+/g, ' ');

export function createV1Api(deps: V1Deps) {
	const { engine, keys } = deps;
	const limiter = new RateLimiterMemory({ points: deps.perKeyPerMinute ?? 600, duration: 60 });
	const routes = OPERATIONS.map((op) => ({ op: op as Operation & { id: OperationId }, pattern: pathPattern(op.path) }));

	const actorOf = (key: ApiKey): Actor => ({
		id: `key-${key.id}`.slice(0, 64),
		name: key.name.slice(0, 60),
		role: 'contributor'
	});

	async function roomOf(roomId: string): Promise<RoomState> {
		const state = await engine.state(roomId);
		if (!state?.meta) throw new ApiFailure('unknown_room', `There is no room "${roomId}".`);
		return state;
	}

	/** Runs a command as the key; a refusal becomes the error it is. */
	async function execute(roomId: string, key: ApiKey, command: Parameters<RoomEngine['execute']>[2]) {
		const result = await engine.execute(roomId, `api-${randomUUID()}`, command, actorOf(key));
		if (!result.ok) throw new ApiFailure(result.code, result.message);
		return result.version;
	}

	async function jsonBody(req: IncomingMessage, schema: z.ZodType): Promise<unknown> {
		const raw = await readJson(req, 2 * 1_048_576);
		if (raw === undefined)
			throw new ApiFailure('invalid_payload', 'The body is not JSON. Send Content-Type: application/json and a JSON object.');
		const parsed = schema.safeParse(raw);
		if (!parsed.success)
			throw new ApiFailure('invalid_payload', `The body is not valid: ${firstIssue(parsed.error)}.`, issuesOf(parsed.error));
		return parsed.data;
	}

	// ---- the operations ----

	async function getRoom(roomId: string) {
		const state = projectState(await roomOf(roomId), 'viewer');
		const surveys = Object.fromEntries(
			Object.entries(state.surveys).map(([id, survey]) => {
				const period = Object.keys(survey.responses).sort().at(-1);
				const reading = period ? surveyReading(survey, survey.responses[period]!) : null;
				const headline =
					period && reading
						? {
								period,
								measure: reading.measure,
								value: reading.value,
								n: reading.n,
								marginOfError: reading.marginOfError,
								thin: reading.thin
							}
						: null;
				return [id, { ...survey, headline }];
			})
		);
		return {
			id: roomId,
			version: state.version,
			meta: state.meta!,
			stageOrder: state.stageOrder,
			stages: state.stages,
			touchpoints: state.touchpoints,
			artifacts: state.artifacts,
			kpis: state.kpis,
			surveys,
			complaints: state.complaints,
			teams: state.teams,
			wins: state.wins,
			session: state.session
		};
	}

	async function createKpi(req: IncomingMessage, roomId: string, key: ApiKey) {
		const body = (await jsonBody(req, NewKpi)) as z.output<typeof NewKpi>;
		await roomOf(roomId);
		return { id: body.kpiId, version: await execute(roomId, key, { type: 'kpi.define', ...body }) };
	}

	async function createSurvey(req: IncomingMessage, roomId: string, key: ApiKey) {
		const body = (await jsonBody(req, NewSurvey)) as z.output<typeof NewSurvey>;
		await roomOf(roomId);
		return { id: body.surveyId, version: await execute(roomId, key, { type: 'survey.define', ...body }) };
	}

	async function pushKpiPoints(req: IncomingMessage, roomId: string, key: ApiKey): Promise<BatchResult> {
		const body = (await jsonBody(req, KpiPointsBody)) as z.output<typeof KpiPointsBody>;
		const state = await roomOf(roomId);
		const { good, results } = checkItems(body.points, KpiPointItem);
		// The last point of a KPI and date in the batch counts; an earlier one is refused, saying so.
		const last = new Map<string, number>();
		for (const { index, item } of good) last.set(`${item.kpiId}\u0000${item.date}`, index);
		const byKpi = new Map<string, Array<{ index: number; date: string; value: number }>>();
		for (const { index, item } of good) {
			const kpi = Object.hasOwn(state.kpis, item.kpiId) ? state.kpis[item.kpiId]! : null;
			if (!kpi) {
				results.push({
					index,
					status: 'refused',
					reason: `There is no KPI "${item.kpiId}" in this room; create it first (POST /kpis).`
				});
			} else if (last.get(`${item.kpiId}\u0000${item.date}`) !== index) {
				results.push({
					index,
					status: 'refused',
					reason: 'A later point in this batch has the same KPI and date; that one counts.'
				});
			} else if (kpi.points.some((p) => p.date === item.date && p.value === item.value)) {
				results.push({ index, status: 'duplicate' });
			} else {
				byKpi.set(item.kpiId, [...(byKpi.get(item.kpiId) ?? []), { index, date: item.date, value: item.value }]);
			}
		}
		let version: number | null = null;
		for (const [kpiId, points] of byKpi) {
			for (let at = 0; at < points.length; at += LIMITS.kpiPoints) {
				const chunk = points.slice(at, at + LIMITS.kpiPoints);
				version = await execute(roomId, key, {
					type: 'kpi.record',
					kpiId,
					points: chunk.map(({ date, value }) => ({ date, value }))
				});
				for (const p of chunk) results.push({ index: p.index, status: 'accepted' });
			}
		}
		return batch(results, version);
	}

	async function pushSurveyDistributions(
		req: IncomingMessage,
		roomId: string,
		surveyId: string,
		key: ApiKey
	): Promise<BatchResult> {
		const body = (await jsonBody(req, DistributionsBody)) as z.output<typeof DistributionsBody>;
		const state = await roomOf(roomId);
		const survey = Object.hasOwn(state.surveys, surveyId) ? state.surveys[surveyId]! : null;
		if (!survey)
			throw new ApiFailure('not_found', `There is no survey "${surveyId}" in this room; create it first (POST /surveys).`);
		const { good, results } = checkItems(body.periods, DistributionItem);
		let version: number | null = null;
		const size = survey.scale.max - survey.scale.min + 1;
		for (const { index, item } of good) {
			const held = item.segment ? survey.bySegment[item.segment]?.[item.period] : survey.responses[item.period];
			if (item.counts.length !== size) {
				results.push({
					index,
					status: 'refused',
					reason: `This survey's scale has ${size} scores (${survey.scale.min}-${survey.scale.max}): send ${size} counts.`
				});
			} else if (held && held.length === item.counts.length && held.every((n, i) => n === item.counts[i])) {
				results.push({ index, status: 'duplicate' });
			} else {
				try {
					version = await execute(roomId, key, {
						type: 'survey.record',
						surveyId,
						period: item.period,
						counts: item.counts,
						segment: item.segment
					});
					results.push({ index, status: 'accepted' });
				} catch (error) {
					if (!(error instanceof ApiFailure) || RETRYABLE_CODES.has(error.code)) throw error;
					results.push({ index, status: 'refused', reason: error.message });
				}
			}
		}
		return batch(results, version);
	}

	/** Rows written as a CSV file and read by the import pipeline; each row answered by its line. */
	async function throughImport(
		roomId: string,
		key: ApiKey,
		header: string[],
		rows: Array<{ index: number; cells: string[] }>,
		mapping: ImportMapping,
		results: BatchResult['results']
	): Promise<BatchResult> {
		if (rows.length === 0) return batch(results, null);
		const csv = stringify([header, ...rows.map((r) => r.cells)], { record_delimiter: '\r\n' });
		const stored = await deps.blobs.put(Buffer.from(csv), 'text/csv');
		await deps.blobs.recordUpload(stored.id, roomId);
		const outcome = await deps.imports.run({
			roomId,
			actor: actorOf(key),
			blobId: stored.id,
			fileName: `API: ${key.name}`,
			mapping,
			dryRun: false
		});
		if (!outcome.ok) throw new ApiFailure(outcome.code === 'conflict' ? 'unavailable' : outcome.code, outcome.message);
		// Line 1 is the header; row i of the file is on line i + 2.
		const errors = new Map(outcome.summary.errorList.map((e) => [e.line, e.reason]));
		const duplicates = new Set(outcome.summary.duplicateLines ?? []);
		rows.forEach((row, i) => {
			const line = i + 2;
			const reason = errors.get(line);
			if (reason) results.push({ index: row.index, status: 'refused', reason: `This row ${reason}.`.replace(/\.\.$/, '.') });
			else results.push({ index: row.index, status: duplicates.has(line) ? 'duplicate' : 'accepted' });
		});
		return batch(results, outcome.version);
	}

	async function pushSurveyResponses(req: IncomingMessage, roomId: string, surveyId: string, key: ApiKey): Promise<BatchResult> {
		const body = (await jsonBody(req, ResponsesBody)) as z.output<typeof ResponsesBody>;
		const state = await roomOf(roomId);
		if (!Object.hasOwn(state.surveys, surveyId))
			throw new ApiFailure('not_found', `There is no survey "${surveyId}" in this room; create it first (POST /surveys).`);
		const { good, results } = checkItems(body.responses, ResponseItem);
		const col = (index: number, name: string) => ({ index, name });
		return throughImport(
			roomId,
			key,
			['id', 'date', 'score', 'segment', 'comment'],
			good.map(({ index, item }) => ({
				index,
				cells: [oneLine(item.id), item.date, String(item.score), oneLine(item.segment), oneLine(item.comment)]
			})),
			{
				kind: 'surveys',
				hasHeader: true,
				dateColumn: col(1, 'date'),
				dateFormat: 'YYYY-MM-DD',
				idColumn: col(0, 'id'),
				segmentColumn: col(3, 'segment'),
				surveyId,
				newSurvey: null,
				scoreColumn: col(2, 'score'),
				countColumn: null,
				textColumn: col(4, 'comment'),
				...(body.classifyComments ? { classifyComments: body.classifyComments } : {})
			},
			results
		);
	}

	async function pushComplaints(req: IncomingMessage, roomId: string, key: ApiKey): Promise<BatchResult> {
		const body = (await jsonBody(req, ComplaintsBody)) as z.output<typeof ComplaintsBody>;
		const state = await roomOf(roomId);
		const { good, results } = checkItems(body.rows, ComplaintItem);
		for (const stageId of [body.defaultStageId, ...body.stageRules.map((r) => r.stageId)])
			if (stageId && !Object.hasOwn(state.stages, stageId))
				throw new ApiFailure('not_found', `There is no stage "${stageId}" in this room.`);
		// The rules' fields become columns of the file the import reads, and the rules its stage rules.
		const ruleFields = [...new Set(body.stageRules.map((r) => r.field))];
		const col = (index: number, name: string) => ({ index, name });
		const rows: Array<{ index: number; cells: string[] }> = [];
		const stages = new Set<string>();
		for (const { index, item } of good) {
			if (item.stageId && !Object.hasOwn(state.stages, item.stageId)) {
				results.push({ index, status: 'refused', reason: `There is no stage "${item.stageId}" in this room.` });
				continue;
			}
			if (item.stageId) stages.add(item.stageId);
			rows.push({
				index,
				cells: [
					oneLine(item.id),
					item.date,
					oneLine(item.category),
					item.stageId ?? '',
					oneLine(item.channel),
					oneLine(item.segment),
					oneLine(item.text),
					...ruleFields.map((f) => oneLine(Object.hasOwn(item.fields, f) ? item.fields[f]! : ''))
				]
			});
		}
		const stageRules = [
			...[...stages].map((stageId) => ({ column: col(3, 'stage'), op: 'equals' as const, value: stageId, stageId })),
			...body.stageRules.map((r) => ({
				column: col(7 + ruleFields.indexOf(r.field), `field:${r.field}`),
				op: r.op,
				value: r.value,
				stageId: r.stageId
			}))
		];
		if (stageRules.length === 0 && !body.defaultStageId)
			for (const row of rows.splice(0))
				results.push({
					index: row.index,
					status: 'refused',
					reason: 'Name the stage: stageId on the row, stageRules or defaultStageId for the batch.'
				});
		return throughImport(
			roomId,
			key,
			['id', 'date', 'category', 'stage', 'channel', 'segment', 'text', ...ruleFields.map((f) => `field:${f}`)],
			rows,
			{
				kind: 'complaints',
				hasHeader: true,
				dateColumn: col(1, 'date'),
				dateFormat: 'YYYY-MM-DD',
				idColumn: col(0, 'id'),
				segmentColumn: col(5, 'segment'),
				categoryColumn: col(2, 'category'),
				channelColumn: col(4, 'channel'),
				textColumn: col(6, 'text'),
				stageRules,
				defaultStageId: body.defaultStageId,
				classify: true
			},
			results
		);
	}

	async function uploadArtifact(req: IncomingMessage, roomId: string, key: ApiKey, url: URL) {
		const query = ArtifactQuery.safeParse(Object.fromEntries(url.searchParams));
		if (!query.success)
			throw new ApiFailure('invalid_payload', `The query is not valid: ${firstIssue(query.error)}.`, issuesOf(query.error));
		const state = await roomOf(roomId);
		if (!Object.hasOwn(state.stages, query.data.stageId))
			throw new ApiFailure('not_found', `There is no stage "${query.data.stageId}" in this room.`);
		const declared = Number(req.headers['content-length']);
		const early = Number.isFinite(declared) ? await deps.storage.refusal(roomId, declared) : null;
		if (early) throw new ApiFailure('rule_violation', early);
		let stored;
		try {
			const bytes = await readBody(req, deps.uploadLimit);
			const full = await deps.storage.refusal(roomId, bytes.byteLength);
			if (full) throw new ApiFailure('rule_violation', full);
			stored = await storeUpload(deps.blobs, bytes, 'artifact');
		} catch (error) {
			if (error instanceof UploadError)
				throw new ApiFailure(error.status === 413 ? 'rule_violation' : 'invalid_payload', error.message);
			throw error;
		}
		if (stored.kind === 'csv') throw new ApiFailure('invalid_payload', 'A data file is not an artifact: push its rows instead.');
		for (const id of [stored.blobId, stored.thumbBlobId]) if (id) await deps.blobs.recordUpload(id, roomId);
		deps.storage.noteUpload(roomId, stored);
		const artifactId = `a-${randomUUID().slice(0, 12)}`;
		const { stageId, touchpointId, title, caption, sensitive } = query.data;
		const version = await execute(roomId, key, {
			type: 'artifact.add',
			artifactId,
			stageId,
			touchpointId,
			kind: stored.kind,
			title,
			caption,
			blobId: stored.blobId,
			url: null,
			transcript: '',
			currentAsOf: null,
			sensitive,
			replacedBy: null,
			file: { name: title, mime: stored.mime, size: stored.size, thumbBlobId: stored.thumbBlobId }
		});
		return { id: artifactId, version };
	}

	/** Runs one matched operation; answers its body. */
	async function run(
		op: Operation & { id: OperationId },
		req: IncomingMessage,
		params: Record<string, string>,
		key: ApiKey,
		url: URL
	) {
		const roomId = params.roomId!;
		switch (op.id) {
			case 'getRoom':
				return getRoom(roomId);
			case 'createKpi':
				return createKpi(req, roomId, key);
			case 'pushKpiPoints':
				return pushKpiPoints(req, roomId, key);
			case 'createSurvey':
				return createSurvey(req, roomId, key);
			case 'pushSurveyDistributions':
				return pushSurveyDistributions(req, roomId, params.surveyId!, key);
			case 'pushSurveyResponses':
				return pushSurveyResponses(req, roomId, params.surveyId!, key);
			case 'pushComplaints':
				return pushComplaints(req, roomId, key);
			case 'uploadArtifact':
				return uploadArtifact(req, roomId, key, url);
			default:
				return assertNever(op.id);
		}
	}

	function fail(res: ServerResponse, error: ApiFailure): void {
		const body: ApiError = {
			error: error.code,
			message: error.message,
			retryable: RETRYABLE_CODES.has(error.code),
			...(error.issues ? { issues: error.issues } : {})
		};
		send(res, STATUS[error.code], body, error.retryAfterS ? { 'retry-after': String(error.retryAfterS) } : {});
	}

	/** Handles `/api/v1/*`; answers false for any other path. */
	return async function handleV1(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
		if (!url.pathname.startsWith('/api/v1/') && url.pathname !== '/api/v1') return false;
		const method = req.method ?? 'GET';
		if (url.pathname === '/api/v1/openapi.json' && method === 'GET') {
			send(res, 200, deps.document(), { 'access-control-allow-origin': '*' });
			return true;
		}
		if (url.pathname === '/api/v1/docs' && method === 'GET') {
			const html = deps.referencePage();
			res.writeHead(200, {
				...SECURITY_HEADERS,
				'content-type': 'text/html; charset=utf-8',
				'cache-control': 'no-store',
				'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
			});
			res.end(html);
			return true;
		}
		let key: ApiKey | null = null;
		let op: (Operation & { id: OperationId }) | null = null;
		try {
			const matches = routes.filter((r) => r.pattern.test(url.pathname));
			if (matches.length === 0)
				throw new ApiFailure('not_found', 'There is no such API address. The reference is at /api/v1/docs.');
			const route = matches.find((r) => r.op.method === method);
			if (!route) throw new ApiFailure('invalid_payload', `Use ${matches.map((r) => r.op.method).join(' or ')} here.`);
			op = route.op;
			const values = route.pattern.exec(url.pathname)!.slice(1);
			const params = Object.fromEntries(pathParameters(op.path).map((name, i) => [name, values[i]!]));
			// 2. the key
			const bearer = /^Bearer (\S{1,200})$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
			key = await keys.verify(bearer);
			if (!key)
				throw new ApiFailure(
					'unauthenticated',
					bearer
						? 'This API key does not work: it was revoked, it expired, or it is mistyped. Make a new one under Access → API keys.'
						: 'Send an API key as Authorization: Bearer cr_…; a facilitator makes one under Access → API keys.'
				);
			if (key.roomId !== params.roomId) throw new ApiFailure('forbidden', 'This API key belongs to another room.');
			if (!key.scopes.includes(op.scope))
				throw new ApiFailure('forbidden', `This API key may not do this: it needs the ${op.scope} scope.`);
			try {
				await limiter.consume(key.id);
			} catch (error) {
				const wait = error instanceof RateLimiterRes ? Math.ceil(error.msBeforeNext / 1000) : 60;
				throw new ApiFailure(
					'rate_limited',
					`This API key sent too many requests. Wait ${wait} seconds, then send again.`,
					undefined,
					wait
				);
			}
			// 3-4. the body and the change
			const answer = await run(op, req, params, key, url);
			send(res, op.status, answer);
			// 5. the use, recorded
			void keys.used(key).catch(() => undefined);
			const detail =
				answer && typeof answer === 'object' && 'accepted' in answer
					? `${op.summary}: ${(answer as BatchResult).accepted} accepted, ${(answer as BatchResult).duplicates} duplicates, ${(answer as BatchResult).refused} refused`
					: op.summary;
			deps.audit
				?.record({ action: 'api_key_used', roomId: key.roomId, actor: { id: key.id, name: key.name, kind: 'api-key' }, detail })
				.catch(() => undefined);
		} catch (error) {
			if (error instanceof ApiFailure) fail(res, error);
			else if (error instanceof BodyError) fail(res, new ApiFailure('invalid_payload', `${error.message} Send smaller batches.`));
			else {
				deps.log.error({ err: String(error), op: op?.id, keyId: key?.id }, 'an API request failed');
				fail(
					res,
					new ApiFailure('internal', 'Something went wrong on the server. Send the request again; a push never counts twice.')
				);
			}
			if (key && error instanceof ApiFailure && error.code !== 'rate_limited')
				deps.audit
					?.record({
						action: 'api_key_used',
						roomId: key.roomId,
						actor: { id: key.id, name: key.name, kind: 'api-key' },
						detail: `${op?.summary ?? url.pathname}: refused (${error.code})`
					})
					.catch(() => undefined);
		}
		return true;
	};
}

function assertNever(value: never): never {
	throw new Error(`Unknown operation ${String(value)}`);
}
