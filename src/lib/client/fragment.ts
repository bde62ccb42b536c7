/**
 * The secret a link carries in its fragment (`/join#<token>`, `/pair#<code>`), taken out of the address bar
 * at once so it stays out of history and bookmarks. A fragment that is not valid percent-encoding (a link
 * cut or changed on its way, `#%E0%A4%A`) is reported as `malformed`, for the page to say so, rather than
 * thrown, which would leave a blank page.
 */
export type Fragment = { kind: 'none' } | { kind: 'malformed' } | { kind: 'value'; value: string };

/** Reads and removes the fragment, keeping SvelteKit's history state so its router still knows where it is. */
export function takeFragment(path: string): Fragment {
	const raw = location.hash.slice(1).trim();
	if (location.hash) history.replaceState(history.state, '', path);
	if (!raw) return { kind: 'none' };
	try {
		const value = decodeURIComponent(raw).trim();
		return value ? { kind: 'value', value } : { kind: 'none' };
	} catch {
		return { kind: 'malformed' };
	}
}
