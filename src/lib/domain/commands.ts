/**
 * Commands: intents sent by people, named `entity.verb`. Every command is a strict zod object (unknown
 * keys are rejected) discriminated by `type`. New entities carry a client-made id, so a retried command
 * names the same entity and `decide` stays pure.
 */
import { z } from 'zod';
import { ImportDelta } from './imports';
import { PreparedRedaction } from './redaction';
import {
	ActionOwner,
	ActionSource,
	ArtifactFile,
	ArtifactKind,
	Department,
	DisplayMode,
	Id,
	MAX_TIMEBOX_SEC,
	ImportKind,
	ImportMapping,
	IsoDate,
	KpiDirection,
	KpiPoint,
	LIMITS,
	LongText,
	Maturity,
	Name,
	OnHours,
	Period,
	PlaylistView,
	RULE_LIMITS,
	RuleTerm,
	RoomSettings,
	RoomState,
	Scale,
	Segment,
	SpotlightTarget,
	SurveyKind,
	TeamLinks,
	TeamMember,
	TeamStatus,
	TeamUpdateKind,
	Text,
	Url,
	Verbatim,
	VoteItemKind,
	EmergingPhrase,
	PHRASE_LIMITS
} from './model';

const cmd = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) => z.strictObject({ type: z.literal(type), ...shape });

const Departments = z.array(Department).max(LIMITS.departments);
const ShortText = z.string().trim().max(200);
const Score = z.number().min(0).max(10).nullable();

const TouchpointFields = {
	stageId: Id,
	name: Name,
	channel: z.string().trim().max(60),
	momentOfTruth: z.boolean(),
	departments: Departments,
	importance: Score,
	performance: Score,
	internalScore: Score
};

const ArtifactFields = {
	stageId: Id,
	touchpointId: Id.nullable(),
	kind: ArtifactKind,
	title: Name,
	caption: Text,
	blobId: z
		.string()
		.regex(/^[a-f0-9]{64}$/)
		.nullable(),
	url: Url.nullable(),
	transcript: LongText,
	currentAsOf: IsoDate.nullable(),
	sensitive: z.boolean(),
	replacedBy: Id.nullable(),
	/** Set from the upload's answer (the server read the type from the bytes). */
	file: ArtifactFile.nullable().optional()
};

const ComplaintFields = {
	stageId: Id,
	touchpointId: Id.nullable(),
	name: Name,
	departments: Departments
};

const KpiFields = {
	stageId: Id,
	touchpointId: Id.nullable(),
	name: Name,
	unit: z.string().trim().max(20),
	direction: KpiDirection,
	target: z.number().finite().nullable(),
	warning: z.number().finite().min(0),
	source: z.string().trim().max(120),
	department: Department.nullable()
};

const SurveyFields = {
	stageId: Id,
	touchpointId: Id.nullable(),
	question: z.string().trim().min(1).max(300)
};

const TeamFields = {
	name: Name,
	problem: Text,
	stageId: Id,
	links: TeamLinks,
	members: z.array(TeamMember).max(LIMITS.members),
	sponsor: z.string().trim().max(120),
	dueDate: IsoDate.nullable(),
	baseline: ShortText,
	target: ShortText
};

const DisplayFields = {
	name: Name,
	location: z.string().trim().max(120),
	mode: DisplayMode,
	rotation: z.strictObject({
		stageIds: z.array(Id).max(50),
		intervalSec: z.int().min(5).max(3600)
	}),
	segment: Segment.nullable().optional(),
	columns: z.int().min(1).max(8).nullable().optional(),
	screen: z.int().min(1).max(50).nullable().optional(),
	playlist: z.array(PlaylistView).max(12).optional(),
	hours: OnHours.nullable().optional(),
	offlineAlertMin: z.int().min(1).max(1440).optional()
};

const patchOf = <S extends z.ZodRawShape>(shape: S) =>
	z
		.strictObject(shape)
		.partial()
		.refine((p) => Object.keys(p).length > 0, 'a patch must change something');

/** Patch schemas, shared with the matching `*.updated` events so the two can never drift. */
export const RoomPatch = patchOf({
	name: Name,
	organisation: z.string().trim().max(120),
	departments: Departments.min(2),
	settings: RoomSettings,
	segments: z.array(Segment).max(LIMITS.segments),
	leadSegment: Segment.nullable()
});
export const StagePatch = patchOf({ name: Name, customerGoal: Text });
export const TouchpointPatch = patchOf(TouchpointFields);
export const ArtifactPatch = patchOf(ArtifactFields);
export const ComplaintPatch = patchOf(ComplaintFields);
export const KpiPatch = patchOf(KpiFields);
export const SurveyPatch = patchOf({
	...SurveyFields,
	kind: SurveyKind,
	scale: Scale,
	topBoxFrom: z.int().min(0).max(10).nullable()
});
export const TeamPatch = patchOf(TeamFields);
export const DisplayPatch = patchOf(DisplayFields);

export const Command = z.discriminatedUnion('type', [
	cmd('room.create', {
		name: Name,
		organisation: z.string().trim().max(120),
		departments: Departments.min(2).optional()
	}),
	cmd('room.configure', {
		patch: RoomPatch
	}),
	/** Makes the room read-only (and hidden from the room list) until a facilitator unarchives it. */
	cmd('room.archive', {}),
	cmd('room.unarchive', {}),
	/**
	 * Masks the personal data the room already holds (verbatims, captions, transcripts) as its settings say,
	 * in one event. `prepared` is worked out by the server from the room's state before `decide`
	 * (`server/text/redact-room.ts`); whatever a client sends there is replaced.
	 */
	cmd('room.redact', { prepared: PreparedRedaction.optional() }),

	/**
	 * The room's departments. Each one rewrites, in one event, every touchpoint, complaint category, KPI
	 * and fix-team member that names the department, so nothing is left naming one the room no longer has.
	 */
	cmd('department.add', { name: Department }),
	cmd('department.rename', { from: Department, to: Department }),
	/** Folds `from` into `into` (an existing department, or a new name that takes the first one's place). */
	cmd('department.merge', { from: z.array(Department).min(1).max(LIMITS.departments), into: Department }),
	/** Drops a department from the room, its touchpoints, categories and KPIs; refused while fix-team members belong to it. */
	cmd('department.remove', { name: Department }),

	cmd('stage.add', {
		stageId: Id,
		name: Name,
		customerGoal: Text,
		/** Column position; appended at the end when omitted. */
		index: z.int().min(0).max(1000).optional()
	}),
	cmd('stage.update', { stageId: Id, patch: StagePatch }),
	cmd('stage.move', { stageId: Id, index: z.int().min(0).max(1000) }),
	cmd('stage.remove', { stageId: Id }),

	cmd('touchpoint.add', { touchpointId: Id, ...TouchpointFields }),
	cmd('touchpoint.update', { touchpointId: Id, patch: TouchpointPatch }),
	cmd('touchpoint.assess', { touchpointId: Id, maturity: Maturity, evidence: Text }),
	cmd('touchpoint.remove', { touchpointId: Id }),

	cmd('artifact.add', { artifactId: Id, ...ArtifactFields }),
	cmd('artifact.update', { artifactId: Id, patch: ArtifactPatch }),
	cmd('artifact.remove', { artifactId: Id }),

	cmd('complaint.define', { categoryId: Id, ...ComplaintFields }),
	cmd('complaint.update', { categoryId: Id, patch: ComplaintPatch }),
	/** Sets the count of a month (an import or a correction), optionally for one segment only. */
	cmd('complaint.count', {
		categoryId: Id,
		period: Period,
		count: z.int().min(0).max(1_000_000_000),
		segment: Segment.nullable().optional()
	}),
	cmd('complaint.quote', { categoryId: Id, verbatim: Verbatim }),
	cmd('complaint.remove', { categoryId: Id }),

	/**
	 * Adds a categorization rule, or rewrites the one with this id, at `index` among the room's rules
	 * (tried in order; appended at the end, or left in place when rewriting, when omitted).
	 */
	cmd('rule.save', {
		ruleId: Id,
		categoryId: Id,
		all: z.array(RuleTerm).max(RULE_LIMITS.terms),
		any: z.array(RuleTerm).max(RULE_LIMITS.terms),
		none: z.array(RuleTerm).max(RULE_LIMITS.terms),
		index: z.int().min(0).max(1000).optional()
	}),
	cmd('rule.remove', { ruleId: Id }),
	/**
	 * Places a verbatim waiting in the To review queue in a category of its stage (confirming the
	 * classifier's suggestion or correcting it): it is counted there, quoted, and teaches the classifier.
	 */
	cmd('review.place', { verbatimId: Id, categoryId: Id }),

	cmd('kpi.define', { kpiId: Id, ...KpiFields }),
	cmd('kpi.update', { kpiId: Id, patch: KpiPatch }),
	/** Adds or replaces points by date. */
	cmd('kpi.record', { kpiId: Id, points: z.array(KpiPoint).min(1).max(LIMITS.kpiPoints) }),
	/** Removes the points of these dates (a wrong value); dates without a point are ignored. */
	cmd('kpi.unrecord', { kpiId: Id, dates: z.array(IsoDate).min(1).max(LIMITS.kpiPoints) }),
	/** Moves a KPI to a place among its stage's KPIs (0 = first). */
	cmd('kpi.move', { kpiId: Id, index: z.int().min(0).max(1000) }),
	cmd('kpi.remove', { kpiId: Id }),

	cmd('survey.define', {
		surveyId: Id,
		kind: SurveyKind,
		/** Defaults by kind: NPS 0-10, CSAT 1-5 (or 1-7), CES 1-7. */
		scale: Scale.optional(),
		/** Custom surveys: the lowest score counted as top-box (see `Survey.topBoxFrom`). */
		topBoxFrom: z.int().min(0).max(10).nullable().optional(),
		...SurveyFields
	}),
	cmd('survey.update', { surveyId: Id, patch: SurveyPatch }),
	/** Sets a month's response distribution (counts per scale point), optionally for one segment. */
	cmd('survey.record', {
		surveyId: Id,
		period: Period,
		counts: z.array(z.int().min(0).max(1_000_000_000)).min(2).max(11),
		segment: Segment.nullable().optional()
	}),
	cmd('survey.quote', { surveyId: Id, verbatim: Verbatim }),
	cmd('survey.remove', { surveyId: Id }),

	cmd('team.charter', { teamId: Id, ...TeamFields }),
	cmd('team.update', { teamId: Id, patch: TeamPatch }),
	cmd('team.setStatus', { teamId: Id, status: TeamStatus, note: z.string().trim().max(500) }),
	cmd('team.post', {
		teamId: Id,
		updateId: Id,
		kind: TeamUpdateKind,
		text: z.string().trim().min(1).max(2000)
	}),

	cmd('win.mark', {
		winId: Id,
		teamId: Id.nullable(),
		stageId: Id,
		headline: Name,
		before: z.string().trim().max(120),
		after: z.string().trim().max(120)
	}),
	cmd('win.retract', { winId: Id }),

	/**
	 * Starts the monthly session on an agenda of stages. `timeboxSec` plans seconds per agenda stage
	 * (optional): turning to a stage with a timebox starts its countdown on every wall.
	 */
	cmd('session.start', {
		sessionId: Id,
		title: Name,
		agenda: z.array(Id).max(50),
		timeboxSec: z.record(Id, z.int().min(60).max(MAX_TIMEBOX_SEC)).optional()
	}),
	/** Turns the session to a stage (null: the opening review); a stage's timebox restarts its countdown. */
	cmd('session.focus', { stageId: Id.nullable() }),
	/** Starts (or restarts) the countdown; null stops it. */
	cmd('session.setTimer', { durationSec: z.int().min(1).max(86_400).nullable() }),
	cmd('session.attend', { name: Name }),
	cmd('session.decide', { decisionId: Id, text: z.string().trim().min(1).max(1000) }),
	/** Rewrites a decision of the current session (running, or the one just ended, before its minutes go out). */
	cmd('session.reviseDecision', { decisionId: Id, text: z.string().trim().min(1).max(1000) }),
	/** Takes a decision out of the current session (recorded by mistake). */
	cmd('session.removeDecision', { decisionId: Id }),
	cmd('session.end', {}),
	/** A person checks in to the running session from their own device (name and id from their session). */
	cmd('session.checkIn', {}),

	/**
	 * Opens a dot vote on pieces of evidence: a stage's (stageId set) or the whole room's (null). Each
	 * checked-in person has `votesEach` votes; `severalOnOne` lets them stack votes on one item.
	 */
	cmd('vote.open', {
		voteId: Id,
		stageId: Id.nullable(),
		items: z
			.array(z.object({ kind: VoteItemKind, id: Id }))
			.min(2)
			.max(LIMITS.voteItems),
		votesEach: z.int().min(1).max(LIMITS.votesEach).default(3),
		severalOnOne: z.boolean().default(false)
	}),
	/** A person's ballot (again to change it, until the reveal): votes per item, in the vote's item order; checks them in. */
	cmd('vote.cast', { voteId: Id, counts: z.array(z.int().min(0).max(LIMITS.votesEach)).max(LIMITS.voteItems) }),
	/** Shows a vote's results, ranked, on every screen; no more ballots are taken. */
	cmd('vote.reveal', { voteId: Id }),
	/** Takes back a vote still open (opened by mistake, or on the wrong items): its ballots are discarded unseen. */
	cmd('vote.cancel', { voteId: Id }),

	/**
	 * Makes an action of a decision or a fix team's recommendation: what, who owns it, by when. A
	 * recommendation's action belongs to its team; a decision's to the team named, if any.
	 */
	cmd('action.create', {
		actionId: Id,
		text: z.string().trim().min(1).max(1000),
		source: ActionSource,
		teamId: Id.nullable(),
		owner: ActionOwner,
		due: IsoDate
	}),
	/** Rewords an action, moves its due date or the team that keeps it. */
	cmd('action.update', { actionId: Id, text: z.string().trim().min(1).max(1000), due: IsoDate, teamId: Id.nullable() }),
	/** Hands an action to another person. */
	cmd('action.assign', { actionId: Id, owner: ActionOwner }),
	/** Marks an action done (its owner, or a facilitator). */
	cmd('action.complete', { actionId: Id }),
	/** Opens a done action again (its owner, or a facilitator). */
	cmd('action.reopen', { actionId: Id }),
	/** Takes an action away (made by mistake, or no longer wanted). */
	cmd('action.remove', { actionId: Id }),

	/** Plays (or resumes, or seeks) a recorded call from `positionSec`; every wall follows its transcript. */
	cmd('call.play', {
		artifactId: Id,
		positionSec: z.number().min(0).max(86_400),
		durationSec: z.number().positive().max(86_400).nullable().optional()
	}),
	cmd('call.pause', { positionSec: z.number().min(0).max(86_400) }),
	cmd('call.stop', {}),

	cmd('spotlight.set', { target: SpotlightTarget }),
	cmd('spotlight.clear', {}),

	/**
	 * What an import adds (sent by the server after reading the file, never by a socket). `basedOn` is
	 * how many imports the room had when the file was read: if another import landed since, the rows
	 * must be checked again, so the command is refused as a conflict.
	 */
	cmd('import.apply', {
		importId: Id,
		kind: ImportKind,
		fileName: z.string().max(200),
		blobId: z.string().regex(/^[a-f0-9]{64}$/),
		keysBlobId: z
			.string()
			.regex(/^[a-f0-9]{64}$/)
			.nullable(),
		rows: z.int().min(0),
		added: z.int().min(0),
		duplicates: z.int().min(0),
		errors: z.int().min(0),
		basedOn: z.int().min(0),
		mapping: ImportMapping,
		delta: ImportDelta,
		/** Whether `blobId` is the upload as it came (the room keeps raw files), so a `rawDays` sweep may delete it. */
		rawFile: z.boolean().optional()
	}),
	/**
	 * Deletes an import's raw upload once the room's `rawDays` have passed (sent by the server's sweep,
	 * never by a socket); the import's history keeps when.
	 */
	cmd('import.deleteFile', { importId: Id }),
	/**
	 * Records what is new in a stage's latest month (sent by the server after it reads the room's
	 * verbatims, `server/text/phrases.ts`, never by a socket), so every instance and wall shows the same.
	 */
	cmd('phrases.record', { stageId: Id, period: Period, phrases: z.array(EmergingPhrase).max(PHRASE_LIMITS.phrases) }),
	/** Fills a new, empty room from a backup (sent by the server's restore endpoint, never by a socket). */
	cmd('room.restore', { state: RoomState }),

	cmd('display.register', { displayId: Id, ...DisplayFields }),
	cmd('display.update', { displayId: Id, patch: DisplayPatch }),
	cmd('display.remove', { displayId: Id })
]);
export type Command = z.infer<typeof Command>;
export type CommandType = Command['type'];
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;

/** Commands only the server itself sends (after reading a file); a socket that sends one is refused. */
export const SERVER_ONLY_COMMANDS: ReadonlySet<CommandType> = new Set<CommandType>([
	'import.apply',
	'room.restore',
	'import.deleteFile',
	'phrases.record'
]);

/** Every command type, for role tables and tests. */
export const COMMAND_TYPES = Command.options.map((o) => o.shape.type.value) as CommandType[];
