/**
 * What an import adds to a room. The server reads the file (`server/imports/`), skips rows an earlier
 * import counted, and sends one `import.apply` command with this delta; the mapping and the import
 * record schemas sit in `model.ts` with the room state that keeps them.
 */
import { z } from 'zod';
import {
	Id,
	KpiPoint,
	MAX_TO_REVIEW,
	Name,
	Period,
	Placement,
	ReviewItem,
	Scale,
	Segment,
	SurveyKind,
	ToneCounts,
	Verbatim
} from './model';

const Add = z.int().min(0).max(1_000_000_000);

/**
 * Most entries of each list one import may add. The schema below holds a client to them, and `decide`
 * holds the server's own reader to them too, so no path applies more.
 */
export const IMPORT_CAPS = {
	categories: 5_000,
	kpis: 5_000,
	surveys: 1,
	complaintCounts: 500_000,
	complaintQuotes: 50_000,
	kpiPoints: 5_000,
	surveyCounts: 500_000,
	surveyQuotes: 50_000,
	placements: 50_000,
	toReview: MAX_TO_REVIEW
} as const;

/** What an import adds, computed by the server from the file's new rows. */
export const ImportDelta = z.strictObject({
	/** Complaint categories the file introduced. */
	categories: z.array(z.strictObject({ categoryId: Id, stageId: Id, name: Name })).max(IMPORT_CAPS.categories),
	/** KPIs the file introduced (by a name the room did not know); older imports have none. */
	kpis: z
		.array(
			z.strictObject({
				kpiId: Id,
				stageId: Id,
				name: Name,
				unit: z.string().trim().max(20),
				source: z.string().trim().max(120)
			})
		)
		.max(IMPORT_CAPS.kpis)
		.default([]),
	/** The survey the import creates (at most one: a survey import reads one survey); older imports have none. */
	surveys: z
		.array(
			z.strictObject({
				surveyId: Id,
				stageId: Id,
				touchpointId: Id.nullable(),
				kind: SurveyKind,
				question: z.string().trim().min(1).max(300),
				scale: Scale,
				topBoxFrom: z.int().min(0).max(10).nullable()
			})
		)
		.max(IMPORT_CAPS.surveys)
		.default([]),
	complaintCounts: z
		.array(z.strictObject({ categoryId: Id, period: Period, segment: Segment.nullable(), add: Add }))
		.max(IMPORT_CAPS.complaintCounts),
	complaintQuotes: z.array(z.strictObject({ categoryId: Id, verbatim: Verbatim })).max(IMPORT_CAPS.complaintQuotes),
	kpiPoints: z.array(z.strictObject({ kpiId: Id, points: z.array(KpiPoint).min(1).max(100_000) })).max(IMPORT_CAPS.kpiPoints),
	surveyCounts: z
		.array(z.strictObject({ surveyId: Id, period: Period, segment: Segment.nullable(), add: z.array(Add).min(2).max(11) }))
		.max(IMPORT_CAPS.surveyCounts),
	surveyQuotes: z.array(z.strictObject({ surveyId: Id, verbatim: Verbatim })).max(IMPORT_CAPS.surveyQuotes),
	/**
	 * How each row that came without a category was placed (by a rule or by the classifier), its count
	 * already in `complaintCounts`: the record of the decision. Older imports have none.
	 */
	placements: z
		.array(z.strictObject({ verbatimId: Id, categoryId: Id, placed: Placement }))
		.max(IMPORT_CAPS.placements)
		.default([]),
	/** Rows without a category that nothing placed surely enough: they wait for review. Older imports have none. */
	toReview: z.array(ReviewItem).max(IMPORT_CAPS.toReview).default([]),
	/**
	 * The tone of every new row's words per item and month, scored by the server as it read the file (the
	 * quotes above are only each item's newest few). When present, `evolve` adds these to the items' tone
	 * counts instead of counting the quotes; imports from before sentiment, and other senders, have none.
	 */
	complaintTones: z
		.array(z.strictObject({ categoryId: Id, period: Period, tones: ToneCounts }))
		.max(IMPORT_CAPS.complaintCounts)
		.optional(),
	surveyTones: z
		.array(z.strictObject({ surveyId: Id, period: Period, tones: ToneCounts }))
		.max(IMPORT_CAPS.surveyCounts)
		.optional()
});
export type ImportDelta = z.infer<typeof ImportDelta>;

export const emptyDelta = (): ImportDelta => ({
	categories: [],
	kpis: [],
	surveys: [],
	complaintCounts: [],
	complaintQuotes: [],
	kpiPoints: [],
	surveyCounts: [],
	surveyQuotes: [],
	placements: [],
	toReview: []
});
