/**
 * Sessions over real HTTP and sockets (issue 13, items 10-12): a fresh token on every join, the
 * `__Host-` cookie over HTTPS, lifetimes, ending everyone's access from one link, and names that come
 * from the server's session, not from the client.
 */
import type { IncomingMessage } from 'node:http';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelloMessage } from '../../src/lib/protocol';
import { SECURE_SESSION_COOKIE, SESSION_COOKIE, sessionCookie } from '../../server/http/session';
import { startClockedServer, type ClockedServer } from '../support/clocked-server';
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
		const second = await http('/api/join', {
			body: { token: await inviteLink(OTHER, 'contributor'), name: 'Pat' },
			cookie: firstToken
		});
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
		const planted = tokenIn(
			(await http('/api/join', { body: { token: await inviteLink(OTHER, 'viewer'), name: 'Mallory' } })).setCookie
		);
		const victim = await http('/api/join', {
			body: { token: await inviteLink(ROOM, 'facilitator'), name: 'Victim' },
			cookie: planted
		});
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
		const cookie = sessionCookie(request(true), 'T'.repeat(43), null);
		expect(cookie.startsWith(`${SECURE_SESSION_COOKIE}=`)).toBe(true);
		expect(cookie).toMatch(/; Secure/);
		expect(cookie).toMatch(/; Path=\//);
		expect(cookie).not.toMatch(/Domain=/i);
		expect(cookie).toMatch(/; HttpOnly/);
	});

	it('over plain HTTP keeps the plain name (the prefix needs Secure)', () => {
		const cookie = sessionCookie(request(false), 'T'.repeat(43), null);
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
		expect((await send(socket, ROOM_N, { type: 'stage.add', stageId: 'pay', name: 'Pay', customerGoal: 'Clear bills' })).ok).toBe(
			true
		);
		expect((await added).events.map((e) => e.actor.name)).toEqual(['Robin Lee']);

		const audit = await server.access.audit(ROOM_N);
		expect(audit).toContainEqual(
			expect.objectContaining({ action: 'renamed', detail: 'Robin', actor: expect.objectContaining({ name: 'Robin Lee' }) })
		);
	});

	it('refuses a rename without a session, and an empty name', async () => {
		expect((await http('/api/me/name', { body: { name: 'Nobody' } })).status).toBe(401);
		expect((await http('/api/me/name', { body: { name: '  ' }, cookie: facilitator })).status).toBe(400);
	});
});

// ---------------------------------------------------------------------------------------------
// Lifetimes, on a server whose clock the test moves.
// ---------------------------------------------------------------------------------------------

const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe('session lifetimes', () => {
	let clocked: ClockedServer;
	const me = async (token: string) =>
		(
			(await (await fetch(`${clocked.url}/api/me`, { headers: { cookie: `cr_session=${token}` } })).json()) as {
				signedIn: boolean;
			}
		).signedIn;

	beforeAll(async () => {
		clocked = await startClockedServer({ idleMs: 2 * DAY, maxMs: 5 * DAY });
	});
	afterAll(() => clocked.close());

	it('a session unused for longer than the idle time has ended', async () => {
		const token = await clocked.access.grantDirectly('life-room', 'contributor', 'Idle Ida');
		clocked.clock.now += DAY;
		expect(await me(token)).toBe(true);
		clocked.clock.now += 2 * DAY + HOUR;
		expect(await me(token)).toBe(false);
	});

	it('a session in use every day still ends at its absolute lifetime', async () => {
		const token = await clocked.access.grantDirectly('life-room', 'contributor', 'Busy Bo');
		for (let day = 1; day <= 4; day++) {
			clocked.clock.now += DAY;
			expect(await me(token)).toBe(true);
		}
		clocked.clock.now += DAY + HOUR;
		expect(await me(token)).toBe(false);
	});

	it('the cookie set on joining lives as long as the session may', async () => {
		const owner = await clocked.access.grantDirectly('life-room', 'facilitator', 'Owner');
		const made = await fetch(`${clocked.url}/api/rooms/life-room/invites`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: `cr_session=${owner}` },
			body: JSON.stringify({ role: 'viewer' })
		});
		const link = ((await made.json()) as { link: string }).link;
		const joined = await fetch(`${clocked.url}/api/join`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ token: link.split('#')[1], name: 'Vi' })
		});
		expect(joined.headers.get('set-cookie')).toMatch(new RegExp(`Max-Age=${(5 * DAY) / 1000}[;]`));
	});

	it('a connection is refused its session once it has ended, and a live one is closed when it ends', async () => {
		const token = await clocked.access.grantDirectly('life-room', 'viewer', 'Lobby TV');
		const asked = Date.now();
		const socket: TestSocket = connect(clocked.url, {
			transports: ['websocket'],
			auth: { token },
			forceNew: true,
			reconnection: false
		});
		const hello = await new Promise<HelloMessage>((resolve) => socket.once('server:hello', resolve));
		expect(hello.signedIn).toBe(true);
		// The server's clock, which screens measure the room's times by (the engine stamps them with it).
		expect(hello.serverTime).toBeGreaterThanOrEqual(asked);
		expect(hello.serverTime).toBeLessThanOrEqual(Date.now());
		const revoked = new Promise<{ reason: string }>((resolve) => socket.once('access:revoked', resolve));
		const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
		// Kept in use (the connection counts as use), then past the absolute lifetime.
		clocked.clock.now += 5 * DAY + HOUR;
		expect((await revoked).reason).toMatch(/session has ended/);
		expect(await closed).toBe('io server disconnect');

		const again: TestSocket = connect(clocked.url, {
			transports: ['websocket'],
			auth: { token },
			forceNew: true,
			reconnection: false
		});
		const second = await new Promise<HelloMessage>((resolve) => again.once('server:hello', resolve));
		expect(second.signedIn).toBe(false);
		again.disconnect();
	});
});

describe('ending everyone’s access from one link', () => {
	it('removes the room from every session made with the link, closes their sockets, and leaves the others', async () => {
		const ROOM_E = 'sessions-end';
		const owner = await server.access.grantDirectly(ROOM_E, 'facilitator', 'Owner');
		const setup = await server.client('Owner', { [ROOM_E]: 'facilitator' });
		await createRoom(setup, ROOM_E);
		const link = async (role: string) =>
			String((await http(`/api/rooms/${ROOM_E}/invites`, { body: { role }, cookie: owner })).body.link).split('#')[1]!;
		const contributorLink = await link('contributor');
		const viewerLink = await link('viewer');
		const joinWith = async (invite: string, name: string, cookie?: string) =>
			tokenIn((await http('/api/join', { body: { token: invite, name }, cookie })).setCookie);
		// Ann has another room too, joined with a link of that room.
		const ann = await joinWith(contributorLink, 'Ann', await joinWith(await inviteLink(OTHER, 'viewer'), 'Ann'));
		const ben = await joinWith(contributorLink, 'Ben');
		const vic = await joinWith(viewerLink, 'Vic');

		const annSocket: TestSocket = connect(server.url, {
			transports: ['websocket'],
			auth: { token: ann },
			forceNew: true,
			reconnection: false
		});
		await new Promise<void>((resolve) => annSocket.once('connect', () => resolve()));
		expect((await join(annSocket, ROOM_E)).ok).toBe(true);
		const revoked = new Promise<{ reason: string }>((resolve) => annSocket.once('access:revoked', resolve));
		const closed = new Promise<string>((resolve) => annSocket.once('disconnect', resolve));

		const ended = await http(`/api/rooms/${ROOM_E}/invites/contributor/sessions`, { method: 'DELETE', cookie: owner });
		expect(ended).toMatchObject({ status: 200, body: { ended: 2 } });
		expect((await revoked).reason).toMatch(/ended access/);
		expect(await closed).toBe('io server disconnect');

		const rooms = async (token: string) =>
			((await http('/api/me', { cookie: token })).body.rooms as Array<{ roomId: string }>).map((r) => r.roomId);
		expect(await rooms(ann)).toEqual([OTHER]);
		expect((await http('/api/me', { cookie: ben })).body.signedIn).toBe(false);
		expect(await rooms(vic)).toEqual([ROOM_E]);
		// The link itself still works: turning it off is a separate choice.
		expect((await http('/api/join', { body: { token: contributorLink, name: 'Cat' } })).status).toBe(200);
	});

	it('only a facilitator of the room may end access from its links', async () => {
		const contributor = await server.access.grantDirectly(ROOM, 'contributor', 'Con');
		expect((await http(`/api/rooms/${ROOM}/invites/viewer/sessions`, { method: 'DELETE', cookie: contributor })).status).toBe(
			403
		);
		expect((await http(`/api/rooms/${ROOM}/invites/viewer/sessions`, { method: 'DELETE' })).status).toBe(401);
		expect(
			(
				await http(`/api/rooms/${ROOM}/invites/viewer/sessions`, {
					method: 'DELETE',
					cookie: await server.access.grantDirectly(OTHER, 'facilitator', 'Elsewhere')
				})
			).status
		).toBe(401);
	});
});
