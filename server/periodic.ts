/**
 * A background job run every so often: the blob collector, the raw-file sweep, the session sweep and the
 * single sign-on refresh. Never two runs at once (a run still going when the next is due skips that turn),
 * never keeps the process alive, and a run that fails is logged and tried again at the next turn.
 */
export interface PeriodicJob {
	/** Starts the schedule: a first run after `firstAfterMs` (when given), then one every `everyMs`. */
	start(): void;
	/** Stops the schedule and waits for a run in progress to finish. */
	stop(): Promise<void>;
}

export interface PeriodicOptions {
	everyMs: number;
	/** A first run this long after start (e.g. once the server is serving), besides the regular ones. */
	firstAfterMs?: number;
	/** Told of a run that failed; the next turn tries again. */
	onError: (error: unknown) => void;
}

export function periodic(run: () => Promise<unknown>, options: PeriodicOptions): PeriodicJob {
	let first: NodeJS.Timeout | null = null;
	let timer: NodeJS.Timeout | null = null;
	let running: Promise<void> | null = null;

	function turn(): void {
		if (running) return;
		running = run()
			.then(() => undefined, options.onError)
			.finally(() => (running = null));
	}

	return {
		start(): void {
			if (timer) return;
			if (options.firstAfterMs !== undefined) {
				first = setTimeout(turn, options.firstAfterMs);
				first.unref();
			}
			timer = setInterval(turn, options.everyMs);
			timer.unref();
		},
		async stop(): Promise<void> {
			if (first) clearTimeout(first);
			if (timer) clearInterval(timer);
			first = timer = null;
			await running;
		}
	};
}
