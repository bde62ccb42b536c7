/**
 * A blob's id: the sha256 of its bytes in lowercase hex, computed by WebCrypto, which hashes on libuv's
 * thread pool: a 100 MB upload or restored file does not hold up other rooms while it is hashed.
 */
import { webcrypto } from 'node:crypto';

export async function blobIdOf(bytes: Uint8Array): Promise<string> {
	return Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
}
