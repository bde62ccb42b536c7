import { afterEach, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { createRoom, join, quote, send, startTestServer, stateHash, type TestServer } from '../support/test-server';

let server: TestServer | undefined;
afterEach(async () => {
	await server?.close();
});

describe('catch-up when the log has been compacted', () => {
	it('answers with events while the log still has them, and with a snapshot once it does not', async () => {
		// Snapshot every 20 events and keep only 10 behind it, so old versions leave the log quickly.
		server = await startTestServer({ snapshotEvery: 20, snapshotRetainEvents: 10 });
		const alice = await server.client('Alice');
		await createRoom(alice, 'compact');
		const early = await join(alice, 'compact');
		if (!early.ok || early.mode !== 'snapshot') throw new Error('expected a snapshot');

		for (let i = 0; i < 120; i++) expect(await send(alice, 'compact', quote(`q${i}`, i))).toMatchObject({ ok: true });
		const current = (await server.app.engine.state('compact'))!;

		// Far behind: the events are gone from the log, so the whole state comes back.
		const far = await join(alice, 'compact', { version: early.state.version, epoch: early.epoch });
		expect(far).toMatchObject({ ok: true, mode: 'snapshot' });
		if (far.ok && far.mode === 'snapshot') expect(stateHash(far.state)).toBe(stateHash(current));

		// Slightly behind: the last few events are still in the log.
		const recentBase = current.version - 3;
		const near = await join(alice, 'compact', { version: recentBase, epoch: early.epoch });
		if (!near.ok || near.mode !== 'events') throw new Error('expected events for a client 3 versions behind');
		expect(near.events.map((e) => e.v)).toEqual([recentBase + 1, recentBase + 2, recentBase + 3]);

		// A server restarted on the compacted data dir still serves the same state.
		const dataDir = server.dataDir;
		server.app.httpServer.close();
		await server.app.close();
		server = await startTestServer({ dataDir, snapshotEvery: 20, snapshotRetainEvents: 10 });
		const bob = await server.client('Bob');
		const again = await join(bob, 'compact');
		expect(again.ok && again.mode === 'snapshot' && stateHash(again.state)).toBe(stateHash(current));
		await server.close();
		server = undefined;
		await rm(dataDir, { recursive: true, force: true });
	});
});
