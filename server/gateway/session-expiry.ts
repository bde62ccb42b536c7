/**
 * Long-lived connections end with their session. A socket remembers when its session ends by itself;
 * a sweep closes those past it and, every few minutes, asks the access store whether each session is
 * still live (which also counts an open connection as use, so a wall left on is never idle), and whether
 * its roles are still those the socket was opened with. Revoked sessions and changed roles are handled at
 * once by the people API (sessionChannel); this sweep is the backstop, and catches what the operator's
 * command line changed.
 */
import type { Logger } from '../log';
import { periodic } from '../periodic';
import type { AccessService } from '../access/access-service';
import type { AppServer, AppSocket } from './channels';

/** How often a screen's session is checked in the access store while its sockets stay connected. */
const RECHECK_MS = 10 * 60_000;
/**
 * A person's, more often: their roles live in their account and may change outside this server's HTTP
 * handlers (`npm run admin -- grant`), which cannot reach these sockets.
 */
const PERSON_RECHECK_MS = 60_000;

export const SESSION_ENDED_REASON = 'Your session has ended. Open your invite link again (a TV: pair it again at /tv).';

const REMOVED_REASON = 'You were removed from this room. Ask its facilitator if this is a mistake.';

function sameRoles(a: Record<string, string>, b: Record<string, string>): boolean {
	const keys = Object.keys(a);
	return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** Starts the sweep; returns the function that stops it. */
export function watchSessionLifetimes(io: AppServer, access: AccessService, log: Logger, everyMs = 60_000): () => void {
	const job = periodic(sweep, { everyMs, onError: (error) => log.warn({ err: String(error) }, 'session sweep failed') });
	job.start();

	async function sweep(): Promise<void> {
		const now = access.now();
		const due = new Map<string, AppSocket[]>();
		for (const socket of io.of('/').sockets.values()) {
			const { sessionId, sessionEndsAt, sessionCheckedAt } = socket.data;
			if (!sessionId) continue;
			if (sessionEndsAt !== null && sessionEndsAt <= now) {
				end(socket);
			} else if (now - sessionCheckedAt >= (socket.data.kind === 'screen' ? RECHECK_MS : PERSON_RECHECK_MS)) {
				due.set(sessionId, [...(due.get(sessionId) ?? []), socket]);
			}
		}
		for (const [sessionId, group] of due) {
			const held = await access.touch(sessionId);
			for (const socket of group) {
				if (held === null) end(socket);
				else if (!sameRoles(socket.data.grants, held.roles)) reopen(socket, held.roles);
				else Object.assign(socket.data, { sessionEndsAt: held.endsAt, sessionCheckedAt: now });
			}
		}
	}

	/**
	 * The person's roles changed: a room they lost is told so; the connection closes and the page connects
	 * again with the roles they have now.
	 */
	function reopen(socket: AppSocket, roles: Record<string, string>): void {
		for (const roomId of Object.keys(socket.data.audiences)) {
			if (!Object.hasOwn(roles, roomId)) socket.emit('access:revoked', { reason: REMOVED_REASON, roomId });
		}
		setTimeout(() => socket.disconnect(true), 200).unref();
	}

	function end(socket: AppSocket): void {
		socket.emit('access:revoked', { reason: SESSION_ENDED_REASON });
		setTimeout(() => socket.disconnect(true), 200).unref();
	}

	return () => void job.stop();
}
