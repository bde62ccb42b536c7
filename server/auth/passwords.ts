/**
 * Passwords of local accounts: hashing with argon2id, and the policy a new password must meet.
 *
 * - Hashes are PHC strings (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`): each carries its own parameters, so
 *   they can be raised later; `needsRehash` says when a stored hash is weaker than today's, and the caller
 *   rehashes after a successful sign-in, the only time it holds the password.
 * - `@node-rs/argon2`'s async functions run on libuv's thread pool, so a sign-in never stalls the sockets
 *   of everyone else; its `verify` compares the hashes in constant time.
 * - Passwords are NFKC-normalised before hashing, so the same password typed on another keyboard or
 *   system (composed or decomposed accents, full-width digits) still matches.
 */
import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { createRequire } from 'node:module';

/** `Algorithm.Argon2id`: the package's enum is `const`, which isolated modules cannot read. */
const ARGON2ID = 2 as Algorithm;

/**
 * 64 MiB, 3 passes, 1 lane: RFC 9106's second recommended setting with one lane, above OWASP's minimum
 * (19 MiB, 2 passes). About 50–100 ms on one core; libuv's four threads bound the memory to 256 MiB.
 */
export const HASH_PARAMETERS = { memoryCost: 65_536, timeCost: 3, parallelism: 1 } as const;

const OPTIONS: Options = { algorithm: ARGON2ID, ...HASH_PARAMETERS };

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

/** The password as hashed: NFKC, so equivalent spellings of one password hash alike. */
const normalise = (password: string): string => password.normalize('NFKC');

/** Length in characters as a person counts them (code points, not UTF-16 units). */
const lengthOf = (text: string): number => [...text].length;

/** Hashes a password for storing: a PHC string with a fresh random salt. Runs off the event loop. */
export async function hashPassword(password: string): Promise<string> {
	const normal = normalise(password);
	if (lengthOf(normal) > PASSWORD_MAX_LENGTH)
		throw new RangeError(`A password has at most ${PASSWORD_MAX_LENGTH} characters; check it with checkPasswordPolicy first.`);
	return hash(normal, OPTIONS);
}

/**
 * Whether `password` is the one `stored` was made from. False for a password longer than any the policy
 * allows (without hashing it). Throws when `stored` is not an argon2 PHC string: that is damaged data,
 * not a wrong password.
 */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
	const normal = normalise(password);
	if (lengthOf(normal) > PASSWORD_MAX_LENGTH) return false;
	try {
		parseOptions(stored);
	} catch (error) {
		throw new Error('The stored password hash is not an argon2 PHC string.', { cause: error });
	}
	return verify(stored, normal);
}

let decoy: Promise<string> | undefined;

/**
 * Takes as long as `verifyPassword` against a real account and answers false: call it when no account
 * has the name given, so the time of the answer does not tell which names have accounts.
 */
export async function verifyWithoutAccount(password: string): Promise<false> {
	decoy ??= hash('no account has this password', OPTIONS);
	await verify(await decoy, normalise(password).slice(0, PASSWORD_MAX_LENGTH * 2));
	return false;
}

/** Whether a stored hash was made with another algorithm or weaker parameters than today's: rehash it. */
export function needsRehash(stored: string): boolean {
	try {
		const used = parseOptions(stored);
		return (
			used.algorithm !== ARGON2ID ||
			used.memoryCost < HASH_PARAMETERS.memoryCost ||
			used.timeCost < HASH_PARAMETERS.timeCost ||
			used.parallelism !== HASH_PARAMETERS.parallelism
		);
	} catch {
		return true;
	}
}

export type PasswordProblem = 'too_short' | 'too_long' | 'common' | 'personal' | 'too_simple';

export type PolicyVerdict = { ok: true } | { ok: false; code: PasswordProblem; message: string };

/** What the person is known by; a password may contain none of it. */
export interface PersonalWords {
	name?: string | null;
	email?: string | null;
	username?: string | null;
}

let commonPasswords: Set<string> | undefined;

/**
 * The common-password list (about 49,000 passwords, lower case, most used first) from zxcvbn-ts. Decoding
 * it takes about 100 ms once; call this at start so the first person to choose a password does not wait.
 */
export function loadCommonPasswords(): ReadonlySet<string> {
	if (!commonPasswords) {
		// A synchronous require keeps checkPasswordPolicy synchronous; it runs once per process.
		const require = createRequire(import.meta.url);
		const { dictionary } = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
		commonPasswords = new Set(dictionary['passwords-common']);
	}
	return commonPasswords;
}

/** Letters and digits only, lower case: `Ann.Lee-2026` and `annlee2026` are the same for the checks. */
const compact = (text: string): string =>
	text
		.normalize('NFKC')
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, '');

/** Personal words of 4 or more letters and digits: shorter ones would refuse too many good passwords. */
function personalWords({ name, email, username }: PersonalWords): string[] {
	const words = [username, email, email?.split('@')[0], name, ...(name ?? '').split(/[\s\p{P}]+/u)];
	return words.map((word) => compact(word ?? '')).filter((word) => word.length >= 4);
}

const count = new Intl.NumberFormat('en');

/**
 * Whether a new password may be used: 10 to 256 characters, not on the common-password list, not
 * containing the person's name, e-mail address or user name, and more than three different characters.
 * The message says what to do instead, in a whole sentence.
 */
export function checkPasswordPolicy(password: string, person: PersonalWords): PolicyVerdict {
	const normal = normalise(password);
	const length = lengthOf(normal);
	if (length < PASSWORD_MIN_LENGTH)
		return {
			ok: false,
			code: 'too_short',
			message: `Choose a password of at least ${count.format(PASSWORD_MIN_LENGTH)} characters.`
		};
	if (length > PASSWORD_MAX_LENGTH)
		return {
			ok: false,
			code: 'too_long',
			message: `Choose a password of at most ${count.format(PASSWORD_MAX_LENGTH)} characters.`
		};
	const lower = normal.toLowerCase();
	const letters = compact(normal);
	const common = loadCommonPasswords();
	if (common.has(lower) || common.has(letters))
		return {
			ok: false,
			code: 'common',
			message:
				'This password is on a list of common passwords that attackers try first. Choose another, such as a few unrelated words.'
		};
	if (personalWords(person).some((word) => letters.includes(word)))
		return {
			ok: false,
			code: 'personal',
			message: 'Choose a password that does not contain your name, e-mail address or user name.'
		};
	if (new Set(normal).size < 4)
		return {
			ok: false,
			code: 'too_simple',
			message: 'Choose a password with more different characters: this one repeats only a few.'
		};
	return { ok: true };
}
