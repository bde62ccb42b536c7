// Every failure is logged once, where it is handled, with its room and its request or command, and never
// a token or what was sent (issue 14, "clean server edges").
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../server/log';
import type { BlobStore } from '../../server/store/port';
import { curateHttp } from '../support/curate-http';
import { createRoom, join, quote, send, startTestServer, type TestServer } from '../support/test-server';

interface Line {
	level: 'info' | 'warn' | 'error';
	fields: Record<string, unknown>;
	message: string;
}

function capturingLogger(): { log: Logger; lines: Line[] } {
	const lines: Line[] = [];
	const at = (level: Line['level']) => (fields: Record<string, unknown>, message: string) =>
		void lines.push({ level, fields, message });
	return { log: { info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

/** A blob store whose writes fail, as a full disk or an unreachable Redis would make them. */
const failingWrites = (inner: BlobStore): BlobStore =>
	new Proxy(inner, {
		get(target, key, receiver) {
			if (key === 'put') return () => Promise.reject(new Error('disk full'));
			const value: unknown = Reflect.get(target, key, receiver);
			return typeof value === 'function' ? value.bind(target) : value;
		}
	});

let server: TestServer | null = null;
afterEach(async () => {
	await server?.close();
	server = null;
});

describe('failure logs', () => {
	it('an HTTP request that fails is answered 503 and logged once, with its room and request, never the session token', async () => {
		const { log, lines } = capturingLogger();
		server = await startTestServer({ log, wrapBlobs: failingWrites });
		const socket = await server.client('Curator');
		await createRoom(socket, 'r1');
		const token = await server.access.grantDirectly('r1', 'facilitator', 'Curator');
		const answer = await curateHttp(server.url, 'r1', token).upload(new TextEncoder().encode('%PDF-1.4\n%%EOF\n'));
		expect(answer.status).toBe(503);
		const errors = lines.filter((l) => l.level === 'error');
		expect(errors).toHaveLength(1);
		expect(errors[0]!.fields).toMatchObject({ roomId: 'r1', request: 'POST /api/rooms/r1/uploads' });
		expect(errors[0]!.fields.err).toMatch(/disk full/);
		expect(JSON.stringify(lines)).not.toContain(token);
	});

	it('a socket handler that fails answers internal and logs the room and commandId, not the command', async () => {
		const { log, lines } = capturingLogger();
		server = await startTestServer({ log });
		const socket = await server.client('Writer');
		await createRoom(socket, 'r2');
		await join(socket, 'r2');
		const engine = server.app.engine;
		const execute = engine.execute;
		engine.execute = () => Promise.reject(new Error('engine broke'));
		try {
			const result = await send(socket, 'r2', quote('A customer wrote this', 1), 'cmd-failure-1');
			expect(result).toMatchObject({ ok: false, code: 'internal' });
		} finally {
			engine.execute = execute;
		}
		const errors = lines.filter((l) => l.level === 'error');
		expect(errors).toHaveLength(1);
		expect(errors[0]!.fields).toMatchObject({ event: 'command', roomId: 'r2', commandId: 'cmd-failure-1' });
		expect(JSON.stringify(lines)).not.toContain('A customer wrote this');
	});
});
