/**
 * Categorization rules, matched: one home for what "a rule catches a verbatim" means, used by the server
 * when an import or a push places verbatims and by Curate's rule editor when it shows, as a curator
 * types, which recent verbatims a rule would catch. Zod-free and pure.
 *
 * A term is a word or a phrase of a few words, compared word by word as `words.ts` normalizes them. A
 * text is read once into the set of its word runs up to the longest phrase a rule may hold, so matching
 * costs time in proportion to the text's length and the rule's terms; no pattern a user wrote ever runs.
 */
import type { CategoryRule, ComplaintCategory } from './model';
import { RULE_LIMITS } from './basics';
import { wordsOf } from './words';

/** A text read for matching: every run of 1 to `RULE_LIMITS.phraseWords` consecutive words. */
export type ReadText = ReadonlySet<string>;

/** Reads a text once for matching any number of rules against it. */
export function readForRules(text: string): ReadText {
	const words = wordsOf(text);
	const runs = new Set<string>();
	for (let i = 0; i < words.length; i++) {
		let run = '';
		for (let n = 0; n < RULE_LIMITS.phraseWords && i + n < words.length; n++) {
			run = n === 0 ? words[i]! : `${run} ${words[i + n]}`;
			runs.add(run);
		}
	}
	return runs;
}

/** A rule's term as matching compares it (its normalized words, one space apart), or '' when it has no word. */
export function termKey(term: string): string {
	return wordsOf(term).join(' ');
}

/** Whether a term can be matched: it has a word, and no more words than a phrase may hold. */
export function termProblem(term: string): string | null {
	const words = wordsOf(term);
	if (words.length === 0) return `"${term}" has no word to look for.`;
	if (words.length > RULE_LIMITS.phraseWords)
		return `"${term}" is longer than ${RULE_LIMITS.phraseWords} words; shorten the phrase.`;
	return null;
}

/** Why a rule cannot work as written, or null: it needs a word to look for, and each term must be matchable. */
export function ruleProblem(rule: Pick<CategoryRule, 'all' | 'any' | 'none'>): string | null {
	if (rule.all.length + rule.any.length === 0) return 'A rule needs at least one word or phrase the verbatim must mention.';
	for (const term of [...rule.all, ...rule.any, ...rule.none]) {
		const problem = termProblem(term);
		if (problem) return problem;
	}
	return null;
}

/** Whether the rule catches a text read by `readForRules`. */
export function ruleMatches(rule: Pick<CategoryRule, 'all' | 'any' | 'none'>, text: ReadText): boolean {
	if (rule.all.length + rule.any.length === 0) return false;
	const has = (term: string) => {
		const key = termKey(term);
		return key !== '' && text.has(key);
	};
	return rule.all.every(has) && (rule.any.length === 0 || rule.any.some(has)) && !rule.none.some(has);
}

/**
 * The first of the rules, in order, that catches the text among those whose category is on `stageId`
 * (a rule never moves a verbatim to another stage), or null.
 */
export function firstMatchingRule<R extends Pick<CategoryRule, 'categoryId' | 'all' | 'any' | 'none'>>(
	rules: readonly R[],
	categories: Readonly<Record<string, Pick<ComplaintCategory, 'stageId'>>>,
	stageId: string,
	text: ReadText
): R | null {
	for (const rule of rules) {
		const category = Object.prototype.hasOwnProperty.call(categories, rule.categoryId) ? categories[rule.categoryId] : undefined;
		if (category?.stageId === stageId && ruleMatches(rule, text)) return rule;
	}
	return null;
}
