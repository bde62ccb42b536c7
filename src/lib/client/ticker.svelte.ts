/** A clock that ticks for countdowns on screen; `start()` returns its stop, for an `$effect` to tie to a component. */
export class Ticker {
	now = $state(Date.now());
	readonly #everyMs: number;

	constructor(everyMs = 500) {
		this.#everyMs = everyMs;
	}

	start(): () => void {
		const timer = setInterval(() => (this.now = Date.now()), this.#everyMs);
		return () => clearInterval(timer);
	}
}
