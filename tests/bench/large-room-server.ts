/**
 * Our server (embedded) holding the large generated room of tests/support/large-room.ts, shared by the join
 * cost, wall render and join storm benchmarks: built once per run, on first use.
 */
import { buildLargeRoom, LARGE_ROOM_ID } from '../support/large-room';
import { sessionToken } from '../support/server-process';
import { connectClient } from './clients';
import { startOurs, type Deployment } from './servers';

export { LARGE_ROOM_ID };

export interface LargeRoomServer {
	/** The server with the large room (started and built on the first call). */
	get(): Promise<Deployment>;
	stop(): Promise<void>;
}

export function largeRoomServer(): LargeRoomServer {
	let started: Promise<Deployment> | null = null;
	return {
		get() {
			started ??= (async () => {
				const deployment = await startOurs();
				const url = deployment.urls[0]!;
				try {
					await buildLargeRoom(
						async () => connectClient(url, await sessionToken(url, LARGE_ROOM_ID, 'facilitator', 'Bench curator')),
						{ create: true }
					);
				} catch (error) {
					await deployment.stop();
					throw error;
				}
				return deployment;
			})();
			return started;
		},
		async stop() {
			const pending = started;
			started = null;
			if (pending) await (await pending.catch(() => null))?.stop();
		}
	};
}
