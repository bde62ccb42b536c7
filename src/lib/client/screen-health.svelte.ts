/**
 * The Screens list's live health: asked of the server every few seconds while the page is open (health
 * lives in the display status store, not the room's events; see server/displays/display-status.ts).
 */
import type { RoomStore } from './room-store.svelte';
import type { DisplayAction, DisplayActResult, ScreenHealth } from '$lib/protocol/screens';

/** How often the list asks again. */
export const HEALTH_POLL_MS = 5_000;
const ACK_TIMEOUT_MS = 8_000;

export class ScreenHealthPoller {
	/** Health per display id (absent: never heard from). */
	screens = $state.raw<Record<string, ScreenHealth>>({});
	/** The server's clock at the last answer, and this browser's at the same moment: ages count on from them. */
	serverTime = $state(0);
	receivedAt = $state(0);
	error = $state<string | null>(null);
	/** Whether an answer has come at all. */
	loaded = $state(false);

	#store: RoomStore;

	constructor(store: RoomStore) {
		this.#store = store;
	}

	/** The server's time now, by the last answer. */
	serverNow(localNow: number): number {
		return this.serverTime ? this.serverTime + (localNow - this.receivedAt) : localNow;
	}

	/** Asks now and every HEALTH_POLL_MS; returns the function that stops. */
	start(): () => void {
		this.refresh();
		const timer = setInterval(() => this.refresh(), HEALTH_POLL_MS);
		return () => clearInterval(timer);
	}

	refresh(): void {
		const socket = this.#store.socket;
		if (!socket.connected || this.#store.connection !== 'live') return;
		socket.timeout(ACK_TIMEOUT_MS).emit('screens:status', { roomId: this.#store.roomId }, (err, result) => {
			if (err) return void (this.error = 'The screens’ health could not be read just now. It is tried again in a few seconds.');
			if (!result.ok) return void (this.error = result.message);
			this.error = null;
			this.screens = result.screens;
			this.serverTime = result.serverTime;
			this.receivedAt = Date.now();
			this.loaded = true;
		});
	}

	/** Asks one screen to identify itself or reload. */
	act(displayId: string, action: DisplayAction): Promise<DisplayActResult> {
		return new Promise((resolve) => {
			this.#store.socket
				.timeout(ACK_TIMEOUT_MS)
				.emit('display:act', { roomId: this.#store.roomId, displayId, action }, (err, result) =>
					resolve(err ? { ok: false, code: 'unavailable', message: 'The server did not answer. Try again.' } : result)
				);
		});
	}
}
