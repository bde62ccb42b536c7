import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { periodic } from '../../server/periodic';

describe('periodic background jobs', () => {
	beforeEach(() => void vi.useFakeTimers());
	afterEach(() => void vi.useRealTimers());

	it('runs first after the delay, then every period', async () => {
		const run = vi.fn(async () => undefined);
		const job = periodic(run, { everyMs: 1_000, firstAfterMs: 100, onError: () => undefined });
		job.start();
		await vi.advanceTimersByTimeAsync(99);
		expect(run).not.toHaveBeenCalled();
		await vi.advanceTimersByTimeAsync(1);
		expect(run).toHaveBeenCalledTimes(1);
		await vi.advanceTimersByTimeAsync(2_000);
		expect(run).toHaveBeenCalledTimes(3);
		await job.stop();
		await vi.advanceTimersByTimeAsync(5_000);
		expect(run).toHaveBeenCalledTimes(3);
	});

	it('skips a turn while a run is still going, and stop waits for that run', async () => {
		let finish!: () => void;
		let finished = false;
		const run = vi.fn(
			() =>
				new Promise<void>((resolve) => {
					finish = () => {
						finished = true;
						resolve();
					};
				})
		);
		const job = periodic(run, { everyMs: 1_000, onError: () => undefined });
		job.start();
		await vi.advanceTimersByTimeAsync(3_500);
		expect(run).toHaveBeenCalledTimes(1);
		const stopped = job.stop();
		let done = false;
		void stopped.then(() => (done = true));
		await vi.advanceTimersByTimeAsync(0);
		expect(done).toBe(false);
		finish();
		await stopped;
		expect(finished).toBe(true);
	});

	it('reports a failed run and tries again at the next turn', async () => {
		const errors: unknown[] = [];
		const run = vi.fn().mockRejectedValueOnce(new Error('store away')).mockResolvedValue(undefined);
		const job = periodic(run, { everyMs: 1_000, onError: (e) => errors.push(e) });
		job.start();
		await vi.advanceTimersByTimeAsync(2_000);
		expect(run).toHaveBeenCalledTimes(2);
		expect(errors.map(String)).toEqual(['Error: store away']);
		await job.stop();
	});
});
