/**
 * A link's token kept in this tab while the person signs in with the company's identity provider: the
 * fragment does not survive the trip there and back, so `/setup` and `/invite` keep it in sessionStorage
 * (this tab only, gone when it closes) and take it back when the provider returns the person.
 */
export const SETUP_TOKEN = 'cr-setup-token';
export const INVITE_TOKEN = 'cr-invite-token';
export type KeptTokenKey = typeof SETUP_TOKEN | typeof INVITE_TOKEN;

/** Keeps `token` in this tab until `forgetToken`. */
export function keepToken(key: KeptTokenKey, token: string): void {
	try {
		sessionStorage.setItem(key, token);
	} catch {
		// Storage turned off: the person opens the link again after signing in, as the page says.
	}
}

/** The token kept in this tab, if any (it stays until it is used). */
export function keptToken(key: KeptTokenKey): string | null {
	try {
		return sessionStorage.getItem(key);
	} catch {
		return null;
	}
}

export function forgetToken(key: KeptTokenKey): void {
	try {
		sessionStorage.removeItem(key);
	} catch {
		// Nothing was kept.
	}
}
