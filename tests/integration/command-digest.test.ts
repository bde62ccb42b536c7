/**
 * A commandId reused for a different command, over a socket: answered `conflict`, nothing applied, and a
 * resend of the first command is still a duplicate. How each store keeps the digest with the commandId
 * (across restarts and snapshots, and for commands stored before digests were kept) is part of the store
 * contract: tests/support/event-store-contract.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, join, send, startTestServer, type TestServer } from '../support/test-server';

describe('a commandId reused for a different command, over a socket', () => {
	let server: TestServer;

	beforeAll(async () => {
		server = await startTestServer();
	});

	afterAll(async () => {
		await server.close();
	});

	it('is answered conflict and not applied; a resend of the first command is still a duplicate', async () => {
		const socket = await server.client('Fay');
		await createRoom(socket, 'r1');
		const first = await send(
			socket,
			'r1',
			{ type: 'stage.add', stageId: 'pay', name: 'Pay', customerGoal: 'I want to pay easily' },
			'reused-1'
		);
		expect(first).toMatchObject({ ok: true, duplicate: false });
		const version = first.ok ? first.version : 0;

		const other = await send(
			socket,
			'r1',
			{ type: 'stage.add', stageId: 'use', name: 'Use', customerGoal: 'I want it to work' },
			'reused-1'
		);
		expect(other).toMatchObject({ ok: false, code: 'conflict' });
		expect(!other.ok && other.message).toMatch(/already used for a different command.*not applied.*new commandId/);

		const resend = await send(
			socket,
			'r1',
			{ type: 'stage.add', stageId: 'pay', name: 'Pay', customerGoal: 'I want to pay easily' },
			'reused-1'
		);
		expect(resend).toEqual({ ok: true, version, duplicate: true });

		const joined = await join(socket, 'r1');
		expect(joined.ok && joined.mode === 'snapshot' && Object.keys(joined.state.stages).sort()).toEqual(['apply', 'pay']);
	});

	it('is answered conflict when both come in one batch', async () => {
		const socket = await server.client('Fay');
		await createRoom(socket, 'r2');
		const [a, b] = await Promise.all([
			send(socket, 'r2', { type: 'stage.add', stageId: 'pay', name: 'Pay', customerGoal: 'I want to pay easily' }, 'same-batch'),
			send(socket, 'r2', { type: 'stage.add', stageId: 'use', name: 'Use', customerGoal: 'I want it to work' }, 'same-batch')
		]);
		expect(a).toMatchObject({ ok: true, duplicate: false });
		expect(b).toMatchObject({ ok: false, code: 'conflict' });
	});
});
