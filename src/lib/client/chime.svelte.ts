/**
 * The sound at zero: a short two-note chime made with Web Audio (no sound file), played when the
 * session's countdown reaches zero on the room's big screen and the facilitator's device.
 *
 * Browsers only let a page start audio after a person has clicked or pressed a key on it (autoplay
 * rules). So sound is a choice made on each device, remembered there, and the audio is unlocked by that
 * click ("Enable sound"); on a later visit the page tries to start audio by itself, and asks for one
 * click again only when the browser refuses.
 */

const KEY = 'customer-room:sound-at-zero';

/** Off (not chosen on this device), locked (chosen, waiting for a click), or on. */
export type SoundState = 'off' | 'locked' | 'on';

/** The two notes of the chime: frequency in Hz and when each starts, in seconds. */
const NOTES = [
	{ hz: 880, at: 0 },
	{ hz: 660, at: 0.35 }
] as const;
const NOTE_SEC = 1.2;

export class Chime {
	wanted = $state(false);
	unlocked = $state(false);
	#context: AudioContext | null = null;

	get state(): SoundState {
		return !this.wanted ? 'off' : this.unlocked ? 'on' : 'locked';
	}

	/**
	 * Reads this device's choice (a link's `sound=on|off` overrides and is remembered), and when sound is
	 * chosen tries to start audio without a click, which the browser may allow or refuse.
	 */
	restore(fromLink: 'on' | 'off' | null = null): void {
		if (fromLink) remember(fromLink);
		this.wanted = (fromLink ?? recalled()) === 'on';
		if (this.wanted) void this.#resume();
	}

	/** Called from a click or key press: turns sound on for this device and unlocks the audio. */
	async enable(): Promise<void> {
		remember('on');
		this.wanted = true;
		await this.#resume();
	}

	/** Turns sound off on this device. */
	disable(): void {
		remember('off');
		this.wanted = false;
	}

	/** Plays the chime if sound is on and unlocked; returns whether it played. */
	play(): boolean {
		const ctx = this.#context;
		if (!this.wanted || !ctx || ctx.state !== 'running') return false;
		for (const note of NOTES) {
			const start = ctx.currentTime + note.at;
			const osc = ctx.createOscillator();
			const gain = ctx.createGain();
			osc.type = 'sine';
			osc.frequency.value = note.hz;
			gain.gain.setValueAtTime(0.0001, start);
			gain.gain.exponentialRampToValueAtTime(0.4, start + 0.02);
			gain.gain.exponentialRampToValueAtTime(0.0001, start + NOTE_SEC);
			osc.connect(gain).connect(ctx.destination);
			osc.start(start);
			osc.stop(start + NOTE_SEC);
		}
		return true;
	}

	/** Closes the audio, when the page that made it goes away. */
	close(): void {
		void this.#context?.close();
		this.#context = null;
		this.unlocked = false;
	}

	async #resume(): Promise<void> {
		if (typeof AudioContext === 'undefined') return;
		if (!this.#context) {
			const ctx = new AudioContext();
			ctx.addEventListener('statechange', () => (this.unlocked = ctx.state === 'running'));
			this.#context = ctx;
		}
		const ctx = this.#context;
		this.unlocked = ctx.state === 'running';
		// Without a click, under the browser's autoplay rules, this stays pending and the state "suspended".
		await ctx.resume().catch(() => undefined);
		this.unlocked = ctx.state === 'running';
	}
}

function recalled(): 'on' | 'off' {
	try {
		return localStorage.getItem(KEY) === 'on' ? 'on' : 'off';
	} catch {
		return 'off';
	}
}

function remember(choice: 'on' | 'off'): void {
	try {
		localStorage.setItem(KEY, choice);
	} catch {
		// A browser without storage (private mode on some TVs) keeps the choice for this visit only.
	}
}

/**
 * Rings a chime once when the countdown crosses zero while the screen is open: a timer already past zero
 * when the page opened, or restarted, does not ring.
 */
export class ZeroBell {
	#armedFor: string | null = null;
	readonly #chime: Chime;

	constructor(chime: Chime) {
		this.#chime = chime;
	}

	/** Looks at the countdown at `nowMs` (the server's time); rings when it has just reached zero. */
	check(timer: { endsAt: string } | null, nowMs: number): void {
		if (!timer) {
			this.#armedFor = null;
			return;
		}
		const ended = Date.parse(timer.endsAt) <= nowMs;
		if (!ended) this.#armedFor = timer.endsAt;
		else if (this.#armedFor === timer.endsAt) {
			this.#armedFor = null;
			this.#chime.play();
		}
	}
}
