/**
 * The HTTP API, version 1, driven only through a client generated from its own OpenAPI document
 * (`openapi-typescript` types, `openapi-fetch`): what an integrator sees. KPIs, surveys, complaints and
 * artifacts pushed with an API key land in the room as its events (a wall sees them live, under the key's
 * name); the same batch twice changes nothing; bad input, wrong scopes, revoked keys and another room's
 * keys get one error shape and change nothing.
 */
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { paths } from '../support/api-v1';
import { becomeAdmin, request } from '../support/people';
import { createRoom, join, recordEvents, startTestServer, type TestServer } from '../support/test-server';
import { waitUntil } from '../support/room-clients';

const ROOM = 'api-room';
const OTHER = 'api-other';
let server: TestServer;
let admin: string;

async function makeKey(roomId: string, scopes: string[], name = 'Contact centre'): Promise<{ key: string; id: string }> {
	const made = await request(server.url, 'POST', `/api/rooms/${roomId}/api-keys`, admin, { name, scopes, days: null });
	expect(made.status).toBe(201);
	return { key: made.body.key as string, id: made.body.id as string };
}

const clientFor = (key: string | null) =>
	createClient<paths>({ baseUrl: `${server.url}/api/v1`, headers: key ? { authorization: `Bearer ${key}` } : {} });
const room = { params: { path: { roomId: ROOM } } } as const;

beforeAll(async () => {
	server = await startTestServer();
	admin = await becomeAdmin(server.url, (await server.access.makeSetupToken())!);
	const creator = await server.client('Creator', { [ROOM]: 'facilitator', [OTHER]: 'facilitator' });
	await createRoom(creator, ROOM);
	await createRoom(creator, OTHER);
	creator.disconnect();
	await server.access.takeOver(admin, ROOM);
	await server.access.takeOver(admin, OTHER);
});
afterAll(async () => server?.close());

describe('KPIs', () => {
	it('creates a KPI and takes a batch of points, each answered; the same batch again changes nothing; a wall sees it live', async () => {
		const { key } = await makeKey(ROOM, ['read', 'kpis:write']);
		const api = clientFor(key);
		const wall = await server.client('Wall', { [ROOM]: 'viewer' });
		await join(wall, ROOM);
		const seen = recordEvents(wall);

		const created = await api.POST('/rooms/{roomId}/kpis', {
			...room,
			body: { kpiId: 'aht', stageId: 'apply', name: 'Average handling time', direction: 'lower', unit: 'min', target: 6 }
		});
		expect(created.response.status).toBe(201);
		expect(created.data?.id).toBe('aht');

		const points = [
			{ kpiId: 'aht', date: '2026-11-01', value: 7.2 },
			{ kpiId: 'aht', date: '2026-11-02', value: 6.8 },
			{ kpiId: 'nope', date: '2026-11-02', value: 1 },
			{ kpiId: 'aht', date: '2026-13-40', value: 1 }
		];
		const first = await api.POST('/rooms/{roomId}/kpis/points', { ...room, body: { points } });
		expect(first.response.status).toBe(200);
		expect(first.data).toMatchObject({ accepted: 2, duplicates: 0, refused: 2 });
		expect(first.data!.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'refused', 'refused']);
		expect(first.data!.results[2]!.reason).toMatch(/no KPI "nope"/);

		await waitUntil(() => seen.some((m) => m.events.some((e) => e.event.type === 'kpi.recorded')), 'the wall sees the points');
		const recorded = seen.flatMap((m) => m.events).find((e) => e.event.type === 'kpi.recorded')!;
		expect(recorded.actor.name).toBe('Contact centre');

		const again = await api.POST('/rooms/{roomId}/kpis/points', { ...room, body: { points } });
		expect(again.data).toMatchObject({ accepted: 0, duplicates: 2, refused: 2, version: null });

		// A new value for a date replaces the old one: never doubled.
		const corrected = await api.POST('/rooms/{roomId}/kpis/points', {
			...room,
			body: { points: [{ kpiId: 'aht', date: '2026-11-02', value: 6.1 }] }
		});
		expect(corrected.data?.accepted).toBe(1);
		const read = await api.GET('/rooms/{roomId}', room);
		expect(read.data?.kpis.aht?.points).toEqual([
			{ date: '2026-11-01', value: 7.2 },
			{ date: '2026-11-02', value: 6.1 }
		]);
		wall.disconnect();
	});
});

describe('surveys', () => {
	it('takes monthly distributions and single responses (keyed by id), and reads back the headline', async () => {
		const { key } = await makeKey(ROOM, ['read', 'surveys:write'], 'Survey tool');
		const api = clientFor(key);
		const made = await api.POST('/rooms/{roomId}/surveys', {
			...room,
			body: { surveyId: 'onboarding-nps', kind: 'nps', stageId: 'apply', question: 'How likely are you to recommend us?' }
		});
		expect(made.response.status).toBe(201);
		const path = { params: { path: { roomId: ROOM, surveyId: 'onboarding-nps' } } } as const;
		const counts = [1, 0, 0, 1, 0, 2, 3, 5, 8, 20, 30];
		const dist = await api.POST('/rooms/{roomId}/surveys/{surveyId}/distributions', {
			...path,
			body: {
				periods: [
					{ period: '2026-10', counts },
					{ period: '2026-09', counts: [1, 2] }
				]
			}
		});
		expect(dist.data?.results.map((r) => r.status)).toEqual(['accepted', 'refused']);
		expect(dist.data?.results[1]?.reason).toMatch(/11 scores/);
		const distAgain = await api.POST('/rooms/{roomId}/surveys/{surveyId}/distributions', {
			...path,
			body: { periods: [{ period: '2026-10', counts }] }
		});
		expect(distAgain.data?.duplicates).toBe(1);

		const responses = [
			{ id: 'r-1', date: '2026-11-03', score: 10, comment: 'Great, write to me at ana@example.com' },
			{ id: 'r-2', date: '2026-11-04', score: 3 },
			{ id: 'r-3', date: '2026-11-04', score: 11 }
		];
		const pushed = await api.POST('/rooms/{roomId}/surveys/{surveyId}/responses', { ...path, body: { responses } });
		expect(pushed.data?.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'refused']);
		const pushedAgain = await api.POST('/rooms/{roomId}/surveys/{surveyId}/responses', {
			...path,
			body: { responses: responses.slice(0, 2) }
		});
		expect(pushedAgain.data?.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);

		const read = await api.GET('/rooms/{roomId}', room);
		const survey = read.data!.surveys['onboarding-nps']!;
		expect(survey.responses['2026-11']!.reduce((a, b) => a + b, 0)).toBe(2);
		expect(survey.headline).toMatchObject({ period: '2026-11', measure: 'nps', n: 2 });
		expect(JSON.stringify(survey.verbatims)).not.toContain('ana@example.com');
	});

	it('sorts the comments of pushed responses into complaint categories when asked (detractors here)', async () => {
		const { key } = await makeKey(ROOM, ['read', 'surveys:write'], 'Survey tool, sorting');
		const api = clientFor(key);
		const path = { params: { path: { roomId: ROOM, surveyId: 'onboarding-nps' } } } as const;
		const responses = [
			{ id: 's-1', date: '2026-11-05', score: 2, comment: 'The form lost my answers, call me on +44 20 7946 0018' },
			{ id: 's-2', date: '2026-11-05', score: 10, comment: 'Lovely and quick.' }
		];
		const pushed = await api.POST('/rooms/{roomId}/surveys/{surveyId}/responses', {
			...path,
			body: { responses, classifyComments: 'detractors' }
		});
		expect(pushed.data?.results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
		const state = (await server.app.engine.state(ROOM))!;
		const placed = Object.values(state.complaints).flatMap((c) => c.verbatims.filter((v) => v.surveyId === 'onboarding-nps'));
		const waiting = state.toReview.filter((i) => i.verbatim.surveyId === 'onboarding-nps').map((i) => i.verbatim);
		// The detractor's comment, masked, is placed or waits for review; the promoter's stays the survey's only.
		expect([...placed, ...waiting].map((v) => v.text)).toEqual(['The form lost my answers, call me on [phone]']);
		expect([...placed, ...waiting][0]!.channel).toBe('Survey comment');
	});
});

describe('complaints', () => {
	it('counts rows per stage, category and month through the import pipeline; words masked; sent again, duplicates', async () => {
		const { key } = await makeKey(ROOM, ['read', 'complaints:write'], 'CRM');
		const api = clientFor(key);
		const rows = [
			{ id: 'c-1', date: '2026-11-05', category: 'Form keeps timing out', text: 'Call me on +44 20 7946 0958' },
			{ id: 'c-2', date: '2026-11-06', category: 'Form keeps timing out', stageId: 'apply' },
			{ id: 'c-3', date: '2026-11-06', category: 'Lost documents', stageId: 'no-such-stage' },
			{ date: 'yesterday', category: 'Late' }
		];
		const first = await api.POST('/rooms/{roomId}/complaints', { ...room, body: { rows, defaultStageId: 'apply' } });
		expect(first.response.status).toBe(200);
		expect(first.data?.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'refused', 'refused']);
		const again = await api.POST('/rooms/{roomId}/complaints', {
			...room,
			body: { rows: rows.slice(0, 2), defaultStageId: 'apply' }
		});
		expect(again.data).toMatchObject({ accepted: 0, duplicates: 2 });
		const read = await api.GET('/rooms/{roomId}', room);
		const category = Object.values(read.data!.complaints).find((c) => c.name === 'Form keeps timing out')!;
		expect(category.counts['2026-11']).toBe(2);
		expect(JSON.stringify(category.verbatims)).not.toContain('7946');
	});

	it('places rows by stage rules on the CRM’s own fields, the first matching rule winning, else the default stage', async () => {
		const { key } = await makeKey(ROOM, ['complaints:write'], 'CRM rules');
		const stageIds = Object.keys((await server.app.engine.state(ROOM))!.stages);
		expect(stageIds).toContain('apply');
		const created = await server.client('Curator', { [ROOM]: 'facilitator' });
		await join(created, ROOM);
		const { send } = await import('../support/test-server');
		expect(
			(await send(created, ROOM, { type: 'stage.add', stageId: 'billing', name: 'Billing', customerGoal: 'I pay what I expect' }))
				.ok
		).toBe(true);
		created.disconnect();
		const rows: Array<{ id: string; date: string; category: string; stageId?: string; fields?: Record<string, string> }> = [
			{ id: 'r-1', date: '2026-11-07', category: 'Unexpected fee', fields: { queue: 'Billing-EMEA', product: 'Card' } },
			{ id: 'r-2', date: '2026-11-07', category: 'Form keeps timing out', fields: { queue: 'Web' } },
			{ id: 'r-3', date: '2026-11-07', category: 'Unexpected fee', stageId: 'billing' }
		];
		const pushed = await clientFor(key).POST('/rooms/{roomId}/complaints', {
			...room,
			body: {
				rows,
				stageRules: [{ field: 'queue', op: 'contains', value: 'billing', stageId: 'billing' }],
				defaultStageId: 'apply'
			}
		});
		expect(pushed.data?.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
		const state = (await server.app.engine.state(ROOM))!;
		const fee = Object.values(state.complaints).find((c) => c.name === 'Unexpected fee')!;
		expect(fee.stageId).toBe('billing');
		expect(fee.counts['2026-11']).toBe(2);
		const timeouts = Object.values(state.complaints).find((c) => c.name === 'Form keeps timing out')!;
		expect(timeouts.stageId).toBe('apply');
	});
});

describe('artifacts', () => {
	it('takes a file typed by its bytes, and refuses a program', async () => {
		const { key } = await makeKey(ROOM, ['artifacts:write'], 'Letters');
		const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
		const res = await fetch(`${server.url}/api/v1/rooms/${ROOM}/artifacts?stageId=apply&title=Welcome%20letter`, {
			method: 'POST',
			headers: { authorization: `Bearer ${key}`, 'content-type': 'application/octet-stream' },
			body: pdf
		});
		expect(res.status).toBe(201);
		const { id } = (await res.json()) as { id: string };
		const state = await server.app.engine.state(ROOM);
		expect(state?.artifacts[id]).toMatchObject({ title: 'Welcome letter', kind: 'document' });
		const program = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from([0x40, 0, 0, 0]), Buffer.alloc(200)]);
		const refused = await fetch(`${server.url}/api/v1/rooms/${ROOM}/artifacts?stageId=apply&title=Setup`, {
			method: 'POST',
			headers: { authorization: `Bearer ${key}` },
			body: program
		});
		expect([400, 422]).toContain(refused.status);
		expect(await refused.json()).toMatchObject({ retryable: false });
	});
});

describe('refusals: one error shape, and nothing changes', () => {
	it('no key, a revoked key, a key without the scope, another room’s key, bad types, an oversized batch, a room that is gone', async () => {
		const before = (await server.app.engine.state(ROOM))!.version;
		const points = { points: [{ kpiId: 'aht', date: '2026-11-09', value: 5 }] };

		const none = await clientFor(null).POST('/rooms/{roomId}/kpis/points', { ...room, body: points });
		expect(none.response.status).toBe(401);
		expect(none.error).toMatchObject({ error: 'unauthenticated', retryable: false });

		const reader = await makeKey(ROOM, ['read'], 'Reader');
		const noScope = await clientFor(reader.key).POST('/rooms/{roomId}/kpis/points', { ...room, body: points });
		expect(noScope.response.status).toBe(403);
		expect(noScope.error?.message).toMatch(/needs the kpis:write scope/);

		const other = await makeKey(OTHER, ['read', 'kpis:write'], 'Elsewhere');
		const wrongRoom = await clientFor(other.key).POST('/rooms/{roomId}/kpis/points', { ...room, body: points });
		expect(wrongRoom.response.status).toBe(403);
		expect(wrongRoom.error?.message).toMatch(/another room/);

		const writer = await makeKey(ROOM, ['kpis:write'], 'Writer');
		const api = clientFor(writer.key);
		const badTypes = await api.POST('/rooms/{roomId}/kpis/points', { ...room, body: { points: 'many' } as never });
		expect(badTypes.response.status).toBe(400);
		expect(badTypes.error).toMatchObject({ error: 'invalid_payload', retryable: false });
		expect(badTypes.error?.issues?.[0]?.path).toBe('points');
		const tooMany = await api.POST('/rooms/{roomId}/kpis/points', {
			...room,
			body: { points: Array.from({ length: 1001 }, () => points.points[0]!) }
		});
		expect(tooMany.response.status).toBe(400);
		const gone = await api.POST('/rooms/{roomId}/kpis/points', { params: { path: { roomId: 'no-such-room' } }, body: points });
		expect(gone.response.status).toBe(403);

		expect((await request(server.url, 'DELETE', `/api/rooms/${ROOM}/api-keys/${writer.id}`, admin)).status).toBe(200);
		const revoked = await api.POST('/rooms/{roomId}/kpis/points', { ...room, body: points });
		expect(revoked.response.status).toBe(401);
		expect(revoked.error?.message).toMatch(/revoked, it expired/);

		expect((await server.app.engine.state(ROOM))!.version).toBe(before);
	});

	it('keys are listed with their last use (never the key), and every use is in the room’s audit trail', async () => {
		const listed = await request(server.url, 'GET', `/api/rooms/${ROOM}/api-keys`, admin);
		const keys = listed.body.keys as Array<Record<string, unknown>>;
		expect(keys.map((k) => k.name)).toEqual(expect.arrayContaining(['Contact centre', 'Survey tool', 'CRM', 'Reader']));
		expect(keys.map((k) => k.name)).not.toContain('Writer');
		expect(JSON.stringify(listed.body)).not.toMatch(/cr_[A-Za-z0-9_-]{43}/);
		expect(keys.find((k) => k.name === 'Contact centre')!.lastUsedAt).not.toBeNull();
		const trail = await request(server.url, 'GET', `/api/rooms/${ROOM}/audit?kind=api_key_used&limit=200`, admin);
		const rows = (trail.body.rows as Array<{ action: string; actor: { name: string } | null }>).filter(
			(r) => r.action === 'api_key_used'
		);
		expect(rows.some((r) => r.actor?.name === 'Contact centre')).toBe(true);
	});
});

describe('the document', () => {
	it('is served at /api/v1/openapi.json, and its reference page at /api/v1/docs', async () => {
		const doc = await fetch(`${server.url}/api/v1/openapi.json`);
		expect(doc.status).toBe(200);
		expect(((await doc.json()) as { openapi: string }).openapi).toBe('3.1.0');
		const page = await fetch(`${server.url}/api/v1/docs`);
		expect(page.headers.get('content-type')).toMatch(/text\/html/);
		expect(await page.text()).toContain('Push KPI points');
	});
});

describe('a deleted room', () => {
	it('takes its API keys and webhook endpoints with it: the key stops working and nothing of the endpoint is kept', async () => {
		const GONE = 'api-gone';
		const creator = await server.client('Creator', { [GONE]: 'facilitator' });
		await createRoom(creator, GONE);
		creator.disconnect();
		await server.access.takeOver(admin, GONE);
		const { key } = await makeKey(GONE, ['read']);
		const hook = await request(server.url, 'POST', `/api/rooms/${GONE}/webhooks`, admin, {
			url: 'https://hooks.example.com/customer-room',
			preset: 'raw',
			kinds: ['win.marked'],
			description: 'Chat'
		});
		expect(hook.status).toBe(201);
		const gone = { params: { path: { roomId: GONE } } } as const;
		expect((await clientFor(key).GET('/rooms/{roomId}', gone)).response.status).toBe(200);

		const deleted = await request(server.url, 'DELETE', `/api/rooms/${GONE}`, admin, { confirm: `Room ${GONE}` });
		expect(deleted.status).toBe(200);

		expect((await clientFor(key).GET('/rooms/{roomId}', gone)).response.status).toBe(401);
		expect(await server.access.kv.get(`webhooks:room:${GONE}`)).toBeNull();
		expect(await server.access.kv.get(`webhooks:health:${String(hook.body.id)}`)).toBeNull();
		expect(await server.access.kv.list(`room-api-keys:${GONE}`)).toEqual([]);
	});
});
