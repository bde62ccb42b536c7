/**
 * Which links an artifact may carry, zod-free: the schema (model.ts) refines with these, and the wall reads
 * them without loading the schema library.
 */

/** Stands for "this site" when a path is resolved, to tell a path on this site from a link elsewhere. */
const THIS_SITE = 'https://this-site.invalid';

function parsedLink(text: string): URL | null {
	try {
		return new URL(text, THIS_SITE);
	} catch {
		return null;
	}
}

/**
 * A path on this site (`/demo/letter.png`), read as the browser will read it: `//evil.example/x.pdf` and
 * `/\evil.example` start with a slash but lead to another site, so they are not.
 */
export function isSitePath(text: string): boolean {
	return text.startsWith('/') && parsedLink(text)?.origin === THIS_SITE;
}

/** A link an artifact may carry: an http(s) address, or a path on this site; never `javascript:` and the like. */
export function isSafeLink(text: string): boolean {
	if (isSitePath(text)) return true;
	const url = /^https?:\/\//i.test(text) ? parsedLink(text) : null;
	return url !== null && (url.protocol === 'http:' || url.protocol === 'https:') && url.origin !== THIS_SITE;
}
