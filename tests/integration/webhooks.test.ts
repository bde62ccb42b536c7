/**
 * Webhooks out, end to end on one embedded server: a facilitator adds an endpoint over HTTP, something
 * happens in the room, and a real local HTTP receiver gets a message that the `standardwebhooks`
 * package (an independent verifier) accepts. Retries, the pause after a day and rotation run on a clock
 * the test moves, never by waiting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createRoom, send, startTestServer, type TestServer, type TestSocket } from '../support/test-server';
import { request } from '../support/people';
import { tempDir } from '../support/temp-dir';
import { startWebhookReceiver, type Answer, type WebhookReceiver } from '../support/webhook-receiver';
import type { DeliveryView, EndpointView } from '../../src/lib/protocol/webhooks';
import type { Command } from '../../src/lib/domain';

const ROOM = 'r1';
const HOUR = 3_600_000;

interface Setup {
	server: TestServer;
	receiver: WebhookReceiver;
	socket: TestSocket;
	token: string;
	clock: { now: number };
}

let open: Setup | null = null;

afterEach(async () => {
	if (!open) return;
	await open.server.close();
	await open.receiver.close();
	open = null;
});

/** A server with a room, a facilitator's session, and a receiver answering as `answer` says. */
async function setup(options: { allowPrivate?: boolean; answer?: (i: number) => Answer; dataDir?: string } = {}): Promise<Setup> {
	const clock = { now: Date.now() };
	const receiver = await startWebhookReceiver((_r, i) => options.answer?.(i) ?? { status: 200 });
	const server = await startTestServer({
		dataDir: options.dataDir,
		webhooks: { allowPrivate: options.allowPrivate ?? true, now: () => clock.now, pollMs: 3_600_000 }
	});
	const socket = await server.client('Fay');
	await createRoom(socket, ROOM);
	const token = await server.access.grantDirectly(ROOM, 'facilitator', 'Fay');
	open = { server, receiver, socket, token, clock };
	return open;
}

async function addEndpoint(s: Setup, body: Record<string, unknown>): Promise<{ endpoint: EndpointView; secret: string }> {
	const answer = await request(s.server.url, 'POST', `/api/rooms/${ROOM}/webhooks`, s.token, body);
	expect(answer.status).toBe(201);
	return answer.body as unknown as { endpoint: EndpointView; secret: string };
}

async function deliveries(s: Setup, id: string): Promise<DeliveryView[]> {
	const answer = await request(s.server.url, 'GET', `/api/rooms/${ROOM}/webhooks/${id}/deliveries`, s.token);
	return (answer.body as { deliveries: DeliveryView[] }).deliveries;
}

async function endpointView(s: Setup, id: string): Promise<EndpointView> {
	const answer = await request(s.server.url, 'GET', `/api/rooms/${ROOM}/webhooks`, s.token);
	return (answer.body as { endpoints: EndpointView[] }).endpoints.find((e) => e.id === id)!;
}

async function act(s: Setup, command: Command): Promise<void> {
	const result = await send(s.socket, ROOM, command);
	expect(result.ok).toBe(true);
}

const win = (n: number): Command => ({
	type: 'win.mark',
	winId: `win-${n}`,
	teamId: null,
	stageId: 'apply',
	headline: `Forms open in one step (${n})`,
	before: '12 minutes',
	after: '3 minutes'
});

/** Waits until the server has sent everything due now (its queue drained). */
async function settle(s: Setup): Promise<void> {
	// The listener queues after the broadcast; give it a turn, then send what is due.
	await new Promise((resolve) => setTimeout(resolve, 50));
	await s.server.app.webhooks.drain();
}

describe('webhooks out', () => {
	it('signs each message by the Standard Webhooks spec, so the standardwebhooks package verifies it', async () => {
		const s = await setup();
		const { endpoint, secret } = await addEndpoint(s, { url: `${s.receiver.url}/hook`, preset: 'raw', kinds: ['win.marked'] });
		expect(secret).toMatch(/^whsec_/);
		// The secret is shown once: the list never carries it.
		const list = await request(s.server.url, 'GET', `/api/rooms/${ROOM}/webhooks`, s.token);
		expect(JSON.stringify(list.body)).not.toContain(secret.slice(6));

		await act(s, win(1));
		// A command of a kind the endpoint did not ask for sends nothing.
		await act(s, { type: 'session.start', sessionId: 's1', title: 'December session', agenda: [] });
		await settle(s);
		const [got] = await s.receiver.waitFor(1);
		expect(s.receiver.received).toHaveLength(1);
		const headers = {
			'webhook-id': String(got!.headers['webhook-id']),
			'webhook-timestamp': String(got!.headers['webhook-timestamp']),
			'webhook-signature': String(got!.headers['webhook-signature'])
		};
		const verified = new Webhook(secret).verify(got!.body, headers) as { type: string; data: Record<string, unknown> };
		expect(verified.type).toBe('win.marked');
		expect((verified.data.win as { headline: string }).headline).toBe('Forms open in one step (1)');
		expect(verified.data.roomUrl).toBe(`${s.server.url}/rooms/${ROOM}`);
		// A wrong secret does not verify.
		expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(got!.body, headers)).toThrow();

		const log = await deliveries(s, endpoint.id);
		expect(log).toHaveLength(1);
		expect(log[0]).toMatchObject({ outcome: 'delivered', status: 200, attempt: 1, kind: 'win.marked', excerpt: 'ok' });

		// The audit trail says who added it, naming the host only (a Slack address's path is a secret too).
		const added = (await s.server.access.audit(ROOM)).find((e) => e.action === 'webhook_added');
		expect(added).toMatchObject({ actor: { name: 'Fay' }, detail: `127.0.0.1:${new URL(s.receiver.url).port}, ${endpoint.id}` });
	});

	it('retries after 500s with backoff, keeping the message id, and logs every attempt', async () => {
		const s = await setup({ answer: (i) => (i < 2 ? { status: 500, body: 'database down' } : { status: 204 }) });
		const { endpoint } = await addEndpoint(s, { url: s.receiver.url, preset: 'raw', kinds: ['win.marked'] });
		await act(s, win(1));
		await settle(s);
		let log = await deliveries(s, endpoint.id);
		expect(log[0]).toMatchObject({ outcome: 'failed', status: 500, attempt: 1, excerpt: 'database down' });
		expect(Date.parse(log[0]!.nextAttemptAt!) - s.clock.now).toBe(5_000);

		// Not due yet: nothing is sent.
		s.clock.now += 4_000;
		await settle(s);
		expect(s.receiver.received).toHaveLength(1);
		s.clock.now += 1_000;
		await settle(s);
		log = await deliveries(s, endpoint.id);
		expect(log[0]).toMatchObject({ outcome: 'failed', attempt: 2 });
		expect(Date.parse(log[0]!.nextAttemptAt!) - s.clock.now).toBe(300_000);
		s.clock.now += 300_000;
		await settle(s);
		log = await deliveries(s, endpoint.id);
		expect(log.map((d) => [d.attempt, d.outcome, d.status])).toEqual([
			[3, 'delivered', 204],
			[2, 'failed', 500],
			[1, 'failed', 500]
		]);
		const ids = new Set(s.receiver.received.map((r) => r.headers['webhook-id']));
		expect(ids.size).toBe(1);
		expect((await endpointView(s, endpoint.id)).failingSince).toBeNull();
	});

	it('pauses an endpoint that has failed for a day, tells facilitators why, and resumes it on request', async () => {
		const s = await setup({ answer: () => ({ status: 503, body: 'gone fishing' }) });
		const { endpoint } = await addEndpoint(s, { url: s.receiver.url, preset: 'raw', kinds: ['win.marked'] });
		const start = s.clock.now;
		await act(s, win(1));
		await settle(s);
		// Follow the retry schedule on the test's clock, a message every few hours keeping the endpoint busy.
		for (let n = 2; s.clock.now - start < 30 * HOUR; n++) {
			s.clock.now += 2 * HOUR;
			if ((await endpointView(s, endpoint.id)).status === 'paused') break;
			await act(s, win(n));
			await settle(s);
		}
		const view = await endpointView(s, endpoint.id);
		expect(view.status).toBe('paused');
		expect(view.pausedReason).toContain('It was paused after a day of failures');
		expect(s.clock.now - start).toBeGreaterThanOrEqual(24 * HOUR);
		expect(s.clock.now - start).toBeLessThan(27 * HOUR);
		const paused = (await s.server.access.audit(ROOM)).find((e) => e.action === 'webhook_paused');
		expect(paused).toMatchObject({ actor: { kind: 'system' } });
		expect(paused!.detail).toContain('a day of failed deliveries');

		// Paused: new events are not sent.
		const before = s.receiver.received.length;
		await act(s, win(100));
		s.clock.now += 11 * HOUR;
		await settle(s);
		expect(s.receiver.received.length).toBe(before);

		const resumed = await request(s.server.url, 'PATCH', `/api/rooms/${ROOM}/webhooks/${endpoint.id}`, s.token, { active: true });
		expect(resumed.status).toBe(200);
		expect((resumed.body.endpoint as EndpointView).status).toBe('active');
	});

	it('shapes Slack and Teams messages as a short text with a link back to the room', async () => {
		const s = await setup();
		const slack = await addEndpoint(s, { url: `${s.receiver.url}/slack`, preset: 'slack', kinds: ['team.chartered'] });
		await addEndpoint(s, { url: `${s.receiver.url}/teams`, preset: 'teams', kinds: ['team.chartered'] });
		expect(slack.endpoint.preset).toBe('slack');
		await act(s, {
			type: 'team.charter',
			teamId: 'team-1',
			name: 'Form rescue',
			problem: 'Half of applicants give up on the online form.',
			stageId: 'apply',
			links: { touchpoints: ['form'], complaints: [], kpis: [], surveys: [] },
			members: [
				{ name: 'Sam', department: 'Product' },
				{ name: 'Ivy', department: 'IT' }
			],
			sponsor: 'COO',
			dueDate: null,
			baseline: '',
			target: ''
		});
		await settle(s);
		await s.receiver.waitFor(2);
		const roomUrl = `${s.server.url}/rooms/${ROOM}`;
		const slackBody = JSON.parse(s.receiver.received.find((r) => r.path === '/slack')!.body) as Record<string, unknown>;
		expect(Object.keys(slackBody)).toEqual(['text']);
		expect(slackBody.text).toBe(
			`New fix team: Form rescue. Half of applicants give up on the online form. <${roomUrl}|Open Room ${ROOM}>`
		);
		const teamsBody = JSON.parse(s.receiver.received.find((r) => r.path === '/teams')!.body) as {
			type: string;
			attachments: Array<{
				contentType: string;
				content: { type: string; version: string; body: Array<{ text: string }>; actions: Array<{ type: string; url: string }> };
			}>;
		};
		expect(teamsBody.type).toBe('message');
		expect(teamsBody.attachments).toHaveLength(1);
		const card = teamsBody.attachments[0]!;
		expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
		expect(card.content.type).toBe('AdaptiveCard');
		expect(card.content.body.map((b) => b.text)).toContain(
			'New fix team: Form rescue. Half of applicants give up on the online form.'
		);
		expect(card.content.actions).toEqual([{ type: 'Action.OpenUrl', title: `Open Room ${ROOM}`, url: roomUrl }]);
	});

	it('signs with both secrets for a day after a rotation, then with the new one only', async () => {
		const s = await setup();
		const { endpoint, secret: oldSecret } = await addEndpoint(s, { url: s.receiver.url, preset: 'raw', kinds: ['win.marked'] });
		const rotated = await request(s.server.url, 'POST', `/api/rooms/${ROOM}/webhooks/${endpoint.id}/rotate`, s.token);
		const newSecret = rotated.body.secret as string;
		expect(newSecret).toMatch(/^whsec_/);
		expect(newSecret).not.toBe(oldSecret);
		expect((rotated.body.endpoint as EndpointView).previousSecretUntil).not.toBeNull();
		await act(s, win(1));
		await settle(s);
		const [got] = await s.receiver.waitFor(1);
		const headers = Object.fromEntries(
			['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(got!.headers[h])])
		);
		// A receiver holding either secret accepts it.
		expect(() => new Webhook(oldSecret).verify(got!.body, headers)).not.toThrow();
		expect(() => new Webhook(newSecret).verify(got!.body, headers)).not.toThrow();

		s.clock.now += 25 * HOUR;
		await act(s, win(2));
		await settle(s);
		const [, later] = await s.receiver.waitFor(2);
		expect(String(later!.headers['webhook-signature']).split(' ')).toHaveLength(1);
	});

	it('sends a logged message again, and a test ping, on request', async () => {
		const s = await setup();
		const { endpoint } = await addEndpoint(s, { url: s.receiver.url, preset: 'raw', kinds: ['win.marked'] });
		await act(s, win(1));
		await settle(s);
		const [first] = await deliveries(s, endpoint.id);
		const again = await request(s.server.url, 'POST', `/api/rooms/${ROOM}/webhooks/${endpoint.id}/resend`, s.token, {
			messageId: first!.messageId
		});
		expect(again.status).toBe(202);
		const ping = await request(s.server.url, 'POST', `/api/rooms/${ROOM}/webhooks/${endpoint.id}/ping`, s.token);
		expect(ping.status).toBe(202);
		await settle(s);
		await s.receiver.waitFor(3);
		expect(s.receiver.received[1]!.headers['webhook-id']).toBe(first!.messageId);
		expect(JSON.parse(s.receiver.received[2]!.body)).toMatchObject({ type: 'ping' });
		const missing = await request(s.server.url, 'POST', `/api/rooms/${ROOM}/webhooks/${endpoint.id}/resend`, s.token, {
			messageId: 'msg_unknown'
		});
		expect(missing.status).toBe(404);
	});

	it('refuses loopback addresses unless WEBHOOK_ALLOW_PRIVATE is true, and follows no redirects', async () => {
		const s = await setup({ allowPrivate: false });
		const { endpoint } = await addEndpoint(s, { url: s.receiver.url, preset: 'raw', kinds: ['win.marked'] });
		await act(s, win(1));
		await settle(s);
		expect(s.receiver.received).toHaveLength(0);
		const [refused] = await deliveries(s, endpoint.id);
		expect(refused).toMatchObject({ outcome: 'refused', status: null, nextAttemptAt: null });
		expect(refused!.excerpt).toContain('WEBHOOK_ALLOW_PRIVATE');
	});

	it('treats a redirect as a failure and does not follow it', async () => {
		const s = await setup({ answer: () => ({ status: 302, headers: { location: '/elsewhere' } }) });
		const { endpoint } = await addEndpoint(s, { url: `${s.receiver.url}/hook`, preset: 'raw', kinds: ['win.marked'] });
		await act(s, win(1));
		await settle(s);
		expect(s.receiver.received.map((r) => r.path)).toEqual(['/hook']);
		const [log] = await deliveries(s, endpoint.id);
		expect(log).toMatchObject({ outcome: 'failed', status: 302 });
		expect(log!.excerpt).toContain('not followed');
	});

	it('keeps waiting deliveries in the data dir across a restart', async () => {
		const { dir, cleanup } = await tempDir();
		const s = await setup({ dataDir: dir, answer: (i) => (i === 0 ? { status: 500 } : { status: 200 }) });
		try {
			const { endpoint } = await addEndpoint(s, { url: s.receiver.url, preset: 'raw', kinds: ['win.marked'] });
			await act(s, win(1));
			await settle(s);
			expect(s.receiver.received).toHaveLength(1);
			await s.server.close();
			// Another server on the same data dir, later than the retry is due.
			s.server = await startTestServer({
				dataDir: dir,
				webhooks: { allowPrivate: true, now: () => s.clock.now + 10_000, pollMs: 3_600_000 }
			});
			await s.server.app.webhooks.drain();
			await s.receiver.waitFor(2);
			expect(s.receiver.received[1]!.headers['webhook-id']).toBe(s.receiver.received[0]!.headers['webhook-id']);
			const [last] = await deliveries(s, endpoint.id);
			expect(last).toMatchObject({ outcome: 'delivered', attempt: 2 });
		} finally {
			await s.server.close();
			await s.receiver.close();
			open = null;
			await cleanup();
		}
	});

	it('catches up from the event log with what an instance committed but did not queue, once', async () => {
		const s = await setup();
		await act(s, win(1));
		// An endpoint added later gets nothing from before it existed.
		const { endpoint } = await addEndpoint(s, { url: s.receiver.url, preset: 'raw', kinds: ['win.marked'] });
		await act(s, win(2));
		await settle(s);
		expect(s.receiver.received).toHaveLength(1);
		const cursor = await s.server.access.kv.get<{ epoch: string; version: number }>(`webhooks:cursor:${ROOM}`);
		// As if the instance that committed win 1 and win 2 had died before queueing them.
		await s.server.access.kv.set(`webhooks:cursor:${ROOM}`, { ...cursor!, version: cursor!.version - 2 });
		// Too recent: the committing instance may still be queueing them.
		await s.server.app.webhooks.catchUp(ROOM);
		await settle(s);
		expect(s.receiver.received).toHaveLength(1);
		s.clock.now += 11_000;
		await s.server.app.webhooks.catchUp(ROOM);
		await settle(s);
		// Win 1 is sent now; win 2, already delivered, is not sent twice.
		await s.receiver.waitFor(2);
		await new Promise((resolve) => setTimeout(resolve, 200));
		const headlines = s.receiver.received.map(
			(r) => (JSON.parse(r.body) as { data: { win: { headline: string } } }).data.win.headline
		);
		expect(headlines.sort()).toEqual(['Forms open in one step (1)', 'Forms open in one step (2)']);
		expect((await deliveries(s, endpoint.id)).every((d) => d.outcome === 'delivered')).toBe(true);
	});

	it('answers bad input with a clear error and changes nothing', async () => {
		const s = await setup();
		const bad = await request(s.server.url, 'POST', `/api/rooms/${ROOM}/webhooks`, s.token, {
			url: 'ftp://example.com',
			preset: 'raw',
			kinds: ['win.marked']
		});
		expect(bad.status).toBe(400);
		expect(bad.body.message).toContain('https://');
		const none = await request(s.server.url, 'POST', `/api/rooms/${ROOM}/webhooks`, s.token, {
			url: 'https://example.com/hook',
			preset: 'raw',
			kinds: []
		});
		expect(none.status).toBe(400);
		const list = await request(s.server.url, 'GET', `/api/rooms/${ROOM}/webhooks`, s.token);
		expect(list.body.endpoints).toEqual([]);
	});
});
