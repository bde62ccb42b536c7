const noop = (): void => {};

/** Runs async jobs one after another (file operations on one room must not interleave). */
export class SerialQueue {
	private tail: Promise<void> = Promise.resolve();

	/** Runs `job` once every earlier job has settled; a failed job does not stop the ones after it. */
	run<T>(job: () => Promise<T>): Promise<T> {
		const result = this.tail.then(job);
		this.tail = result.then(noop, noop);
		return result;
	}
}
