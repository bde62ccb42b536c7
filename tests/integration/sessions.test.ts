/**
 * Sessions over real HTTP and sockets (issue 13, items 10-12): a fresh token on every join, the
 * `__Host-` cookie over HTTPS, lifetimes, ending everyone's access from one link, and names that come
 * from the server's session, not from the client.
 */
import type { IncomingMessage } from 'node:http';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURE_SESSION_COOKIE, SESSION_COOKIE, sessionCookie } from '../../server/http/session';
import { createRoom, join, nextEvents, send, startTestServer, type TestServer, type TestSocket } from '../support/test-server';

const ROOM = 'sessions-a';
const OTHER = 'sessions-b';

let server: TestServer;
let facilitator: string;

beforeAll(async () => {
	server = await startTestServer();
	facilitator = await server.access.grantDirectly(ROOM, 'facilitator', 'Fran');
	await server.access.addGrant(facilitator, OTHER, 'facilitator');
});
afterAll(() => server.close());

async function http(path: string, init: { method?: string; body?: unknown; cookie?: string; cookieName?: string } = {}) {
	const res = await fetch(`${server.url}${path}`, {
		method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
		headers: {
			'content-type': 'application/json',
			...(init.cookie ? { cookie: `${init.cookieName ?? SESSION_COOKIE}=${init.cookie}` } : {})
		},
		body: init.body === undefined ? undefined : JSON.stringify(init.body)
	});
	return { status: res.status, body: (await res.json()) as Record<string, unknown>, setCookie: res.headers.get('set-cookie') };
}

const tokenIn = (setCookie: string | null) => /cr_session=([^;]+)/.exec(setCookie ?? '')?.[1] ?? '';

async function inviteLink(roomId: string, role: string): Promise<string> {
	const made = await http(`/api/rooms/${roomId}/invites`, { body: { role }, cookie: facilitator });
	expect(made.status).toBe(200);
	return String(made.body.link).split('#')[1]!;
}

describe('joining', () => {
	it('issues a fresh token on every join, carries the grants over and ends the old token', async () => {
		const first = await http('/api/join', { body: { token: await inviteLink(ROOM, 'viewer'), name: 'Pat' } });
		const firstToken = tokenIn(first.setCookie);
		expect(firstToken).not.toBe('');

		// The same browser (its cookie) joins a second room with a higher role.
		const second = await http('/api/join', { body: { token: await inviteLink(OTHER, 'contributor'), name: 'Pat' }, cookie: firstToken });
		const secondToken = tokenIn(second.setCookie);
		expect(secondToken).not.toBe('');
		expect(secondToken).not.toBe(firstToken);

		const before = await http('/api/me', { cookie: firstToken });
		expect(before.body.signedIn).toBe(false);
		const after = await http('/api/me', { cookie: secondToken });
		expect(after.body.rooms).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ roomId: ROOM, role: 'viewer' }),
				expect.objectContaining({ roomId: OTHER, role: 'contributor' })
			])
		);
	});

	it('a token planted in a browser before it joined gains nothing from the join', async () => {
		// The attacker makes a session of their own and plants its token as the victim's cookie.
		const planted = tokenIn((await http('/api/join', { body: { token: await inviteLink(OTHER, 'viewer'), name: 'Mallory' } })).setCookie);
		const victim = await http('/api/join', { body: { token: await inviteLink(ROOM, 'facilitator'), name: 'Victim' }, cookie: planted });
		expect(victim.status).toBe(200);
		const attacker = await http(`/api/rooms/${ROOM}/invites`, { cookie: planted });
		expect(attacker.status).toBe(401);
	});

	it('reads the session from the __Host- cookie that HTTPS pages get', async () => {
		const me = await http('/api/me', { cookie: facilitator, cookieName: '__Host-cr_session' });
		expect(me.body.signedIn).toBe(true);
	});
});

describe('the session cookie', () => {
	const request = (encrypted: boolean) => ({ socket: { encrypted }, headers: {} }) as unknown as IncomingMessage;

	it('over HTTPS is __Host-cr_session: Secure, Path=/, no Domain', () => {
		const cookie = sessionCookie(request(true), 'T'.repeat(43));
		expect(cookie.startsWith(`${SECURE_SESSION_COOKIE}=`)).toBe(true);
		expect(cookie).toMatch(/; Secure/);
		expect(cookie).toMatch(/; Path=\//);
		expect(cookie).not.toMatch(/Domain=/i);
		expect(cookie).toMatch(/; HttpOnly/);
	});

	it('over plain HTTP keeps the plain name (the prefix needs Secure)', () => {
		const cookie = sessionCookie(request(false), 'T'.repeat(43));
		expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
		expect(cookie).not.toMatch(/Secure/);
	});
});

describe('names', () => {
	const ROOM_N = 'sessions-names';

	async function connectAs(auth: Record<string, string>): Promise<TestSocket> {
		const socket: TestSocket = connect(server.url, { transports: ['websocket'], auth, forceNew: true, reconnection: false });
		opened.push(socket);
		await new Promise<void>((resolve, reject) => {
			socket.once('connect', () => resolve());
			socket.once('connect_error', reject);
		});
		return socket;
	}
	const opened: TestSocket[] = [];
	afterAll(() => opened.forEach((s) => s.disconnect()));

	it('records the session’s name on events, whatever name the handshake claims', async () => {
		const token = await server.access.grantDirectly(ROOM_N, 'facilitator', 'Casey');
		const socket = await connectAs({ token, name: 'The CEO' });
		await createRoom(socket, ROOM_N);
		const added = nextEvents(socket, (m) => m.events.some((e) => e.event.type === 'stage.added'));
		const result = await send(socket, ROOM_N, { type: 'stage.add', stageId: 'use', name: 'Use', customerGoal: 'It works' });
		expect(result.ok).toBe(true);
		const actors = (await added).events.map((e) => e.actor.name);
		expect(actors).toEqual(['Casey']);
	});

	it('renaming is an explicit request that the next connection records and the audit trail keeps', async () => {
		const token = await server.access.grantDirectly(ROOM_N, 'contributor', 'Robin');
		const renamed = await http('/api/me/name', { body: { name: 'Robin Lee' }, cookie: token });
		expect(renamed).toMatchObject({ status: 200, body: { name: 'Robin Lee' } });

		const socket = await connectAs({ token });
		expect((await join(socket, ROOM_N)).ok).toBe(true);
		const added = nextEvents(socket, (m) => m.events.some((e) => e.event.type === 'stage.added'));
		expect((await send(socket, ROOM_N, { type: 'stage.add', stageId: 'pay', name: 'Pay', customerGoal: 'Clear bills' })).ok).toBe(true);
		expect((await added).events.map((e) => e.actor.name)).toEqual(['Robin Lee']);

		const audit = await server.access.audit(ROOM_N);
		expect(audit).toContainEqual(expect.objectContaining({ action: 'renamed', from: 'Robin', to: 'Robin Lee' }));
	});

	it('refuses a rename without a session, and an empty name', async () => {
		expect((await http('/api/me/name', { body: { name: 'Nobody' } })).status).toBe(401);
		expect((await http('/api/me/name', { body: { name: '  ' }, cookie: facilitator })).status).toBe(400);
	});
});
