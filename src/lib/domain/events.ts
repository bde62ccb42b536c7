/**
 * Events: facts in the past tense, produced by `decide` and folded by `evolve`. An event carries
 * everything `evolve` needs (times, authors, derived values), so replay never depends on the clock.
 */
import { z } from 'zod';
import { ImportDelta } from './imports';
import { RedactionRewrites, RedactionTally } from './redaction';
import {
	ArtifactPatch,
	ComplaintPatch,
	DisplayPatch,
	KpiPatch,
	RoomPatch,
	StagePatch,
	SurveyPatch,
	TeamPatch,
	TouchpointPatch
} from './commands';
import {
	ActionItem,
	ActionOwner,
	Artifact,
	ComplaintCategory,
	Department,
	Display,
	FixTeam,
	Id,
	ImportMapping,
	ImportRecord,
	IsoDate,
	Kpi,
	KpiPoint,
	MaturityChange,
	Name,
	Period,
	CategoryRule,
	Placement,
	RoomMeta,
	RoomState,
	Segment,
	Session,
	SessionTimer,
	CheckIn,
	Vote,
	VoteTally,
	Spotlight,
	Stage,
	Survey,
	TeamStatus,
	TeamUpdate,
	Timestamp,
	Touchpoint,
	Verbatim,
	Win,
	Decision,
	EmergingPhrase,
	PHRASE_LIMITS
} from './model';

const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) => z.strictObject({ type: z.literal(type), ...shape });

export const DomainEvent = z.discriminatedUnion('type', [
	ev('room.created', { meta: RoomMeta }),
	ev('room.configured', { patch: RoomPatch }),
	ev('room.archived', { at: Timestamp }),
	ev('room.unarchived', {}),
	/** Stored texts rewritten with personal data masked; `masked` says how many of each kind. */
	ev('room.redacted', { rewrites: RedactionRewrites, masked: RedactionTally }),

	ev('department.added', { name: Department }),
	ev('department.renamed', { from: Department, to: Department }),
	ev('department.merged', { from: z.array(Department).min(1), into: Department }),
	ev('department.removed', { name: Department }),

	ev('stage.added', { stage: Stage, index: z.int().min(0) }),
	ev('stage.updated', { stageId: Id, patch: StagePatch }),
	ev('stage.moved', { stageId: Id, index: z.int().min(0) }),
	ev('stage.removed', { stageId: Id }),

	ev('touchpoint.added', { touchpoint: Touchpoint }),
	ev('touchpoint.updated', { touchpointId: Id, patch: TouchpointPatch }),
	ev('touchpoint.assessed', { touchpointId: Id, change: MaturityChange }),
	ev('touchpoint.removed', { touchpointId: Id }),

	ev('artifact.added', { artifact: Artifact }),
	ev('artifact.updated', { artifactId: Id, patch: ArtifactPatch }),
	ev('artifact.removed', { artifactId: Id }),

	ev('complaint.defined', { category: ComplaintCategory }),
	ev('complaint.updated', { categoryId: Id, patch: ComplaintPatch }),
	ev('complaint.counted', {
		categoryId: Id,
		period: Period,
		count: z.int().min(0),
		segment: Segment.nullable()
	}),
	ev('complaint.quoted', { categoryId: Id, verbatim: Verbatim }),
	ev('complaint.removed', { categoryId: Id }),

	ev('rule.saved', { rule: CategoryRule, index: z.int().min(0) }),
	ev('rule.removed', { ruleId: Id }),
	/**
	 * A verbatim from the To review queue placed by a person: counted in the category's month (and
	 * segment), and quoted (`verbatim` is null on corridor screens, which show no verbatims).
	 */
	ev('review.placed', {
		verbatimId: Id,
		categoryId: Id,
		period: Period,
		segment: Segment.nullable(),
		verbatim: Verbatim.nullable(),
		placed: Placement
	}),

	ev('kpi.defined', { kpi: Kpi }),
	ev('kpi.updated', { kpiId: Id, patch: KpiPatch }),
	ev('kpi.recorded', { kpiId: Id, points: z.array(KpiPoint) }),
	ev('kpi.unrecorded', { kpiId: Id, dates: z.array(IsoDate) }),
	ev('kpi.moved', { kpiId: Id, index: z.int().min(0) }),
	ev('kpi.removed', { kpiId: Id }),

	ev('survey.defined', { survey: Survey }),
	ev('survey.updated', { surveyId: Id, patch: SurveyPatch }),
	ev('survey.recorded', {
		surveyId: Id,
		period: Period,
		counts: z.array(z.int().min(0)),
		segment: Segment.nullable()
	}),
	ev('survey.quoted', { surveyId: Id, verbatim: Verbatim }),
	ev('survey.removed', { surveyId: Id }),

	ev('team.chartered', { team: FixTeam }),
	ev('team.updated', { teamId: Id, patch: TeamPatch }),
	ev('team.statusChanged', {
		teamId: Id,
		from: TeamStatus,
		to: TeamStatus,
		note: z.string(),
		by: Name,
		at: Timestamp
	}),
	ev('team.posted', { teamId: Id, update: TeamUpdate }),

	ev('win.marked', { win: Win }),
	ev('win.retracted', { winId: Id }),

	ev('session.started', { session: Session }),
	ev('session.focused', { stageId: Id.nullable() }),
	ev('session.timerSet', { timer: SessionTimer.nullable() }),
	ev('session.attended', { name: Name }),
	ev('session.decided', { decision: Decision }),
	ev('session.decisionRevised', { decisionId: Id, text: z.string() }),
	ev('session.decisionRemoved', { decisionId: Id }),
	ev('session.ended', { at: Timestamp }),
	ev('session.checkedIn', { checkIn: CheckIn }),

	ev('vote.opened', { vote: Vote }),
	/**
	 * A ballot. `ballot` is what the voter chose; every screen is sent it sealed (null) and learns only
	 * that this voter has voted (projection.ts).
	 */
	ev('vote.cast', {
		voteId: Id,
		voterId: z.string().max(64),
		ballot: z.object({ name: Name, counts: z.array(z.int().min(0)) }).nullable()
	}),
	/** The tally, worked out when the facilitator revealed it: what every screen shows, most votes first. */
	ev('vote.revealed', { voteId: Id, at: Timestamp, results: z.array(VoteTally) }),
	/** An open vote taken back: it leaves the session with its ballots, which nobody ever saw. */
	ev('vote.cancelled', { voteId: Id, at: Timestamp }),

	ev('action.created', { action: ActionItem }),
	ev('action.updated', { actionId: Id, text: z.string(), due: IsoDate, teamId: Id.nullable() }),
	ev('action.assigned', { actionId: Id, owner: ActionOwner }),
	ev('action.completed', { actionId: Id, at: Timestamp, by: Name }),
	ev('action.reopened', { actionId: Id }),
	ev('action.removed', { actionId: Id }),

	ev('call.played', {
		artifactId: Id,
		positionSec: z.number().min(0),
		durationSec: z.number().positive().nullable().default(null),
		at: Timestamp
	}),
	ev('call.paused', { positionSec: z.number().min(0), at: Timestamp }),
	ev('call.stopped', {}),

	ev('spotlight.set', { spotlight: Spotlight }),
	ev('spotlight.cleared', {}),

	ev('import.applied', { record: ImportRecord, mapping: ImportMapping, delta: ImportDelta }),
	/** The raw upload of an import was deleted, as the room's settings asked, at `at`. */
	ev('import.fileDeleted', { importId: Id, at: Timestamp }),
	/** What is new in a stage's latest month, as the server found it; an empty list clears the stage's. */
	ev('phrases.recorded', { stageId: Id, period: Period, phrases: z.array(EmergingPhrase).max(PHRASE_LIMITS.phrases) }),
	ev('room.restored', { state: RoomState }),

	ev('display.registered', { display: Display }),
	ev('display.updated', { displayId: Id, patch: DisplayPatch }),
	ev('display.removed', { displayId: Id }),

	/** Sent in place of an event whose whole content a screen may not see (projection.ts); changes nothing. */
	ev('event.withheld', {})
]);
export type DomainEvent = z.infer<typeof DomainEvent>;
export type EventType = DomainEvent['type'];
export type EventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;

/** Who did something, as the log records it. */
export const EventActor = z.object({ id: z.string().max(64), name: z.string().max(120) });
export type EventActor = z.infer<typeof EventActor>;

/** An event as numbered and stamped by the engine: what travels to clients and sits in the log. */
export const RecordedEvent = z.object({
	v: z.int().min(1),
	commandId: z.string().max(64),
	at: Timestamp,
	actor: EventActor,
	event: DomainEvent
});
export type RecordedEvent = z.infer<typeof RecordedEvent>;
