/**
 * Screens as a managed fleet (issue 21), against a real server with real sockets: a paired TV gets a
 * facilitator's change of its settings live, reports its health, which facilitators read (and see go
 * offline and come back, with the reconnect counted), obeys identify and reload, and a removed screen's
 * figures go with it. Health never enters the room's event log.
 */
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DisplayActionMessage, ScreensStatusResult } from '../../src/lib/protocol';
import { seedRoom } from '../support/seed-room';
import { join, nextEvents, send, startTestServer, type TestServer, type TestSocket } from '../support/test-server';

const ROOM = 'screens-main';
let server: TestServer;
let facilitator: TestSocket;
let tvToken: string;
let displayId: string;
const opened: TestSocket[] = [];

/** Connects as the paired TV does: its own token in the handshake, announced as a screen. */
async function connectTv(): Promise<TestSocket> {
	const socket: TestSocket = connect(server.url, {
		transports: ['websocket'],
		auth: { token: tvToken, kind: 'screen' },
		forceNew: true,
		reconnection: false
	});
	opened.push(socket);
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', reject);
	});
	const joined = await join(socket, ROOM);
	if (!joined.ok) throw new Error(joined.message);
	return socket;
}

const status = async (socket: TestSocket = facilitator) => {
	const result: ScreensStatusResult = await socket.timeout(5_000).emitWithAck('screens:status', { roomId: ROOM });
	if (!result.ok) throw new Error(result.message);
	return result.screens;
};

/** Waits until the facilitator's view of the screen satisfies `check` (health writes are not awaited by the TV). */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
	const deadline = Date.now() + 5_000;
	for (;;) {
		const value = await read();
		if (check(value)) return value;
		if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(value)}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

beforeAll(async () => {
	server = await startTestServer();
	facilitator = await server.client('Fay Facilitator', { [ROOM]: 'facilitator' });
	await seedRoom(facilitator, ROOM);
	// Pairing as /tv and /pair do it: the TV's token becomes the display's session, and the display joins the room.
	const pairing = await server.access.startPairing();
	tvToken = pairing.token;
	const claimed = await server.access.claimPairing(pairing.code, ROOM, 'Lobby TV');
	if (!claimed.ok) throw new Error(claimed.message);
	displayId = claimed.displayId;
	const registered = await send(facilitator, ROOM, {
		type: 'display.register',
		displayId,
		name: 'Lobby TV',
		location: 'Ground floor',
		mode: 'room',
		rotation: { stageIds: [], intervalSec: 30 }
	});
	if (!registered.ok) throw new Error(registered.message);
});

afterAll(async () => {
	for (const s of opened) s.disconnect();
	await server?.close();
});

describe('a screen’s settings reach the TV live', () => {
	it('a facilitator’s change of playlist, columns and hours arrives on the TV’s socket as the room’s event', async () => {
		const tv = await connectTv();
		const arrived = nextEvents(tv, (m) => m.events.some((e) => e.event.type === 'display.updated'));
		const patch = {
			columns: 3,
			playlist: [
				{ kind: 'journey' as const, seconds: 30 },
				{ kind: 'wins' as const, seconds: 15 }
			],
			hours: { days: [1, 2, 3, 4, 5], from: '07:30', to: '19:00' }
		};
		expect(await send(facilitator, ROOM, { type: 'display.update', displayId, patch })).toMatchObject({ ok: true });
		const message = await arrived;
		expect(message.events.map((e) => e.event)).toContainEqual({ type: 'display.updated', displayId, patch });
		tv.disconnect();
	});
});

describe('health', () => {
	it('a TV’s report shows to facilitators; it goes offline when it leaves and counts a reconnect when it comes back', async () => {
		const versionBefore = (await server.app.engine.state(ROOM))!.version;
		const tv = await connectTv();
		tv.emit('display:health', { roomId: ROOM, build: 'build-42', width: 3840, height: 2160, renderMs: 412 });
		const online = await until(status, (s) => s[displayId]?.build === 'build-42', 'the report never showed');
		expect(online[displayId]).toMatchObject({ online: true, width: 3840, height: 2160, renderMs: 412 });
		const reconnectsBefore = online[displayId]!.reconnectsLastDay;

		tv.disconnect();
		await until(status, (s) => s[displayId]?.online === false, 'still online after the TV left');

		const back = await connectTv();
		const again = await until(status, (s) => s[displayId]?.online === true, 'not online after coming back');
		expect(again[displayId]!.reconnectsLastDay).toBe(reconnectsBefore + 1);
		back.disconnect();

		// Health is no fact of the room: the event log did not grow.
		expect((await server.app.engine.state(ROOM))!.version).toBe(versionBefore);
	});

	it('a report that does not parse, or from anything but the screen, changes nothing', async () => {
		const tv = await connectTv();
		tv.emit('display:health', { roomId: ROOM, build: 'build-ok', width: 1920, height: 1080, renderMs: 100 });
		await until(status, (s) => s[displayId]?.build === 'build-ok', 'the good report never showed');
		tv.emit('display:health', { roomId: ROOM, build: 'x'.repeat(500), width: -1, height: 1080, renderMs: 1 });
		// A person's socket (the facilitator) is no screen: its report is dropped.
		facilitator.emit('display:health', { roomId: ROOM, build: 'forged', width: 1, height: 1, renderMs: 1 });
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect((await status())[displayId]).toMatchObject({ build: 'build-ok', width: 1920 });
		tv.disconnect();
	});
});

describe('a flood of reports', () => {
	it('a connection’s reports beyond six in half a minute are dropped', async () => {
		const tv = await connectTv();
		for (let n = 1; n <= 10; n++)
			tv.emit('display:health', { roomId: ROOM, build: `flood-${n}`, width: 1920, height: 1080, renderMs: n });
		await until(status, (s) => s[displayId]?.build === 'flood-6', 'the sixth report never showed');
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect((await status())[displayId]!.build).toBe('flood-6');
		tv.disconnect();
	});
});

describe('actions', () => {
	it('identify and reload reach the TV, and only it', async () => {
		const tv = await connectTv();
		const other = await server.client('A contributor', { [ROOM]: 'contributor' });
		await join(other, ROOM);
		const heardByOther: DisplayActionMessage[] = [];
		other.on('display:action', (m) => heardByOther.push(m));
		const actions: DisplayActionMessage[] = [];
		tv.on('display:action', (m) => actions.push(m));
		for (const action of ['identify', 'reload'] as const) {
			expect(await facilitator.timeout(5_000).emitWithAck('display:act', { roomId: ROOM, displayId, action })).toEqual({
				ok: true,
				delivered: 1
			});
		}
		await until(
			async () => actions.length,
			(n) => n === 2,
			'the TV was not told'
		);
		expect(actions).toEqual([
			{ roomId: ROOM, action: 'identify' },
			{ roomId: ROOM, action: 'reload' }
		]);
		expect(heardByOther).toEqual([]);
		// The contributor may not do it.
		expect(await other.timeout(5_000).emitWithAck('display:act', { roomId: ROOM, displayId, action: 'reload' })).toMatchObject({
			ok: false,
			code: 'forbidden'
		});
		tv.disconnect();
	});

	it('an offline screen is said to be unreachable; an unknown one is not found', async () => {
		expect(await facilitator.timeout(5_000).emitWithAck('display:act', { roomId: ROOM, displayId, action: 'identify' })).toEqual({
			ok: true,
			delivered: 0
		});
		expect(
			await facilitator.timeout(5_000).emitWithAck('display:act', { roomId: ROOM, displayId: 'd-nope', action: 'identify' })
		).toMatchObject({ ok: false, code: 'not_found' });
	});

	it('removing the screen ends its session and forgets its figures', async () => {
		const tv = await connectTv();
		tv.emit('display:health', { roomId: ROOM, build: 'build-end', width: 1920, height: 1080, renderMs: 90 });
		await until(status, (s) => s[displayId]?.build === 'build-end', 'no report');
		const revoked = new Promise((resolve) => tv.once('access:revoked', resolve));
		expect(await send(facilitator, ROOM, { type: 'display.remove', displayId })).toMatchObject({ ok: true });
		await revoked;
		await until(status, (s) => !(displayId in s), 'the removed screen’s figures stayed');
		// Its connection closing after the removal does not bring them back.
		await new Promise((resolve) => setTimeout(resolve, 400));
		expect(tv.connected).toBe(false);
		expect(displayId in (await status())).toBe(false);
	});
});
