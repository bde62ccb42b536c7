/**
 * Sends on a fixed schedule, so a slow answer never delays (and hides) the next send: command `seq` is due at
 * `start + seq * interval`, and its latency is counted from that due time, not from when it went out
 * (no coordinated omission). A send that falls behind goes out at once, still timed from its due time.
 */
import { nowMs, sleep } from './clock';

export interface ScheduleRun {
	/** CLOCK_MONOTONIC ms each command was due. */
	due: Float64Array;
	/** When each command actually went out. */
	sentAt: Float64Array;
	/** When its acknowledgement arrived (NaN: none). */
	ackAt: Float64Array;
	/** Whether it was acknowledged as applied. */
	ok: boolean[];
}

export async function runSchedule(
	total: number,
	intervalMs: number,
	send: (seq: number) => Promise<boolean>
): Promise<ScheduleRun> {
	const start = nowMs() + 20;
	const due = Float64Array.from({ length: total }, (_, i) => start + i * intervalMs);
	const sentAt = new Float64Array(total).fill(Number.NaN);
	const ackAt = new Float64Array(total).fill(Number.NaN);
	const ok: boolean[] = new Array<boolean>(total).fill(false);
	const pending: Array<Promise<void>> = [];
	for (let seq = 0; seq < total;) {
		const wait = due[seq]! - nowMs();
		// Timers wake up to a millisecond late: sleep short of the due time, then spin to it.
		if (wait > 3) await sleep(wait - 2);
		while (nowMs() < due[seq]!) {
			// spin
		}
		for (; seq < total && due[seq]! <= nowMs(); seq++) {
			const s = seq;
			sentAt[s] = nowMs();
			pending.push(
				send(s).then(
					(applied) => {
						ackAt[s] = nowMs();
						ok[s] = applied;
					},
					() => undefined
				)
			);
		}
	}
	await Promise.all(pending);
	return { due, sentAt, ackAt, ok };
}
