/**
 * A paired TV's side of screen management (issue 21): it reports its health to the server after joining
 * and every half minute (the app build it runs, its size, its last render time), and it obeys a
 * facilitator's actions: identify (its name large for a few seconds) and reload.
 */
import { HEALTH_EVERY_MS } from '$lib/protocol/health-timing';
import type { DisplayActionMessage } from '$lib/protocol/screens';
import { on, type RoomSocket } from '$lib/client/socket';
import { assertNever } from '$lib/domain/basics';

/** How long a screen shows its name when asked to identify itself. */
export const IDENTIFY_MS = 8_000;

export class ScreenLink {
	/** True while the screen shows its name large. */
	identifying = $state(false);
	/** The last render (ms): the first complete one after loading, then each live update's, to its paint. */
	renderMs: number | null = null;

	#socket: RoomSocket;
	#roomId: string;
	#build: string | null = null;
	#identifyTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(socket: RoomSocket, roomId: string) {
		this.#socket = socket;
		this.#roomId = roomId;
	}

	/** Starts reporting and listening; returns the function that stops both. */
	start(): () => void {
		const stops = [
			// The build of the page this TV loaded is the first one it hears of (a newer one reloads it).
			on(this.#socket, 'server:hello', (m) => void (this.#build ??= m.build)),
			on(this.#socket, 'display:action', (m) => this.#act(m))
		];
		const timer = setInterval(() => this.report(), HEALTH_EVERY_MS);
		return () => {
			clearInterval(timer);
			clearTimeout(this.#identifyTimer);
			for (const stop of stops) stop();
		};
	}

	/** Sends the health report now (after a join, and on the timer). */
	report(): void {
		if (!this.#socket.connected) return;
		const ratio = window.devicePixelRatio || 1;
		this.#socket.emit('display:health', {
			roomId: this.#roomId,
			build: (this.#build ?? 'unknown').slice(0, 64),
			width: Math.min(20_000, Math.round(window.innerWidth * ratio)),
			height: Math.min(20_000, Math.round(window.innerHeight * ratio)),
			renderMs: this.renderMs === null ? null : Math.min(600_000, Math.round(this.renderMs))
		});
	}

	/** Measures from `startedAt` (performance.now()) to the paint after the next frame. */
	measureFrom(startedAt: number, first = false): void {
		requestAnimationFrame(() =>
			setTimeout(() => {
				this.renderMs = performance.now() - startedAt;
				// The first complete render is worth reporting at once: it is what a facilitator checks after pairing.
				if (first) this.report();
			}, 0)
		);
	}

	#act(message: DisplayActionMessage): void {
		if (message.roomId !== this.#roomId) return;
		switch (message.action) {
			case 'identify':
				this.identifying = true;
				clearTimeout(this.#identifyTimer);
				this.#identifyTimer = setTimeout(() => (this.identifying = false), IDENTIFY_MS);
				return;
			case 'reload':
				location.reload();
				return;
			default:
				assertNever(message.action);
		}
	}
}
