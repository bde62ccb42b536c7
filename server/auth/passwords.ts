/**
 * TEMPORARY (replaced when the people-leaf branch merges): scrypt hashing and a minimal policy, with the
 * same signatures as the real module.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 2 ** 15;
const derive = (pw: string, salt: Buffer) =>
	new Promise<Buffer>((resolve, reject) =>
		scrypt(pw, salt, 32, { N, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)))
	);

export async function hashPassword(pw: string): Promise<string> {
	const salt = randomBytes(16);
	return `$scrypt$${salt.toString('base64')}$${(await derive(pw, salt)).toString('base64')}`;
}

export async function verifyPassword(stored: string, pw: string): Promise<boolean> {
	const [, kind, salt, hash] = stored.split('$');
	if (kind !== 'scrypt' || !salt || !hash) return false;
	const expected = Buffer.from(hash, 'base64');
	const actual = await derive(pw, Buffer.from(salt, 'base64'));
	return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export function checkPasswordPolicy(
	pw: string,
	_person: { name?: string; email?: string | null; username?: string | null } = {}
): { ok: true } | { ok: false; code: string; message: string } {
	if (pw.length < 10) return { ok: false, code: 'too_short', message: 'Choose a password of at least 10 characters.' };
	if (pw.length > 256) return { ok: false, code: 'too_long', message: 'Choose a password of at most 256 characters.' };
	return { ok: true };
}
