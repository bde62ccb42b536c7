/**
 * One clock for every benchmark process: CLOCK_MONOTONIC through process.hrtime, in milliseconds. On Linux
 * it is the same clock in every process, so a send time taken in the runner and a receive time taken in a
 * wall worker can be subtracted.
 */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Polls `check` every `everyMs` until it returns true; false if `timeoutMs` passes first. */
export async function pollUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<boolean> {
	const deadline = nowMs() + timeoutMs;
	for (;;) {
		if (await check()) return true;
		if (nowMs() > deadline) return false;
		await sleep(everyMs);
	}
}
