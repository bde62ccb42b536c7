/**
 * Single sign-on (issue 17) against a real OpenID provider (`oidc-provider`, in this process) and the real
 * app, over HTTP as a browser goes: the app's start, the provider's own sign-in and consent forms, the
 * callback. What a person notices: the account made on first sign-in with the role their group maps to;
 * a group changed at the provider changing the role at the next sign-in and while signed in (refresh);
 * no group, no room; admin groups; direct grants beside groups; a local account never taken over by
 * e-mail; and every hostile answer refused with a clear error, nobody signed in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SsoConfig } from '../../server/config';
import { freePort } from '../support/server-process';
import { signingKey, startTestProvider, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestProvider } from '../support/oidc-provider';
import { becomeAdmin, PASSWORD, request } from '../support/people';
import { asBrowser, CookieJar, deliver, signInWithSso, throughProvider, toProviderAndBack } from '../support/sso-http';
import { hashPassword } from '../../server/auth/passwords';
import { createRoom, startTestServer, type TestServer } from '../support/test-server';

const ROOM = 'claims';
const OTHER = 'onboarding';
let provider: TestProvider;
let server: TestServer;
let admin: string;

function ssoConfig(issuer: string): SsoConfig {
	return {
		issuer: new URL(issuer),
		clientId: TEST_CLIENT_ID,
		clientSecret: TEST_CLIENT_SECRET,
		scopes: 'openid profile email',
		groupsClaim: 'groups',
		adminGroups: ['cr-admins'],
		buttonLabel: 'Sign in with Test Company',
		refreshMs: 1_000
	};
}

/** The rooms a browser sees, with its role in each. */
async function roomsOf(jar: CookieJar): Promise<Record<string, string | null>> {
	const { json } = await asBrowser(server.url, jar, '/api/rooms');
	return Object.fromEntries((json.rooms as Array<{ id: string; role: string | null }>).map((r) => [r.id, r.role]));
}

beforeAll(async () => {
	const port = await freePort();
	provider = await startTestProvider(`http://127.0.0.1:${port}`);
	server = await startTestServer({ port, sso: ssoConfig(provider.issuer), ssoRefreshEveryMs: 200 });
	admin = await becomeAdmin(server.url, (await server.access.makeSetupToken())!);
	const creator = await server.client('Creator', { [ROOM]: 'facilitator', [OTHER]: 'facilitator' });
	await createRoom(creator, ROOM);
	await createRoom(creator, OTHER);
	creator.disconnect();
	await server.access.takeOver(admin, ROOM);
	await server.access.takeOver(admin, OTHER);
	const mapped = await request(server.url, 'PUT', `/api/rooms/${ROOM}/group-roles`, admin, {
		groups: [
			{ group: 'CX-Leadership', role: 'facilitator' },
			{ group: 'Claims-Ops', role: 'contributor' }
		]
	});
	expect(mapped.status).toBe(200);
	await request(server.url, 'PUT', `/api/rooms/${OTHER}/group-roles`, admin, { groups: [{ group: 'everyone', role: 'viewer' }] });
}, 60_000);

afterAll(async () => {
	await server?.close();
	await provider?.close();
});

describe('signing in with the company provider', () => {
	it('says how people sign in here', async () => {
		const methods = await request(server.url, 'GET', '/api/auth/methods', null);
		expect(methods.body).toEqual({ passwords: true, sso: { label: 'Sign in with Test Company' } });
	});

	it('makes the account on first sign-in, with the role its group maps to; the next sign-in finds the same account', async () => {
		provider.people.set('ana', { name: 'Ana Ruiz', email: 'ana@example.com', groups: ['CX-Leadership', 'everyone'] });
		const first = await signInWithSso(server.url, 'ana', new CookieJar(), `/rooms/${ROOM}`);
		expect(first.landed).toBe(`/rooms/${ROOM}`);
		expect(first.session).not.toBeNull();
		expect(await roomsOf(first.jar)).toEqual({ [ROOM]: 'facilitator', [OTHER]: 'viewer' });
		const account = (await asBrowser(server.url, first.jar, '/api/account')).json;
		expect(account).toMatchObject({ name: 'Ana Ruiz', email: 'ana@example.com', hasPassword: false, sso: { linked: true } });

		// A group changed at the provider counts at the next sign-in, on the same account.
		provider.people.set('ana', { name: 'Ana Ruiz', email: 'ana@example.com', groups: ['Claims-Ops'] });
		const second = await signInWithSso(server.url, 'ana');
		expect(await roomsOf(second.jar)).toEqual({ [ROOM]: 'contributor' });
		expect((await asBrowser(server.url, second.jar, '/api/account')).json.id).toBe(account.id);

		// The room's facilitators see her, and why she is there.
		const members = await request(server.url, 'GET', `/api/rooms/${ROOM}/members`, admin);
		const ana = (members.body.members as Array<Record<string, unknown>>).find((m) => m.name === 'Ana Ruiz');
		expect(ana).toMatchObject({
			role: 'contributor',
			via: 'group',
			directRole: null,
			groups: { role: 'contributor', names: ['Claims-Ops'] }
		});
		// She cannot be removed here: the group gives her the room.
		const removed = await request(server.url, 'DELETE', `/api/rooms/${ROOM}/members/${String(ana!.id)}`, admin);
		expect(removed.status).toBe(409);
		expect(removed.body.message).toMatch(/through the group Claims-Ops/);
	});

	it('someone in no mapped group signs in but has no room, and is told so', async () => {
		provider.people.set('bo', { name: 'Bo Lind', email: 'bo@example.com', groups: ['Finance'] });
		const signedIn = await signInWithSso(server.url, 'bo', new CookieJar(), `/rooms/${ROOM}`);
		expect(signedIn.landed).toBe('/?sso=no_access');
		expect(await roomsOf(signedIn.jar)).toEqual({});
		// A direct grant still works beside groups (and counts at once).
		const added = await request(server.url, 'POST', `/api/rooms/${ROOM}/members`, admin, {
			login: 'bo@example.com',
			role: 'viewer'
		});
		expect(added.status).toBe(200);
		expect(await roomsOf(signedIn.jar)).toEqual({ [ROOM]: 'viewer' });
		// The higher of a direct role and a group's counts.
		provider.people.set('bo', { name: 'Bo Lind', email: 'bo@example.com', groups: ['Claims-Ops'] });
		const again = await signInWithSso(server.url, 'bo');
		expect(await roomsOf(again.jar)).toEqual({ [ROOM]: 'contributor' });
	});

	it('a mapping changed in the room counts at once for people already signed in', async () => {
		provider.people.set('cy', { name: 'Cy Moss', email: 'cy@example.com', groups: ['Warehouse'] });
		const { jar } = await signInWithSso(server.url, 'cy');
		expect(await roomsOf(jar)).toEqual({});
		await request(server.url, 'PUT', `/api/rooms/${OTHER}/group-roles`, admin, {
			groups: [
				{ group: 'everyone', role: 'viewer' },
				{ group: 'warehouse', role: 'contributor' }
			]
		});
		// Group names compare without case; an instance reads the mappings again within a few seconds.
		let rooms = await roomsOf(jar);
		for (let i = 0; i < 40 && !rooms[OTHER]; i++) {
			await new Promise((r) => setTimeout(r, 200));
			rooms = await roomsOf(jar);
		}
		expect(rooms).toEqual({ [OTHER]: 'contributor' });
	});

	it('admin groups make instance admins, for as long as the person is in one', async () => {
		provider.people.set('di', { name: 'Di Park', email: 'di@example.com', groups: ['cr-admins'] });
		const { jar } = await signInWithSso(server.url, 'di');
		expect((await asBrowser(server.url, jar, '/api/account')).json.instanceAdmin).toBe(true);
		provider.people.set('di', { name: 'Di Park', email: 'di@example.com', groups: [] });
		const again = await signInWithSso(server.url, 'di');
		expect((await asBrowser(server.url, again.jar, '/api/account')).json.instanceAdmin).toBe(false);
	});

	it('while signed in, groups are read again at each refresh; someone who left loses every session', async () => {
		provider.people.set('ed', { name: 'Ed Vos', email: 'ed@example.com', groups: ['CX-Leadership'] });
		const { jar } = await signInWithSso(server.url, 'ed');
		expect((await roomsOf(jar))[ROOM]).toBe('facilitator');
		provider.people.set('ed', { name: 'Ed Vos', email: 'ed@example.com', groups: [] });
		let rooms: Record<string, string | null> = { [ROOM]: 'facilitator' };
		for (let i = 0; i < 50 && rooms[ROOM]; i++) {
			await new Promise((r) => setTimeout(r, 200));
			rooms = await roomsOf(jar);
		}
		expect(rooms).toEqual({});
		// Gone from the directory: the provider refuses the refresh, and the session ends.
		provider.people.delete('ed');
		let status = 200;
		for (let i = 0; i < 50 && status === 200; i++) {
			await new Promise((r) => setTimeout(r, 200));
			status = (await asBrowser(server.url, jar, '/api/account')).status;
		}
		expect(status).toBe(401);
	});

	it('never takes over a local account by e-mail: its holder links it, signed in', async () => {
		const made = await server.access.accounts.create({ name: 'Fay Local', login: 'fay@example.com', passwordHash: null });
		expect(made.ok).toBe(true);
		provider.people.set('fay', { name: 'Fay at the provider', email: 'fay@example.com', groups: ['CX-Leadership'] });
		const refused = await signInWithSso(server.url, 'fay');
		expect(refused.landed).toBe('/sign-in?sso=email_taken');
		expect(refused.session).toBeNull();
		expect((await server.access.accounts.byLogin('fay@example.com'))?.sso).toBeUndefined();
	});

	it('the holder of a local account links it, signed in with the password; unlinked, it signs in with the password again', async () => {
		const made = await server.access.accounts.create({
			name: 'Gus Hale',
			login: 'gus@example.com',
			passwordHash: await hashPassword(PASSWORD)
		});
		expect(made.ok).toBe(true);
		provider.people.set('gus', { name: 'Gus at the provider', email: 'gus@example.com', groups: ['CX-Leadership'] });
		const jar = new CookieJar();
		expect(
			(await asBrowser(server.url, jar, '/api/auth/sign-in', 'POST', { login: 'gus@example.com', password: PASSWORD })).status
		).toBe(200);
		const begun = await asBrowser(server.url, jar, '/api/account/sso/link', 'POST');
		expect(begun.status).toBe(200);
		const answer = await throughProvider(server.url, begun.json.url as string, 'gus', jar);
		expect(await deliver(jar, answer)).toBe('/account?sso=linked');
		const linked = (await asBrowser(server.url, jar, '/api/account')).json;
		expect(linked).toMatchObject({ name: 'Gus Hale', hasPassword: true, sso: { linked: true } });
		expect(await roomsOf(jar)).toMatchObject({ [ROOM]: 'facilitator' });

		// From now on the company sign-in opens the same account.
		const viaSso = await signInWithSso(server.url, 'gus');
		expect((await asBrowser(server.url, viaSso.jar, '/api/account')).json.id).toBe(linked.id);
		// The provider's person cannot be linked to a second account.
		const other = await server.access.accounts.create({
			name: 'Hugo',
			login: 'hugo@example.com',
			passwordHash: await hashPassword(PASSWORD)
		});
		expect(other.ok).toBe(true);
		const hugo = new CookieJar();
		await asBrowser(server.url, hugo, '/api/auth/sign-in', 'POST', { login: 'hugo@example.com', password: PASSWORD });
		const second = await asBrowser(server.url, hugo, '/api/account/sso/link', 'POST');
		expect(await deliver(hugo, await throughProvider(server.url, second.json.url as string, 'gus', hugo))).toBe(
			'/sign-in?sso=link_taken'
		);

		expect((await asBrowser(server.url, jar, '/api/account/sso', 'DELETE')).status).toBe(200);
		expect((await signInWithSso(server.url, 'gus')).landed).toBe('/sign-in?sso=email_taken');
	});

	it('signing out hands the browser the provider’s end-session address, to post to', async () => {
		provider.people.set('gil', { name: 'Gil Ek', email: 'gil@example.com', groups: [] });
		const { jar } = await signInWithSso(server.url, 'gil');
		const out = await asBrowser(server.url, jar, '/api/signout', 'POST');
		expect(out.status).toBe(200);
		const ended = out.json.provider as { url: string; fields: Record<string, string> };
		expect(ended.url).toBe(`${provider.issuer}/session/end`);
		expect(ended.fields).toMatchObject({
			client_id: TEST_CLIENT_ID,
			post_logout_redirect_uri: `${server.url}/sign-in?signed-out=1`
		});
		expect(ended.fields.id_token_hint).toMatch(/^ey/);
		expect((await asBrowser(server.url, jar, '/api/account')).status).toBe(401);
	});
});

describe('hostile answers are refused with a clear error, and nobody is signed in', () => {
	async function tampered(change: (claims: Record<string, unknown>) => Record<string, unknown>, key: 'own' | 'other' = 'own') {
		provider.people.set('hal', { name: 'Hal Ort', email: 'hal@example.com', groups: ['CX-Leadership'] });
		provider.tamper = change;
		provider.tamperKey = key === 'other' ? await signingKey(provider.signingKid()) : null;
		try {
			return await signInWithSso(server.url, 'hal');
		} finally {
			provider.tamper = null;
			provider.tamperKey = null;
		}
	}
	const now = () => Math.floor(Date.now() / 1000);

	it.each([
		['a wrong issuer', (c: Record<string, unknown>) => ({ ...c, iss: 'http://127.0.0.1:1/evil' })],
		['a wrong audience', (c: Record<string, unknown>) => ({ ...c, aud: 'another-app' })],
		['an expired token', (c: Record<string, unknown>) => ({ ...c, iat: now() - 7200, exp: now() - 3600 })],
		['a wrong nonce', (c: Record<string, unknown>) => ({ ...c, nonce: 'forged-nonce' })]
	])('%s', async (_name, change) => {
		const result = await tampered(change);
		expect(result.landed).toBe('/sign-in?sso=invalid_token');
		expect(result.session).toBeNull();
	});

	it('a token signed with another key (under the provider’s key id)', async () => {
		const result = await tampered((c) => c, 'other');
		expect(result.landed).toBe('/sign-in?sso=invalid_token');
		expect(result.session).toBeNull();
	});

	it('a replayed answer (the same state twice) and an answer delivered to another browser', async () => {
		provider.people.set('ivy', { name: 'Ivy Noor', email: 'ivy@example.com', groups: [] });
		const jar = new CookieJar();
		const trip = await toProviderAndBack(server.url, 'ivy', jar);
		expect(await deliver(jar, trip.callbackUrl!)).toBe('/?sso=no_access');
		expect(await deliver(new CookieJar(), trip.callbackUrl!)).toBe('/sign-in?sso=expired');
		expect(await deliver(jar, trip.callbackUrl!)).toBe('/sign-in?sso=expired');

		// Login CSRF: an answer begun in one browser, delivered in another, signs nobody in.
		const other = await toProviderAndBack(server.url, 'ivy', new CookieJar());
		const victim = new CookieJar();
		expect(await deliver(victim, other.callbackUrl!)).toBe('/sign-in?sso=expired');
		expect(victim.get(server.url, 'cr_session')).toBeNull();
	});

	it('a provider that is down: a clear error at sign-in, everyone signed in keeps working; rotated keys work after', async () => {
		provider.people.set('jo', { name: 'Jo Berg', email: 'jo@example.com', groups: ['CX-Leadership'] });
		const signedIn = await signInWithSso(server.url, 'jo');
		await provider.stop();
		try {
			const refused = await signInWithSso(server.url, 'jo');
			expect(refused.landed).toBe('/sign-in?sso=provider_down');
			expect(refused.session).toBeNull();
			expect((await asBrowser(server.url, signedIn.jar, '/api/account')).status).toBe(200);
			expect((await roomsOf(signedIn.jar))[ROOM]).toBe('facilitator');
			const password = await request(server.url, 'POST', '/api/auth/sign-in', null, {
				login: 'nobody@example.com',
				password: PASSWORD
			});
			expect(password.status).toBe(401);
		} finally {
			// Back, signing with a new key it never published before.
			await provider.start([await signingKey('key-rotated')]);
		}
		const rotated = await signInWithSso(server.url, 'jo');
		expect(rotated.session).not.toBeNull();
		expect((await roomsOf(rotated.jar))[ROOM]).toBe('facilitator');
	});
});

describe('AUTH_LOCAL=off', () => {
	let offServer: TestServer;
	let offProvider: TestProvider;
	beforeAll(async () => {
		const port = await freePort();
		offProvider = await startTestProvider(`http://127.0.0.1:${port}`);
		offServer = await startTestServer({ port, sso: ssoConfig(offProvider.issuer), localPasswords: false });
	});
	afterAll(async () => {
		await offServer?.close();
		await offProvider?.close();
	});

	it('refuses every password way in, and single sign-on still works', async () => {
		expect((await request(offServer.url, 'GET', '/api/auth/methods', null)).body).toMatchObject({ passwords: false });
		await offServer.access.accounts.create({ name: 'Kim', login: 'kim@example.com', passwordHash: null });
		for (const [path, body] of [
			['/api/auth/sign-in', { login: 'kim@example.com', password: PASSWORD }],
			['/api/auth/forgot', { login: 'kim@example.com' }],
			['/api/auth/reset', { token: 'x'.repeat(43), password: PASSWORD }]
		] as const) {
			const answer = await request(offServer.url, 'POST', path, null, body);
			expect(answer.status, path).toBe(403);
			expect(answer.body.error).toBe('passwords_off');
		}
		const setup = await request(offServer.url, 'POST', '/api/setup', null, {
			token: (await offServer.access.makeSetupToken())!,
			account: { name: 'Lea', login: 'lea@example.com', password: PASSWORD }
		});
		expect(setup.status).toBe(403);
		offProvider.people.set('lea', { name: 'Lea Sand', email: 'lea@example.com', groups: [] });
		const signedIn = await signInWithSso(offServer.url, 'lea');
		expect(signedIn.session).not.toBeNull();
	});
});
