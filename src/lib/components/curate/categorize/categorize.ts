/**
 * What the Categorize tab shows, worked out once: a rule in words, the terms typed in a field, which
 * recent verbatims a rule being typed would catch, and the categories a waiting verbatim may go to.
 * Matching itself is the domain's (`$lib/domain/rules`), the same the server applies.
 */
import { formatPercent } from '$lib/client/format';
import { own } from '$lib/domain/basics';
import type { CategoryRule, ComplaintCategory, ReviewItem, RoomState } from '$lib/domain';
import { readForRules, ruleMatches } from '$lib/domain/rules';

/** Most recent verbatims a rule is tried on as it is typed. */
export const LIVE_SAMPLE = 300;
/** Most caught verbatims listed under the rule editor (the rest are counted). */
export const LIVE_LISTED = 8;

/** The terms of a field: comma-separated words or phrases, trimmed, empty ones and repeats dropped. */
export function termsOf(field: string): string[] {
	const seen = new Set<string>();
	const out: string[] = [];
	for (const raw of field.split(',')) {
		const term = raw.trim().replace(/\s+/g, ' ');
		if (!term || seen.has(term.toLowerCase())) continue;
		seen.add(term.toLowerCase());
		out.push(term);
	}
	return out;
}

const quoted = (terms: readonly string[], joiner: 'and' | 'or') => {
	const list = terms.map((t) => `“${t}”`);
	return list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} ${joiner} ${list.at(-1)}`;
};

/** A rule as a sentence a person can defend: Mentions “overdraft” and “fee”, not “refund” → Fees charged unexpectedly. */
export function ruleSentence(rule: Pick<CategoryRule, 'all' | 'any' | 'none'>, categoryName: string): string {
	const parts: string[] = [];
	if (rule.all.length) parts.push(`mentions ${quoted(rule.all, 'and')}`);
	if (rule.any.length)
		parts.push(`${rule.all.length ? 'and ' : 'mentions '}${rule.any.length > 1 ? 'any of ' : ''}${quoted(rule.any, 'or')}`);
	if (rule.none.length) parts.push(`but not ${quoted(rule.none, 'or')}`);
	const condition = parts.join(' ');
	return `${condition.charAt(0).toUpperCase()}${condition.slice(1)} → ${categoryName}`;
}

export interface SampleVerbatim {
	id: string;
	text: string;
	date: string;
	/** Where it is now: a category's name, or null while it waits for review. */
	where: string | null;
}

/** The room's recent verbatims of a stage (categorized and waiting), newest first: what a rule is tried on. */
export function recentVerbatims(room: RoomState, stageId: string): SampleVerbatim[] {
	const out: SampleVerbatim[] = [];
	for (const c of Object.values(room.complaints)) {
		if (c.stageId !== stageId) continue;
		for (const v of c.verbatims) out.push({ id: v.id, text: v.text, date: v.date, where: c.name });
	}
	for (const item of room.toReview) {
		if (item.stageId === stageId)
			out.push({ id: item.verbatim.id, text: item.verbatim.text, date: item.verbatim.date, where: null });
	}
	return out.sort((a, b) => b.date.localeCompare(a.date) || (a.id < b.id ? -1 : 1)).slice(0, LIVE_SAMPLE);
}

/** Which of the sample the rule catches (all of them, in order), for the live test under the editor. */
export function caughtBy(rule: Pick<CategoryRule, 'all' | 'any' | 'none'>, sample: readonly SampleVerbatim[]): SampleVerbatim[] {
	if (rule.all.length + rule.any.length === 0) return [];
	return sample.filter((v) => ruleMatches(rule, readForRules(v.text)));
}

/** A waiting verbatim's choices: the classifier's suggestions first, then the stage's other categories, at most 9. */
export function choicesFor(room: RoomState, item: ReviewItem): Array<{ category: ComplaintCategory; confidence: number | null }> {
	const out: Array<{ category: ComplaintCategory; confidence: number | null }> = [];
	for (const s of item.suggestions) {
		const category = own(room.complaints, s.categoryId);
		if (category && category.stageId === item.stageId) out.push({ category, confidence: s.confidence });
	}
	const others = Object.values(room.complaints)
		.filter((c) => c.stageId === item.stageId && !out.some((o) => o.category.id === c.id))
		.sort((a, b) => a.name.localeCompare(b.name));
	for (const category of others) out.push({ category, confidence: null });
	return out.slice(0, 9);
}

/**
 * How sure the classifier is, in words, or null when it is next to nothing (under 1%). Rounded down, so
 * a verbatim that waits below a 100% threshold never reads "100% sure".
 */
export function confidenceLabel(confidence: number | null): string | null {
	if (confidence === null || confidence < 0.01) return null;
	return `suggested, ${formatPercent(Math.floor(confidence * 100) / 100)} sure`;
}

/** Where a survey's comment came from, said once for the queue and the rule editor: Survey comment on “How likely…?”. */
export function surveyCommentLabel(room: RoomState, surveyId: string): string {
	const question = own(room.surveys, surveyId)?.question;
	return question ? `Survey comment on “${question}”` : 'Survey comment';
}
