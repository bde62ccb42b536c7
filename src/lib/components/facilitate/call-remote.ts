/**
 * Tells the room where a call is: `call.play` from a position, `call.pause` at one, `call.stop`. Media
 * elements fire bursts of events (playing, seeked, playing again); a command that would not change what
 * the walls show is not sent.
 */
import type { RoomStore } from '$lib/client/room-store.svelte';

/** How far a fresh "play" may differ from where the walls already are before it is worth sending. */
const PLAY_TOLERANCE_SEC = 0.75;

export class CallRemote {
	#store: RoomStore;
	#artifactId: string;
	#onError: (message: string) => void;
	#last: { kind: 'play' | 'pause'; positionSec: number; at: number } | null = null;

	constructor(store: RoomStore, artifactId: string, onError: (message: string) => void) {
		this.#store = store;
		this.#artifactId = artifactId;
		this.#onError = onError;
	}

	/** `durationSec`: the recording's length when known, so walls pace the transcript by it. */
	play(positionSec: number, durationSec: number | null = null): void {
		const last = this.#last;
		const now = performance.now();
		if (last?.kind === 'play' && Math.abs(last.positionSec + (now - last.at) / 1000 - positionSec) < PLAY_TOLERANCE_SEC) return;
		this.#last = { kind: 'play', positionSec, at: now };
		const duration = durationSec !== null && Number.isFinite(durationSec) && durationSec > 0 ? round(durationSec) : null;
		void this.#send({ type: 'call.play', artifactId: this.#artifactId, positionSec: round(positionSec), durationSec: duration });
	}

	pause(positionSec: number): void {
		const last = this.#last;
		if (last?.kind === 'pause' && Math.abs(last.positionSec - positionSec) < 0.25) return;
		this.#last = { kind: 'pause', positionSec, at: performance.now() };
		void this.#send({ type: 'call.pause', positionSec: round(positionSec) });
	}

	stop(): void {
		this.#last = null;
		if (this.#store.state?.nowPlaying) void this.#send({ type: 'call.stop' });
	}

	async #send(command: Parameters<RoomStore['send']>[0]): Promise<void> {
		const result = await this.#store.send(command);
		// "No call is playing" after a stop the walls already had is not worth a message.
		if (!result.ok && result.code !== 'conflict') this.#onError(result.message);
	}
}

const round = (sec: number) => Math.max(0, Math.round(sec * 10) / 10);
