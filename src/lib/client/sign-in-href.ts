/**
 * Where "Sign in" leads: the sign-in page, which comes back to `path` after (`?next=`). Only a path of
 * this site: `//host` and `/\host` are other sites to a browser.
 */
export function signInHref(path: string): string {
	const here = path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\') ? path : '/';
	return `/sign-in?next=${encodeURIComponent(here)}`;
}
