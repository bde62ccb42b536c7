/**
 * Masking what a room already holds (`room.redact`): the rewritten texts travel in the event, computed on
 * the server (`server/text/redact-room.ts`), so `decide` and `evolve` stay pure and free of the phone
 * library, and every screen, export and backup folds to the same masked words.
 */
import { z } from 'zod';
import { Id, LongText, REDACTION_KINDS, Text, Verbatim } from './model';

const Count = z.int().min(0).max(1_000_000_000);

/** How many of each kind of personal data were masked. */
export const RedactionTally = z.strictObject(
	Object.fromEntries(REDACTION_KINDS.map((kind) => [kind, Count])) as Record<(typeof REDACTION_KINDS)[number], typeof Count>
);
export type RedactionTally = z.infer<typeof RedactionTally>;

/** Most entries of each list; verbatims are capped per item (LIMITS.verbatims), so a room's all fit. */
const MAX_REWRITES = 100_000;

/**
 * A verbatim's masked text and, when the verbatim had a tone, its tone scored again on the masked words
 * (a name or word of the lexicon inside an e-mail address no longer counts). Rewrites recorded before
 * masking rescored have no `sentiment`: the verbatim keeps its score.
 */
const Rewrite = { verbatimId: Id, text: Verbatim.shape.text, sentiment: Verbatim.shape.sentiment };

/** The stored texts one `room.redact` rewrites, each by id, with its masked text. */
export const RedactionRewrites = z.strictObject({
	complaintQuotes: z.array(z.strictObject({ categoryId: Id, ...Rewrite })).max(MAX_REWRITES),
	surveyQuotes: z.array(z.strictObject({ surveyId: Id, ...Rewrite })).max(MAX_REWRITES),
	artifacts: z
		.array(z.strictObject({ artifactId: Id, caption: Text.optional(), transcript: LongText.optional() }))
		.max(MAX_REWRITES),
	/**
	 * Verbatims waiting in the To review queue (rows and survey comments nothing placed yet); they count
	 * in no tone until placed, so only their score changes. Absent on redactions recorded before.
	 */
	toReview: z.array(z.strictObject(Rewrite)).max(MAX_REWRITES).optional()
});
export type RedactionRewrites = z.infer<typeof RedactionRewrites>;

/** What the server works out for a `room.redact`: the rewrites and what they mask. */
export const PreparedRedaction = z.strictObject({ rewrites: RedactionRewrites, masked: RedactionTally });
export type PreparedRedaction = z.infer<typeof PreparedRedaction>;

/** How many stored texts a redaction changes (verbatims, captions, transcripts). */
export function rewriteCount(rewrites: RedactionRewrites): number {
	return (
		rewrites.complaintQuotes.length +
		rewrites.surveyQuotes.length +
		(rewrites.toReview?.length ?? 0) +
		rewrites.artifacts.reduce((n, a) => n + (a.caption !== undefined ? 1 : 0) + (a.transcript !== undefined ? 1 : 0), 0)
	);
}
