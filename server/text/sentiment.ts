/**
 * Sentiment of customer words, on this server and offline: the AFINN-165 lexicon shipped in the
 * `sentiment` package (3,382 English words, each scored -5 to +5), summed over the words of a verbatim.
 * A word that follows a negator within three words of the same clause counts the other way ("not
 * helpful", "never got a useful answer"); a clause ends at punctuation or "but". Deterministic, linear in
 * the text's length, and it never leaves the machine. The score travels in the event
 * (`sentiment-command.ts`), so walls need no lexicon and every screen reads the same tone.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** AFINN-165: word -> score (-5..5). */
const AFINN = require('sentiment/languages/en/labels.json') as Record<string, number>;

/** Words that turn the tone of the words after them in the clause (the package's list, and the usual others). */
export const NEGATORS: ReadonlySet<string> = new Set([
	'not',
	'no',
	'never',
	'none',
	'nothing',
	'nobody',
	'neither',
	'nor',
	'without',
	'hardly',
	'barely',
	'cannot',
	'cant',
	'dont',
	'doesnt',
	'didnt',
	'isnt',
	'wasnt',
	'werent',
	'arent',
	'wont',
	'wouldnt',
	'couldnt',
	'shouldnt',
	'havent',
	'hasnt',
	'hadnt',
	'aint',
	'non'
]);

/** How many words after a negator it still turns. */
const NEGATION_WINDOW = 3;
/** Longest text scored (a verbatim is at most 1,000 characters; anything longer is cut, not refused). */
const MAX_CHARS = 20_000;

/** A word (letters and digits, apostrophes inside) or a clause break; one linear pass, no nested quantifier. */
const TOKEN = /[\p{L}\p{N}'\u2019]+|[.,;:!?()\n]/gu;
const APOSTROPHES = /['\u2019]/g;

/** The words of a text in order, lower case, apostrophes dropped ("don't" -> "dont"); null marks a clause break. */
export function words(text: string): Array<string | null> {
	const out: Array<string | null> = [];
	for (const [token] of text.slice(0, MAX_CHARS).toLowerCase().matchAll(TOKEN)) {
		if (token.length === 1 && '.,;:!?()\n'.includes(token)) {
			out.push(null);
			continue;
		}
		const word = token.replace(APOSTROPHES, '');
		if (word) out.push(word);
	}
	return out;
}

/** A verbatim's sentiment: the sum of its words' AFINN scores, negation applied (0 when no word is scored). */
export function sentimentScore(text: string): number {
	let score = 0;
	/** Words left that the last negator still turns. */
	let negating = 0;
	for (const word of words(text)) {
		if (word === null || word === 'but') {
			negating = 0;
			continue;
		}
		if (NEGATORS.has(word)) {
			negating = NEGATION_WINDOW;
			continue;
		}
		const value = Object.prototype.hasOwnProperty.call(AFINN, word) ? AFINN[word]! : 0;
		score += negating > 0 ? -value : value;
		if (negating > 0) negating--;
	}
	return score;
}
