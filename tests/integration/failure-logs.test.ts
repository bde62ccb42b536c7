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

	it('a CSV file with a quote that never closes is answered 422 at inspect, with every line at fault, and logged once as a warning', async () => {
		const { log, lines } = capturingLogger();
		server = await startTestServer({ log });
		const socket = await server.client('Curator', { 'r-csv': 'facilitator' });
		await createRoom(socket, 'r-csv');
		const token = await server.access.grantDirectly('r-csv', 'contributor', 'Curator');
		const http = curateHttp(server.url, 'r-csv', token);
		const rows = ['date,issue', ...Array.from({ length: 20 }, (_, i) => `2025-01-${String(i + 1).padStart(2, '0')},Late`)];
		rows[4] = '2025-01-04,"Late fee, the customer says';
		rows[11] = '2025-01-11,"Rude';
		const blobId = (await http.upload(new TextEncoder().encode(`${rows.join('\n')}\n`), 'import')).body.blobId as string;
		const answer = await http.inspect(blobId);
		expect(answer.status).toBe(422);
		expect(answer.body).toMatchObject({ error: 'unreadable_file', line: 5, lines: [5, 12] });
		expect(answer.body.message).toBe(
			'Lines 5 and 12 each open a quoted field that is never closed. Close the quote (or remove it) and upload the file again; nothing was imported.'
		);
		// Asking again gives the same answer: it is the file, not a moment to wait out.
		expect((await http.inspect(blobId)).status).toBe(422);
		const warnings = lines.filter((l) => l.level === 'warn' && l.message === 'import file cannot be read as CSV');
		expect(warnings).toHaveLength(2);
		expect(warnings[0]!.fields).toMatchObject({ roomId: 'r-csv', request: 'POST /imports/inspect', lines: [5, 12] });
		expect(lines.filter((l) => l.level === 'error')).toEqual([]);
		expect(JSON.stringify(lines)).not.toContain('Late fee');
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
