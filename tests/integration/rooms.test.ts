/**
 * Rooms over real HTTP: the one-time setup link makes an instance admin, who creates rooms from a template
 * or blank (ids made from the name, unique), restores backups and takes over a room nobody can open (in
 * its audit trail); a facilitator deletes a room with its typed name, and its events, grants, links,
 * sockets and files go with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplateCatalogue } from '../../server/templates/template-catalogue';
import { SESSION_COOKIE } from '../../server/http/session';
import { templateSummary } from '../../src/lib/domain';
import { curateHttp } from '../support/curate-http';
import { join, send, startTestServer, type TestServer } from '../support/test-server';
import { adminAccount } from '../support/people';

let server: TestServer;

beforeAll(async () => {
	server = await startTestServer({ adminToken: 'rooms-admin-token-0123456789' });
});
afterAll(async () => server?.close());

const cookie = (token: string | null): Record<string, string> => (token ? { cookie: `${SESSION_COOKIE}=${token}` } : {});

async function call(method: string, path: string, token: string | null, body?: unknown) {
	const res = await fetch(`${server.url}${path}`, {
		method,
		headers: { ...cookie(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const setCookie = res.headers.get('set-cookie');
	const token2 = setCookie ? (new RegExp(`${SESSION_COOKIE}=([^;]*)`).exec(setCookie)?.[1] ?? null) : null;
	return { status: res.status, body: (await res.json()) as Record<string, unknown>, token: token2 };
}

/** A fresh instance admin: a setup link made as the server prints it, then opened. */
async function instanceAdmin(existing: string | null = null): Promise<string> {
	const setup = await server.access.makeSetupToken(true);
	const claimed = await call('POST', '/api/setup', existing, { token: setup, account: adminAccount() });
	expect(claimed.status).toBe(200);
	return claimed.token!;
}

const create = (token: string | null, body: unknown) => call('POST', '/api/rooms', token, body);

describe('the setup link', () => {
	it('makes this browser an instance admin once; the link then stops working', async () => {
		const setup = await server.access.makeSetupToken();
		expect(setup).toMatch(/^[A-Za-z0-9_-]{40,}$/);
		const first = await call('POST', '/api/setup', null, { token: setup, account: adminAccount() });
		expect(first.status).toBe(200);
		const me = await call('GET', '/api/me', first.token);
		expect(me.body).toMatchObject({ signedIn: true, mayCreateRooms: true });

		const again = await call('POST', '/api/setup', null, { token: setup, account: adminAccount() });
		expect(again.status).toBe(404);
		expect(again.body.message).toMatch(/used or replaced.*setup-link/);
		// Once claimed, a start prints no new link; the admin command still makes one.
		expect(await server.access.makeSetupToken()).toBeNull();
		expect(await server.access.makeSetupToken(true)).toMatch(/^[A-Za-z0-9_-]{40,}$/);
	});

	it('keeps the rooms of a browser that had joined some, under a fresh cookie', async () => {
		const before = await server.access.grantDirectly('some-room', 'contributor', 'Maya');
		const after = await instanceAdmin(before);
		expect(after).not.toBe(before);
		const session = await server.access.session(after);
		// The rooms it had joined by link go to the admin's new account.
		expect(session).toMatchObject({ name: 'Ada Admin', instanceAdmin: true, grants: { 'some-room': { role: 'contributor' } } });
		expect(await server.access.session(before)).toBeNull();
	});

	it('is single use when two browsers open it at once', async () => {
		const setup = await server.access.makeSetupToken(true);
		const both = await Promise.all(
			[1, 2, 3].map(() => call('POST', '/api/setup', null, { token: setup, account: adminAccount() }))
		);
		expect(both.map((r) => r.status).sort()).toEqual([200, 404, 404]);
	});

	it('refuses a made-up or replaced token', async () => {
		const old = await server.access.makeSetupToken(true);
		await server.access.makeSetupToken(true);
		expect((await call('POST', '/api/setup', null, { token: old, account: adminAccount() })).status).toBe(404);
		expect((await call('POST', '/api/setup', null, { token: 'x'.repeat(43), account: adminAccount() })).status).toBe(404);
		expect((await call('POST', '/api/setup', null, {})).status).toBe(400);
	});
});

describe('creating a room', () => {
	it('builds a room from a template: its stages, touchpoints, KPIs and surveys, with the creator as facilitator', async () => {
		const admin = await instanceAdmin();
		const created = await create(admin, {
			name: 'Northwind Insurance',
			organisation: 'Northwind',
			start: { kind: 'template', templateId: 'insurer' }
		});
		expect(created).toMatchObject({ status: 201, body: { roomId: 'northwind-insurance' } });
		// The creator's cookie is unchanged and now a facilitator's in the room.
		expect(created.token).toBeNull();
		const session = await server.access.session(admin);
		expect(server.access.roleIn(session, 'northwind-insurance')).toBe('facilitator');

		const state = await server.app.engine.state('northwind-insurance');
		const template = (await loadTemplateCatalogue()).get('insurer')!;
		const summary = templateSummary(template);
		expect(state?.meta).toMatchObject({
			name: 'Northwind Insurance',
			organisation: 'Northwind',
			departments: template.departments
		});
		expect(state!.stageOrder.map((id) => state!.stages[id]!.name)).toEqual(summary.stages.map((s) => s.name));
		expect(Object.keys(state!.touchpoints)).toHaveLength(summary.touchpoints);
		expect(Object.keys(state!.kpis)).toHaveLength(summary.kpis);
		expect(Object.keys(state!.surveys)).toHaveLength(summary.surveys);

		const rooms = await call('GET', '/api/rooms', admin);
		expect(rooms.body.rooms).toContainEqual(
			expect.objectContaining({ id: 'northwind-insurance', role: 'facilitator', archived: false })
		);
	});

	it('makes a unique id from the name: the same name twice gets -2, a name of symbols gets "room"', async () => {
		const admin = await instanceAdmin();
		const a = await create(admin, { name: 'Acme Retail Bank', organisation: '', start: { kind: 'blank' } });
		const b = await create(admin, { name: 'ACME  retail bank!', organisation: '', start: { kind: 'blank' } });
		const c = await create(admin, { name: 'Ärzte & Co', organisation: '', start: { kind: 'blank' } });
		const d = await create(admin, { name: '★★★', organisation: '', start: { kind: 'blank' } });
		expect([a.body.roomId, b.body.roomId, c.body.roomId, d.body.roomId]).toEqual([
			'acme-retail-bank',
			'acme-retail-bank-2',
			'arzte-co',
			'room'
		]);
		const blank = await server.app.engine.state('acme-retail-bank');
		expect(blank?.meta?.name).toBe('Acme Retail Bank');
		expect(blank?.stageOrder).toEqual([]);
	});

	it('gives the same id twice to concurrent creations never: both rooms exist', async () => {
		const admin = await instanceAdmin();
		const both = await Promise.all([
			create(admin, { name: 'Twin Room', organisation: '', start: { kind: 'blank' } }),
			create(admin, { name: 'Twin Room', organisation: '', start: { kind: 'blank' } })
		]);
		expect(both.map((r) => r.status)).toEqual([201, 201]);
		expect(new Set(both.map((r) => r.body.roomId))).toEqual(new Set(['twin-room', 'twin-room-2']));
	});

	it('refuses people who are not instance admins, in words that say who may', async () => {
		const facilitator = await server.access.grantDirectly('acme-retail-bank', 'facilitator', 'Fran');
		const refused = await create(facilitator, { name: 'Mine', organisation: '', start: { kind: 'blank' } });
		expect(refused.status).toBe(403);
		expect(refused.body.message).toMatch(/Only an instance admin can create rooms.*setup link/);
		expect((await create(null, { name: 'Mine', organisation: '', start: { kind: 'blank' } })).status).toBe(401);
		expect(await server.app.engine.state('mine')).toBeNull();
	});

	it('says what is wrong with a bad request, and creates nothing', async () => {
		const admin = await instanceAdmin();
		const noName = await create(admin, { name: ' ', organisation: '', start: { kind: 'blank' } });
		expect(noName.status).toBe(400);
		expect(noName.body.message).toMatch(/name/);
		const badTemplate = await create(admin, { name: 'X', organisation: '', start: { kind: 'template', templateId: 'nope' } });
		expect(badTemplate.status).toBe(400);
		expect(badTemplate.body.message).toMatch(/no template "nope"/);
		expect(await server.app.engine.state('x')).toBeNull();
	});
});

describe('restoring and taking over', () => {
	it('lets an instance admin with no room restore a backup; the restorer is its facilitator', async () => {
		const admin = await instanceAdmin();
		await create(admin, { name: 'Backed Up', organisation: 'B', start: { kind: 'template', templateId: 'retail-bank' } });
		const backup = await curateHttp(server.url, 'backed-up', admin).get('/export/backup.json');
		expect(backup.status).toBe(200);

		const other = await instanceAdmin();
		const restored = await curateHttp(server.url, 'x', other).restore(backup.text);
		expect(restored).toMatchObject({ status: 201, body: { roomId: 'backed-up-2' } });
		expect(server.access.roleIn(await server.access.session(other), 'backed-up-2')).toBe('facilitator');
		const state = await server.app.engine.state('backed-up-2');
		expect(state?.stageOrder.length).toBeGreaterThan(3);
	});

	it('lets an instance admin take over a room, recorded in its audit trail; nobody else', async () => {
		const admin = await instanceAdmin();
		await create(admin, { name: 'Locked Out', organisation: '', start: { kind: 'blank' } });
		const other = await instanceAdmin();
		expect(server.access.roleIn(await server.access.session(other), 'locked-out')).toBeNull();
		// An instance admin sees every room, marked as not a member.
		const listed = await call('GET', '/api/rooms', other);
		expect(listed.body.rooms).toContainEqual(expect.objectContaining({ id: 'locked-out', role: null }));

		const taken = await call('POST', '/api/rooms/locked-out/takeover', other);
		expect(taken).toMatchObject({ status: 200, body: { role: 'facilitator' } });
		expect(server.access.roleIn(await server.access.session(other), 'locked-out')).toBe('facilitator');
		const audit = await server.access.audit('locked-out');
		expect(audit.at(-1)).toMatchObject({ action: 'took_over', from: null, name: 'Ada Admin' });

		const viewer = await server.access.grantDirectly('locked-out', 'viewer', 'Vic');
		expect((await call('POST', '/api/rooms/locked-out/takeover', viewer)).status).toBe(403);
		expect(server.access.roleIn(await server.access.session(viewer), 'locked-out')).toBe('viewer');
		expect((await call('POST', '/api/rooms/no-such-room/takeover', other)).status).toBe(404);
		// Someone who is not an instance admin sees only their own rooms.
		const mine = await call('GET', '/api/rooms', viewer);
		expect((mine.body.rooms as Array<{ id: string }>).map((r) => r.id)).toEqual(['locked-out']);
	});
});

describe('deleting a room', () => {
	it('needs the room name typed exactly, and a facilitator of the room', async () => {
		const admin = await instanceAdmin();
		await create(admin, { name: 'Keep Me', organisation: '', start: { kind: 'blank' } });
		const wrong = await call('DELETE', '/api/rooms/keep-me', admin, { confirm: 'Keep me' });
		expect(wrong.status).toBe(400);
		expect(wrong.body.message).toMatch(/Type the room's name exactly, "Keep Me".*Nothing was deleted/);
		const contributor = await server.access.grantDirectly('keep-me', 'contributor', 'Cy');
		expect((await call('DELETE', '/api/rooms/keep-me', contributor, { confirm: 'Keep Me' })).status).toBe(403);
		expect((await call('DELETE', '/api/rooms/keep-me', null, { confirm: 'Keep Me' })).status).toBe(401);
		expect(await server.app.engine.state('keep-me')).not.toBeNull();
	});

	it("removes the room's events, links, grants, sockets and files; its id is never given out again", async () => {
		const admin = await instanceAdmin();
		await create(admin, { name: 'Doomed', organisation: '', start: { kind: 'template', templateId: 'telecom' } });
		const http = curateHttp(server.url, 'doomed', admin);
		// A file the room refers to goes with it.
		const uploaded = await http.upload(new TextEncoder().encode('%PDF-1.4\n% the welcome letter of a doomed room\n'));
		expect(uploaded.status).toBe(201);
		const blobId = uploaded.body.blobId as string;
		const state = await server.app.engine.state('doomed');
		const socket = await server.client('Fran', { doomed: 'facilitator' });
		expect((await join(socket, 'doomed')).ok).toBe(true);
		const added = await send(socket, 'doomed', {
			type: 'artifact.add',
			artifactId: 'letter',
			stageId: state!.stageOrder[0]!,
			touchpointId: null,
			kind: 'document',
			title: 'Welcome letter',
			caption: '',
			blobId,
			url: null,
			transcript: '',
			currentAsOf: null,
			sensitive: false,
			replacedBy: null
		});
		expect(added.ok).toBe(true);
		const invite = await server.access.rotateInvite('doomed', 'contributor');
		const joined = await server.access.join(invite, 'Joe', null);
		expect(joined.ok).toBe(true);
		const revoked = new Promise<{ reason: string }>((resolve) => socket.once('access:revoked', resolve));

		const deleted = await call('DELETE', '/api/rooms/doomed', admin, { confirm: 'Doomed' });
		expect(deleted).toMatchObject({ status: 200, body: { deleted: 'doomed' } });

		expect(await server.app.engine.state('doomed')).toBeNull();
		expect(await server.app.engine.listRooms()).not.toContainEqual(expect.objectContaining({ id: 'doomed' }));
		expect((await revoked).reason).toMatch(/deleted/);
		// Links and grants end: the joiner's session held only this room, so it ended.
		expect(await server.access.invites('doomed')).toEqual({ facilitator: null, contributor: null, viewer: null });
		expect((await server.access.join(invite, 'Late', null)).ok).toBe(false);
		expect(joined.ok && (await server.access.session(joined.token))).toBeNull();
		const adminSession = await server.access.session(admin);
		expect(adminSession?.instanceAdmin).toBe(true);
		expect(server.access.roleIn(adminSession, 'doomed')).toBeNull();
		// Its file is gone at once.
		expect(await server.blobs.has(blobId)).toBe(false);
		// A new room of the same name takes another id.
		const again = await create(admin, { name: 'Doomed', organisation: '', start: { kind: 'blank' } });
		expect(again.body.roomId).toBe('doomed-2');
	});
});

describe('the admin API for scripts', () => {
	it('says what a room id may contain when it refuses one', async () => {
		const res = await fetch(`${server.url}/api/admin/rooms`, {
			method: 'POST',
			headers: { authorization: 'Bearer rooms-admin-token-0123456789', 'content-type': 'application/json' },
			body: JSON.stringify({ roomId: 'my room', name: 'My room' })
		});
		expect(res.status).toBe(400);
		expect(((await res.json()) as { message: string }).message).toMatch(
			/roomId: ids are 1-64 letters, digits, - or _.*A room id is 1 to 64 letters/
		);
	});

	it('makes a setup link for scripts', async () => {
		const res = await fetch(`${server.url}/api/admin/setup-link`, {
			method: 'POST',
			headers: { authorization: 'Bearer rooms-admin-token-0123456789' }
		});
		const { link } = (await res.json()) as { link: string };
		expect(link).toMatch(new RegExp(`^${server.url}/setup#[A-Za-z0-9_-]{40,}$`));
		const claimed = await call('POST', '/api/setup', null, { token: link.split('#')[1], account: adminAccount() });
		expect(claimed.status).toBe(200);
	});
});
