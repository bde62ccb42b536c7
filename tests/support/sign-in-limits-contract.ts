/**
 * The sign-in limits contract as one suite, run against both implementations (memory and Redis): the
 * same attempts lock the same accounts and addresses, for the same time. What only Redis has (several
 * instances sharing one count, what is written to Redis) is tested beside it.
 */
import { describe, expect, it } from 'vitest';
import type { SignInLimitRules, SignInLimits } from '../../server/auth/sign-in-limits';

const rules: SignInLimitRules = {
	account: { attempts: 3, windowS: 60, lockS: 120 },
	address: { attempts: 5, windowS: 60, lockS: 300 }
};

/** One sign-in with a wrong password: the check's answer, and the failure's when it was allowed. */
async function wrongPassword(limits: SignInLimits, account: string, address: string) {
	const check = await limits.check(account, address);
	return check.allowed ? { check, failure: await limits.fail(account, address) } : { check, failure: null };
}

/** Runs the contract; `make` gives each test fresh limits with the rules given (no counts shared between tests). */
export function describeSignInLimits(name: string, make: (rules: SignInLimitRules) => SignInLimits): void {
	describe(`sign-in limits (${name})`, () => {
		it('locks an account after its allowed failures, from every address, and says for how long', async () => {
			const limits = make(rules);
			expect((await wrongPassword(limits, 'ann@example.com', '10.0.0.1')).failure).toEqual({ locked: false });
			expect((await wrongPassword(limits, 'ann@example.com', '10.0.0.2')).failure).toEqual({ locked: false });
			expect((await wrongPassword(limits, 'ann@example.com', '10.0.0.3')).failure).toEqual({
				locked: true,
				retryAfterS: 120,
				lockedBy: 'account'
			});
			for (const address of ['10.0.0.1', '10.0.0.9']) {
				const refused = await limits.check('ann@example.com', address);
				expect(refused).toMatchObject({ allowed: false, lockedBy: 'account' });
				if (!refused.allowed) expect(refused.retryAfterS).toBeGreaterThan(100);
			}
			// Someone else at the same address is not locked out.
			expect(await limits.check('ben@example.com', '10.0.0.1')).toEqual({ allowed: true });
		});

		it('a right password starts the account’s count again', async () => {
			const limits = make(rules);
			await wrongPassword(limits, 'ann', '10.0.0.1');
			await wrongPassword(limits, 'ann', '10.0.0.1');
			expect(await limits.check('ann', '10.0.0.1')).toEqual({ allowed: true });
			await limits.succeed('ann', '10.0.0.1');
			expect((await wrongPassword(limits, 'ann', '10.0.0.1')).failure).toEqual({ locked: false });
			expect((await wrongPassword(limits, 'ann', '10.0.0.1')).failure).toEqual({ locked: false });
			expect((await wrongPassword(limits, 'ann', '10.0.0.1')).failure).toMatchObject({ locked: true });
		});

		it('locks an address that tries many accounts, without using up the accounts it tries after that', async () => {
			const limits = make(rules);
			for (const account of ['a', 'b', 'c', 'd'])
				expect((await wrongPassword(limits, account, '192.0.2.7')).failure).toEqual({ locked: false });
			expect((await wrongPassword(limits, 'e', '192.0.2.7')).failure).toEqual({
				locked: true,
				retryAfterS: 300,
				lockedBy: 'address'
			});
			expect(await limits.check('f', '192.0.2.7')).toMatchObject({ allowed: false, lockedBy: 'address' });
			// The locked address's tries at "f" used none of f's attempts: f still has all three elsewhere.
			for (let i = 0; i < 2; i++) await limits.check('f', '192.0.2.7');
			for (let i = 0; i < 2; i++) expect((await wrongPassword(limits, 'f', '198.51.100.1')).failure).toEqual({ locked: false });
			expect(await limits.check('f', '198.51.100.1')).toEqual({ allowed: true });
		});

		it('many people signing in successfully from one office address never lock it', async () => {
			const limits = make(rules);
			for (let person = 0; person < 20; person++) {
				expect(await limits.check(`person-${person}`, '203.0.113.1')).toEqual({ allowed: true });
				await limits.succeed(`person-${person}`, '203.0.113.1');
			}
		});

		it('counts attempts sent all at once before any has failed', async () => {
			const limits = make(rules);
			const checks = await Promise.all(Array.from({ length: 10 }, (_, i) => limits.check('ann', `10.1.0.${i}`)));
			expect(checks.filter((c) => c.allowed)).toHaveLength(3);
		});

		it('lets the account try again once the lock has ended', async () => {
			const limits = make({ account: { attempts: 1, windowS: 60, lockS: 1 }, address: rules.address });
			expect((await wrongPassword(limits, 'ann', '10.0.0.1')).failure).toEqual({
				locked: true,
				retryAfterS: 1,
				lockedBy: 'account'
			});
			expect(await limits.check('ann', '10.0.0.1')).toEqual({ allowed: false, retryAfterS: 1, lockedBy: 'account' });
			await new Promise((resolve) => setTimeout(resolve, 1_100));
			expect(await limits.check('ann', '10.0.0.1')).toEqual({ allowed: true });
		});
	});
}
