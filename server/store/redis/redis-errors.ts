/**
 * Turns whatever ioredis rejects with into a {@link StoreUnavailableError} with a short, fixed-vocabulary
 * message: never the server's address, credentials or a key's content, only what kind of failure it was.
 * The original error stays available as `cause` for operators' logs.
 */
import { StoreUnavailableError } from '../port';

/** A reply code Redis puts first in an error reply (`OOM ...`, `READONLY ...`); only these are echoed. */
const REPLY_CODE = /^([A-Z][A-Z_]{1,24})\b/;
const NETWORK_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENOTFOUND',
	'EAI_AGAIN'
]);

/** What went wrong, in a few words that are safe to show and log. */
export function describeRedisFailure(error: unknown): string {
	if (!(error instanceof Error)) return 'unexpected failure';
	if (error.message === 'Command timed out') return 'command timed out';
	if (error.name === 'MaxRetriesPerRequestError') return 'connection lost';
	if (error.message.startsWith("Stream isn't writeable") || error.message === 'Connection is closed.') return 'not connected';
	const code = (error as NodeJS.ErrnoException).code;
	if (typeof code === 'string' && NETWORK_CODES.has(code)) return `network error ${code}`;
	if (error.name === 'ReplyError') {
		const match = REPLY_CODE.exec(error.message);
		return match ? `Redis replied ${match[1]}` : 'Redis replied with an error';
	}
	return 'connection problem';
}

/** The error a store operation rejects with when Redis failed it: retryable, with a short message. */
export function storeUnavailable(operation: string, error: unknown): StoreUnavailableError {
	if (error instanceof StoreUnavailableError) return error;
	return new StoreUnavailableError(`Redis is unavailable (${operation}: ${describeRedisFailure(error)}); try again`, {
		cause: error
	});
}

/** Runs one Redis round trip; any rejection becomes a {@link StoreUnavailableError}. */
export async function redisCall<T>(operation: string, run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (error) {
		throw storeUnavailable(operation, error);
	}
}
