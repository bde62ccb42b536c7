/**
 * The Customer Room model (DESIGN.md section 3) as zod schemas. The schemas are the source of truth:
 * every type is `z.infer` of one. Pure: no I/O, no Svelte, nothing of ours imported.
 */
import { z } from 'zod';
import { LIMITS, RULE_LIMITS, assertNever } from './basics';
import { isSafeLink } from './links';

export {
	DEFAULT_DEPARTMENTS,
	LIMITS,
	RULE_LIMITS,
	MATURITY_LADDER,
	OPEN_TEAM_STATUSES,
	assertNever,
	own,
	spotlightEntity
} from './basics';

// ---------------------------------------------------------------------------------------------
// Primitives, with length caps so nothing a client sends can grow without bound.
// ---------------------------------------------------------------------------------------------

/** Ids are client-made (so a retried command names the same entity) and filesystem/URL safe. */
export const Id = z
	.string()
	.regex(/^[A-Za-z0-9_-]{1,64}$/, 'ids are 1-64 letters, digits, - or _')
	// As an object key, "__proto__" would set a prototype instead of naming a thing.
	.refine((id) => id !== '__proto__', 'this id is reserved');
export type Id = z.infer<typeof Id>;

const trimmed = (max: number) => z.string().trim().max(max);
/** A short required label: a name, a title, a headline. */
export const Name = trimmed(120).min(1, 'must not be empty');

/**
 * What a member may do in a room: facilitator (everything: sessions, spotlight, chartering, wins, access),
 * contributor (content and fix-team work), viewer (read only; TVs). The one definition every layer uses.
 */
export const Role = z.enum(['facilitator', 'contributor', 'viewer']);
export type Role = z.infer<typeof Role>;
/** A sentence or a paragraph. */
export const Text = trimmed(2000);
/** A call transcript or a long document excerpt. */
export const LongText = z.string().max(50_000);
export const Department = trimmed(60).min(1);
export const Segment = trimmed(60).min(1);
/** A month: the period for counts and survey distributions. */
export const Period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'periods are months, YYYY-MM');
export type Period = z.infer<typeof Period>;
export const IsoDate = z.iso.date();
export const Timestamp = z.iso.datetime({ offset: true });
// Zod-free, so pages that fold events (the wall) never load the schema library; re-exported here as before.
export { isSafeLink, isSitePath } from './links';
export { stageKpis } from './basics';

export const Url = z
	.string()
	.max(2000)
	.refine(isSafeLink, 'links start with http:// or https://, or are a path on this site starting with /');
const Count = z.int().min(0).max(1_000_000_000);
const Score = z.number().min(0).max(10);

// ---------------------------------------------------------------------------------------------
// Entities
// ---------------------------------------------------------------------------------------------

export const Maturity = z.enum(['unassessed', 'broken', 'reliable', 'differentiating']);
export type Maturity = z.infer<typeof Maturity>;

export const Stage = z.object({
	id: Id,
	name: Name,
	/** The stage in the customer's own words: "I want to open an account without a branch visit". */
	customerGoal: Text
});
export type Stage = z.infer<typeof Stage>;

export const MaturityChange = z.object({
	from: Maturity,
	to: Maturity,
	by: Name,
	at: Timestamp,
	evidence: Text
});
export type MaturityChange = z.infer<typeof MaturityChange>;

export const Touchpoint = z.object({
	id: Id,
	stageId: Id,
	name: Name,
	channel: trimmed(60),
	momentOfTruth: z.boolean(),
	maturity: Maturity,
	history: z.array(MaturityChange),
	departments: z.array(Department).max(LIMITS.departments),
	/** Customer view: how much this touchpoint matters, and how well it performs (0-10). */
	importance: Score.nullable(),
	performance: Score.nullable(),
	/** How well we think we do (0-10); the gap to `performance` is the blind spot. */
	internalScore: Score.nullable()
});
export type Touchpoint = z.infer<typeof Touchpoint>;

export const ArtifactKind = z.enum(['image', 'document', 'audio', 'video', 'link', 'note']);
export type ArtifactKind = z.infer<typeof ArtifactKind>;

/** What the server found in an uploaded file: its type is read from its bytes, never from its name. */
export const ArtifactFile = z.object({
	name: z.string().trim().max(200),
	mime: z.string().max(100),
	size: z.int().min(0),
	/** A small image for the board, made on upload for pictures. */
	thumbBlobId: z
		.string()
		.regex(/^[a-f0-9]{64}$/)
		.nullable()
});
export type ArtifactFile = z.infer<typeof ArtifactFile>;

export const Artifact = z.object({
	id: Id,
	stageId: Id,
	touchpointId: Id.nullable(),
	kind: ArtifactKind,
	title: Name,
	caption: Text,
	/** Content id (sha256) in the blob store, for uploaded files. */
	blobId: z
		.string()
		.regex(/^[a-f0-9]{64}$/)
		.nullable(),
	/** A link, or a path under /static for shipped demo images. */
	url: Url.nullable(),
	transcript: LongText,
	currentAsOf: IsoDate.nullable(),
	/** Sensitive artifacts never show on corridor screens. */
	sensitive: z.boolean(),
	replacedBy: Id.nullable(),
	/** The uploaded file's type, size and thumbnail (null for links, notes and older artifacts). */
	file: ArtifactFile.nullable().default(null)
});
export type Artifact = z.infer<typeof Artifact>;

/**
 * How a verbatim that came without a category was placed in one (`docs/curate.md`, "How categorization
 * decides"): by a curator's rule, by the classifier above the room's threshold (with its confidence), or
 * by a person from the To review queue.
 */
export const Placement = z.discriminatedUnion('how', [
	z.strictObject({ how: z.literal('rule'), ruleId: Id }),
	z.strictObject({ how: z.literal('model'), confidence: z.number().min(0).max(1) }),
	z.strictObject({ how: z.literal('person'), by: Name })
]);
export type Placement = z.infer<typeof Placement>;

export const Verbatim = z.object({
	id: Id,
	text: trimmed(1000).min(1),
	date: IsoDate,
	channel: trimmed(60),
	segment: Segment.nullable(),
	/** How it was placed, when it came without a category; absent when the file or a person named it. */
	placed: Placement.optional(),
	/**
	 * The words' tone as a lexicon scores it (AFINN, with negation: `server/text/sentiment.ts`): below 0
	 * negative, above 0 positive. Set by the server when the words come in, whatever a client sent;
	 * absent on verbatims stored before sentiment existed. `toneOf` (tone.ts) turns it into a word.
	 */
	sentiment: z.int().min(-5000).max(5000).optional(),
	/**
	 * The survey whose comment this is, when a survey import sorted the comment into a complaint category
	 * (or into the To review queue): Curate and the queue then say "survey comment". Absent otherwise.
	 */
	surveyId: Id.optional()
});
export type Verbatim = z.infer<typeof Verbatim>;

/** How many verbatims of one month read negative, neutral and positive. */
export const ToneCounts = z.strictObject({ negative: Count, neutral: Count, positive: Count });
export type ToneCounts = z.infer<typeof ToneCounts>;
/**
 * Tone counts per month of every scored verbatim an item received, kept as aggregates because the item
 * keeps only its newest few verbatims (LIMITS.verbatims).
 */
export const PeriodTones = z.record(Period, ToneCounts);
export type PeriodTones = z.infer<typeof PeriodTones>;

/** Counts per month; `bySegment` repeats them per customer segment so the board can filter. */
export const PeriodCounts = z.record(Period, Count);
export type PeriodCounts = z.infer<typeof PeriodCounts>;

export const ComplaintCategory = z.object({
	id: Id,
	stageId: Id,
	touchpointId: Id.nullable(),
	name: Name,
	departments: z.array(Department).max(LIMITS.departments),
	counts: PeriodCounts,
	bySegment: z.record(Segment, PeriodCounts),
	/** Newest first, capped at LIMITS.verbatims. */
	verbatims: z.array(Verbatim),
	/** Tone of its verbatims per month (absent until one is scored). */
	tone: PeriodTones.optional()
});
export type ComplaintCategory = z.infer<typeof ComplaintCategory>;

export const KpiDirection = z.enum(['higher', 'lower']);
export const KpiPoint = z.object({ date: IsoDate, value: z.number().finite() });
export type KpiPoint = z.infer<typeof KpiPoint>;

export const Kpi = z.object({
	id: Id,
	stageId: Id,
	touchpointId: Id.nullable(),
	name: Name,
	unit: trimmed(20),
	direction: KpiDirection,
	target: z.number().finite().nullable(),
	/** Width of the amber band beyond the target, in the KPI's unit. */
	warning: z.number().finite().min(0),
	/** Sorted by date, one per date, capped at LIMITS.kpiPoints (oldest fall off). */
	points: z.array(KpiPoint),
	source: trimmed(120),
	department: Department.nullable(),
	/** Place among its stage's KPIs (set by `kpi.move`); KPIs without one follow, in the order they were defined. */
	order: z.int().min(0).optional()
});
export type Kpi = z.infer<typeof Kpi>;

export const SurveyKind = z.enum(['nps', 'csat', 'ces', 'custom']);
export type SurveyKind = z.infer<typeof SurveyKind>;
export const Scale = z
	.object({ min: z.int().min(0).max(1), max: z.int().min(2).max(10) })
	.refine((s) => s.max > s.min, 'scale max must exceed min');
export type Scale = z.infer<typeof Scale>;

/** Per month, the raw distribution: counts[i] responses scored scale.min + i. Never only a score. */
export const PeriodDistributions = z.record(Period, z.array(Count).max(11));
export type PeriodDistributions = z.infer<typeof PeriodDistributions>;

export const Survey = z.object({
	id: Id,
	stageId: Id,
	touchpointId: Id.nullable(),
	kind: SurveyKind,
	question: trimmed(300).min(1),
	scale: Scale,
	/**
	 * Custom surveys only: the lowest score that counts as top-box (4 on a 1-5 scale: the top two boxes).
	 * With it the card leads with the top-box share; without it, with the mean.
	 */
	topBoxFrom: z.int().min(0).max(10).nullable().optional(),
	responses: PeriodDistributions,
	bySegment: z.record(Segment, PeriodDistributions),
	verbatims: z.array(Verbatim),
	/** Tone of its verbatims per month (absent until one is scored). */
	tone: PeriodTones.optional()
});
export type Survey = z.infer<typeof Survey>;

export const TeamStatus = z.enum(['chartered', 'investigating', 'fixing', 'verifying', 'won', 'stalled', 'disbanded']);
export type TeamStatus = z.infer<typeof TeamStatus>;

/** A move of a fix team along its workflow, with the note that explains it. */
export const StatusChange = z.object({ from: TeamStatus, to: TeamStatus, note: z.string(), by: Name, at: Timestamp });
export type StatusChange = z.infer<typeof StatusChange>;

export const TeamMember = z.object({ name: Name, department: Department });
export type TeamMember = z.infer<typeof TeamMember>;

export const TeamLinks = z.object({
	touchpoints: z.array(Id).max(LIMITS.links),
	complaints: z.array(Id).max(LIMITS.links),
	kpis: z.array(Id).max(LIMITS.links),
	surveys: z.array(Id).max(LIMITS.links)
});
export type TeamLinks = z.infer<typeof TeamLinks>;

export const TeamUpdateKind = z.enum(['finding', 'recommendation', 'result', 'blocker', 'note']);
export type TeamUpdateKind = z.infer<typeof TeamUpdateKind>;
export const TeamUpdate = z.object({
	id: Id,
	kind: TeamUpdateKind,
	text: trimmed(2000).min(1),
	author: Name,
	at: Timestamp
});
export type TeamUpdate = z.infer<typeof TeamUpdate>;

export const FixTeam = z.object({
	id: Id,
	name: Name,
	problem: Text,
	stageId: Id,
	links: TeamLinks,
	members: z.array(TeamMember).max(LIMITS.members),
	sponsor: trimmed(120),
	status: TeamStatus,
	dueDate: IsoDate.nullable(),
	baseline: trimmed(200),
	target: trimmed(200),
	/** Newest first, capped at LIMITS.teamUpdates. */
	updates: z.array(TeamUpdate),
	/** Newest first, capped at LIMITS.statusHistory. */
	statusHistory: z.array(StatusChange).default([]),
	charteredAt: Timestamp,
	charteredBy: Name,
	/** The session it was chartered in, if any. */
	sessionId: Id.nullable()
});
export type FixTeam = z.infer<typeof FixTeam>;

export const Win = z.object({
	id: Id,
	teamId: Id.nullable(),
	stageId: Id,
	headline: Name,
	before: trimmed(120),
	after: trimmed(120),
	at: Timestamp,
	by: Name
});
export type Win = z.infer<typeof Win>;

export const Decision = z.object({ id: Id, text: trimmed(1000).min(1), at: Timestamp });
export type Decision = z.infer<typeof Decision>;

// ---------------------------------------------------------------------------------------------
// Action items: what a decision or a fix team's recommendation asks of one person, by a date.
// ---------------------------------------------------------------------------------------------

/** Where an action came from: a decision of a session, or a fix team's recommendation. */
export const ActionSource = z.discriminatedUnion('kind', [
	z.strictObject({ kind: z.literal('decision'), sessionId: Id, decisionId: Id }),
	z.strictObject({ kind: z.literal('recommendation'), teamId: Id, updateId: Id })
]);
export type ActionSource = z.infer<typeof ActionSource>;

/** The person who owns an action: a member's account id (the id their changes carry) and name. */
export const ActionOwner = z.strictObject({ id: z.string().min(1).max(64), name: Name });
export type ActionOwner = z.infer<typeof ActionOwner>;

export const ActionItem = z.object({
	id: Id,
	text: trimmed(1000).min(1),
	source: ActionSource,
	/** The fix team that keeps it on its page (always the team of a recommendation), or null. */
	teamId: Id.nullable(),
	owner: ActionOwner,
	due: IsoDate,
	/** When it was marked done, and by whom; null while open. */
	doneAt: Timestamp.nullable(),
	doneBy: Name.nullable(),
	createdAt: Timestamp,
	createdBy: Name,
	/** The session it was agreed in, if one was running. */
	sessionId: Id.nullable()
});
export type ActionItem = z.infer<typeof ActionItem>;

export const SessionTimer = z.object({
	/** When the timer reaches zero; walls count down locally from this. */
	endsAt: Timestamp,
	durationSec: z.int().min(1).max(86_400)
});
export type SessionTimer = z.infer<typeof SessionTimer>;

/** The longest timebox one agenda stage may plan: four hours. */
export const MAX_TIMEBOX_SEC = 4 * 60 * 60;

/**
 * The session's clock: the time planned for each agenda stage (its timebox) and the time spent on each
 * stop so far. `evolve` adds up the spent time from the focus events' recorded times, so it survives a
 * restart and needs no timer running on the server.
 */
export const SessionClock = z.object({
	/** Planned seconds per agenda stage; a stage without an entry has no timebox. */
	plannedSec: z.record(Id, z.int().min(60).max(MAX_TIMEBOX_SEC)).default({}),
	/** Seconds spent on each stage, counted up to `focusedSince`. */
	spentSec: z.record(Id, z.number().min(0)).default({}),
	/** Seconds spent on the opening review (the stop with no stage). */
	openingSec: z.number().min(0).default(0),
	/** When the current stop was focused; null before the first focus and once the session has ended. */
	focusedSince: Timestamp.nullable().default(null)
});
export type SessionClock = z.infer<typeof SessionClock>;

/** A clock with nothing planned and nothing spent (sessions recorded before timeboxes existed). */
export const emptySessionClock = (): SessionClock => ({ plannedSec: {}, spentSec: {}, openingSec: 0, focusedSince: null });

/** What a vote is on: a piece of evidence under a stage (as the desk ranks a stage's let-downs). */
export const VoteItemKind = z.enum(['touchpoint', 'complaint', 'kpi', 'survey']);
export type VoteItemKind = z.infer<typeof VoteItemKind>;
export const VoteItem = z.object({
	kind: VoteItemKind,
	id: Id,
	stageId: Id,
	/** Its name when the vote opened, so the minutes read the same after a rename or removal. */
	label: trimmed(2000).min(1)
});
export type VoteItem = z.infer<typeof VoteItem>;

/** One item's share of a revealed vote. */
export const VoteTally = z.object({
	kind: VoteItemKind,
	id: Id,
	votes: z.int().min(0),
	/** How many people gave it at least one vote. */
	voters: z.int().min(0),
	/** Who gave it votes and how many, only when the room names voters (`RoomSettings.namedVotes`). */
	names: z.array(z.object({ name: Name, votes: z.int().min(1) })).optional()
});
export type VoteTally = z.infer<typeof VoteTally>;

/**
 * A dot vote during a session. The ballots (`ballots`, by voter id) are sealed: the server holds them
 * and no audience is ever sent them (projection.ts), so nobody sees counts before the facilitator
 * reveals; the reveal carries the tally (`results`, most votes first) to every screen.
 */
export const Vote = z.object({
	id: Id,
	/** The stage whose items are voted on, or null for the whole room ("where we let customers down"). */
	stageId: Id.nullable(),
	items: z.array(VoteItem).min(2).max(LIMITS.voteItems),
	votesEach: z.int().min(1).max(LIMITS.votesEach),
	/** Whether one person may put several of their votes on one item. */
	severalOnOne: z.boolean(),
	openedAt: Timestamp,
	/** Ids of the people who have cast a ballot (a count shows, never what they chose). */
	voters: z.array(z.string().max(64)).max(LIMITS.attendees),
	/** Sealed; each voter's votes per item, in the order of `items`. */
	ballots: z.record(z.string().max(64), z.object({ name: Name, counts: z.array(z.int().min(0)) })),
	revealedAt: Timestamp.nullable(),
	results: z.array(VoteTally).nullable()
});
export type Vote = z.infer<typeof Vote>;

/** A person who checked in from their own device. */
export const CheckIn = z.object({ personId: z.string().max(64), name: Name, at: Timestamp });
export type CheckIn = z.infer<typeof CheckIn>;

export const Session = z.object({
	id: Id,
	title: Name,
	agenda: z.array(Id).max(50),
	currentStageId: Id.nullable(),
	timer: SessionTimer.nullable(),
	attendees: z.array(Name).max(LIMITS.attendees),
	decisions: z.array(Decision),
	startedAt: Timestamp,
	endedAt: Timestamp.nullable(),
	/** Teams still open when the session started: the session opens with them. */
	openTeamsAtStart: z.array(Id),
	chartered: z.array(Id),
	wins: z.array(Id),
	/** Timeboxes planned and time spent per stop; optional so sessions stored before it still load. */
	clock: SessionClock.default(emptySessionClock),
	/** People who checked in on their own device (their names are among `attendees` too). */
	checkIns: z.array(CheckIn).max(LIMITS.attendees).default([]),
	/** Votes taken, oldest first; at most one is open (not revealed) at a time. */
	votes: z.array(Vote).max(LIMITS.votes).default([])
});
export type Session = z.infer<typeof Session>;

export const SpotlightTarget = z.object({
	kind: z.enum(['stage', 'touchpoint', 'team', 'win', 'artifact', 'kpi', 'survey', 'complaint']),
	id: Id
});
export type SpotlightTarget = z.infer<typeof SpotlightTarget>;
export const Spotlight = z.object({ target: SpotlightTarget, by: Name, at: Timestamp });
export type Spotlight = z.infer<typeof Spotlight>;

/**
 * A recorded customer call playing through the facilitator's machine. Walls show its transcript large,
 * following along: position now = positionSec + (now - since) while playing (since is null when paused).
 */
export const NowPlaying = z.object({
	artifactId: Id,
	positionSec: z.number().min(0).max(86_400),
	since: Timestamp.nullable(),
	/** The recording's length when the facilitator's player knows it (walls pace the transcript by it). */
	durationSec: z.number().positive().max(86_400).nullable().default(null)
});
export type NowPlaying = z.infer<typeof NowPlaying>;

// ---------------------------------------------------------------------------------------------
// Imports: how a file's columns map onto the room (remembered per kind), and what each import did.
// ---------------------------------------------------------------------------------------------

export const ImportKind = z.enum(['complaints', 'kpis', 'surveys']);
export type ImportKind = z.infer<typeof ImportKind>;

/**
 * A column, by position and (when the file has a header row) by name. A remembered mapping finds its
 * columns by name first, so next month's file may reorder them.
 */
export const ColumnRef = z.strictObject({
	index: z.int().min(0).max(999),
	name: z.string().max(200).nullable()
});
export type ColumnRef = z.infer<typeof ColumnRef>;

export const DATE_FORMATS = [
	'auto',
	'YYYY-MM-DD',
	'MM/DD/YYYY',
	'DD/MM/YYYY',
	'DD.MM.YYYY',
	'YYYY-MM',
	'MM/YYYY',
	'YYYY-Www'
] as const;
export const DateFormat = z.enum(DATE_FORMATS);
export type DateFormat = z.infer<typeof DateFormat>;

/** Rows whose `column` equals (or contains) `value` belong to `stageId`; the first matching rule wins. */
export const StageRule = z.strictObject({
	column: ColumnRef,
	op: z.enum(['equals', 'contains']),
	value: z.string().trim().min(1).max(300),
	stageId: Id
});
export type StageRule = z.infer<typeof StageRule>;

const common = {
	hasHeader: z.boolean(),
	dateColumn: ColumnRef,
	dateFormat: DateFormat,
	/** A column that names each row uniquely (a complaint id): re-imports then match on it alone. */
	idColumn: ColumnRef.nullable(),
	segmentColumn: ColumnRef.nullable()
};

export const ComplaintMapping = z.strictObject({
	kind: z.literal('complaints'),
	...common,
	categoryColumn: ColumnRef,
	channelColumn: ColumnRef.nullable(),
	/** The customer's words, kept as verbatims (newest few per category). */
	textColumn: ColumnRef.nullable(),
	stageRules: z.array(StageRule).max(500),
	/** Where rows that match no rule go; null makes them errors. */
	defaultStageId: Id.nullable(),
	/**
	 * Rows whose category cell is empty are classified from their text (rules, then the classifier) into
	 * the categories of their stage, instead of being errors. Absent on older mappings: off.
	 */
	classify: z.boolean().optional()
});
export type ComplaintMapping = z.infer<typeof ComplaintMapping>;

export const KpiMapping = z.strictObject({
	kind: z.literal('kpis'),
	...common,
	valueColumn: ColumnRef,
	/** The KPI's name on each row; without it every row goes to `kpiId`. */
	nameColumn: ColumnRef.nullable(),
	kpiId: Id.nullable(),
	/**
	 * A name the room has no KPI for creates one, on the stage of the first rule its row matches (else
	 * `defaultStageId`); with neither, such rows are errors. Older mappings have none.
	 */
	stageRules: z.array(StageRule).max(500).default([]),
	defaultStageId: Id.nullable().default(null)
});
export type KpiMapping = z.infer<typeof KpiMapping>;

export const SurveyMapping = z.strictObject({
	kind: z.literal('surveys'),
	...common,
	surveyId: Id,
	/** When `surveyId` names no survey yet, the import creates this one under that id. */
	newSurvey: z
		.strictObject({
			kind: SurveyKind,
			question: trimmed(300).min(1),
			stageId: Id,
			touchpointId: Id.nullable(),
			scale: Scale,
			topBoxFrom: z.int().min(0).max(10).nullable()
		})
		.nullable()
		.default(null),
	scoreColumn: ColumnRef,
	/** Pre-aggregated files: how many responses gave this score. Without it, one row is one response. */
	countColumn: ColumnRef.nullable(),
	textColumn: ColumnRef.nullable(),
	/**
	 * The comments the import also sorts into the complaint categories of the survey's stage, as a complaint
	 * row without a category is (rules, then the classifier, else To review): every comment, those scoring
	 * below the top box, or an NPS survey's detractors (`commentChosen` in metrics.ts). Absent: none.
	 */
	classifyComments: z.enum(['all', 'belowTopBox', 'detractors']).optional()
});
export type SurveyMapping = z.infer<typeof SurveyMapping>;

export const ImportMapping = z.discriminatedUnion('kind', [ComplaintMapping, KpiMapping, SurveyMapping]);
export type ImportMapping = z.infer<typeof ImportMapping>;

/** What one import did, kept in the room so the next import can skip rows already counted. */
export const ImportRecord = z.object({
	id: Id,
	kind: ImportKind,
	fileName: z.string().max(200),
	/** The original file in the blob store: raw rows stay there, not in the live state. */
	blobId: z.string().regex(/^[a-f0-9]{64}$/),
	/** The keys of the rows this import counted (one per line), for idempotent re-imports. */
	keysBlobId: z
		.string()
		.regex(/^[a-f0-9]{64}$/)
		.nullable(),
	rows: z.int().min(0),
	added: z.int().min(0),
	duplicates: z.int().min(0),
	errors: z.int().min(0),
	at: Timestamp,
	by: Name,
	/** Whether `blobId` is the upload as it came (the room kept raw files) rather than its masked, mapped columns. */
	rawFile: z.boolean().optional(),
	/** When the server deleted the raw upload, as the room's settings asked; `blobId` then names a file that is gone. */
	fileDeletedAt: Timestamp.optional()
});
export type ImportRecord = z.infer<typeof ImportRecord>;

/** A word or a phrase of up to `RULE_LIMITS.phraseWords` words a rule looks for (`words.ts` says how words compare). */
export const RuleTerm = trimmed(80).min(1, 'a word or phrase must not be empty');

/**
 * A readable categorization rule ("mentions overdraft and fee -> Fees charged unexpectedly"): a verbatim
 * of the category's stage that has every `all` term, at least one `any` term (when there are any), and no
 * `none` term goes to `categoryId`. A room's rules are tried in order; the first that matches decides.
 */
export const CategoryRule = z.object({
	id: Id,
	categoryId: Id,
	all: z.array(RuleTerm).max(RULE_LIMITS.terms),
	any: z.array(RuleTerm).max(RULE_LIMITS.terms),
	none: z.array(RuleTerm).max(RULE_LIMITS.terms)
});
export type CategoryRule = z.infer<typeof CategoryRule>;

/** A category the classifier suggests for a verbatim waiting for review, with its confidence (0-1). */
export const ReviewSuggestion = z.strictObject({ categoryId: Id, confidence: z.number().min(0).max(1) });
export type ReviewSuggestion = z.infer<typeof ReviewSuggestion>;

/** Most suggestions kept per waiting verbatim (a curator picks one with keys 1-9). */
export const MAX_SUGGESTIONS = 9;

/**
 * A verbatim that came without a category and that neither a rule nor the classifier (above the room's
 * threshold) placed: it waits in Curate's To review queue and counts nowhere until a person places it.
 */
export const ReviewItem = z.object({
	verbatim: Verbatim,
	stageId: Id,
	period: Period,
	segment: Segment.nullable(),
	/** The classifier's categories of the stage, most likely first. */
	suggestions: z.array(ReviewSuggestion).max(MAX_SUGGESTIONS)
});
export type ReviewItem = z.infer<typeof ReviewItem>;

/** Most verbatims waiting for review in one room; an import whose rows would overflow it says so. */
export const MAX_TO_REVIEW = 2000;

/** The classifier's confidence from which a verbatim is placed without a person, until a room sets its own. */
export const DEFAULT_CLASSIFY_THRESHOLD = 0.8;
/** Where one verbatim sits: its complaint category or survey, and its id there. */
export const VerbatimRef = z.strictObject({ itemId: Id, verbatimId: Id });
export type VerbatimRef = z.infer<typeof VerbatimRef>;

/** Most phrases kept per stage, and most verbatims each links to. */
export const PHRASE_LIMITS = { phrases: 8, verbatims: 20, length: 80 } as const;

/**
 * A word or two-word phrase far more common in a stage's month than in the room's other months (a
 * log-likelihood test, `server/text/phrases.ts`): how many of the month's verbatims hold it, how many of
 * the room's earlier ones did, and which verbatims hold it now.
 */
export const EmergingPhrase = z.strictObject({
	text: z.string().min(1).max(PHRASE_LIMITS.length),
	count: Count,
	baseline: Count,
	/** The log-likelihood (G2) of the rise: the larger, the less likely chance. */
	score: z.number().finite().min(0),
	verbatims: z.array(VerbatimRef).max(PHRASE_LIMITS.verbatims)
});
export type EmergingPhrase = z.infer<typeof EmergingPhrase>;

/** What is new in one stage's latest month, strongest first. */
export const StagePhrases = z.strictObject({
	period: Period,
	phrases: z.array(EmergingPhrase).max(PHRASE_LIMITS.phrases)
});
export type StagePhrases = z.infer<typeof StagePhrases>;

export const DisplayMode = z.enum(['room', 'corridor']);

/** Seconds one view of a playlist stays on screen. */
const ViewSeconds = z.int().min(5).max(3600);
/**
 * One view of a screen's playlist: the journey (the stage columns), one stage large, the wins and fix
 * teams, the KPI signals, or one item as the spotlight shows it.
 */
export const PlaylistView = z.discriminatedUnion('kind', [
	z.strictObject({ kind: z.literal('journey'), seconds: ViewSeconds }),
	z.strictObject({ kind: z.literal('stage'), stageId: Id, seconds: ViewSeconds }),
	z.strictObject({ kind: z.literal('wins'), seconds: ViewSeconds }),
	z.strictObject({ kind: z.literal('kpis'), seconds: ViewSeconds }),
	z.strictObject({ kind: z.literal('spotlight'), target: SpotlightTarget, seconds: ViewSeconds })
]);
export type PlaylistView = z.infer<typeof PlaylistView>;
export type PlaylistViewKind = PlaylistView['kind'];

/** A time of day, `HH:MM` (24 hours). */
export const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'times are HH:MM, 00:00 to 23:59');
/**
 * When a screen shows the board, by the TV's own time zone: on `days` (0 Sunday to 6 Saturday) from
 * `from` to `to`; `to` before `from` runs past midnight. Outside them it shows a dark, moving clock.
 */
export const OnHours = z.strictObject({
	days: z.array(z.int().min(0).max(6)).min(1).max(7),
	from: TimeOfDay,
	to: TimeOfDay
});
export type OnHours = z.infer<typeof OnHours>;

export const Display = z.object({
	id: Id,
	name: Name,
	location: trimmed(120),
	mode: DisplayMode,
	/** Stages to rotate through (empty: the whole board), seconds per stage. */
	rotation: z.object({ stageIds: z.array(Id).max(50), intervalSec: z.int().min(5).max(3600) }),
	// The settings below came with screen management (issue 21); absent on older displays, meaning the default.
	/** Only this customer segment (null: the room's lead segment). */
	segment: Segment.nullable().optional(),
	/** Most stage columns on one screen (null: 5). */
	columns: z.int().min(1).max(8).nullable().optional(),
	/** Pins the screen to one screen of the journey, 1-based (null: it pages across them). */
	screen: z.int().min(1).max(50).nullable().optional(),
	/** Views the screen cycles through (empty: the journey only). */
	playlist: z.array(PlaylistView).max(12).optional(),
	/** When the board shows (null: always). */
	hours: OnHours.nullable().optional(),
	/** Minutes offline before facilitators are told (default 10). */
	offlineAlertMin: z.int().min(1).max(1440).optional()
});
export type Display = z.infer<typeof Display>;

/** The kinds of personal data the server masks in customer words (`server/text/redact.ts`). */
export const REDACTION_KINDS = ['email', 'phone', 'card', 'iban', 'nationalId', 'number'] as const;
export const RedactionKind = z.enum(REDACTION_KINDS);
export type RedactionKind = z.infer<typeof RedactionKind>;

/** How a room masks personal data in customer words, and what it keeps of an import's file. */
export const RedactionSettings = z.strictObject({
	/** The kinds masked (all by default). */
	kinds: z.array(RedactionKind).max(REDACTION_KINDS.length),
	/** The country (ISO 3166 alpha-2) whose national phone formats are read; null: international numbers only. */
	phoneCountry: z
		.string()
		.regex(/^[A-Z]{2}$/)
		.nullable(),
	/** The fewest digits in a row masked as an account or policy number. */
	minDigits: z.int().min(6).max(30),
	/**
	 * What an import keeps of its file: `mapped`, only the mapped columns with customer words masked (the
	 * upload itself is collected like any unreferenced file); `raw`, the upload as it came.
	 */
	importFile: z.enum(['mapped', 'raw']),
	/**
	 * With `raw`: the days an upload is kept before the server deletes it (the import's history says
	 * when); null or absent keeps it until the import is deleted with the room.
	 */
	rawDays: z.int().min(1).max(3650).nullable().optional()
});
export type RedactionSettings = z.infer<typeof RedactionSettings>;

/** A room's redaction settings until someone changes them: everything masked, only mapped columns kept. */
export const DEFAULT_REDACTION: RedactionSettings = {
	kinds: [...REDACTION_KINDS],
	phoneCountry: null,
	minDigits: 8,
	importFile: 'mapped'
};

export const RoomSettings = z.object({
	/** Corridor screens hide sensitive artifacts and verbatims. */
	corridorHidesVerbatims: z.boolean(),
	theme: z.enum(['dark', 'light']),
	/** Absent on rooms made before redaction existed: they mask with `DEFAULT_REDACTION`. */
	redaction: RedactionSettings.optional(),
	/**
	 * The classifier's confidence (0.5-1) from which a verbatim without a category is placed and marked
	 * "auto"; below it the verbatim waits for review. Absent: `DEFAULT_CLASSIFY_THRESHOLD`.
	 */
	classifyThreshold: z.number().min(0.5).max(1).optional(),
	/** A revealed vote shows who voted for what (absent or false: votes are anonymous). */
	namedVotes: z.boolean().optional(),
	/**
	 * Whether corridor screens show the phrases new this month (never the verbatims themselves); off when
	 * absent, since even short phrases are a customer's words.
	 */
	corridorShowsPhrases: z.boolean().optional()
});
export type RoomSettings = z.infer<typeof RoomSettings>;

export const RoomMeta = z.object({
	id: Id,
	name: Name,
	organisation: trimmed(120),
	departments: z.array(Department).min(2).max(LIMITS.departments),
	settings: RoomSettings,
	createdAt: Timestamp,
	/** The customer segments the room names (imports may carry others); absent on older rooms. */
	segments: z.array(Segment).max(LIMITS.segments).optional(),
	/** The segment of the most profitable customers, one of `segments`: the board and the wall lead with it. */
	leadSegment: Segment.nullable().optional(),
	/** Set while the room is archived: read-only, hidden from the room list, restorable. Absent on older rooms. */
	archivedAt: Timestamp.nullable().optional()
});
export type RoomMeta = z.infer<typeof RoomMeta>;

/**
 * The whole state of one room. Entities are records keyed by id (JSON friendly, cheap lookups);
 * `stageOrder` gives the left-to-right order of the columns.
 */
export const RoomState = z.object({
	version: z.int().min(0),
	meta: RoomMeta.nullable(),
	stageOrder: z.array(Id),
	stages: z.record(Id, Stage),
	touchpoints: z.record(Id, Touchpoint),
	artifacts: z.record(Id, Artifact),
	complaints: z.record(Id, ComplaintCategory),
	kpis: z.record(Id, Kpi),
	surveys: z.record(Id, Survey),
	teams: z.record(Id, FixTeam),
	wins: z.record(Id, Win),
	session: Session.nullable(),
	pastSessions: z.array(Session),
	spotlight: Spotlight.nullable(),
	nowPlaying: NowPlaying.nullable(),
	displays: z.record(Id, Display),
	/** Every import so far (small records; the rows stay in blobs). */
	imports: z.record(Id, ImportRecord).default({}),
	/** The last mapping used per kind of import, offered again for next month's file. */
	importMappings: z.partialRecord(ImportKind, ImportMapping).default({}),
	/** The room's categorization rules, in the order they are tried; absent on older rooms. */
	rules: z.array(CategoryRule).default([]),
	/** Verbatims waiting for a person to place them, oldest first; absent on older rooms. */
	toReview: z.array(ReviewItem).default([]),
	/** Per stage, the words and phrases new in its latest month, found by the server (`phrases.record`). */
	phrases: z.record(Id, StagePhrases).default({}),
	/** Action items, by id (absent on older rooms). */
	actions: z.record(Id, ActionItem).default({})
});
export type RoomState = z.infer<typeof RoomState>;

/** The state of a room before its first event. */
export function emptyRoom(): RoomState {
	return {
		version: 0,
		meta: null,
		stageOrder: [],
		stages: {},
		touchpoints: {},
		artifacts: {},
		complaints: {},
		kpis: {},
		surveys: {},
		teams: {},
		wins: {},
		session: null,
		pastSessions: [],
		spotlight: null,
		nowPlaying: null,
		displays: {},
		imports: {},
		importMappings: {},
		rules: [],
		toReview: [],
		phrases: {},
		actions: {}
	};
}

/**
 * A state saved by an older version (a snapshot, a backup) with the fields added since filled in, so
 * code that reads the state never meets a missing record.
 */
export function withDefaults(state: RoomState): RoomState {
	const full = { ...emptyRoom(), ...state };
	return {
		...full,
		session: full.session && sessionWithDefaults(full.session),
		pastSessions: full.pastSessions.map(sessionWithDefaults)
	};
}

/** A session saved before check-ins and votes existed, with their (empty) lists. */
function sessionWithDefaults(session: Session): Session {
	return { ...session, checkIns: session.checkIns ?? [], votes: session.votes ?? [] };
}

/**
 * Why a scale does not suit a survey kind, or null when it does: NPS is always 0-10, CSAT 1-5 or 1-7,
 * CES a 1-7 agreement scale; a custom survey brings its own. One rule for `decide` and the room templates.
 */
export function scaleProblem(kind: SurveyKind, scale: Scale): string | null {
	switch (kind) {
		case 'nps':
			return scale.min === 0 && scale.max === 10 ? null : 'NPS is always asked on a 0-10 scale.';
		case 'csat':
			return scale.min === 1 && (scale.max === 5 || scale.max === 7) ? null : 'CSAT uses a 1-5 or 1-7 scale.';
		case 'ces':
			return scale.min === 1 && scale.max === 7 ? null : 'CES uses a 1-7 agreement scale.';
		case 'custom':
			return null;
		default:
			return assertNever(kind);
	}
}

/** Why a custom survey's top-box rule does not fit its kind and scale, or null when it does (or there is none). */
export function topBoxProblem(kind: SurveyKind, scale: Scale, topBoxFrom: number | null | undefined): string | null {
	if (topBoxFrom === null || topBoxFrom === undefined) return null;
	if (kind !== 'custom') return 'Only a custom survey sets its own top-box rule; NPS, CSAT and CES have theirs.';
	if (topBoxFrom <= scale.min || topBoxFrom > scale.max) {
		return `The top box starts above the lowest score and at most at the highest: ${scale.min + 1} to ${scale.max}.`;
	}
	return null;
}

/** The scale a survey kind implies; `custom` and CSAT may choose (CSAT 1-5 or 1-7). */
export function defaultScale(kind: SurveyKind): Scale {
	switch (kind) {
		case 'nps':
			return { min: 0, max: 10 };
		case 'csat':
			return { min: 1, max: 5 };
		case 'ces':
			return { min: 1, max: 7 };
		case 'custom':
			return { min: 1, max: 5 };
		default:
			return assertNever(kind);
	}
}
