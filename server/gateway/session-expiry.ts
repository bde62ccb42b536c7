/**
 * Long-lived connections end with their session. A socket remembers when its session ends by itself;
 * a sweep closes those past it and, every few minutes, asks the access store whether each session is
 * still live (which also counts an open connection as use, so a wall left on is never idle). Revoked
 * sessions are closed at once by the revoke message (sessionChannel); this sweep is the backstop.
 */
import type { Logger } from '../log';
import type { AccessService } from '../access/access-service';
import type { AppServer, AppSocket } from './channels';

/** How often one session's liveness is checked in the access store while its sockets stay connected. */
const RECHECK_MS = 10 * 60_000;

export const SESSION_ENDED_REASON = 'Your session has ended. Open your invite link again (a TV: pair it again at /tv).';

/** Starts the sweep; returns the function that stops it. */
export function watchSessionLifetimes(io: AppServer, access: AccessService, log: Logger, everyMs = 60_000): () => void {
	let running = false;
	const timer = setInterval(() => {
		if (running) return;
		running = true;
		sweep()
			.catch((error: unknown) => log.warn({ err: String(error) }, 'session sweep failed'))
			.finally(() => (running = false));
	}, everyMs);
	timer.unref();

	async function sweep(): Promise<void> {
		const now = access.now();
		const due = new Map<string, AppSocket[]>();
		for (const socket of io.of('/').sockets.values()) {
			const { sessionId, sessionEndsAt, sessionCheckedAt } = socket.data;
			if (!sessionId) continue;
			if (sessionEndsAt !== null && sessionEndsAt <= now) {
				end(socket);
			} else if (now - sessionCheckedAt >= RECHECK_MS) {
				due.set(sessionId, [...(due.get(sessionId) ?? []), socket]);
			}
		}
		for (const [sessionId, group] of due) {
			const endsAt = await access.touch(sessionId);
			for (const socket of group) {
				if (endsAt === null) end(socket);
				else Object.assign(socket.data, { sessionEndsAt: endsAt, sessionCheckedAt: now });
			}
		}
	}

	function end(socket: AppSocket): void {
		socket.emit('access:revoked', { reason: SESSION_ENDED_REASON });
		setTimeout(() => socket.disconnect(true), 200).unref();
	}

	return () => clearInterval(timer);
}
