/**
 * Text for the wall: shortened at a word boundary (every box on a TV has a fixed size) and with the few
 * characters the self-hosted font lacks replaced, so a TV without system fonts never shows a blank box.
 */
import { truncate } from '$lib/client/format';

/** Non-breaking and other hyphens (U+2010, U+2011) render from a fallback font, or not at all: use "-". */
const HYPHENS = /[\u2010\u2011]/g;

/** `text` shortened to at most `max` characters, in characters the wall's font has. */
export function fit(text: string, max: number): string {
	return truncate(text.replace(HYPHENS, '-'), max);
}
