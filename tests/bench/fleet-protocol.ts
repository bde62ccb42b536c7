/**
 * What the runner and its wall workers (wall-worker.ts, one child process each) say to each other over IPC.
 * Every request carries an id; the worker answers with the same id.
 */
import type { RoomEventsMessage } from '../../src/lib/protocol';

/** Where walls connect: our server (real protocol: session token, room:join, versions) or the raw baseline. */
export type Target = { kind: 'ours'; urls: string[]; roomId: string; tokens: string[] } | { kind: 'raw'; urls: string[] };

/**
 * What a wall does with events: `fold` applies them to its state with the domain's `evolve` (what a wall
 * page does); `check` decodes them and checks versions (in order, no gaps) but keeps no state; `track`
 * checks versions from the message text without decoding it.
 */
export type ApplyMode = 'fold' | 'check' | 'track';

export type WorkerRequest =
	| {
			id: number;
			type: 'connect';
			target: Target;
			/** Global indexes of this worker's walls (they pick the url and token by index). */
			indexes: number[];
			apply: ApplyMode;
			/** Connections opened at once (a join storm passes the whole count). */
			concurrency: number;
			/** CLOCK_MONOTONIC ms at which to start connecting (all workers start together). */
			startAt: number;
	  }
	/** Record commands `<prefix><letter><seq>`, seq < expected (the letter keeps ours and raw ids one length). */
	| { id: number; type: 'arm'; prefix: string; expected: number }
	| { id: number; type: 'progress' }
	| { id: number; type: 'collect' }
	| { id: number; type: 'disconnect' };

export interface ConnectReport {
	/** Walls that have the room's state (joined; for raw walls: connected). */
	ready: number;
	failed: number;
	/** Per wall, ms from `startAt` until it had the current state (NaN if it never did). */
	readyAfter: Float64Array;
	/** Bytes of the first wall's join answer as JSON (ours only). */
	joinBytes: number;
	errors: string[];
}

export interface Progress {
	/** Deliveries recorded since `arm`. */
	received: number;
	ready: number;
	minVersion: number;
	maxVersion: number;
	gaps: number;
	reconnects: number;
}

export interface Collected {
	/** Per wall and sequence number: CLOCK_MONOTONIC ms when the wall had applied it (NaN: never). */
	times: Float64Array;
	/** Per wall: 0 connected to our server, 1 to the raw baseline. */
	kinds: Uint8Array;
	walls: number;
	/** One message as a wall received it: the raw baseline broadcasts the same shape and size. */
	sample: RoomEventsMessage | null;
	/** CPU time of the worker since `arm`, microseconds. */
	cpuUs: number;
	gaps: number;
	reconnects: number;
}

export type WorkerReply =
	| { id: number; type: 'connected'; report: ConnectReport }
	| { id: number; type: 'progress'; progress: Progress }
	| { id: number; type: 'collected'; collected: Collected }
	| { id: number; type: 'done' }
	| { id: number; type: 'error'; message: string };
