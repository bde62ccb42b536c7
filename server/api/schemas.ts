/**
 * The HTTP API's contract (version 1): every request body and answer as a zod schema. The handlers
 * validate with these, and the OpenAPI document (`openapi.ts`) is generated from these, so the document
 * cannot say what the code does not do.
 */
import { z } from 'zod';
import {
	Command,
	FixTeam,
	IsoDate,
	Kpi,
	Period,
	RoomMeta,
	Segment,
	Session,
	Stage,
	Touchpoint,
	Win,
	ComplaintCategory,
	Survey,
	Artifact,
	Id,
	type CommandType
} from '../../src/lib/domain';
import { ErrorCode } from '../../src/lib/protocol';
import { ApiScope } from './api-keys';

/** The fields of a command, without its `type` (the API names the command by its path). */
type CommandSchema<T extends CommandType> = Extract<(typeof Command.options)[number], { shape: { type: z.ZodLiteral<T> } }>;
function commandSchema<T extends CommandType>(type: T): CommandSchema<T> {
	const schema = Command.options.find((o) => o.shape.type.value === type);
	if (!schema) throw new Error(`no command ${type}`);
	return schema as CommandSchema<T>;
}

// ---- errors ----

/** Every error the API answers, one shape: the socket's closed list of codes, and whether to retry. */
export const ApiError = z
	.strictObject({
		error: ErrorCode,
		message: z.string().meta({ description: 'What happened and what to do, in a sentence.' }),
		retryable: z.boolean().meta({
			description: 'Send the same request again later (after Retry-After, when given); a push is keyed, so it never counts twice.'
		}),
		issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional()
	})
	.meta({ title: 'Error' });
export type ApiError = z.infer<typeof ApiError>;

// ---- batches ----

/** What became of one item of a batch. */
export const ItemResult = z.strictObject({
	index: z.int().min(0).meta({ description: 'The item’s place in the batch, from 0.' }),
	status: z.enum(['accepted', 'duplicate', 'refused']).meta({
		description:
			'`accepted`: it counts now; `duplicate`: the room had it already (sending again never doubles); `refused`: see `reason`.'
	}),
	reason: z.string().optional()
});

export const BatchResult = z
	.strictObject({
		accepted: z.int().min(0),
		duplicates: z.int().min(0),
		refused: z.int().min(0),
		results: z.array(ItemResult),
		version: z.int().min(0).nullable().meta({ description: 'The room’s version after the batch (null when nothing changed).' })
	})
	.meta({ title: 'BatchResult' });
export type BatchResult = z.infer<typeof BatchResult>;

/** Most items one batch may carry. */
export const MAX_BATCH = 1000;

// ---- KPIs ----

export const KpiPointItem = z.strictObject({
	kpiId: Id,
	date: IsoDate.meta({
		description: 'The day the value is for (YYYY-MM-DD). A KPI keeps one value per date: a later push replaces it.'
	}),
	value: z.number().finite()
});
export const KpiPointsBody = z.strictObject({ points: z.array(z.unknown()).min(1).max(MAX_BATCH) }).meta({
	description: `Up to ${MAX_BATCH} points; each is checked on its own (see KpiPoint), so one bad point refuses only itself.`
});

const kpiDefine = commandSchema('kpi.define').omit({ type: true });
export const NewKpi = kpiDefine.extend({
	touchpointId: kpiDefine.shape.touchpointId.default(null),
	unit: kpiDefine.shape.unit.default(''),
	target: kpiDefine.shape.target.default(null),
	warning: kpiDefine.shape.warning.default(0),
	source: kpiDefine.shape.source.default(''),
	department: kpiDefine.shape.department.default(null)
});

// ---- surveys ----

const surveyDefine = commandSchema('survey.define').omit({ type: true });
export const NewSurvey = surveyDefine.extend({ touchpointId: surveyDefine.shape.touchpointId.default(null) });

export const DistributionItem = z.strictObject({
	period: Period,
	counts: z.array(z.int().min(0).max(1_000_000_000)).min(2).max(11).meta({
		description: 'Responses per score, from the scale’s lowest score up (11 numbers for NPS 0-10). Replaces the month’s counts.'
	}),
	segment: Segment.nullable().default(null)
});
export const DistributionsBody = z.strictObject({ periods: z.array(z.unknown()).min(1).max(120) });

export const ResponseItem = z.strictObject({
	id: z
		.string()
		.trim()
		.min(1)
		.max(200)
		.meta({ description: 'The response’s id in your survey tool: the same id sent again is a duplicate.' }),
	date: IsoDate,
	score: z.int().min(0).max(10),
	segment: Segment.nullable().default(null),
	comment: z.string().max(10_000).nullable().default(null).meta({ description: 'Masked for personal data before it is stored.' })
});
export const ResponsesBody = z.strictObject({
	responses: z.array(z.unknown()).min(1).max(MAX_BATCH),
	classifyComments: z.enum(['all', 'belowTopBox', 'detractors']).nullable().default(null).meta({
		description:
			'Also sort the comments into the complaint categories of the survey’s stage, as complaints without a category are (the room’s rules, then its classifier; below the room’s threshold a comment waits for review in Curate): `all` comments, those scoring `belowTopBox`, or an NPS survey’s `detractors` (0-6). Null: the comments stay the survey’s only.'
	})
});

// ---- complaints ----

export const ComplaintItem = z.strictObject({
	id: z
		.string()
		.trim()
		.min(1)
		.max(200)
		.nullable()
		.default(null)
		.meta({ description: 'The complaint’s id in your CRM; without one, a row is known by its content.' }),
	date: IsoDate,
	category: z.string().trim().max(120).nullable().default(null).meta({
		description:
			'A complaint category of the stage (made when the room has none by this name). Null or empty: classified from `text` by the room’s rules, then its classifier; below the room’s threshold the row waits for review in Curate.'
	}),
	stageId: Id.nullable()
		.default(null)
		.meta({ description: 'The stage; without it, the batch’s `stageRules`, then its `defaultStageId`.' }),
	channel: z.string().trim().max(60).nullable().default(null),
	segment: Segment.nullable().default(null),
	text: z
		.string()
		.max(10_000)
		.nullable()
		.default(null)
		.meta({ description: 'The customer’s words, masked for personal data before they are stored.' }),
	fields: z
		.record(z.string().trim().min(1).max(60), z.string().max(300))
		.default({})
		.refine((f) => Object.keys(f).length <= 20, 'At most 20 fields.')
		.meta({ description: 'Other fields of the complaint in your CRM (product, queue, reason…), which `stageRules` may read.' })
});
/** Rows whose field equals (or contains) a value go to a stage; the first matching rule wins (case does not count). */
export const StageRuleItem = z.strictObject({
	field: z.string().trim().min(1).max(60),
	op: z.enum(['equals', 'contains']),
	value: z.string().trim().min(1).max(300),
	stageId: Id
});
export const ComplaintsBody = z.strictObject({
	rows: z.array(z.unknown()).min(1).max(MAX_BATCH),
	stageRules: z.array(StageRuleItem).max(100).default([]).meta({
		description: 'For rows without a `stageId`: rules on their `fields`, tried in order, as an import’s stage rules are.'
	}),
	defaultStageId: Id.nullable().default(null).meta({ description: 'Where rows go that have no `stageId` and match no rule.' })
});

// ---- artifacts ----

export const ArtifactQuery = z.strictObject({
	stageId: Id,
	title: z.string().trim().min(1).max(120),
	touchpointId: Id.nullable().default(null),
	caption: z.string().trim().max(2000).default(''),
	sensitive: z
		.enum(['true', 'false'])
		.default('false')
		.transform((v) => v === 'true')
});

// ---- reading a room ----

/** A survey's headline for its latest month, by the one rule every screen uses. */
export const SurveyHeadline = z.strictObject({
	period: Period,
	measure: z.enum(['nps', 'top-box', 'easy-share', 'mean']),
	value: z.number().nullable(),
	n: z.int().min(0),
	marginOfError: z.number().nullable(),
	thin: z.boolean()
});

export const ApiRoom = z
	.strictObject({
		id: Id,
		version: z.int().min(0),
		meta: RoomMeta,
		stageOrder: z.array(Id),
		stages: z.record(z.string(), Stage),
		touchpoints: z.record(z.string(), Touchpoint),
		artifacts: z.record(z.string(), Artifact),
		kpis: z.record(z.string(), Kpi),
		surveys: z.record(z.string(), Survey.extend({ headline: SurveyHeadline.nullable() })),
		complaints: z.record(z.string(), ComplaintCategory),
		teams: z.record(z.string(), FixTeam),
		wins: z.record(z.string(), Win),
		session: Session.nullable()
	})
	.meta({ title: 'Room' });

export const Created = z.strictObject({ id: Id, version: z.int().min(0) });

export { ApiScope };
