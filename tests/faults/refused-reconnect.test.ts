/**
 * Found by the Redis fault run: a page whose reconnection lands while the server cannot check its access
 * (its store is down, as in a Redis restart) is refused by the connection middleware, and socket.io does not
 * retry a refused connection by itself. The page must try again and catch up once the server can check.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { roomClient, waitUntil, type RoomClient } from '../support/room-clients';
import { startBalancer, type Balancer } from '../support/tcp-balancer';
import { join, quote, send, startTestServer, type TestServer } from '../support/test-server';
import { setUpRoom } from './harness';

const ROOM = 'faults-refused';
let server: TestServer | undefined;
let link: Balancer | undefined;
let wall: RoomClient | undefined;
afterEach(async () => {
	wall?.close();
	await link?.close();
	await server?.close();
});

describe('a reconnection the server refuses for now', () => {
	it('is tried again, and the page catches up once the server can check access', async () => {
		server = await startTestServer();
		const { access } = server;
		await setUpRoom(server.url, ROOM, await access.grantDirectly(ROOM, 'facilitator', 'Setup'));
		const port = server.port;
		link = await startBalancer(() => [port]);
		wall = roomClient(
			`http://127.0.0.1:${link.port}`,
			ROOM,
			await access.grantDirectly(ROOM, 'viewer', 'Lobby TV'),
			'Lobby TV',
			'screen'
		);
		await waitUntil(() => wall!.store.connection === 'live', 'the wall to join');
		const writer = await server.client('Writer', { [ROOM]: 'facilitator' });
		expect(await join(writer, ROOM)).toMatchObject({ ok: true });

		// The access store fails, as when Redis is down: every handshake is refused ("retrying").
		const session = access.session;
		let refused = 0;
		access.session = () => {
			refused++;
			return Promise.reject(new Error('store down'));
		};
		link.cut();
		await waitUntil(() => refused > 0 && wall!.store.connection === 'reconnecting', 'the wall to be refused');

		// The room changes meanwhile; then the store is back.
		const result = await send(writer, ROOM, quote('Changed while the wall was away', 1));
		if (!result.ok) throw new Error(result.message);
		access.session = session;

		await waitUntil(
			() => wall!.store.connection === 'live' && wall!.store.version === result.version,
			`the wall to reconnect and catch up to ${result.version} (at ${wall!.store.version}, ${wall!.store.connection})`
		);
	});
});
