/** Password hashing and the policy for new passwords, as a person signing up or in would meet them. */
import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import {
	checkPasswordPolicy,
	hashPassword,
	HASH_PARAMETERS,
	loadCommonPasswords,
	needsRehash,
	verifyPassword,
	verifyWithoutAccount
} from '../../server/auth/passwords';

const ann = { name: 'Ann Lee', email: 'ann.lee@example.com', username: 'annlee' };

describe('hashPassword and verifyPassword', () => {
	it('stores a self-describing argon2id hash that only the right password matches', async () => {
		const stored = await hashPassword('four unrelated words here');
		expect(stored).toMatch(
			new RegExp(
				`^\\$argon2id\\$v=19\\$m=${HASH_PARAMETERS.memoryCost},t=${HASH_PARAMETERS.timeCost},p=${HASH_PARAMETERS.parallelism}\\$`
			)
		);
		expect(stored).not.toContain('four unrelated');
		expect(await verifyPassword(stored, 'four unrelated words here')).toBe(true);
		expect(await verifyPassword(stored, 'four unrelated words herE')).toBe(false);
		expect(await verifyPassword(stored, '')).toBe(false);
	});

	it('salts every hash, so two people with one password have different hashes', async () => {
		const [a, b] = await Promise.all([hashPassword('same password twice'), hashPassword('same password twice')]);
		expect(a).not.toBe(b);
	});

	it('matches the same password typed with composed or decomposed accents', async () => {
		const stored = await hashPassword('Crème brûlée au café');
		expect(await verifyPassword(stored, 'Cre\u0300me bru\u0302le\u0301e au cafe\u0301')).toBe(true);
	});

	it('answers false for an overlong password without hashing it, and refuses to hash one', async () => {
		const stored = await hashPassword('four unrelated words here');
		expect(await verifyPassword(stored, 'x'.repeat(100_000))).toBe(false);
		await expect(hashPassword('x'.repeat(257))).rejects.toThrow(/at most 256 characters/);
	});

	it('says a damaged stored hash is damaged rather than calling the password wrong', async () => {
		await expect(verifyPassword('not a hash', 'four unrelated words here')).rejects.toThrow(/not an argon2 PHC string/);
	});

	it('hashes off the event loop: timers keep firing while a hash is made', async () => {
		let turns = 0;
		const timer = setInterval(() => turns++, 0);
		await hashPassword('four unrelated words here');
		clearInterval(timer);
		// A hash made on the main thread would resolve before any timer could run.
		expect(turns).toBeGreaterThan(0);
	});

	it('a sign-in for a name with no account answers false after the same work', async () => {
		expect(await verifyWithoutAccount('four unrelated words here')).toBe(false);
	});
});

describe('needsRehash', () => {
	it('asks to rehash weaker or other hashes, not today’s', async () => {
		expect(needsRehash(await hashPassword('four unrelated words here'))).toBe(false);
		const weaker = await hash('four unrelated words here', { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
		expect(needsRehash(weaker)).toBe(true);
		const argon2i = await hash('four unrelated words here', { algorithm: 1, ...HASH_PARAMETERS });
		expect(needsRehash(argon2i)).toBe(true);
		expect(needsRehash('$2b$12$abcdefghijklmnopqrstuv')).toBe(true);
		// The old hash still verifies, so the person can sign in once more and be rehashed then.
		expect(await verifyPassword(weaker, 'four unrelated words here')).toBe(true);
	});
});

describe('checkPasswordPolicy', () => {
	it('accepts a long password of unrelated words', () => {
		expect(checkPasswordPolicy('staple orbit lantern mud', ann)).toEqual({ ok: true });
		expect(checkPasswordPolicy('x7#Lq9!vRz', {})).toEqual({ ok: true });
	});

	it('refuses fewer than 10 or more than 256 characters, counting characters as people do', () => {
		expect(checkPasswordPolicy('short1!', ann)).toEqual({
			ok: false,
			code: 'too_short',
			message: 'Choose a password of at least 10 characters.'
		});
		// Nine emoji are nine characters (18 UTF-16 units).
		expect(checkPasswordPolicy('🦊🐙🦉🐝🦋🐢🦀🐳🦔', {})).toMatchObject({ ok: false, code: 'too_short' });
		expect(checkPasswordPolicy('🦊🐙🦉🐝🦋🐢🦀🐳🦔🐌', {})).toEqual({ ok: true });
		expect(checkPasswordPolicy('a1b2c3d4'.repeat(32), {})).toEqual({ ok: true });
		expect(checkPasswordPolicy('a1b2c3d4'.repeat(32) + 'e', {})).toEqual({
			ok: false,
			code: 'too_long',
			message: 'Choose a password of at most 256 characters.'
		});
	});

	it('refuses common passwords, whatever their case or punctuation', () => {
		expect(loadCommonPasswords().size).toBeGreaterThan(10_000);
		for (const common of ['qwertyuiop', 'Password123', '1q2w3e4r5t', 'iloveyou12', 'Q-W-E-R-T-Y-U-I-O-P']) {
			const verdict = checkPasswordPolicy(common, ann);
			expect(verdict, common).toMatchObject({ ok: false, code: 'common' });
			if (!verdict.ok) expect(verdict.message).toMatch(/^This password is on a list of common passwords.*\.$/);
		}
	});

	it('refuses the person’s own name, e-mail address or user name inside the password', () => {
		const personal = {
			ok: false,
			code: 'personal',
			message: 'Choose a password that does not contain your name, e-mail address or user name.'
		};
		expect(checkPasswordPolicy('Ann.Lee-2026!', ann)).toEqual(personal);
		expect(checkPasswordPolicy('ann.lee@example.com', ann)).toEqual(personal);
		expect(checkPasswordPolicy('my name is LEEANN', { username: 'LeeAnn' })).toEqual(personal);
		expect(checkPasswordPolicy('margaret-in-winter', { name: 'Margaret Ng' })).toEqual(personal);
		// Short names and parts would refuse too many good passwords: "ann" alone is allowed.
		expect(checkPasswordPolicy('banner planet 77', ann)).toEqual({ ok: true });
	});

	it('refuses a password of only a few different characters', () => {
		expect(checkPasswordPolicy('zzzzzzzzzzzzzzzz', {})).toMatchObject({ ok: false, code: 'too_simple' });
		expect(checkPasswordPolicy('xyzxyzxyzxyzxyz', {})).toMatchObject({ ok: false, code: 'too_simple' });
	});
});
