/**
 * One room, live, for a page on screen: its socket and room store (handed to the components below by
 * context), whether a new build is out, and the person's display name. Made during a component's
 * initialisation; `start()` belongs in its onMount.
 */
import { RoomStore, setRoomStore } from './room-store.svelte';
import { clientId, connectSocket, displayName, rememberDisplayName, type RoomSocket } from './socket';

export class LiveRoom {
	name = $state(displayName());
	newBuild = $state(false);
	readonly socket: RoomSocket;
	readonly store: RoomStore;

	constructor(roomId: string) {
		this.socket = connectSocket(displayName());
		this.store = new RoomStore(roomId, this.socket, { onNewBuild: () => (this.newBuild = true) });
		setRoomStore(this.store);
	}

	/** Starts listening and joining; the returned function stops and disconnects. */
	start(): () => void {
		const stop = this.store.start();
		return () => {
			stop();
			this.socket.disconnect();
		};
	}

	/** Remembers the name and reconnects, so the server records it on this person's changes. */
	saveName(next: string): void {
		rememberDisplayName(next);
		this.name = next;
		this.socket.auth = { name: next, clientId: clientId() };
		this.socket.disconnect().connect();
	}
}
