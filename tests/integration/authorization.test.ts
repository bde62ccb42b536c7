/**
 * The authorization matrix (issue 7, "Must show"), over real sockets against the real app: every
 * command type x every role, plus connections that must not be let in at all (no token, a forged
 * token, a signed-out session, a TV whose display was removed, a TV whose pairing code expired).
 *
 * Expected outcomes come from the table below, written from DESIGN.md section 7 (facilitator:
 * everything; contributor: content and fix-team work; viewer: read only), not from the code under test;
 * a separate test checks that `mayIssue` agrees with it. A denial must change nothing: the room's state
 * hash is compared before and after. An allowed command is sent into a freshly furnished room of its
 * own, where the factories' example applies, and must be applied, recorded under its sender.
 */
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_TYPES, SERVER_ONLY_COMMANDS, mayIssue, type Command, type CommandType } from '../../src/lib/domain';
import { ErrorCode, type CommandResult, type HelloMessage, type JoinResult } from '../../src/lib/protocol';
import { PAIRING_TTL_MS, type Role } from '../../server/access/access-service';
import { startClockedServer, type ClockedServer } from '../support/clocked-server';
import { PRECONDITIONS, exampleFor, roomHash, seedRoom, seedRooms } from '../support/seed-room';
import { COMMAND_EXAMPLES } from '../support/factories';
import { commandId, nextEvents, startTestServer, type TestServer, type TestSocket } from '../support/test-server';
import { adminAccount } from '../support/people';

// ---------------------------------------------------------------------------------------------
// The specification: what each role may send.
// ---------------------------------------------------------------------------------------------

const ROLES: readonly Role[] = ['facilitator', 'contributor', 'viewer'];

/** Content and fix-team work: what a contributor may send (DESIGN.md section 7). Everything else is a facilitator's. */
const CONTRIBUTOR_MAY: ReadonlySet<CommandType> = new Set<CommandType>([
	'stage.add',
	'stage.update',
	'stage.move',
	'touchpoint.add',
	'touchpoint.update',
	'touchpoint.assess',
	'artifact.add',
	'artifact.update',
	'artifact.remove',
	'complaint.define',
	'complaint.update',
	'complaint.count',
	'complaint.quote',
	'rule.save',
	'rule.remove',
	'review.place',
	'kpi.define',
	'kpi.update',
	'kpi.record',
	'kpi.unrecord',
	'kpi.move',
	'survey.define',
	'survey.update',
	'survey.record',
	'survey.quote',
	'team.update',
	'team.setStatus',
	'team.post',
	// Only their own actions (see OWNER_BOUND below).
	'action.complete',
	'action.reopen',
	'import.apply'
]);

/**
 * What every role may send, in their own name (issue 20): checking in to a session and voting, since the
 * leaders who attend are often viewers. Never from a paired screen or a guest link (tested below).
 */
const EVERY_ROLE_MAY: ReadonlySet<CommandType> = new Set<CommandType>(['session.checkIn', 'vote.cast']);

/**
 * Commands a contributor may send only about what is theirs: marking their own action done or open
 * again. Where they are tried as allowed, the action is first handed to the contributor; one owned by
 * someone else is refused (tested below).
 */
const OWNER_BOUND: ReadonlySet<CommandType> = new Set<CommandType>(['action.complete', 'action.reopen']);

const specified = (role: Role, type: CommandType): boolean =>
	role === 'facilitator' || EVERY_ROLE_MAY.has(type) || (role === 'contributor' && CONTRIBUTOR_MAY.has(type));
/** What a socket may send: the server-only commands (imports, restores) come from no socket, whatever the role. */
const overSocket = (role: Role, type: CommandType): boolean => specified(role, type) && !SERVER_ONLY_COMMANDS.has(type);

/** Connections that hold no session: every message they send is `unauthenticated`. */
const OUTSIDERS = ['no token', 'forged token', 'signed-out session', 'unpaired display', 'expired pairing code'] as const;
type Outsider = (typeof OUTSIDERS)[number];

const ROLE_ROWS = COMMAND_TYPES.flatMap((type) =>
	ROLES.map((role) => ({ type, role, expected: overSocket(role, type) ? ('allowed' as const) : ('forbidden' as const) }))
);
const OUTSIDER_ROWS = COMMAND_TYPES.flatMap((type) => OUTSIDERS.map((who) => ({ type, who })));

// ---------------------------------------------------------------------------------------------
// Rooms and connections.
// ---------------------------------------------------------------------------------------------

/** The furnished room where denials are tried (nothing may ever change it). */
const DEN = 'authz-den';
/** Where a role's allowed command is tried: a furnished room of its own, per (type, role). */
const allowedRoom = (type: CommandType, role: Role) => `authz-${role[0]}-${type.replace('.', '-')}`;
/** A room that does not exist but that the role holds a grant for: room.create must still be refused. */
const unbornRoom = (who: string) => `authz-unborn-${who.replace(/[^a-z]/g, '')}`;
/** The room the paired (then unpaired) TV belonged to. */
const TV_ROOM = 'authz-tv';
/** The room of the test about live sockets of a signed-out session. */
const SIGNOUT_ROOM = 'authz-signout';

let server: TestServer;
let clocked: ClockedServer;
const sockets = {} as Record<Role | Outsider, TestSocket>;
/** What the server said to each outsider's connection on connect. */
const hellos = {} as Record<Outsider, HelloMessage>;
const actors = {} as Record<Role, HelloMessage['actor']>;
const raw: TestSocket[] = [];
const tv = {} as {
	displayId: string;
	joinedAsPaired: JoinResult;
	writeWhilePaired: CommandResult;
	revokedMessage: Promise<{ reason: string }>;
	disconnected: Promise<string>;
	secondClaim: { status: number; body: Record<string, unknown> };
	hashAroundSecondClaim: [string, string];
	personalWhilePaired: CommandResult[];
	hashAroundPersonal: [string, string];
};
const expired = {} as {
	claim: { status: number; body: Record<string, unknown> };
	hashAroundClaim: [string, string];
	status: Record<string, unknown>;
};

/** Connects without server.client()'s session making: `auth` as given (maybe no token at all). */
async function connectWith(url: string, auth: Record<string, string>): Promise<{ socket: TestSocket; hello: HelloMessage }> {
	const socket: TestSocket = connect(url, { transports: ['websocket'], auth, forceNew: true, reconnection: false });
	raw.push(socket);
	const hello = new Promise<HelloMessage>((resolve) => socket.once('server:hello', resolve));
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', reject);
	});
	return { socket, hello: await hello };
}

function sendTo(socket: TestSocket, roomId: string, command: Command, id = commandId()): Promise<CommandResult> {
	return socket.timeout(10_000).emitWithAck('command', { roomId, commandId: id, command });
}

function joinRoom(socket: TestSocket, roomId: string): Promise<JoinResult> {
	return socket.timeout(10_000).emitWithAck('room:join', { roomId });
}

async function http(
	url: string,
	method: string,
	body: unknown,
	cookie?: string
): Promise<{ status: number; body: Record<string, unknown>; setCookie: string | null }> {
	const res = await fetch(url, {
		method,
		headers: { 'content-type': 'application/json', ...(cookie ? { cookie: `cr_session=${cookie}` } : {}) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return { status: res.status, body: (await res.json()) as Record<string, unknown>, setCookie: res.headers.get('set-cookie') };
}

const cookieToken = (setCookie: string | null) => /cr_session=([^;]+)/.exec(setCookie ?? '')?.[1] ?? '';

beforeAll(async () => {
	server = await startTestServer();
	const allowedTypes = (role: Role) => COMMAND_TYPES.filter((t) => overSocket(role, t) && t !== 'room.create');

	// Every room the seeding facilitator builds, and the grants of the sockets under test.
	const seeded = [DEN, TV_ROOM, SIGNOUT_ROOM, ...ROLES.flatMap((r) => allowedTypes(r).map((t) => allowedRoom(t, r)))];
	const seeder = await server.client('Seeder', Object.fromEntries(seeded.map((r) => [r, 'facilitator' as Role])));
	await seedRooms(
		seeder,
		[
			{ roomId: DEN },
			{ roomId: TV_ROOM },
			{ roomId: SIGNOUT_ROOM },
			...ROLES.flatMap((role) =>
				allowedTypes(role).map((type) => ({ roomId: allowedRoom(type, role), then: PRECONDITIONS[type] ?? [] }))
			)
		],
		8,
		(roomId, command) =>
			server.app.engine.execute(roomId, commandId(), command, { id: 'seeder', name: 'Seeder', role: 'facilitator' })
	);

	for (const role of ROLES) {
		const own = allowedTypes(role).map((t) => allowedRoom(t, role));
		const rooms = [DEN, ...own];
		const grants = [...rooms, unbornRoom(role), ...(role === 'facilitator' ? [allowedRoom('room.create', role)] : [])];
		const token = await server.access.grantDirectly(grants[0]!, role, `A ${role}`);
		for (const roomId of grants.slice(1)) await server.access.addGrant(token, roomId, role);
		const { socket, hello } = await connectWith(server.url, { name: `A ${role}`, token });
		const session = await server.access.session(token);
		if (!hello.signedIn || hello.actor.id !== session?.id) throw new Error(`${role}: the socket is not its session`);
		sockets[role] = socket;
		actors[role] = hello.actor;
		for (const roomId of rooms) {
			const joined = await joinRoom(socket, roomId);
			if (!joined.ok) throw new Error(`${role} could not join ${roomId}: ${joined.message}`);
		}
	}

	// The contributor's owner-bound examples are about an action the contributor owns.
	for (const type of OWNER_BOUND) {
		const handed = await sendTo(seeder, allowedRoom(type, 'contributor'), {
			type: 'action.assign',
			actionId: 'action-1',
			owner: { id: actors.contributor.id, name: actors.contributor.name }
		});
		if (!handed.ok) throw new Error(`could not hand action-1 to the contributor: ${handed.message}`);
	}

	// No token at all; a token of the right shape that was never issued.
	const outsider = (who: Outsider, c: { socket: TestSocket; hello: HelloMessage }) => {
		sockets[who] = c.socket;
		hellos[who] = c.hello;
	};
	outsider('no token', await connectWith(server.url, { name: 'Nobody' }));
	outsider('forged token', await connectWith(server.url, { name: 'Forger', token: 'A'.repeat(43) }));

	// A facilitator who signed out (POST /api/signout ends the session), then connects with the old token.
	const leaver = await server.access.grantDirectly(DEN, 'facilitator', 'Leaver');
	const signedOut = await http(`${server.url}/api/signout`, 'POST', undefined, leaver);
	if (signedOut.status !== 200) throw new Error(`signout answered ${signedOut.status}`);
	outsider('signed-out session', await connectWith(server.url, { name: 'Leaver', token: leaver }));

	// A TV pairs (HTTP, as the /tv page does), is a viewer of TV_ROOM, is removed by a facilitator, and
	// connects again with its old token.
	const fran = await server.access.grantDirectly(TV_ROOM, 'facilitator', 'Fran');
	const started = await http(`${server.url}/api/pair/start`, 'POST', undefined);
	const tvToken = cookieToken(started.setCookie);
	const claimed = await http(
		`${server.url}/api/rooms/${TV_ROOM}/displays`,
		'POST',
		{ code: started.body.code, name: 'Lobby TV' },
		fran
	);
	if (claimed.status !== 200) throw new Error(`pairing answered ${claimed.status}: ${JSON.stringify(claimed.body)}`);
	tv.displayId = String(claimed.body.displayId);
	// The code is single use.
	const beforeSecond = await roomHash(server.app.engine.state, TV_ROOM);
	const second = await http(
		`${server.url}/api/rooms/${TV_ROOM}/displays`,
		'POST',
		{ code: started.body.code, name: 'Copy TV' },
		fran
	);
	tv.secondClaim = second;
	tv.hashAroundSecondClaim = [beforeSecond, await roomHash(server.app.engine.state, TV_ROOM)];

	const paired = await connectWith(server.url, { token: tvToken, kind: 'screen' });
	tv.joinedAsPaired = await joinRoom(paired.socket, TV_ROOM);
	tv.writeWhilePaired = await sendTo(paired.socket, TV_ROOM, exampleFor('session.start'));
	// A viewer's own commands are for people: the paired TV is refused them in a session with an open vote.
	for (const command of [COMMAND_EXAMPLES['session.start'], COMMAND_EXAMPLES['vote.open']])
		await sendTo(seeder, TV_ROOM, command);
	const beforePersonal = await roomHash(server.app.engine.state, TV_ROOM);
	tv.personalWhilePaired = [
		await sendTo(paired.socket, TV_ROOM, exampleFor('session.checkIn')),
		await sendTo(paired.socket, TV_ROOM, exampleFor('vote.cast'))
	];
	tv.hashAroundPersonal = [beforePersonal, await roomHash(server.app.engine.state, TV_ROOM)];
	tv.revokedMessage = new Promise((resolve) => paired.socket.once('access:revoked', resolve));
	tv.disconnected = new Promise((resolve) => paired.socket.once('disconnect', resolve));
	const removed = await sendTo(seeder, TV_ROOM, { type: 'display.remove', displayId: tv.displayId });
	if (!removed.ok) throw new Error(`display.remove: ${removed.message}`);
	await tv.disconnected;
	outsider('unpaired display', await connectWith(server.url, { token: tvToken, kind: 'screen' }));

	// A TV whose code expired before a facilitator entered it (a server whose access clock we move).
	clocked = await startClockedServer();
	const host = await clocked.access.grantDirectly(DEN, 'facilitator', 'Host');
	const hostSocket = (await connectWith(clocked.url, { name: 'Host', token: host })).socket;
	await seedRoom(hostSocket, DEN);
	const late = await http(`${clocked.url}/api/pair/start`, 'POST', undefined);
	const lateToken = cookieToken(late.setCookie);
	clocked.clock.now += PAIRING_TTL_MS + 1_000;
	const beforeClaim = await roomHash(clocked.app.engine.state, DEN);
	expired.claim = await http(`${clocked.url}/api/rooms/${DEN}/displays`, 'POST', { code: late.body.code, name: 'Late TV' }, host);
	expired.hashAroundClaim = [beforeClaim, await roomHash(clocked.app.engine.state, DEN)];
	const status = await fetch(`${clocked.url}/api/pair/status`, { headers: { cookie: `cr_session=${lateToken}` } });
	expired.status = (await status.json()) as Record<string, unknown>;
	outsider('expired pairing code', await connectWith(clocked.url, { token: lateToken, kind: 'screen' }));
}, 60_000);

afterAll(async () => {
	for (const s of raw) s.disconnect();
	await clocked?.close();
	await server?.close();
});

/** The server (and so the state) an outsider's connection talks to. */
const engineOf = (who: Outsider) => (who === 'expired pairing code' ? clocked.app.engine : server.app.engine);
/**
 * The room an outsider tries: the one it had (or was about to have) access to, where there is one: the
 * signed-out facilitator's DEN, the removed TV's room, the room the expired code was entered for.
 */
const roomOf = (who: Outsider) => (who === 'unpaired display' ? TV_ROOM : DEN);

const CODES = new Set<string>(ErrorCode.options);
function expectRefusal(result: CommandResult | JoinResult, code: 'forbidden' | 'unauthenticated') {
	expect(result).toMatchObject({ ok: false, code });
	if (result.ok) return;
	expect(CODES.has(result.code)).toBe(true);
	expect(typeof result.message).toBe('string');
	expect(result.message.length).toBeGreaterThan(0);
}

// ---------------------------------------------------------------------------------------------
// The matrix.
// ---------------------------------------------------------------------------------------------

describe('the specification table', () => {
	it('covers every command type, and mayIssue agrees with it for every role', () => {
		expect(COMMAND_TYPES.length).toBeGreaterThan(40);
		for (const type of CONTRIBUTOR_MAY) expect(COMMAND_TYPES).toContain(type);
		for (const type of COMMAND_TYPES)
			for (const role of ROLES) expect([type, role, mayIssue(role, type)]).toEqual([type, role, specified(role, type)]);
	});

	it('keeps the writes the issue names away from contributors and viewers', () => {
		for (const type of ['display.register', 'display.update', 'display.remove', 'room.configure', 'room.create'] as const) {
			expect(specified('contributor', type)).toBe(false);
		}
		// A viewer writes nothing but their own check-in and ballot.
		expect(COMMAND_TYPES.filter((t) => specified('viewer', t))).toEqual([...EVERY_ROLE_MAY]);
	});
});

describe('actions: an owner marks their own action done, nobody else below a facilitator', () => {
	it.each([...OWNER_BOUND])('%s by a contributor who does not own the action is forbidden and changes nothing', async (type) => {
		// In DEN, action-1 belongs to Omar, not to the contributor.
		const before = await roomHash(server.app.engine.state, DEN);
		const result = await sendTo(sockets.contributor, DEN, exampleFor(type));
		expectRefusal(result, 'forbidden');
		if (!result.ok) expect(result.message).toMatch(/Omar, who owns this action, or a facilitator/);
		expect(await roomHash(server.app.engine.state, DEN)).toBe(before);
	});
});

describe('authorization matrix: every command type x every role, over real sockets', () => {
	it.each(ROLE_ROWS)('$type by a $role is $expected', async ({ type, role, expected }) => {
		const socket = sockets[role];
		if (expected === 'allowed') {
			const roomId = allowedRoom(type, role);
			const before = await roomHash(server.app.engine.state, roomId);
			const events = type === 'room.create' ? null : nextEvents(socket, (m) => m.roomId === roomId);
			const result = await sendTo(socket, roomId, exampleFor(type));
			// A role is never refused what it may do; in the room made for it, the example applies.
			expect(result).toMatchObject({ ok: true, duplicate: false });
			const after = await server.app.engine.state(roomId);
			expect(after).not.toBeNull();
			expect(after!.version).toBe((result as { version: number }).version);
			expect(await roomHash(server.app.engine.state, roomId)).not.toBe(before);
			if (events) {
				// Every event records its author: the session behind the socket.
				const message = await events;
				expect(message.events.length).toBeGreaterThan(0);
				for (const e of message.events) expect(e.actor).toEqual({ id: actors[role].id, name: actors[role].name });
			}
		} else {
			// room.create is refused even for a room that does not exist yet (it would make one).
			const roomId = type === 'room.create' ? unbornRoom(role) : DEN;
			const before = await roomHash(server.app.engine.state, roomId);
			const result = await sendTo(socket, roomId, exampleFor(type));
			expectRefusal(result, 'forbidden');
			expect(await roomHash(server.app.engine.state, roomId)).toBe(before);
			if (type === 'room.create') expect(before).toBe('absent');
		}
	});

	it.each(OUTSIDER_ROWS)('$type from a connection with $who is unauthenticated', async ({ type, who }) => {
		const engine = engineOf(who);
		const roomId = type === 'room.create' ? unbornRoom(who) : roomOf(who);
		const before = await roomHash(engine.state, roomId);
		const result = await sendTo(sockets[who], roomId, exampleFor(type));
		expectRefusal(result, 'unauthenticated');
		expect(await roomHash(engine.state, roomId)).toBe(before);
		if (type === 'room.create') expect(before).toBe('absent');
	});
});

/** Screen management (issue 21): reading every screen's health and sending a screen an action are a facilitator's. */
const SCREEN_REQUESTS = {
	'screens:status': { roomId: DEN },
	'display:act': { roomId: DEN, displayId: 'display-1', action: 'identify' }
} as const;
const SCREEN_ROWS = (Object.keys(SCREEN_REQUESTS) as Array<keyof typeof SCREEN_REQUESTS>).flatMap((event) =>
	ROLES.map((role) => ({ event, role, expected: role === 'facilitator' ? ('allowed' as const) : ('forbidden' as const) }))
);

describe('authorization matrix: screen management messages x every role', () => {
	const ask = (socket: TestSocket, event: keyof typeof SCREEN_REQUESTS, roomId: string) =>
		(socket as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<CommandResult> } })
			.timeout(10_000)
			.emitWithAck(event, { ...SCREEN_REQUESTS[event], roomId });

	it.each(SCREEN_ROWS)('$event by a $role is $expected', async ({ event, role, expected }) => {
		const before = await roomHash(server.app.engine.state, DEN);
		const result = await ask(sockets[role], event, DEN);
		if (expected === 'allowed') expect(result).toMatchObject({ ok: true });
		else expectRefusal(result, 'forbidden');
		expect(await roomHash(server.app.engine.state, DEN)).toBe(before);
	});

	it.each(OUTSIDERS.flatMap((who) => Object.keys(SCREEN_REQUESTS).map((event) => ({ who, event }))))(
		'$event from a connection with $who is unauthenticated',
		async ({ who, event }) => {
			const result = await ask(sockets[who], event as keyof typeof SCREEN_REQUESTS, roomOf(who));
			expectRefusal(result, 'unauthenticated');
		}
	);
});

describe('joining a room', () => {
	it.each(ROLES)('a %s joins the room and is told its role', async (role) => {
		const joined = await joinRoom(sockets[role], DEN);
		expect(joined).toMatchObject({ ok: true, role });
	});

	it.each(OUTSIDERS)('a connection with %s cannot join, nor read the room', async (who) => {
		const joined = await joinRoom(sockets[who], roomOf(who));
		expectRefusal(joined, 'unauthenticated');
		expect(joined).not.toHaveProperty('state');
		expect(joined).not.toHaveProperty('events');
	});

	it('a role in one room gives nothing in another', async () => {
		const other = await server.client('Elsewhere', { 'authz-elsewhere': 'facilitator' });
		const before = await roomHash(server.app.engine.state, DEN);
		expectRefusal(await joinRoom(other, DEN), 'unauthenticated');
		expectRefusal(await sendTo(other, DEN, exampleFor('room.configure')), 'unauthenticated');
		expect(await roomHash(server.app.engine.state, DEN)).toBe(before);
	});

	it('a role must join before it writes', async () => {
		const late = await server.client('Late', { [DEN]: 'facilitator' });
		const before = await roomHash(server.app.engine.state, DEN);
		expectRefusal(await sendTo(late, DEN, exampleFor('room.configure')), 'unauthenticated');
		expect(await roomHash(server.app.engine.state, DEN)).toBe(before);
	});
});

describe('revoked and expired access', () => {
	it('a paired TV is a viewer: it reads the room and cannot write', () => {
		expect(tv.joinedAsPaired).toMatchObject({ ok: true, role: 'viewer' });
		expectRefusal(tv.writeWhilePaired, 'forbidden');
	});

	it('a paired TV cannot check in or vote, though a viewer may: those are for people in their own name', () => {
		for (const result of tv.personalWhilePaired) {
			expectRefusal(result, 'forbidden');
			expect(result.ok ? '' : result.message).toMatch(/screens and guest links cannot/);
		}
		expect(tv.hashAroundPersonal[1]).toBe(tv.hashAroundPersonal[0]);
	});

	it('removing the display tells the TV and closes its connection; its token is worth nothing after', async () => {
		expect(await tv.revokedMessage).toMatchObject({ reason: expect.any(String) });
		expect(await tv.disconnected).toBeTruthy();
		expect(hellos['unpaired display'].signedIn).toBe(false);
	});

	it('a pairing code works once: a second claim is refused and registers nothing', () => {
		expect(tv.secondClaim.status).toBe(404);
		expect(tv.secondClaim.body).toMatchObject({ error: 'expired', message: expect.any(String) });
		expect(tv.hashAroundSecondClaim[1]).toBe(tv.hashAroundSecondClaim[0]);
	});

	it('an expired pairing code is refused, registers nothing, and leaves the TV without a session', () => {
		expect(expired.claim.status).toBe(404);
		expect(expired.claim.body).toMatchObject({ error: 'expired', message: expect.any(String) });
		expect(expired.hashAroundClaim[1]).toBe(expired.hashAroundClaim[0]);
		expect(expired.status).toEqual({ state: 'expired' });
		expect(hellos['expired pairing code'].signedIn).toBe(false);
	});

	it.each(OUTSIDERS)('a connection with %s is told it is not signed in', (who) => {
		expect(hellos[who].signedIn).toBe(false);
	});

	// Regression: signing out once left sockets opened earlier with the grants they read at connect time.
	it('a socket opened before sign-out loses its rights when the session ends', async () => {
		const token = await server.access.grantDirectly(SIGNOUT_ROOM, 'facilitator', 'Leaving soon');
		const { socket } = await connectWith(server.url, { token });
		expect(await joinRoom(socket, SIGNOUT_ROOM)).toMatchObject({ ok: true, role: 'facilitator' });
		const out = await http(`${server.url}/api/signout`, 'POST', undefined, token);
		expect(out.status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 400));
		const before = await roomHash(server.app.engine.state, SIGNOUT_ROOM);
		const result = socket.connected
			? await sendTo(socket, SIGNOUT_ROOM, { type: 'room.configure', patch: { name: 'Written after sign-out' } })
			: ({ ok: false, code: 'unauthenticated', message: 'disconnected' } as const);
		expectRefusal(result, 'unauthenticated');
		expect(await roomHash(server.app.engine.state, SIGNOUT_ROOM)).toBe(before);
	});

	it('ending everyone’s access from a link: only its room’s facilitator may; the sessions made with it lose their rights', async () => {
		const fran = await server.access.grantDirectly(SIGNOUT_ROOM, 'facilitator', 'Fran');
		const made = await http(`${server.url}/api/rooms/${SIGNOUT_ROOM}/invites`, 'POST', { role: 'contributor' }, fran);
		const joined = await http(`${server.url}/api/join`, 'POST', {
			token: String(made.body.link).split('#')[1],
			name: 'Joined by link'
		});
		const token = cookieToken(joined.setCookie);
		const { socket } = await connectWith(server.url, { token });
		expect(await joinRoom(socket, SIGNOUT_ROOM)).toMatchObject({ ok: true, role: 'contributor' });

		const path = `${server.url}/api/rooms/${SIGNOUT_ROOM}/invites/contributor/sessions`;
		expect((await http(path, 'DELETE', undefined, token)).status).toBe(403);
		expect((await http(path, 'DELETE', undefined)).status).toBe(401);
		expect(
			(await http(path, 'DELETE', undefined, await server.access.grantDirectly(DEN, 'facilitator', 'Other room'))).status
		).toBe(401);
		expect(await server.access.roleIn(await server.access.session(token), SIGNOUT_ROOM)).toBe('contributor');

		expect(await http(path, 'DELETE', undefined, fran)).toMatchObject({ status: 200, body: { ended: 1 } });
		await new Promise((resolve) => setTimeout(resolve, 400));
		const before = await roomHash(server.app.engine.state, SIGNOUT_ROOM);
		const result = socket.connected
			? await sendTo(socket, SIGNOUT_ROOM, { type: 'stage.add', stageId: 'after-end', name: 'After', customerGoal: 'x' })
			: ({ ok: false, code: 'unauthenticated', message: 'disconnected' } as const);
		expectRefusal(result, 'unauthenticated');
		const { socket: again } = await connectWith(server.url, { token });
		expectRefusal(await joinRoom(again, SIGNOUT_ROOM), 'unauthenticated');
		expect(await roomHash(server.app.engine.state, SIGNOUT_ROOM)).toBe(before);
	});
});

describe('HTTP endpoints beside the socket', () => {
	it("a room's storage use: any member of the room may read it; a stranger, another room's facilitator or nobody may not", async () => {
		const path = `${server.url}/api/rooms/${DEN}/storage`;
		for (const role of ROLES) {
			const answer = await http(path, 'GET', undefined, await server.access.grantDirectly(DEN, role, `Storage ${role}`));
			expect(answer.status, role).toBe(200);
			expect(answer.body, role).toMatchObject({ used: expect.any(Number), limit: expect.any(Number) });
		}
		expect((await http(path, 'GET', undefined)).status).toBe(401);
		// A session without this room is refused as the other curation endpoints refuse it.
		expect(
			(await http(path, 'GET', undefined, await server.access.grantDirectly(TV_ROOM, 'facilitator', 'Other room'))).status
		).toBe(403);
	});

	it('what masking would change: only a facilitator of the room may ask', async () => {
		const path = `${server.url}/api/rooms/${DEN}/redaction`;
		for (const role of ROLES) {
			const answer = await http(path, 'GET', undefined, await server.access.grantDirectly(DEN, role, `Masking ${role}`));
			expect(answer.status, role).toBe(role === 'facilitator' ? 200 : 403);
			if (role === 'facilitator')
				expect(answer.body).toMatchObject({ items: expect.any(Number), masked: { email: expect.any(Number) } });
		}
		expect((await http(path, 'GET', undefined)).status).toBe(401);
		expect(
			(await http(path, 'GET', undefined, await server.access.grantDirectly(TV_ROOM, 'facilitator', 'Other room'))).status
		).toBe(403);
		expect((await http(path, 'POST', {}, await server.access.grantDirectly(DEN, 'facilitator', 'Masking post'))).status).toBe(
			405
		);
	});

	it('renaming: a person renames only their own session; without one it is refused and nothing is recorded', async () => {
		const token = await server.access.grantDirectly(DEN, 'contributor', 'Before');
		const renamed = await http(`${server.url}/api/me/name`, 'POST', { name: 'After' }, token);
		expect(renamed.status).toBe(200);
		expect((await server.access.session(token))?.name).toBe('After');
		const lines = await server.access.audit(DEN);
		expect(lines.some((line) => JSON.stringify(line).includes('After'))).toBe(true);
		const anonymous = await http(`${server.url}/api/me/name`, 'POST', { name: 'Nobody' });
		expect(anonymous.status).toBe(401);
		expect(JSON.stringify(await server.access.audit(DEN))).not.toContain('Nobody');
	});
});

describe('rooms: creating, restoring, taking over and deleting (HTTP)', () => {
	const blank = { name: 'Authz new room', organisation: '', start: { kind: 'blank' } };
	async function instanceAdmin(): Promise<string> {
		const claimed = await http(`${server.url}/api/setup`, 'POST', {
			token: await server.access.makeSetupToken(true),
			account: adminAccount()
		});
		expect(claimed.status).toBe(200);
		return cookieToken(claimed.setCookie);
	}
	const outsiders = async (): Promise<Record<string, string | undefined>> => ({
		...Object.fromEntries(
			await Promise.all(ROLES.map(async (role) => [role, await server.access.grantDirectly(DEN, role, `Rooms ${role}`)] as const))
		),
		'another room’s facilitator': await server.access.grantDirectly(TV_ROOM, 'facilitator', 'Other'),
		'no session': undefined
	});

	it('creating a room: only an instance admin; every role of a room and nobody are refused, and nothing is made', async () => {
		for (const [who, token] of Object.entries(await outsiders())) {
			const answer = await http(`${server.url}/api/rooms`, 'POST', blank, token);
			expect(answer.status, who).toBe(token ? 403 : 401);
		}
		expect((await server.app.engine.listRooms()).some((r) => r.name === 'Authz new room')).toBe(false);
		const admin = await instanceAdmin();
		const made = await http(`${server.url}/api/rooms`, 'POST', blank, admin);
		expect(made.status).toBe(201);
		expect(server.access.roleIn(await server.access.session(admin), String(made.body.roomId))).toBe('facilitator');
	});

	it('restoring a backup: an instance admin or a facilitator of some room; a contributor, a viewer and nobody are refused', async () => {
		const tokens = await outsiders();
		for (const who of ['contributor', 'viewer', 'no session'] as const) {
			const answer = await http(`${server.url}/api/rooms/restore`, 'POST', {}, tokens[who]);
			expect(answer.status, who).toBe(tokens[who] ? 403 : 401);
		}
		// Past the check, a body that is no backup is refused for what it is.
		expect((await http(`${server.url}/api/rooms/restore`, 'POST', {}, await instanceAdmin())).status).toBe(400);
	});

	it('taking over: only an instance admin, and it is in the room’s audit trail', async () => {
		for (const [who, token] of Object.entries(await outsiders())) {
			const answer = await http(`${server.url}/api/rooms/${DEN}/takeover`, 'POST', undefined, token);
			expect(answer.status, who).toBe(token ? 403 : 401);
		}
		expect((await server.access.audit(DEN)).some((line) => line.action === 'took_over')).toBe(false);
		const admin = await instanceAdmin();
		expect((await http(`${server.url}/api/rooms/${DEN}/takeover`, 'POST', undefined, admin)).status).toBe(200);
		expect((await server.access.audit(DEN)).filter((line) => line.action === 'took_over')).toHaveLength(1);
	});

	it("reading the audit trail: a room's facilitators and instance admins; the instance's, instance admins only", async () => {
		/** Who may read each endpoint (DESIGN.md section 7: access is a facilitator's business). */
		const MAY_READ: Record<string, ReadonlySet<string>> = {
			[`/api/rooms/${DEN}/audit`]: new Set(['facilitator', 'instance admin']),
			[`/api/rooms/${DEN}/audit.csv`]: new Set(['facilitator', 'instance admin']),
			'/api/admin/audit': new Set(['instance admin']),
			'/api/admin/audit.csv': new Set(['instance admin'])
		};
		const readers = { ...(await outsiders()), 'instance admin': await instanceAdmin() };
		const before = await roomHash(server.app.engine.state, DEN);
		for (const [path, allowed] of Object.entries(MAY_READ))
			for (const [who, token] of Object.entries(readers)) {
				const res = await fetch(`${server.url}${path}`, { headers: token ? { cookie: `cr_session=${token}` } : {} });
				const expected = allowed.has(who) ? 200 : token ? 403 : 401;
				expect(res.status, `${who} GET ${path}`).toBe(expected);
				expect(res.headers.get('content-type'), `${who} GET ${path}`).toMatch(
					expected === 200 && path.endsWith('.csv') ? /^text\/csv/ : /^application\/json/
				);
				// A refusal carries none of the trail.
				if (expected !== 200) expect(await res.text()).not.toMatch(/took_over|renamed|room\.created/);
				// Writes are refused alike, from this site too: the trail is read only.
				const write = await fetch(`${server.url}${path}`, {
					method: 'POST',
					headers: token ? { cookie: `cr_session=${token}` } : {}
				});
				expect(write.status, `${who} POST ${path}`).toBe(405);
			}
		expect(await roomHash(server.app.engine.state, DEN)).toBe(before);
	});

	it('deleting: only a facilitator of the room or an instance admin, with the name typed; nothing is deleted otherwise', async () => {
		const name = (await server.app.engine.state(DEN))!.meta!.name;
		const before = await roomHash(server.app.engine.state, DEN);
		for (const [who, token] of Object.entries(await outsiders())) {
			if (who === 'facilitator') continue;
			const answer = await http(`${server.url}/api/rooms/${DEN}`, 'DELETE', { confirm: name }, token);
			expect(answer.status, who).toBe(token ? 403 : 401);
		}
		expect(await roomHash(server.app.engine.state, DEN)).toBe(before);
		// The room's own facilitator and an instance admin may (shown on rooms made for it, the den stays).
		const admin = await instanceAdmin();
		for (const [label, deleter] of [
			['facilitator', async (roomId: string) => server.access.grantDirectly(roomId, 'facilitator', 'Deleter')],
			['instance admin', async () => admin]
		] as const) {
			const made = await http(`${server.url}/api/rooms`, 'POST', { ...blank, name: `Doomed ${label}` }, admin);
			const roomId = String(made.body.roomId);
			const token = await deleter(roomId);
			expect(
				(await http(`${server.url}/api/rooms/${roomId}`, 'DELETE', { confirm: `Doomed ${label}` }, token)).status,
				label
			).toBe(200);
			expect(await server.app.engine.state(roomId), label).toBeNull();
		}
	});
});

describe('a resent commandId', () => {
	// Regression (found by fuzz-protocol): a known commandId was once answered from the log before the
	// role check, so a refused role was told { ok: true, duplicate: true }. The gateway now checks first.
	it('a viewer resending a commandId a facilitator used is refused, not told it succeeded', async () => {
		const fran = await server.client('Fran again', { [TV_ROOM]: 'facilitator' });
		const vera = await server.client('Vera again', { [TV_ROOM]: 'viewer' });
		for (const s of [fran, vera]) expect(await joinRoom(s, TV_ROOM)).toMatchObject({ ok: true });
		const id = commandId();
		expect(await sendTo(fran, TV_ROOM, { type: 'room.configure', patch: { name: 'Renamed by Fran' } }, id)).toMatchObject({
			ok: true
		});
		const before = await roomHash(server.app.engine.state, TV_ROOM);
		const result = await sendTo(vera, TV_ROOM, { type: 'win.retract', winId: 'win-1' }, id);
		expect(await roomHash(server.app.engine.state, TV_ROOM)).toBe(before);
		expectRefusal(result, 'forbidden');
	});
});

describe('people (HTTP): members, invitations, accounts and the instance', () => {
	const NOBODY = '00000000-0000-4000-8000-000000000000';
	type Who = 'facilitator' | 'contributor' | 'viewer' | 'another room’s facilitator' | 'no session' | 'instance admin';
	/** Expected status per caller; a facilitator's or admin's 404 means "allowed, but there is no such person". */
	const MATRIX: Array<{ method: string; path: string; body?: unknown; expect: Record<Who, number> }> = [
		{
			method: 'GET',
			path: `/api/rooms/${DEN}/members`,
			expect: {
				facilitator: 200,
				contributor: 200,
				viewer: 200,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 200
			}
		},
		{
			method: 'POST',
			path: `/api/rooms/${DEN}/members`,
			body: { login: 'nobody-here@example.com', role: 'facilitator' },
			expect: {
				facilitator: 404,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 404
			}
		},
		{
			method: 'PUT',
			path: `/api/rooms/${DEN}/members/${NOBODY}`,
			body: { role: 'facilitator' },
			expect: {
				facilitator: 404,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 404
			}
		},
		{
			method: 'DELETE',
			path: `/api/rooms/${DEN}/members/${NOBODY}`,
			expect: {
				facilitator: 404,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 404
			}
		},
		{
			method: 'GET',
			path: `/api/rooms/${DEN}/person-invites`,
			expect: {
				facilitator: 200,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 200
			}
		},
		{
			method: 'POST',
			path: `/api/rooms/${DEN}/person-invites/${NOBODY}/resend`,
			expect: {
				facilitator: 404,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 404
			}
		},
		{
			method: 'DELETE',
			path: `/api/rooms/${DEN}/person-invites/${NOBODY}`,
			expect: {
				facilitator: 404,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 404
			}
		},
		{
			method: 'GET',
			path: `/api/rooms/${DEN}/guest-links`,
			expect: {
				facilitator: 200,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 200
			}
		},
		{
			method: 'DELETE',
			path: `/api/rooms/${DEN}/guest-links/${NOBODY}`,
			expect: {
				facilitator: 404,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 404
			}
		},
		{
			method: 'POST',
			path: `/api/rooms/${DEN}/guest-links`,
			body: { role: 'facilitator', hours: 0, uses: 1 },
			expect: {
				facilitator: 400,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 400
			}
		},
		{
			method: 'GET',
			path: '/api/instance/people',
			expect: {
				facilitator: 403,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 200
			}
		},
		{
			method: 'PUT',
			path: '/api/instance/settings',
			body: { everyoneCreatesRooms: false },
			expect: {
				facilitator: 403,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 200
			}
		},
		{
			method: 'POST',
			path: `/api/instance/people/${NOBODY}/reset-link`,
			expect: {
				facilitator: 403,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 404
			}
		},
		{
			method: 'PUT',
			path: `/api/instance/people/${NOBODY}/admin`,
			body: { admin: true },
			expect: {
				facilitator: 403,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 404
			}
		},
		// Groups to roles (single sign-on): the room's facilitators and instance admins only.
		{
			method: 'GET',
			path: `/api/rooms/${DEN}/group-roles`,
			expect: {
				facilitator: 200,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 200
			}
		},
		{
			method: 'PUT',
			path: `/api/rooms/${DEN}/group-roles`,
			body: { groups: [] },
			expect: {
				facilitator: 200,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 200
			}
		},
		// API keys: the room's facilitators and instance admins only.
		{
			method: 'GET',
			path: `/api/rooms/${DEN}/api-keys`,
			expect: {
				facilitator: 200,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 200
			}
		},
		{
			method: 'POST',
			path: `/api/rooms/${DEN}/api-keys`,
			body: { name: '', scopes: [], days: null },
			expect: {
				facilitator: 400,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 400
			}
		},
		{
			method: 'DELETE',
			path: `/api/rooms/${DEN}/api-keys/${NOBODY}`,
			expect: {
				facilitator: 404,
				contributor: 403,
				viewer: 403,
				'another room’s facilitator': 403,
				'no session': 401,
				'instance admin': 404
			}
		},
		// The HTTP API takes API keys only: a session cookie, whatever its role, opens nothing there.
		{
			method: 'GET',
			path: `/api/v1/rooms/${DEN}`,
			expect: {
				facilitator: 401,
				contributor: 401,
				viewer: 401,
				'another room’s facilitator': 401,
				'no session': 401,
				'instance admin': 401
			}
		},
		{
			method: 'POST',
			path: `/api/v1/rooms/${DEN}/kpis/points`,
			body: { points: [{ kpiId: 'x', date: '2026-01-01', value: 1 }] },
			expect: {
				facilitator: 401,
				contributor: 401,
				viewer: 401,
				'another room’s facilitator': 401,
				'no session': 401,
				'instance admin': 401
			}
		},
		// Linking single sign-on is for accounts; this server has none set up (404 once signed in).
		{
			method: 'POST',
			path: '/api/account/sso/link',
			expect: {
				facilitator: 401,
				contributor: 401,
				viewer: 401,
				'another room’s facilitator': 401,
				'no session': 401,
				'instance admin': 404
			}
		},
		{
			method: 'DELETE',
			path: '/api/account/sso',
			expect: {
				facilitator: 401,
				contributor: 401,
				viewer: 401,
				'another room’s facilitator': 401,
				'no session': 401,
				'instance admin': 404
			}
		},
		// My account is for accounts: a session from a link made before accounts has none.
		{
			method: 'GET',
			path: '/api/account',
			expect: {
				facilitator: 401,
				contributor: 401,
				viewer: 401,
				'another room’s facilitator': 401,
				'no session': 401,
				'instance admin': 200
			}
		},
		{
			// My actions: every signed-in person sees their own (only in rooms they hold a grant for).
			method: 'GET',
			path: '/api/account/actions',
			expect: {
				facilitator: 200,
				contributor: 200,
				viewer: 200,
				'another room’s facilitator': 200,
				'no session': 401,
				'instance admin': 200
			}
		},
		{
			method: 'POST',
			path: '/api/account/sign-out-everywhere',
			expect: {
				facilitator: 401,
				contributor: 401,
				viewer: 401,
				'another room’s facilitator': 401,
				'no session': 401,
				'instance admin': 200
			}
		}
	];
	let callers: Record<Who, string | undefined>;
	const admin = adminAccount('People Admin');
	beforeAll(async () => {
		const claimed = await http(`${server.url}/api/setup`, 'POST', {
			token: await server.access.makeSetupToken(true),
			account: admin
		});
		callers = {
			...(Object.fromEntries(
				await Promise.all(
					ROLES.map(async (role) => [role, await server.access.grantDirectly(DEN, role, `People ${role}`)] as const)
				)
			) as Record<Role, string>),
			'another room’s facilitator': await server.access.grantDirectly(TV_ROOM, 'facilitator', 'Other'),
			'no session': undefined,
			'instance admin': cookieToken(claimed.setCookie)
		};
	});

	it.each(MATRIX.flatMap((row) => (Object.keys(row.expect) as Who[]).map((who) => ({ ...row, who, status: row.expect[who] }))))(
		'$method $path by $who answers $status',
		async ({ method, path, body, who, status }) => {
			const pendingBefore = (await server.access.invitations.pending(DEN)).length;
			const answer = await http(`${server.url}${path}`, method, body, callers[who]);
			expect(answer.status).toBe(status);
			if (status >= 400) expect(answer.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
			expect((await server.access.invitations.pending(DEN)).length).toBe(pendingBefore);
		}
	);

	it('inviting: only the room’s facilitators and instance admins make an invitation; the others make none', async () => {
		const invite = { name: 'Matrix Invitee', role: 'facilitator' };
		for (const who of ['contributor', 'viewer', 'another room’s facilitator', 'no session'] as const) {
			const answer = await http(`${server.url}/api/rooms/${DEN}/person-invites`, 'POST', invite, callers[who]);
			expect(answer.status, who).toBe(callers[who] ? 403 : 401);
		}
		expect((await server.access.invitations.pending(DEN)).filter((i) => i.name === 'Matrix Invitee')).toHaveLength(0);
		// The matrix signed the admin out everywhere: in again.
		const signedIn = await http(`${server.url}/api/auth/sign-in`, 'POST', { login: admin.login, password: admin.password });
		callers['instance admin'] = cookieToken(signedIn.setCookie);
		for (const who of ['facilitator', 'instance admin'] as const)
			expect((await http(`${server.url}/api/rooms/${DEN}/person-invites`, 'POST', invite, callers[who])).status, who).toBe(201);
		expect((await server.access.invitations.pending(DEN)).filter((i) => i.name === 'Matrix Invitee')).toHaveLength(2);
	});
});

describe('webhooks (HTTP): only the room’s facilitators and instance admins', () => {
	type Who = 'facilitator' | 'contributor' | 'viewer' | 'another room’s facilitator' | 'no session' | 'instance admin';
	const NO_ENDPOINT = 'wh_nobody';
	const managers = (allowed: number): Record<Who, number> => ({
		facilitator: allowed,
		contributor: 403,
		viewer: 403,
		'another room’s facilitator': 403,
		'no session': 401,
		'instance admin': allowed
	});
	/** A facilitator's or admin's 404 means "allowed, but there is no such endpoint". */
	const MATRIX: Array<{ method: string; path: string; body?: unknown; expect: Record<Who, number> }> = [
		{ method: 'GET', path: `/api/rooms/${DEN}/webhooks`, expect: managers(200) },
		// Allowed, but not a valid endpoint (so nothing is made by anyone).
		{
			method: 'POST',
			path: `/api/rooms/${DEN}/webhooks`,
			body: { url: 'ftp://x', preset: 'raw', kinds: [] },
			expect: managers(400)
		},
		{ method: 'PATCH', path: `/api/rooms/${DEN}/webhooks/${NO_ENDPOINT}`, body: { active: true }, expect: managers(404) },
		{ method: 'DELETE', path: `/api/rooms/${DEN}/webhooks/${NO_ENDPOINT}`, expect: managers(404) },
		{ method: 'POST', path: `/api/rooms/${DEN}/webhooks/${NO_ENDPOINT}/rotate`, expect: managers(404) },
		{ method: 'GET', path: `/api/rooms/${DEN}/webhooks/${NO_ENDPOINT}/deliveries`, expect: managers(404) },
		{
			method: 'POST',
			path: `/api/rooms/${DEN}/webhooks/${NO_ENDPOINT}/resend`,
			body: { messageId: 'msg_x' },
			expect: managers(404)
		},
		{ method: 'POST', path: `/api/rooms/${DEN}/webhooks/${NO_ENDPOINT}/ping`, expect: managers(404) }
	];
	let callers: Record<Who, string | undefined>;
	beforeAll(async () => {
		// An instance admin with no role in the room.
		const claimed = await http(`${server.url}/api/setup`, 'POST', {
			token: await server.access.makeSetupToken(true),
			account: adminAccount('Webhook Admin')
		});
		callers = {
			...(Object.fromEntries(
				await Promise.all(
					ROLES.map(async (role) => [role, await server.access.grantDirectly(DEN, role, `Hooks ${role}`)] as const)
				)
			) as Record<Role, string>),
			'another room’s facilitator': await server.access.grantDirectly(TV_ROOM, 'facilitator', 'Other hooks'),
			'no session': undefined,
			'instance admin': cookieToken(claimed.setCookie)
		};
	});

	it.each(MATRIX.flatMap((row) => (Object.keys(row.expect) as Who[]).map((who) => ({ ...row, who, status: row.expect[who] }))))(
		'$method $path by $who answers $status',
		async ({ method, path, body, who, status }) => {
			const answer = await http(`${server.url}${path}`, method, body, callers[who]);
			expect(answer.status).toBe(status);
			expect(answer.body).toMatchObject(status >= 400 ? { error: expect.any(String), message: expect.any(String) } : {});
			expect(await server.app.webhooks.endpoints.list(DEN)).toEqual([]);
		}
	);

	it('adding an endpoint: only the room’s facilitators and instance admins make one; the others make none', async () => {
		const body = { url: 'https://hooks.example.com/in', preset: 'slack', kinds: ['win.marked'] };
		for (const who of ['contributor', 'viewer', 'another room’s facilitator', 'no session'] as const) {
			const answer = await http(`${server.url}/api/rooms/${DEN}/webhooks`, 'POST', body, callers[who]);
			expect(answer.status, who).toBe(callers[who] ? 403 : 401);
		}
		expect(await server.app.webhooks.endpoints.list(DEN)).toEqual([]);
		for (const who of ['facilitator', 'instance admin'] as const)
			expect((await http(`${server.url}/api/rooms/${DEN}/webhooks`, 'POST', body, callers[who])).status, who).toBe(201);
		const made = await server.app.webhooks.endpoints.list(DEN);
		expect(made).toHaveLength(2);
		// Deleting one: a contributor may not; the facilitator may.
		const path = `/api/rooms/${DEN}/webhooks/${made[0]!.id}`;
		expect((await http(`${server.url}${path}`, 'DELETE', undefined, callers.contributor)).status).toBe(403);
		expect((await http(`${server.url}${path}`, 'DELETE', undefined, callers.facilitator)).status).toBe(200);
		await http(`${server.url}/api/rooms/${DEN}/webhooks/${made[1]!.id}`, 'DELETE', undefined, callers.facilitator);
	});
});
