/**
 * Action items over real sockets and HTTP, with people who have accounts: a facilitator makes actions of
 * a decision and of a team's recommendation; "My actions" lists each person's across their rooms (and
 * only rooms they can still see); an owner marks their own action done, nobody else below a facilitator;
 * ending the session e-mails the minutes, actions included, to the attendees with accounts through a real
 * local SMTP server, without holding up the command.
 */
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/lib/domain';
import type { MyActionsAnswer } from '../../src/lib/protocol/my-actions';
import { createMailer, type Mailer } from '../../server/mail/mailer';
import { request } from '../support/people';
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server';
import { join, send, startTestServer, type TestServer, type TestSocket } from '../support/test-server';

const ROOM = 'actions-room';
const OTHER = 'actions-other';

let smtp: SmtpTestServer;
let mailer: Mailer;
let server: TestServer;
const sockets: TestSocket[] = [];
const people = {} as Record<'fran' | 'omar' | 'pat' | 'vic' | 'zoe', { id: string; token: string; socket: TestSocket }>;

async function person(name: string, login: string, grants: Record<string, Role>) {
	const made = await server.access.accounts.create({ name, login, passwordHash: null });
	if (!made.ok) throw new Error(made.message);
	for (const [roomId, role] of Object.entries(grants))
		await server.access.accounts.grant(made.account.id, roomId, role, 'granted');
	const { token } = await server.access.startAccountSession(made.account, null, 'test');
	const socket: TestSocket = connect(server.url, {
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		auth: { token }
	});
	sockets.push(socket);
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', reject);
	});
	return { id: made.account.id, token, socket };
}

async function ok(socket: TestSocket, roomId: string, command: Parameters<typeof send>[2]) {
	const result = await send(socket, roomId, command);
	if (!result.ok) throw new Error(`${command.type}: ${result.message}`);
	return result;
}

const myActions = async (token: string | null) => {
	const answer = await request(server.url, 'GET', '/api/account/actions', token);
	return { status: answer.status, body: answer.body as unknown as MyActionsAnswer };
};

beforeAll(async () => {
	smtp = await startSmtpServer();
	mailer = createMailer(smtp.url, 'Customer Room <room@example.com>');
	server = await startTestServer({ mailer });
	people.fran = await person('Fran Facil', 'fran@example.com', { [ROOM]: 'facilitator', [OTHER]: 'facilitator' });
	people.omar = await person('Omar Owner', 'omar@example.com', { [ROOM]: 'contributor', [OTHER]: 'contributor' });
	// Pat signs in with a user name: an account without an e-mail address.
	people.pat = await person('Pat Park', 'pat', { [ROOM]: 'contributor' });
	people.vic = await person('Vic Viewer', 'vic@example.com', { [ROOM]: 'viewer' });
	// A member who does not come to the session.
	people.zoe = await person('Zoe Away', 'zoe@example.com', { [ROOM]: 'contributor' });

	const fran = people.fran.socket;
	for (const roomId of [ROOM, OTHER]) {
		await ok(fran, roomId, { type: 'room.create', name: roomId === ROOM ? 'Payments <EU>' : 'Lending', organisation: 'Bank' });
		expect(await join(fran, roomId)).toMatchObject({ ok: true });
		await ok(fran, roomId, { type: 'stage.add', stageId: 'apply', name: 'Apply', customerGoal: '' });
	}
	await ok(fran, ROOM, {
		type: 'team.charter',
		teamId: 'fees',
		name: 'Fee clarity',
		problem: 'Fees surprise people.',
		stageId: 'apply',
		links: { touchpoints: [], complaints: [], kpis: [], surveys: [] },
		members: [
			{ name: 'Omar Owner', department: 'Product' },
			{ name: 'Pat Park', department: 'Finance/Billing' }
		],
		sponsor: 'COO',
		dueDate: null,
		baseline: '',
		target: ''
	});
	for (const who of ['omar', 'pat', 'vic', 'zoe'] as const) {
		expect(await join(people[who].socket, ROOM)).toMatchObject({ ok: true });
	}
	expect(await join(people.omar.socket, OTHER)).toMatchObject({ ok: true });
	await ok(people.omar.socket, ROOM, {
		type: 'team.post',
		teamId: 'fees',
		updateId: 'rec-1',
		kind: 'recommendation',
		text: 'Show the fee before the customer signs.'
	});
	await ok(fran, ROOM, { type: 'session.start', sessionId: 's-1', title: 'December session', agenda: ['apply'] });
	for (const name of ['Omar Owner', 'pat park', 'Someone Without An Account'])
		await ok(fran, ROOM, { type: 'session.attend', name });
	await ok(fran, ROOM, { type: 'session.decide', decisionId: 'd-1', text: 'Fees go on the first screen.' });
});

afterAll(async () => {
	for (const s of sockets) s.disconnect();
	await server?.close();
	mailer?.close();
	await smtp?.close();
});

describe('actions with owners', () => {
	it('a facilitator makes actions of a decision and of a recommendation; each owner finds theirs in My actions', async () => {
		const fran = people.fran.socket;
		await ok(fran, ROOM, {
			type: 'action.create',
			actionId: 'a-decision',
			text: 'Put the fee on the first screen.',
			source: { kind: 'decision', sessionId: 's-1', decisionId: 'd-1' },
			teamId: 'fees',
			owner: { id: people.omar.id, name: 'Omar Owner' },
			due: '2026-01-15'
		});
		await ok(fran, ROOM, {
			type: 'action.create',
			actionId: 'a-rec',
			text: 'Draft the fee wording.',
			source: { kind: 'recommendation', teamId: 'fees', updateId: 'rec-1' },
			teamId: 'fees',
			owner: { id: people.pat.id, name: 'Pat Park' },
			due: '2026-01-31'
		});
		await ok(fran, OTHER, {
			type: 'session.start',
			sessionId: 's-2',
			title: 'Lending review',
			agenda: []
		});
		await ok(fran, OTHER, { type: 'session.decide', decisionId: 'd-2', text: 'Call back every declined applicant.' });
		await ok(fran, OTHER, {
			type: 'action.create',
			actionId: 'a-other',
			text: 'Set up the call-back list.',
			source: { kind: 'decision', sessionId: 's-2', decisionId: 'd-2' },
			teamId: null,
			owner: { id: people.omar.id, name: 'Omar Owner' },
			due: '2026-01-10'
		});

		const omar = await myActions(people.omar.token);
		expect(omar.status).toBe(200);
		expect(
			omar.body.actions.map((a) => ({
				room: a.roomName,
				text: a.action.text,
				origin: a.origin,
				team: a.teamName,
				may: a.mayMarkDone
			}))
		).toEqual([
			{
				room: 'Lending',
				text: 'Set up the call-back list.',
				origin: 'Decision: Call back every declined applicant.',
				team: null,
				may: true
			},
			{
				room: 'Payments <EU>',
				text: 'Put the fee on the first screen.',
				origin: 'Decision: Fees go on the first screen.',
				team: 'Fee clarity',
				may: true
			}
		]);
		const pat = await myActions(people.pat.token);
		expect(pat.body.actions.map((a) => [a.action.id, a.origin])).toEqual([
			['a-rec', 'Recommendation of Fee clarity: Show the fee before the customer signs.']
		]);
		expect((await myActions(people.zoe.token)).body.actions).toEqual([]);
		expect((await myActions(null)).status).toBe(401);
	});

	it('the owner marks their own action done and open again; another contributor and a viewer may not', async () => {
		expect(await send(people.omar.socket, ROOM, { type: 'action.complete', actionId: 'a-rec' })).toMatchObject({
			ok: false,
			code: 'forbidden',
			message: expect.stringMatching(/Only Pat Park, who owns this action, or a facilitator/)
		});
		expect(await send(people.vic.socket, ROOM, { type: 'action.complete', actionId: 'a-rec' })).toMatchObject({
			ok: false,
			code: 'forbidden'
		});
		// Only a facilitator hands actions out.
		expect(
			await send(people.omar.socket, ROOM, {
				type: 'action.assign',
				actionId: 'a-rec',
				owner: { id: people.omar.id, name: 'Omar Owner' }
			})
		).toMatchObject({ ok: false, code: 'forbidden' });

		await ok(people.pat.socket, ROOM, { type: 'action.complete', actionId: 'a-rec' });
		let pat = await myActions(people.pat.token);
		expect(pat.body.actions[0]!.action).toMatchObject({ doneBy: 'Pat Park', doneAt: expect.any(String) });
		await ok(people.pat.socket, ROOM, { type: 'action.reopen', actionId: 'a-rec' });
		pat = await myActions(people.pat.token);
		expect(pat.body.actions[0]!.action.doneAt).toBeNull();
		await ok(people.pat.socket, ROOM, { type: 'action.complete', actionId: 'a-rec' });
	});

	it('handing an action to someone else moves it to their list', async () => {
		await ok(people.fran.socket, OTHER, {
			type: 'action.assign',
			actionId: 'a-other',
			owner: { id: people.fran.id, name: 'Fran Facil' }
		});
		expect((await myActions(people.omar.token)).body.actions.map((a) => a.action.id)).toEqual(['a-decision']);
		expect((await myActions(people.fran.token)).body.actions.map((a) => a.action.id)).toEqual(['a-other']);
	});

	it('a person removed from a room no longer sees its actions', async () => {
		await ok(people.fran.socket, OTHER, {
			type: 'action.assign',
			actionId: 'a-other',
			owner: { id: people.omar.id, name: 'Omar Owner' }
		});
		expect((await myActions(people.omar.token)).body.actions).toHaveLength(2);
		await server.access.accounts.removeMembership(people.omar.id, OTHER);
		const { token } = await server.access.startAccountSession((await server.access.accounts.get(people.omar.id))!, null, 'test');
		expect((await myActions(token)).body.actions.map((a) => a.roomId)).toEqual([ROOM]);
	});
});

describe('the minutes by e-mail', () => {
	it('ending the session answers at once and e-mails the minutes, actions included, to the attendees with an e-mail address', async () => {
		const before = smtp.received.length;
		const ended = await send(people.fran.socket, ROOM, { type: 'session.end' });
		expect(ended).toMatchObject({ ok: true });
		await server.app.minutesMail.settled();
		const mails = smtp.received.slice(before).sort((a, b) => a.to[0]!.localeCompare(b.to[0]!));
		// Fran started it, Omar was listed; Pat has no e-mail address; Vic and Zoe did not attend.
		expect(mails.map((m) => m.to)).toEqual([['fran@example.com'], ['omar@example.com']]);
		for (const mail of mails) {
			expect(mail.subject).toBe('Minutes: December session (Payments <EU>) · Customer Room');
			expect(mail.text).toContain('## Decisions (1)');
			expect(mail.text).toContain('1. Fees go on the first screen.');
			expect(mail.text).toContain('## Actions (2)');
			expect(mail.text).toContain(
				'- **Omar Owner**, due 15 Jan 2026: Put the fee on the first screen. (Decision, team Fee clarity; open)'
			);
			expect(mail.text).toMatch(
				/- \*\*Pat Park\*\*, due 31 Jan 2026: Draft the fee wording\. \(Recommendation of Fee clarity; done \d+ \w+ \d{4}\)/
			);
			expect(mail.html).toContain('Payments &lt;EU&gt;');
			expect(mail.html).not.toContain('<EU>');
			expect(mail.html).toContain('<strong>Omar Owner</strong>, due 15 Jan 2026: Put the fee on the first screen.');
		}
	});
});
