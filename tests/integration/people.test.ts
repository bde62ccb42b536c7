/**
 * People over real HTTP and sockets: the setup link makes the first admin's account; people sign in with
 * a password (limited after repeated failures); a facilitator invites a person, who makes their account
 * with the single-use link and appears in Members; a role change or a removal reaches the person's open
 * socket at once and counts on their next request; the last facilitator cannot be removed; an admin's
 * reset link sets a new password and ends the old sessions; "sign out everywhere"; a link joined before
 * accounts carries its rooms into the account; invitations are e-mailed through a real SMTP server.
 */
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../server/mail/mailer';
import { becomeAdmin, freshLogin, PASSWORD, request, tokenOfLink } from '../support/people';
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server';
import { createRoom, join, type TestServer, type TestSocket, startTestServer } from '../support/test-server';

let server: TestServer;
let admin: string;
const ROOM = 'people-room';
const OTHER = 'people-other';

const call = (method: string, path: string, token: string | null, body?: unknown) =>
	request(server.url, method, path, token, body);

async function socketOf(token: string): Promise<TestSocket> {
	const socket: TestSocket = connect(server.url, {
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		auth: { token }
	});
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', reject);
	});
	return socket;
}

/** Invites a person to ROOM and accepts as them with a new account; answers their token and account id. */
async function invited(role: 'facilitator' | 'contributor' | 'viewer', name: string) {
	const made = await call('POST', `/api/rooms/${ROOM}/person-invites`, admin, { name, email: '', role });
	expect(made.status).toBe(201);
	const login = freshLogin(name.split(' ')[0]!.toLowerCase());
	const accepted = await call('POST', '/api/invites/accept', null, {
		token: tokenOfLink(made.body.link as string),
		account: { name, login, password: PASSWORD }
	});
	expect(accepted.status).toBe(200);
	const members = (await call('GET', `/api/rooms/${ROOM}/members`, admin)).body.members as Array<{ id: string; name: string }>;
	return { token: accepted.token!, login, id: members.find((m) => m.name === name)!.id };
}

beforeAll(async () => {
	server = await startTestServer();
	admin = await becomeAdmin(server.url, (await server.access.makeSetupToken())!);
	const creator = await server.client('Creator', { [ROOM]: 'facilitator', [OTHER]: 'facilitator' });
	await createRoom(creator, ROOM);
	await createRoom(creator, OTHER);
	creator.disconnect();
	await server.access.takeOver(admin, ROOM);
});
afterAll(async () => server?.close());

describe('the first admin', () => {
	it('a weak password is refused and the setup link stays usable; then the account is made, once', async () => {
		const setup = (await server.access.makeSetupToken(true))!;
		const weak = await call('POST', '/api/setup', null, {
			token: setup,
			account: { name: 'Bo', login: freshLogin(), password: 'password1' }
		});
		expect(weak.status).toBe(400);
		expect(weak.body.message).toMatch(/password/i);
		const missing = await call('POST', '/api/setup', null, { token: setup });
		expect(missing.status).toBe(400);
		const login = freshLogin('second-admin');
		const ok = await call('POST', '/api/setup', null, { token: setup, account: { name: 'Bo Admin', login, password: PASSWORD } });
		expect(ok.status).toBe(200);
		expect((await call('GET', '/api/me', ok.token)).body).toMatchObject({
			name: 'Bo Admin',
			instanceAdmin: true,
			mayCreateRooms: true
		});
		const again = await call('POST', '/api/setup', null, {
			token: setup,
			account: { name: 'Eve', login: freshLogin(), password: PASSWORD }
		});
		expect(again.status).toBe(404);
		// Signed in with the new password from another browser.
		expect((await call('POST', '/api/auth/sign-in', null, { login: login.toUpperCase(), password: PASSWORD })).status).toBe(200);
	});
});

describe('signing in', () => {
	it('a wrong password is refused with the same words as an unknown login; ten failures lock the account for a while', async () => {
		const person = await invited('viewer', 'Lou Lock');
		const wrong = await call('POST', '/api/auth/sign-in', null, { login: person.login, password: 'not-the-password-1' });
		const unknown = await call('POST', '/api/auth/sign-in', null, { login: freshLogin(), password: 'not-the-password-1' });
		expect(wrong.status).toBe(401);
		expect(unknown.body.message).toBe(wrong.body.message);
		let last = wrong;
		for (let i = 0; i < 10 && last.status !== 429; i++)
			last = await call('POST', '/api/auth/sign-in', null, { login: person.login, password: `wrong-${i}-password` });
		expect(last.status).toBe(429);
		// Even the right password waits now.
		const right = await call('POST', '/api/auth/sign-in', null, { login: person.login, password: PASSWORD });
		expect(right.status).toBe(429);
		expect(right.body.message).toMatch(/Wait .* and try again/);
	});

	it('the name on a person’s changes is their account’s, on every device', async () => {
		const person = await invited('contributor', 'Cara Name');
		const second = await call('POST', '/api/auth/sign-in', null, { login: person.login, password: PASSWORD });
		await call('POST', '/api/me/name', person.token, { name: 'Cara Nome' });
		const socket = await socketOf(second.token!);
		const hello = await new Promise<{ actor: { id: string; name: string } }>((resolve) => {
			socket.once('server:hello', resolve);
			socket.disconnect().connect();
		});
		expect(hello.actor).toEqual({ id: person.id, name: 'Cara Nome' });
		socket.disconnect();
	});
});

describe('members and invitations', () => {
	it('an invitation works once, makes the account, and the person appears in Members with the role', async () => {
		const made = await call('POST', `/api/rooms/${ROOM}/person-invites`, admin, {
			name: 'Ines Invited',
			email: 'ines@example.com',
			role: 'contributor'
		});
		expect(made.body.invite).toMatchObject({ name: 'Ines Invited', role: 'contributor', emailed: false });
		const token = tokenOfLink(made.body.link as string);
		const pending = await call('GET', `/api/rooms/${ROOM}/person-invites`, admin);
		expect((pending.body.invites as Array<{ name: string }>).map((i) => i.name)).toContain('Ines Invited');
		const peek = await call('POST', '/api/invites/peek', null, { token });
		expect(peek.body).toMatchObject({ role: 'contributor', name: 'Ines Invited', email: 'ines@example.com' });

		const accepted = await call('POST', '/api/invites/accept', null, {
			token,
			account: { name: 'Ines Invited', login: 'ines@example.com', password: PASSWORD }
		});
		expect(accepted.body).toMatchObject({ roomId: ROOM, role: 'contributor' });
		const members = (await call('GET', `/api/rooms/${ROOM}/members`, admin)).body.members as Array<Record<string, unknown>>;
		expect(members.find((m) => m.name === 'Ines Invited')).toMatchObject({
			role: 'contributor',
			via: 'invite',
			email: 'ines@example.com'
		});
		expect(
			(
				await call('POST', '/api/invites/accept', null, {
					token,
					account: { name: 'X', login: freshLogin(), password: PASSWORD }
				})
			).status
		).toBe(404);
		const after = await call('GET', `/api/rooms/${ROOM}/person-invites`, admin);
		expect((after.body.invites as Array<{ name: string }>).map((i) => i.name)).not.toContain('Ines Invited');
	});

	it('a revoked invitation stops working; sending again makes a new link and the old one dies', async () => {
		const made = await call('POST', `/api/rooms/${ROOM}/person-invites`, admin, { name: 'Rex Revoked', role: 'viewer' });
		const id = (made.body.invite as { id: string }).id;
		const resent = await call('POST', `/api/rooms/${ROOM}/person-invites/${id}/resend`, admin);
		expect((await call('POST', '/api/invites/peek', null, { token: tokenOfLink(made.body.link as string) })).status).toBe(404);
		expect((await call('POST', '/api/invites/peek', null, { token: tokenOfLink(resent.body.link as string) })).status).toBe(200);
		expect((await call('DELETE', `/api/rooms/${ROOM}/person-invites/${id}`, admin)).status).toBe(200);
		expect((await call('POST', '/api/invites/peek', null, { token: tokenOfLink(resent.body.link as string) })).status).toBe(404);
	});

	it('only facilitators manage people: a contributor is refused and nothing changes', async () => {
		const person = await invited('contributor', 'Con Tributor');
		expect(
			(await call('POST', `/api/rooms/${ROOM}/person-invites`, person.token, { name: 'Z', role: 'facilitator' })).status
		).toBe(403);
		expect((await call('PUT', `/api/rooms/${ROOM}/members/${person.id}`, person.token, { role: 'facilitator' })).status).toBe(
			403
		);
		const members = (await call('GET', `/api/rooms/${ROOM}/members`, person.token)).body.members as Array<
			Record<string, unknown>
		>;
		expect(members.find((m) => m.id === person.id)).toEqual({
			id: person.id,
			name: 'Con Tributor',
			role: 'contributor',
			you: true
		});
	});

	it('a role change reaches the open page at once: it reconnects with the new role, its access not ended', async () => {
		const person = await invited('viewer', 'Vera Viewer');
		const socket = await socketOf(person.token);
		expect((await join(socket, ROOM)).ok).toBe(true);
		let revoked = false;
		socket.on('access:revoked', () => (revoked = true));
		const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
		expect((await call('PUT', `/api/rooms/${ROOM}/members/${person.id}`, admin, { role: 'contributor' })).status).toBe(200);
		// Closed by the server, not revoked: the page reconnects and carries on with its new role.
		expect(await closed).toBe('io server disconnect');
		expect(revoked).toBe(false);
		socket.connect();
		await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
		const rejoined = await join(socket, ROOM);
		expect(rejoined.ok && rejoined.role).toBe('contributor');
		socket.disconnect();
	});

	it('a removed person loses the room at once (socket and HTTP); their other rooms stay', async () => {
		const person = await invited('contributor', 'Remy Removed');
		await call('POST', `/api/rooms/${OTHER}/members`, admin, { login: person.login, role: 'viewer' });
		const socket = await socketOf(person.token);
		expect((await join(socket, ROOM)).ok).toBe(true);
		const told = new Promise<{ reason: string; roomId?: string }>((resolve) => socket.once('access:revoked', resolve));
		expect((await call('DELETE', `/api/rooms/${ROOM}/members/${person.id}`, admin)).status).toBe(200);
		expect((await told).roomId).toBe(ROOM);
		const me = await call('GET', '/api/me', person.token);
		expect(me.body.rooms).toEqual([{ roomId: OTHER, role: 'viewer', displayId: null }]);
		const again = await socketOf(person.token);
		expect((await join(again, ROOM)).ok).toBe(false);
		expect((await join(again, OTHER)).ok).toBe(true);
		again.disconnect();
		socket.disconnect();
	});

	it('a room keeps its last facilitator: neither demoted nor removed', async () => {
		const creator = await server.client('Solo', { 'solo-room': 'facilitator' });
		await createRoom(creator, 'solo-room');
		creator.disconnect();
		const made = await call('POST', '/api/rooms/solo-room/person-invites', admin, { name: 'Fay Only', role: 'facilitator' });
		const fay = await call('POST', '/api/invites/accept', null, {
			token: tokenOfLink(made.body.link as string),
			account: { name: 'Fay Only', login: freshLogin('fay'), password: PASSWORD }
		});
		const members = (await call('GET', '/api/rooms/solo-room/members', fay.token!)).body.members as Array<{ id: string }>;
		const demote = await call('PUT', `/api/rooms/solo-room/members/${members[0]!.id}`, fay.token!, { role: 'viewer' });
		expect(demote.status).toBe(409);
		expect(demote.body.message).toMatch(/at least one facilitator/);
		expect((await call('DELETE', `/api/rooms/solo-room/members/${members[0]!.id}`, fay.token!)).status).toBe(409);
		expect((await call('GET', '/api/me', fay.token!)).body.rooms).toEqual([
			{ roomId: 'solo-room', role: 'facilitator', displayId: null }
		]);
	});
});

describe('guest links', () => {
	it('a guest is marked as a guest, the link opens as often as it may, and turning it off ends the visit', async () => {
		const made = await call('POST', `/api/rooms/${ROOM}/guest-links`, admin, { role: 'viewer', hours: 24, uses: 2 });
		expect(made.status).toBe(201);
		const token = tokenOfLink(made.body.link as string);
		const first = await call('POST', '/api/join', null, { token, name: 'Victor Visitor' });
		expect(first.body).toMatchObject({ roomId: ROOM, role: 'viewer', name: 'Victor Visitor (guest)' });
		expect((await call('GET', '/api/me', first.token)).body).toMatchObject({ guest: true, account: null, mayCreateRooms: false });
		expect((await call('POST', '/api/join', null, { token, name: 'Second' })).status).toBe(200);
		const third = await call('POST', '/api/join', null, { token, name: 'Third' });
		expect(third.status).toBe(404);
		expect(third.body.message).toMatch(/expired or been used up/);
		const links = (await call('GET', `/api/rooms/${ROOM}/guest-links`, admin)).body.links as Array<{
			id: string;
			usesLeft: number;
			used: number;
		}>;
		expect(links.find((l) => l.id === made.body.id)).toMatchObject({ usesLeft: 0, used: 2 });

		const socket = await socketOf(first.token!);
		expect((await join(socket, ROOM)).ok).toBe(true);
		const told = new Promise<{ reason: string }>((resolve) => socket.once('access:revoked', resolve));
		expect((await call('DELETE', `/api/rooms/${ROOM}/guest-links/${made.body.id as string}`, admin)).body).toMatchObject({
			ended: 2
		});
		expect((await told).reason).toMatch(/guest link/);
		expect((await call('GET', '/api/me', first.token)).body.signedIn).toBe(false);
		socket.disconnect();
	});

	it('a guest link ends with its lifetime, and a signed-in person is sent to be invited instead', async () => {
		const made = await call('POST', `/api/rooms/${ROOM}/guest-links`, admin, { role: 'contributor', hours: 1, uses: null });
		const token = tokenOfLink(made.body.link as string);
		expect((await call('POST', '/api/join', admin, { token, name: 'Admin' })).body.message).toMatch(
			/guest links are for visitors/
		);
		expect((await call('POST', `/api/rooms/${ROOM}/guest-links`, admin, { role: 'viewer', hours: 0, uses: 1 })).status).toBe(400);
		const guest = await call('POST', '/api/join', null, { token, name: 'Hour Guest' });
		expect((await call('GET', '/api/me', guest.token)).body.rooms).toEqual([
			{ roomId: ROOM, role: 'contributor', displayId: null }
		]);
		// An hour later the link has gone from the store, and the visit with it.
		await server.access.revokeGuestLink(ROOM, made.body.id as string);
		expect((await call('GET', '/api/me', guest.token)).body.signedIn).toBe(false);
	});
});

describe('recovery and sessions', () => {
	it("an admin's reset link sets a new password once; the person's old sessions end", async () => {
		const person = await invited('contributor', 'Pat Forgot');
		const people = (await call('GET', '/api/instance/people', admin)).body.people as Array<{ id: string; name: string }>;
		expect(people.map((p) => p.name)).toContain('Pat Forgot');
		expect((await call('POST', `/api/instance/people/${person.id}/reset-link`, person.token)).status).toBe(403);
		const link = (await call('POST', `/api/instance/people/${person.id}/reset-link`, admin)).body.link as string;
		const token = tokenOfLink(link);
		expect((await call('POST', '/api/auth/reset/peek', null, { token })).body).toMatchObject({
			name: 'Pat Forgot',
			login: person.login
		});
		expect((await call('POST', '/api/auth/reset', null, { token, password: 'short' })).status).toBe(400);
		const reset = await call('POST', '/api/auth/reset', null, { token, password: 'new-lantern-meadow-77' });
		expect(reset.status).toBe(200);
		expect((await call('GET', '/api/me', person.token)).body.signedIn).toBe(false);
		expect((await call('GET', '/api/me', reset.token)).body).toMatchObject({ name: 'Pat Forgot', signedIn: true });
		expect((await call('POST', '/api/auth/reset', null, { token, password: 'another-lantern-88' })).status).toBe(404);
		expect((await call('POST', '/api/auth/sign-in', null, { login: person.login, password: PASSWORD })).status).toBe(401);
		expect(
			(await call('POST', '/api/auth/sign-in', null, { login: person.login, password: 'new-lantern-meadow-77' })).status
		).toBe(200);
	});

	it('My account lists the sessions; ending one or signing out everywhere ends them', async () => {
		const person = await invited('viewer', 'Sam Sessions');
		const laptop = (await call('POST', '/api/auth/sign-in', null, { login: person.login, password: PASSWORD })).token!;
		const account = await call('GET', '/api/account', laptop);
		const sessions = account.body.sessions as Array<{ id: string; current: boolean }>;
		expect(sessions).toHaveLength(2);
		const other = sessions.find((s) => !s.current)!;
		expect((await call('DELETE', `/api/account/sessions/${other.id}`, laptop)).status).toBe(200);
		expect((await call('GET', '/api/me', person.token)).body.signedIn).toBe(false);
		const phone = (await call('POST', '/api/auth/sign-in', null, { login: person.login, password: PASSWORD })).token!;
		expect((await call('POST', '/api/account/sign-out-everywhere', laptop)).status).toBe(200);
		for (const token of [laptop, phone]) expect((await call('GET', '/api/me', token)).body.signedIn).toBe(false);
	});

	it('a browser that joined by a shared link before accounts keeps its rooms in the account it makes', async () => {
		const legacy = await server.access.grantDirectly(OTHER, 'contributor', 'Old Timer');
		const made = await call('POST', `/api/rooms/${ROOM}/person-invites`, admin, { name: 'Old Timer', role: 'viewer' });
		const accepted = await call('POST', '/api/invites/accept', legacy, {
			token: tokenOfLink(made.body.link as string),
			account: { name: 'Old Timer', login: freshLogin('old'), password: PASSWORD }
		});
		const rooms = (await call('GET', '/api/me', accepted.token)).body.rooms as Array<{ roomId: string; role: string }>;
		expect(rooms.sort((a, b) => a.roomId.localeCompare(b.roomId))).toEqual([
			{ roomId: OTHER, role: 'contributor', displayId: null },
			{ roomId: ROOM, role: 'viewer', displayId: null }
		]);
		expect((await call('GET', '/api/me', legacy)).body.signedIn).toBe(false);
	});
});

describe('e-mail', () => {
	let smtp: SmtpTestServer;
	let mailed: TestServer;
	beforeAll(async () => {
		smtp = await startSmtpServer();
		mailed = await startTestServer({ mailer: createMailer(smtp.url, 'rooms@example.com') });
	});
	afterAll(async () => {
		await mailed?.close();
		await smtp?.close();
	});

	it('an invitation with an address is e-mailed, and the link in the mail works', async () => {
		const boss = await becomeAdmin(mailed.url, (await mailed.access.makeSetupToken())!);
		const creator = await mailed.client('Creator', { mailroom: 'facilitator' });
		await createRoom(creator, 'mailroom');
		creator.disconnect();
		await mailed.access.takeOver(boss, 'mailroom');
		const made = await request(mailed.url, 'POST', '/api/rooms/mailroom/person-invites', boss, {
			name: 'Mia Mail',
			email: 'mia@example.com',
			role: 'contributor'
		});
		expect(made.body.invite).toMatchObject({ emailed: true });
		const message = await smtp.nextMessage(10_000);
		expect(message.to).toContain('mia@example.com');
		const link = /https?:\/\/\S+\/invite#[A-Za-z0-9_-]+/.exec(message.text)![0];
		const peek = await request(mailed.url, 'POST', '/api/invites/peek', null, { token: tokenOfLink(link) });
		expect(peek.body).toMatchObject({ name: 'Mia Mail', role: 'contributor' });
	});
});
