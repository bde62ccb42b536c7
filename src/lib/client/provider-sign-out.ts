/**
 * Signing out of Customer Room and, with single sign-on, of the company's identity provider too. The
 * server answers where the provider ends its session and what to send it; the browser goes there by a
 * GET form (RP-initiated logout: every provider takes GET, several take nothing else). The ID token hint
 * it carries is the provider's own token, which opens nothing here. The provider then sends the browser
 * back to `/sign-in?signed-out=1`.
 */
import { signOut, type ProviderSignOut } from './people';

/** Sends the browser to `provider.url` with `provider.fields`: the page leaves for the provider. */
export function postProviderSignOut(provider: ProviderSignOut): void {
	const form = document.createElement('form');
	form.method = 'get';
	form.action = provider.url;
	form.hidden = true;
	for (const [name, value] of Object.entries(provider.fields)) {
		const input = document.createElement('input');
		input.type = 'hidden';
		input.name = name;
		input.value = value;
		form.append(input);
	}
	document.body.append(form);
	form.submit();
}

/**
 * Signs this browser out. Answers `provider` when the page is on its way to the provider to end that
 * session too (the caller then stays put), `here` when the caller should move on itself.
 */
export async function signOutFully(): Promise<'provider' | 'here'> {
	const done = await signOut();
	if (done.ok && done.provider) {
		postProviderSignOut(done.provider);
		return 'provider';
	}
	return 'here';
}
