/**
 * Who is calling, as the HTTP handlers ask it: the signed-in person's account, and whether their address
 * is over a rate limit. One home for both answers and for the words of their refusals.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AccessService, Session } from '../access/access-service';
import type { Account } from '../people/accounts';
import { sendJson } from './json';
import { clientAddress, type TrustProxy } from './origin';
import { sessionTokenOf } from './session';

/** The refusal of a caller over the limit. */
export const TOO_MANY = { error: 'rate_limited', message: 'Too many attempts. Wait a minute and try again.' } as const;

/** Spends one of the address's attempts in `bucket`; answers true when it had none left (nothing is sent). */
export async function overLimit(
	limiter: RateLimiterAbstract,
	req: IncomingMessage,
	trustProxy: TrustProxy | null,
	bucket: string
): Promise<boolean> {
	try {
		await limiter.consume(`${bucket}:${clientAddress(req, trustProxy)}`);
		return false;
	} catch {
		return true;
	}
}

/** The session and account of a caller signed in to an account, or null after sending the 401 that says so. */
export async function signedInAccount(
	access: AccessService,
	req: IncomingMessage,
	res: ServerResponse
): Promise<{ session: Session; account: Account } | null> {
	const session = await access.session(sessionTokenOf(req));
	const account = session?.accountId ? await access.accounts.get(session.accountId) : null;
	if (!session || !account) {
		sendJson(res, 401, { error: 'unauthenticated', message: 'Sign in to your account first.' });
		return null;
	}
	return { session, account };
}
