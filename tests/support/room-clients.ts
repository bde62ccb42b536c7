/**
 * Node clients that run the browser's own RoomStore (src/lib/client/room-store.svelte.ts) over real
 * socket.io connections, so multi-instance tests exercise exactly what walls and laptops run.
 */
import { io } from 'socket.io-client';
import { RoomStore, type RoomStoreOptions } from '../../src/lib/client/room-store.svelte';
import type { RoomSocket } from '../../src/lib/client/socket';
import { stateHash } from './test-server';

export interface RoomClient {
	name: string;
	store: RoomStore;
	socket: RoomSocket;
	close(): void;
}

let clients = 0;

/** A RoomStore joined to `roomId` on the server at `url` (reconnecting by itself, like a browser). */
export function roomClient(
	url: string,
	roomId: string,
	token: string,
	name = `client-${++clients}`,
	kind: 'screen' | 'person' = 'person',
	options: RoomStoreOptions = {}
): RoomClient {
	const socket: RoomSocket = io(url, {
		transports: ['websocket'],
		forceNew: true,
		auth: { name, kind, token, clientId: `test-${process.pid}-${++clients}-client` },
		reconnectionDelay: 100,
		reconnectionDelayMax: 500
	});
	const store = new RoomStore(roomId, socket, options);
	const stop = store.start();
	return {
		name,
		store,
		socket,
		close() {
			stop();
			socket.disconnect();
		}
	};
}

/** Polls until `condition` holds, or fails with `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 25));
	}
}

/** Waits until every client holds the same version (at least `atLeast`) and the same state hash. */
export async function waitForConvergence(list: RoomClient[], atLeast: number, timeoutMs = 20_000): Promise<string> {
	await waitUntil(
		() =>
			list.every((c) => c.store.state !== null && c.store.state.version >= atLeast && c.store.outbox.length === 0) &&
			new Set(list.map((c) => c.store.state!.version)).size === 1,
		`${list.length} clients to reach version ${atLeast}: ${list.map((c) => `${c.name}@${c.store.state?.version}/${c.store.connection}/out${c.store.outbox.length}`).join(', ')}`,
		timeoutMs
	);
	const hashes = new Set(list.map((c) => stateHash(c.store.state!)));
	if (hashes.size !== 1) throw new Error('clients agree on the version but not on the state');
	return [...hashes][0]!;
}
