/**
 * Limits on password sign-in attempts, per account (against guessing one person's password) and per
 * client address (against trying many accounts from one place).
 *
 * How a sign-in uses them:
 * 1. `check(account, address)` before the password is checked. It counts the attempt at once, so many
 *    attempts sent together cannot all pass before the first failure is counted; refused, it says how
 *    many seconds to wait.
 * 2. `fail(account, address)` after a wrong password: the attempt stays counted, and once the account
 *    (or address) has used its attempts it is locked now, for `lockS`, and the answer says so.
 * 3. `succeed(account, address)` after the right password: the account's count starts again, and the
 *    address gets its attempt back (an office behind one address signs in many times a day).
 *
 * Keys are hashed before they reach the limiter: e-mail addresses and client addresses are personal data
 * and are not stored as they are, not even in Redis.
 *
 * The account key should be the name the person typed, normalised (e.g. the lower-case e-mail), also when
 * no account has it: names without accounts are then limited like the others, and locking does not tell
 * which names exist. A lock per account lets someone lock another person out for `lockS` by failing on
 * purpose; the per-address limit bounds how many accounts one address can do that to.
 */
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface LimitRule {
	/** Attempts allowed within the window. */
	attempts: number;
	/** The window, in seconds, counted from the first attempt in it. */
	windowS: number;
	/** How long the account or address is locked once its attempts are used. */
	lockS: number;
}

export interface SignInLimitRules {
	account: LimitRule;
	address: LimitRule;
}

/** 10 attempts per account and 50 per address in 15 minutes; then locked for 15 minutes. */
export const SIGN_IN_LIMITS: SignInLimitRules = {
	account: { attempts: 10, windowS: 900, lockS: 900 },
	address: { attempts: 50, windowS: 900, lockS: 900 }
};

export type SignInCheck = { allowed: true } | { allowed: false; retryAfterS: number; lockedBy: 'account' | 'address' };
export type SignInFailure = { locked: false } | { locked: true; retryAfterS: number; lockedBy: 'account' | 'address' };

export interface SignInLimits {
	/** Counts an attempt for the account and the address; refuses it while either is locked. */
	check(accountKey: string, address: string): Promise<SignInCheck>;
	/** The attempt failed: locks the account or address now if that was its last allowed attempt. */
	fail(accountKey: string, address: string): Promise<SignInFailure>;
	/** The attempt succeeded: forgets the account's attempts and gives the address its attempt back. */
	succeed(accountKey: string, address: string): Promise<void>;
}

/** A key that names the account or address without storing it. */
const hashed = (kind: 'account' | 'address', value: string): string =>
	createHash('sha256').update(`${kind}\0${value}`).digest('base64url');

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/** Sign-in limits on the two given limiters (each made with its rule's `attempts` and `windowS`). */
export function createSignInLimits(
	limiters: { account: RateLimiterAbstract; address: RateLimiterAbstract },
	rules: SignInLimitRules
): SignInLimits {
	/** Consumes one attempt; the refusal's wait when the limiter is spent. */
	async function take(limiter: RateLimiterAbstract, key: string): Promise<number | null> {
		try {
			await limiter.consume(key);
			return null;
		} catch (refusal) {
			if (!(refusal instanceof RateLimiterRes)) throw refusal;
			return seconds(refusal.msBeforeNext);
		}
	}

	/** Locks the key if its attempts are used up; the lock's length, or null. */
	async function lockIfSpent(limiter: RateLimiterAbstract, key: string, rule: LimitRule): Promise<number | null> {
		const state = await limiter.get(key);
		if (!state || state.consumedPoints < rule.attempts) return null;
		// Already locked (more consumed than allowed): keep the lock's end rather than extend it.
		if (state.consumedPoints > rule.attempts) return seconds(state.msBeforeNext);
		await limiter.block(key, rule.lockS);
		return rule.lockS;
	}

	return {
		async check(accountKey, address) {
			const addressKey = hashed('address', address);
			// The address first: a locked address must not use up the accounts it tries.
			const addressWait = await take(limiters.address, addressKey);
			if (addressWait !== null) return { allowed: false, retryAfterS: addressWait, lockedBy: 'address' };
			const accountWait = await take(limiters.account, hashed('account', accountKey));
			if (accountWait !== null) {
				await limiters.address.reward(addressKey, 1);
				return { allowed: false, retryAfterS: accountWait, lockedBy: 'account' };
			}
			return { allowed: true };
		},
		async fail(accountKey, address) {
			const accountLock = await lockIfSpent(limiters.account, hashed('account', accountKey), rules.account);
			const addressLock = await lockIfSpent(limiters.address, hashed('address', address), rules.address);
			if (accountLock !== null && (addressLock === null || accountLock >= addressLock))
				return { locked: true, retryAfterS: accountLock, lockedBy: 'account' };
			if (addressLock !== null) return { locked: true, retryAfterS: addressLock, lockedBy: 'address' };
			return { locked: false };
		},
		async succeed(accountKey, address) {
			const addressKey = hashed('address', address);
			await limiters.account.delete(hashed('account', accountKey));
			// Only while the attempt is still counted: a window that ended meanwhile owes nothing back.
			const counted = await limiters.address.get(addressKey);
			if (counted && counted.consumedPoints > 0) await limiters.address.reward(addressKey, 1);
		}
	};
}

/** Limiter options for one rule: a refused attempt past the limit locks for `lockS` too. */
const limiterOptions = (rule: LimitRule) => ({ points: rule.attempts, duration: rule.windowS, blockDuration: rule.lockS });

/** Sign-in limits kept in this process: for the embedded server (one instance) and tests. */
export function memorySignInLimits(rules: SignInLimitRules = SIGN_IN_LIMITS): SignInLimits {
	return createSignInLimits(
		{
			account: new RateLimiterMemory(limiterOptions(rules.account)),
			address: new RateLimiterMemory(limiterOptions(rules.address))
		},
		rules
	);
}

/**
 * Sign-in limits shared by every instance through Redis (an attempt may reach any of them). While Redis
 * is away each instance limits on its own, as the other Redis limiters do, rather than fail open or closed.
 */
export function redisSignInLimits(
	redis: Redis,
	rules: SignInLimitRules = SIGN_IN_LIMITS,
	keyPrefix = 'rl:sign-in'
): SignInLimits {
	const limiter = (kind: 'account' | 'address') =>
		new RateLimiterRedis({
			storeClient: redis,
			keyPrefix: `${keyPrefix}:${kind}`,
			...limiterOptions(rules[kind]),
			insuranceLimiter: new RateLimiterMemory(limiterOptions(rules[kind]))
		});
	return createSignInLimits({ account: limiter('account'), address: limiter('address') }, rules);
}
