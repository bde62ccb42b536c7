/**
 * The delivery queue port: jobs due at a time, claimed under a lease. A claimed job is either done,
 * put back for later (a retry), or, if its instance died, claimed again once the lease runs out; so a
 * job is sent by one instance at a time and never dropped. Redis mode: redis-queue.ts; embedded:
 * file-queue.ts.
 */
import type { WebhookMessage } from './messages';

/** How long a done job's id is remembered, so it is not queued again. */
export const DONE_KEEP_MS = 3 * 24 * 3_600_000;

/** One message for one endpoint. */
export interface DeliveryJob {
	/** Unique per job; a message sent again by hand gets a new job id but keeps its message id. */
	id: string;
	roomId: string;
	endpointId: string;
	message: WebhookMessage;
	/** Attempts made so far. */
	attempt: number;
}

/** A claimed job; `token` proves the claim is still this caller's. */
export interface Lease {
	job: DeliveryJob;
	token: string;
}

export interface DeliveryQueue {
	/**
	 * Queues a job due at `dueAt` (ms); false (and nothing changes) if a job with that id is queued, or was
	 * done within DONE_KEEP_MS (so queueing one event twice, from the listener and the catch-up, sends it once).
	 */
	add(job: DeliveryJob, dueAt: number): Promise<boolean>;
	/** Claims the job due earliest (or one whose lease ran out) for `leaseMs`; null if none is due. */
	claim(now: number, leaseMs: number): Promise<Lease | null>;
	/** The job was delivered, or given up: it leaves the queue (if the lease is still ours). */
	done(lease: Lease): Promise<void>;
	/** Puts the job back, changed (its attempt count), due at `dueAt` (if the lease is still ours). */
	later(lease: Lease, job: DeliveryJob, dueAt: number): Promise<void>;
	/** How many jobs are queued or leased. */
	size(): Promise<number>;
}
