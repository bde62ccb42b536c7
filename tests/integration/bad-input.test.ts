import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/lib/protocol';
import { prng, type Prng } from '../support/prng';
import { createRoom, quote, send, startTestServer, type TestServer, type TestSocket } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer();
});
afterAll(async () => {
	await server.close();
});

const CODES = new Set<string>(ErrorCode.options);

function deep(depth: number): unknown {
	let v: unknown = { end: true };
	for (let i = 0; i < depth; i++) v = i % 2 ? { nested: v } : [v];
	return v;
}

/** A payload that must not parse: every way a client could get it wrong, chosen by seed. */
function malformed(r: Prng, i: number): unknown {
	const validQuote = { roomId: 'fuzz', commandId: `fuzz-${i}-abcdef`, command: quote('ok', i) };
	const cases: Array<() => unknown> = [
		() => null,
		() => undefined,
		() => r.int(1e9),
		() => 'a string',
		() => [1, 2, 3],
		() => true,
		() => ({}),
		() => ({ ...validQuote, roomId: 42 }),
		() => ({ ...validQuote, roomId: '../../etc/passwd' }),
		() => ({ ...validQuote, commandId: 'short' }),
		() => ({ ...validQuote, commandId: { $gt: '' } }),
		() => ({ ...validQuote, extra: 'field' }),
		() => ({ ...validQuote, command: { type: 'room.destroy' } }),
		() => ({ ...validQuote, command: { type: `nope.${r.int(100)}`, x: 1 } }),
		() => ({ ...validQuote, command: { type: 'complaint.quote' } }),
		() => ({ ...validQuote, command: { ...validQuote.command, ...JSON.parse('{"__proto__": {"polluted": true}}') } }),
		() => ({ ...validQuote, command: { type: 'stage.add', stageId: 'x'.repeat(65), name: 'n', customerGoal: '' } }),
		() => ({ ...validQuote, command: { type: 'stage.add', stageId: 's', name: 'x'.repeat(200_000), customerGoal: '' } }),
		() => ({ ...validQuote, command: { type: 'kpi.record', kpiId: 'k', points: [{ date: 'yesterday', value: 1 }] } }),
		() => ({ ...validQuote, command: { type: 'kpi.record', kpiId: 'k', points: [{ date: '2026-01-01', value: Number.NaN }] } }),
		() => ({ ...validQuote, command: { type: 'survey.record', surveyId: 's', period: '2026-13', counts: [1, 2] } }),
		() => ({ ...validQuote, command: { type: 'survey.record', surveyId: 's', period: '2026-01', counts: Array(5000).fill(1) } }),
		() => ({ ...validQuote, command: { type: 'touchpoint.assess', touchpointId: 'form', maturity: 'amazing', evidence: '' } }),
		() => ({ ...validQuote, command: deep(200) }),
		() => deep(500),
		() => ({ roomId: 'fuzz', since: { version: -1, epoch: 'x' } }),
		() => Buffer.from([0xde, 0xad, 0xbe, 0xef]),
		() => ({ ...validQuote, command: Buffer.alloc(64) }),
		() => ({
			...validQuote,
			command: { ...validQuote.command, verbatim: { ...(validQuote.command as { verbatim: object }).verbatim, text: '' } }
		})
	];
	return r.pick(cases)();
}

function emitRaw(socket: TestSocket, event: string, payload: unknown): Promise<unknown> {
	const raw = socket as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<unknown> } };
	return raw.timeout(5_000).emitWithAck(event, payload);
}

describe('bad input over the socket', () => {
	it('answers several hundred malformed payloads with typed errors and keeps serving', async () => {
		const socket = await server.client('Fuzzer');
		await createRoom(socket, 'fuzz');
		const r = prng(20261122);
		const answers: unknown[] = [];
		for (let i = 0; i < 400; i++) {
			const event = r.pick(['command', 'room:join']);
			answers.push(await emitRaw(socket, event, malformed(r, i)));
		}
		for (const answer of answers) {
			expect(answer).toMatchObject({ ok: false });
			expect(CODES.has((answer as { code: string }).code)).toBe(true);
			expect(typeof (answer as { message: string }).message).toBe('string');
		}
		const codes = new Set(answers.map((a) => (a as { code: string }).code));
		expect(codes.has('invalid_payload')).toBe(true);
		// The server still works, and nothing malformed reached the room.
		const ok = await send(socket, 'fuzz', quote('Still here', 99_999));
		expect(ok).toMatchObject({ ok: true });
		const state = (await server.app.engine.state('fuzz'))!;
		expect(state.complaints['cant-open']!.verbatims.map((v) => v.text)).toEqual(['Still here']);
		expect(Object.keys(state.stages)).toEqual(['apply']);
	});

	it('drops messages without an ack callback, unknown events, and oversized frames, and keeps serving', async () => {
		const socket = await server.client('Fuzzer');
		await createRoom(socket, 'fuzz2');
		const raw = socket as unknown as { emit(event: string, ...args: unknown[]): void };
		for (let i = 0; i < 100; i++) {
			raw.emit('command', { roomId: 'fuzz2', commandId: `noack-${i}-xxxxxx`, command: quote('no ack', i) });
			raw.emit('room:join', { roomId: 'fuzz2' });
			raw.emit('no-such-event', { x: i });
			raw.emit('command');
		}
		const ok = await send(socket, 'fuzz2', quote('After the noise', 1));
		expect(ok).toMatchObject({ ok: true });
		const state = (await server.app.engine.state('fuzz2'))!;
		// Commands without an ack are not applied: nobody could learn their outcome.
		expect(state.complaints['cant-open']!.verbatims.map((v) => v.text)).toEqual(['After the noise']);

		// A frame over the 1 MB cap closes that connection only.
		const big = await server.client('Big');
		const closed = new Promise<string>((resolve) => big.on('disconnect', (reason) => resolve(reason)));
		(big as unknown as { emit(e: string, p: unknown): void }).emit('command', { blob: 'x'.repeat(2_000_000) });
		// The server closes the transport ("transport close"), not the client ("io client disconnect").
		expect(await closed).toBe('transport close');
		expect(big.connected).toBe(false);
		const after = await server.client('After');
		const res = await fetch(`${server.url}/api/health`);
		expect(res.status).toBe(200);
		expect(after.connected).toBe(true);
	});
});
