/**
 * Why a single sign-on did not finish, as the server reports it (`/sign-in?sso=<code>`), in a sentence
 * that says what happened and what to do. The one home of these words.
 */
export const SSO_ERROR_CODES = [
	'provider_down',
	'expired',
	'refused',
	'invalid_token',
	'email_taken',
	'link_signed_out',
	'link_taken',
	'rate_limited',
	'off'
] as const;
export type SsoErrorCode = (typeof SSO_ERROR_CODES)[number];

const SENTENCE: Record<SsoErrorCode, string> = {
	provider_down: 'Your company sign-in could not be reached. Try again in a few minutes; if it keeps failing, tell your IT team.',
	expired: 'That sign-in took too long or was already used. Sign in again.',
	refused: 'Your company sign-in did not let you in. If you should have access, ask your IT team.',
	invalid_token:
		"Your company sign-in sent an answer this server could not trust, so you were not signed in. Try again; if it keeps failing, tell your IT team (the server's log says why).",
	email_taken:
		'An account here already uses your e-mail address with a password. Sign in with that password, then link your company sign-in under My account.',
	link_signed_out: 'You were signed out before linking finished. Sign in and try again from My account.',
	link_taken: 'That company account is already linked to another account here.',
	rate_limited: 'Too many sign-in attempts from your network. Wait a minute and try again.',
	off: 'Single sign-on is not set up on this server.'
};

/** A code the server may add later still gets a sentence a person can act on. */
const UNKNOWN = 'Signing in with your company account did not work. Try again; if it keeps failing, tell your IT team.';

const isKnown = (code: string): code is SsoErrorCode => (SSO_ERROR_CODES as readonly string[]).includes(code);

/** The sentence for `?sso=<code>`; null when there is no code. */
export function ssoErrorSentence(code: string | null): string | null {
	if (!code) return null;
	return isKnown(code) ? SENTENCE[code] : UNKNOWN;
}
