/**
 * Roles changed where no open socket can be told (the operator's `npm run admin -- grant`, writing to the
 * access store from another process) still reach a person's open page: the session sweep notices that the
 * account's roles differ from the socket's, tells a page of a room they lost, and closes the connection so
 * the page comes back with the roles they have now.
 */
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClockedServer, type ClockedServer } from '../support/clocked-server';
import { createRoom, join, type TestSocket } from '../support/test-server';

let server: ClockedServer;
beforeAll(async () => {
	server = await startClockedServer();
});
afterAll(async () => server?.close());

async function socketOf(token: string): Promise<TestSocket> {
	const socket: TestSocket = connect(server.url, {
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		auth: { token }
	});
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', reject);
	});
	return socket;
}

describe('the session sweep and changed roles', () => {
	it('a role granted from outside reconnects the page with it; a room taken away is told', async () => {
		const made = await server.access.accounts.create({ name: 'Gus Granted', login: 'gus', passwordHash: null });
		if (!made.ok) throw new Error(made.message);
		const { token } = await server.access.startAccountSession(made.account, null, 'test');
		const creator = await socketOf(await server.access.grantDirectly('sweep-room', 'facilitator', 'Creator'));
		await createRoom(creator, 'sweep-room');
		creator.disconnect();
		await server.access.accounts.grant(made.account.id, 'sweep-room', 'viewer', 'granted');

		const page = await socketOf(token);
		const joined = await join(page, 'sweep-room');
		expect(joined.ok && joined.role).toBe('viewer');

		// As the operator's command does: straight into the store, no message to any socket.
		await server.access.accounts.grant(made.account.id, 'sweep-room', 'contributor', 'granted', { replace: true });
		const closed = new Promise<string>((resolve) => page.once('disconnect', resolve));
		server.clock.now += 61_000;
		expect(await closed).toBe('io server disconnect');
		page.connect();
		await new Promise<void>((resolve) => page.once('connect', () => resolve()));
		const again = await join(page, 'sweep-room');
		expect(again.ok && again.role).toBe('contributor');

		await server.access.accounts.removeMembership(made.account.id, 'sweep-room');
		const told = new Promise<{ reason: string; roomId?: string }>((resolve) => page.once('access:revoked', resolve));
		server.clock.now += 61_000;
		expect(await told).toMatchObject({ roomId: 'sweep-room', reason: expect.stringMatching(/removed from this room/) });
		page.disconnect();
	});
});
