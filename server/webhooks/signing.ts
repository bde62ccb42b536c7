/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): `whsec_` secrets of 32 random bytes,
 * and the three headers. During a rotation both secrets sign, so a receiver holding either verifies.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A new secret, `whsec_` and 32 random bytes in base64. */
export function makeSecret(): string {
	return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The headers that sign `body` with every secret given (the current one first). */
export function signatureHeaders(secrets: readonly string[], messageId: string, at: Date, body: string): Record<string, string> {
	const signatures = secrets.map((secret) => new Webhook(secret).sign(messageId, at, body));
	return {
		'webhook-id': messageId,
		'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
		'webhook-signature': signatures.join(' ')
	};
}
