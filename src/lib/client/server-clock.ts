/**
 * The server's clock, as a browser reads it. Every time the room stores (a call's `since`, a session's
 * start) is stamped by the server, so a screen that measures "how long since" with its own clock is off
 * by however far that clock is from the server's (a TV set five minutes fast showed a call five minutes
 * ahead). `server:hello` carries the server's time; the difference is this screen's skew.
 */

/**
 * How far the server's clock is ahead of this one (ms; negative when behind), from a `server:hello`
 * stamped `serverTime` that arrived at `receivedAt` on this clock, having been asked for at `sentAt`
 * (the connection's start) when known: the message is taken to have been stamped halfway through.
 */
export function clockSkew(serverTime: number, receivedAt: number, sentAt: number = receivedAt): number {
	const midway = sentAt + (receivedAt - sentAt) / 2;
	return Math.round(serverTime - midway);
}

/** The server's time now, by this screen's clock and its skew. */
export function serverNow(localNow: number, skewMs: number): number {
	return localNow + skewMs;
}
