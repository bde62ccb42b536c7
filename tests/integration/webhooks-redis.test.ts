/**
 * Webhooks with two real server processes on one real Redis: every event is delivered (answered 2xx)
 * exactly once, whichever instance committed it, even when the instance sending a message is killed
 * mid-delivery (its lease runs out and the other instance sends the message again, with the same
 * `webhook-id`, so the receiver can tell it is the same message).
 */
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { canRunRedisTests, startRedis, type RedisServer } from '../support/redis-server';
import { instancePool, type InstancePool } from '../support/instance-pool';
import { sessionToken, TEST_ADMIN_TOKEN, type ServerProcess } from '../support/server-process';
import { request } from '../support/people';
import { commandId, join, type TestSocket } from '../support/test-server';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import type { Command } from '../../src/lib/domain';

const ROOM = 'hooks';

describe.runIf(canRunRedisTests())('webhooks on Redis, two instances', () => {
	let redis: RedisServer;
	let pool: InstancePool;
	let receiver: WebhookReceiver;
	const sockets: TestSocket[] = [];

	beforeAll(async () => {
		redis = await startRedis();
		pool = instancePool(redis.url, { WEBHOOK_ALLOW_PRIVATE: 'true' });
		// The first request is held unanswered, as a receiver that is slow while the sender dies.
		receiver = await startWebhookReceiver((_r, i) => (i === 0 ? 'hold' : { status: 200 }));
	}, 60_000);
	afterAll(async () => {
		for (const s of sockets) s.disconnect();
		await pool?.stopAll();
		await receiver?.close();
		await redis?.destroy();
	});

	async function socketOn(instance: ServerProcess, token: string): Promise<TestSocket> {
		const socket: TestSocket = connect(instance.url, {
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
		expect((await join(socket, ROOM)).ok).toBe(true);
		return socket;
	}

	const win = (n: number): Command => ({
		type: 'win.mark',
		winId: `win-${n}`,
		teamId: null,
		stageId: 'apply',
		headline: `Win ${n}`,
		before: '',
		after: ''
	});

	async function mark(socket: TestSocket, n: number): Promise<void> {
		const result = await socket.timeout(10_000).emitWithAck('command', { roomId: ROOM, commandId: commandId(), command: win(n) });
		expect(result.ok).toBe(true);
	}

	it('delivers each event once across instances, and after the sending instance is killed mid-delivery', async () => {
		const a = await pool.start();
		const created = await fetch(`${a.url}/api/admin/rooms`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json', origin: a.url },
			body: JSON.stringify({ roomId: ROOM, name: 'Hooks', organisation: 'Test Org' })
		});
		expect(created.status).toBe(200);
		const token = await sessionToken(a.url, ROOM, 'facilitator', 'Fay');
		const made = await request(a.url, 'POST', `/api/rooms/${ROOM}/webhooks`, token, {
			url: `${receiver.url}/hook`,
			preset: 'raw',
			kinds: ['win.marked']
		});
		expect(made.status).toBe(201);
		const secret = made.body.secret as string;
		const onA = await socketOn(a, token);
		const stage = await onA.timeout(10_000).emitWithAck('command', {
			roomId: ROOM,
			commandId: commandId(),
			command: { type: 'stage.add', stageId: 'apply', name: 'Apply', customerGoal: 'Open an account' }
		});
		expect(stage.ok).toBe(true);

		// 1. A alone: its first message is held by the receiver, mid-delivery.
		await mark(onA, 0);
		await receiver.waitFor(1);
		// 2. B joins; both commit wins, both send.
		const b = await pool.start();
		const onB = await socketOn(b, token);
		for (let n = 1; n <= 10; n++) await mark(n % 2 ? onA : onB, n);
		await receiver.waitFor(8, 20_000);
		// 3. A dies while its first delivery is still unanswered, right after committing one more win (which
		// it may not have queued yet: the catch-up from the log on B queues it then).
		await mark(onA, 11);
		a.child.kill('SIGKILL');
		await a.exited;
		for (let n = 12; n <= 15; n++) await mark(onB, n);

		// B claims the job whose lease ran out and sends it; every event reaches the receiver.
		const answered = () => receiver.received.slice(1);
		const until = Date.now() + 50_000;
		while (new Set(answered().map((r) => r.headers['webhook-id'])).size < 16 && Date.now() < until)
			await new Promise((resolve) => setTimeout(resolve, 200));

		const held0 = () => receiver.received[0]?.headers['webhook-id'];
		const byId = new Map<string, number>();
		for (const r of answered()) byId.set(String(r.headers['webhook-id']), (byId.get(String(r.headers['webhook-id'])) ?? 0) + 1);
		if (byId.size !== 16)
			console.log(
				'webhook ids answered',
				[...byId.keys()].sort(),
				'held',
				held0(),
				pool.all().map((i) => i.output().slice(-2000))
			);
		expect(byId.size).toBe(16);
		// Exactly one answered delivery per event.
		expect([...byId.values()].every((count) => count === 1)).toBe(true);
		// The held one was sent again with the same message id, and verifies.
		const held = receiver.received[0]!;
		expect(byId.get(String(held.headers['webhook-id']))).toBe(1);
		const headlines = answered().map((r) => {
			const headers = Object.fromEntries(
				['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(r.headers[h])])
			);
			return (new Webhook(secret).verify(r.body, headers) as { data: { win: { headline: string } } }).data.win.headline;
		});
		expect(new Set(headlines)).toEqual(new Set(Array.from({ length: 16 }, (_, n) => `Win ${n}`)));

		// The delivery log (shared in Redis) shows the retried message delivered.
		const log = await request(
			b.url,
			'GET',
			`/api/rooms/${ROOM}/webhooks/${(made.body.endpoint as { id: string }).id}/deliveries`,
			token
		);
		const deliveries = log.body.deliveries as Array<{ messageId: string; outcome: string }>;
		expect(deliveries.filter((d) => d.outcome === 'delivered')).toHaveLength(16);
	}, 90_000);
});
