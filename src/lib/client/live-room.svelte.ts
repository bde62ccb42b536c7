/**
 * One room, live, for a page on screen: its socket and room store (handed to the components below by
 * context), whether a new build is out, and the person's display name. Made during a component's
 * initialisation; `start()` belongs in its onMount.
 */
import { renameMe } from './access';
import { RoomStore, setRoomStore } from './room-store.svelte';
import { clientId, connectSocket, displayName, rememberDisplayName, type RoomSocket } from './socket';

export class LiveRoom {
	name = $state(displayName());
	newBuild = $state(false);
	readonly socket: RoomSocket;
	readonly store: RoomStore;

	constructor(roomId: string) {
		this.socket = connectSocket();
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

	/**
	 * Asks the server to rename this person, then reconnects so the new connection carries the name the
	 * server now records on their changes. Answers the failure in words, or null when it worked.
	 */
	async saveName(next: string): Promise<string | null> {
		const result = await renameMe(next);
		if (!result.ok) return result.message;
		rememberDisplayName(result.name);
		this.name = result.name;
		this.socket.auth = { clientId: clientId() };
		this.socket.disconnect().connect();
		return null;
	}
}
