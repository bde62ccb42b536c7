/**
 * Words of customer text, one way for everything that reads them: categorization rules (matched in the
 * browser as a curator types, and on the server) and the classifier. Zod-free and pure. Splitting is a
 * single pass over the characters (no user-written pattern ever runs), so time grows with the text's length.
 */

/** Masks the redaction step wrote (`[email]`, `[card]`, ...) are not words a customer chose. */
const MASK = /^\[[a-z]+\]$/;

/**
 * A word as rules and the classifier compare it: lower case, accents kept, a plural `s` dropped
 * ("fees" and "fee" are one word; "bus" keeps its s, as words of three letters or fewer keep theirs).
 */
export function normalWord(word: string): string {
	const w = word.toLowerCase();
	if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
	return w;
}

/** The words of a text, in order, normalized (`normalWord`); digits count as word characters, masks are skipped. */
export function wordsOf(text: string): string[] {
	const out: string[] = [];
	for (const raw of text.split(/[^\p{L}\p{N}'[\]]+/u)) {
		if (!raw || MASK.test(raw)) continue;
		const word = raw.replace(/^['[\]]+|['[\]]+$/g, '').replace(/[[\]]/g, '');
		if (!word) continue;
		out.push(normalWord(word.replace(/'s$/, '')));
	}
	return out;
}
