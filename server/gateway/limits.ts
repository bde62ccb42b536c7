/**
 * Limits on what one party may ask of the gateway. Commands are counted per connection, per session
 * (many connections of one person or script share one budget) and per client address (a budget for
 * everyone behind one address, set high enough for an office behind one NAT). Connections are counted
 * per address, with a tighter cap for connections that hold no session (they can join nothing, so
 * many of them are only a load).
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

export interface CommandLimiters {
	/** Per connection; a connection lives on one instance, so in memory. */
	connection: RateLimiterAbstract;
	/** Per session, across its connections (shared through Redis in Redis mode). */
	session?: RateLimiterAbstract;
	/** Per client address (shared through Redis in Redis mode). */
	address?: RateLimiterAbstract;
}

/** Whether a command may go ahead: every budget that applies must have room for it. */
export async function mayRunCommand(
	limits: CommandLimiters,
	who: { socketId: string; sessionId: string | null; address: string }
): Promise<boolean> {
	const take = (limiter: RateLimiterAbstract | undefined, key: string) =>
		limiter
			? limiter.consume(key).then(
					() => true,
					() => false
				)
			: Promise.resolve(true);
	const results = await Promise.all([
		take(limits.connection, who.socketId),
		who.sessionId ? take(limits.session, who.sessionId) : Promise.resolve(true),
		take(limits.address, who.address)
	]);
	return results.every(Boolean);
}

export interface ConnectionLimits {
	/** Most open connections from one address (default: no limit). */
	perAddress: number;
	/** Most open connections without a session from one address (default: no limit). */
	anonymousPerAddress: number;
}

/**
 * Counts this instance's open connections per address. In Redis mode each instance counts its own: a
 * connection lives on one instance, and a load balancer spreads one address's connections over them.
 */
export function connectionCounter(limits: ConnectionLimits) {
	const open = new Map<string, { all: number; anonymous: number }>();
	return {
		/** Whether one more connection from `address` may open. */
		admits(address: string, hasSession: boolean): boolean {
			const count = open.get(address) ?? { all: 0, anonymous: 0 };
			return count.all < limits.perAddress && (hasSession || count.anonymous < limits.anonymousPerAddress);
		},
		opened(address: string, hasSession: boolean): void {
			const count = open.get(address) ?? { all: 0, anonymous: 0 };
			open.set(address, { all: count.all + 1, anonymous: count.anonymous + (hasSession ? 0 : 1) });
		},
		closed(address: string, hasSession: boolean): void {
			const count = open.get(address);
			if (!count) return;
			const next = { all: count.all - 1, anonymous: count.anonymous - (hasSession ? 0 : 1) };
			if (next.all <= 0) open.delete(address);
			else open.set(address, next);
		}
	};
}
