/**
 * What an import adds to a room. The server reads the file (`server/imports/`), skips rows an earlier
 * import counted, and sends one `import.apply` command with this delta; the mapping and the import
 * record schemas sit in `model.ts` with the room state that keeps them.
 */
import { z } from 'zod';
import { Id, KpiPoint, Name, Period, Segment, Verbatim } from './model';

const Add = z.int().min(0).max(1_000_000_000);

/** What an import adds, computed by the server from the file's new rows. */
export const ImportDelta = z.strictObject({
	/** Complaint categories the file introduced. */
	categories: z.array(z.strictObject({ categoryId: Id, stageId: Id, name: Name })).max(5_000),
	complaintCounts: z
		.array(z.strictObject({ categoryId: Id, period: Period, segment: Segment.nullable(), add: Add }))
		.max(500_000),
	complaintQuotes: z.array(z.strictObject({ categoryId: Id, verbatim: Verbatim })).max(50_000),
	kpiPoints: z.array(z.strictObject({ kpiId: Id, points: z.array(KpiPoint).min(1).max(100_000) })).max(5_000),
	surveyCounts: z
		.array(z.strictObject({ surveyId: Id, period: Period, segment: Segment.nullable(), add: z.array(Add).min(2).max(11) }))
		.max(500_000),
	surveyQuotes: z.array(z.strictObject({ surveyId: Id, verbatim: Verbatim })).max(50_000)
});
export type ImportDelta = z.infer<typeof ImportDelta>;

export const emptyDelta = (): ImportDelta => ({
	categories: [],
	complaintCounts: [],
	complaintQuotes: [],
	kpiPoints: [],
	surveyCounts: [],
	surveyQuotes: []
});
