/**
 * Test data for the pure domain core: one valid example of every command, builders that override the
 * example's fields, and a fold helper that runs commands through `decide`/`evolve` the way the engine
 * does (numbering events from `state.version + 1`), so tests read as "a facilitator did this, then that".
 */
import {
	Command,
	decide,
	emptyDelta,
	emptyRoom,
	evolve,
	type CommandOf,
	type CommandType,
	type DecideContext,
	type DecideResult,
	type DomainError,
	type RecordedEvent,
	type Role,
	type RoomState
} from '../../src/lib/domain';

export const ROOM_ID = 'room-1';
/** The clock of every example; tests that care about time pass their own `now`. */
export const NOW = '2026-03-10T09:00:00.000Z';

export const PEOPLE = {
	facilitator: { id: 'u-fran', name: 'Fran Facilitator', role: 'facilitator', person: true },
	contributor: { id: 'u-cole', name: 'Cole Contributor', role: 'contributor', person: true },
	viewer: { id: 'u-vera', name: 'Vera Viewer', role: 'viewer', person: true }
} as const satisfies Record<Role, DecideContext['actor']>;

/** A decide context for a person of `role` at `now`. */
export function contextFor(role: Role = 'facilitator', now: string = NOW): DecideContext {
	return { roomId: ROOM_ID, actor: { ...PEOPLE[role] }, now };
}

/** A 64-hex content id, as the blob store makes them. */
export const BLOB_ID = 'ab'.repeat(32);

/**
 * One valid example of every command type. The mapped type makes a new command a compile error here
 * until it has an example, and `schemas.test.ts` checks each one against the `Command` schema.
 *
 * Ids follow the furnished room of `buildRoom`: `stage-1`, `tp-1`, `art-1`, `cat-1`, `kpi-1`,
 * `survey-1`, `team-1`, `win-1`, `display-1` exist there; commands that create something use a `-new` id.
 */
export const COMMAND_EXAMPLES: { [T in CommandType]: CommandOf<T> } = {
	'room.create': { type: 'room.create', name: 'Northwind Customer Room', organisation: 'Northwind' },
	'room.configure': { type: 'room.configure', patch: { name: 'Renamed room' } },
	'room.archive': { type: 'room.archive' },
	'room.unarchive': { type: 'room.unarchive' },
	// The server replaces `prepared` with what it works out from the room (server/text/redact-room.ts).
	'room.redact': {
		type: 'room.redact',
		prepared: {
			rewrites: { complaintQuotes: [], surveyQuotes: [], artifacts: [{ artifactId: 'art-1', caption: 'Call us on [phone].' }] },
			masked: { email: 0, phone: 1, card: 0, iban: 0, nationalId: 0, number: 0 }
		}
	},

	'department.add': { type: 'department.add', name: 'Claims' },
	'department.rename': { type: 'department.rename', from: 'Operations', to: 'Underwriting' },
	'department.merge': { type: 'department.merge', from: ['Marketing'], into: 'Sales' },
	'department.remove': { type: 'department.remove', name: 'Legal' },

	'stage.add': { type: 'stage.add', stageId: 'stage-new', name: 'Discover', customerGoal: 'I want to compare offers' },
	'stage.update': { type: 'stage.update', stageId: 'stage-1', patch: { customerGoal: 'I want to be understood' } },
	'stage.move': { type: 'stage.move', stageId: 'stage-1', index: 0 },
	'stage.remove': { type: 'stage.remove', stageId: 'stage-1' },

	'touchpoint.add': {
		type: 'touchpoint.add',
		touchpointId: 'tp-new',
		stageId: 'stage-1',
		name: 'Welcome call',
		channel: 'phone',
		momentOfTruth: false,
		departments: ['Customer Service'],
		importance: null,
		performance: null,
		internalScore: null
	},
	'touchpoint.update': { type: 'touchpoint.update', touchpointId: 'tp-1', patch: { momentOfTruth: true } },
	'touchpoint.assess': { type: 'touchpoint.assess', touchpointId: 'tp-1', maturity: 'broken', evidence: 'Calls dropped' },
	'touchpoint.remove': { type: 'touchpoint.remove', touchpointId: 'tp-1' },

	'artifact.add': {
		type: 'artifact.add',
		artifactId: 'art-new',
		stageId: 'stage-1',
		touchpointId: null,
		kind: 'link',
		title: 'Pricing page',
		caption: '',
		blobId: null,
		url: 'https://example.com/pricing',
		transcript: '',
		currentAsOf: null,
		sensitive: false,
		replacedBy: null
	},
	'artifact.update': { type: 'artifact.update', artifactId: 'art-1', patch: { title: 'Pricing page, March' } },
	'artifact.remove': { type: 'artifact.remove', artifactId: 'art-1' },

	'complaint.define': {
		type: 'complaint.define',
		categoryId: 'cat-new',
		stageId: 'stage-1',
		touchpointId: null,
		name: 'Hidden fees',
		departments: ['Finance/Billing']
	},
	'complaint.update': { type: 'complaint.update', categoryId: 'cat-1', patch: { name: 'Surprise fees' } },
	'complaint.count': { type: 'complaint.count', categoryId: 'cat-1', period: '2026-02', count: 42 },
	'complaint.quote': {
		type: 'complaint.quote',
		categoryId: 'cat-1',
		verbatim: { id: 'q-new', text: 'I was charged twice.', date: '2026-02-14', channel: 'web', segment: null }
	},
	'complaint.remove': { type: 'complaint.remove', categoryId: 'cat-1' },

	'kpi.define': {
		type: 'kpi.define',
		kpiId: 'kpi-new',
		stageId: 'stage-1',
		touchpointId: null,
		name: 'Days to open an account',
		unit: 'days',
		direction: 'lower',
		target: 3,
		warning: 1,
		source: 'Core banking',
		department: 'Operations'
	},
	'kpi.update': { type: 'kpi.update', kpiId: 'kpi-1', patch: { target: 2 } },
	'kpi.record': { type: 'kpi.record', kpiId: 'kpi-1', points: [{ date: '2026-02-01', value: 4.5 }] },
	'kpi.unrecord': { type: 'kpi.unrecord', kpiId: 'kpi-1', dates: ['2026-02-01'] },
	'kpi.move': { type: 'kpi.move', kpiId: 'kpi-1', index: 0 },
	'kpi.remove': { type: 'kpi.remove', kpiId: 'kpi-1' },

	'survey.define': {
		type: 'survey.define',
		surveyId: 'survey-new',
		kind: 'nps',
		stageId: 'stage-1',
		touchpointId: null,
		question: 'How likely are you to recommend us?'
	},
	'survey.update': { type: 'survey.update', surveyId: 'survey-1', patch: { question: 'Would you recommend us?' } },
	'survey.record': {
		type: 'survey.record',
		surveyId: 'survey-1',
		period: '2026-02',
		counts: [1, 0, 2, 1, 3, 5, 8, 13, 21, 30, 40]
	},
	'survey.quote': {
		type: 'survey.quote',
		surveyId: 'survey-1',
		verbatim: { id: 'sq-new', text: 'Quick and friendly.', date: '2026-02-20', channel: 'email', segment: 'Retail' }
	},
	'survey.remove': { type: 'survey.remove', surveyId: 'survey-1' },

	'rule.save': { type: 'rule.save', ruleId: 'rule-new', categoryId: 'cat-1', all: ['overdraft', 'fee'], any: [], none: [] },
	'rule.remove': { type: 'rule.remove', ruleId: 'rule-1' },
	'review.place': { type: 'review.place', verbatimId: 'v-waiting', categoryId: 'cat-1' },

	'team.charter': {
		type: 'team.charter',
		teamId: 'team-new',
		name: 'Fee clarity',
		problem: 'Customers are surprised by fees on their first statement.',
		stageId: 'stage-1',
		links: { touchpoints: [], complaints: [], kpis: [], surveys: [] },
		members: [
			{ name: 'Sam', department: 'Sales' },
			{ name: 'Fin', department: 'Finance/Billing' }
		],
		sponsor: 'COO',
		dueDate: '2026-04-10',
		baseline: '120 complaints a month',
		target: 'under 40'
	},
	'team.update': { type: 'team.update', teamId: 'team-1', patch: { sponsor: 'CFO' } },
	'team.setStatus': { type: 'team.setStatus', teamId: 'team-1', status: 'investigating', note: 'Kick-off done' },
	'team.post': {
		type: 'team.post',
		teamId: 'team-1',
		updateId: 'upd-new',
		kind: 'finding',
		text: 'Fees are shown only at step 5.'
	},

	'win.mark': {
		type: 'win.mark',
		winId: 'win-new',
		teamId: null,
		stageId: 'stage-1',
		headline: 'Fees shown up front',
		before: '120 a month',
		after: '35 a month'
	},
	'win.retract': { type: 'win.retract', winId: 'win-1' },

	'session.start': { type: 'session.start', sessionId: 'session-new', title: 'March session', agenda: [] },
	'session.focus': { type: 'session.focus', stageId: 'stage-1' },
	'session.setTimer': { type: 'session.setTimer', durationSec: 600 },
	'session.attend': { type: 'session.attend', name: 'Avery' },
	'session.decide': { type: 'session.decide', decisionId: 'dec-new', text: 'Fund the fee-clarity team.' },
	'session.reviseDecision': { type: 'session.reviseDecision', decisionId: 'dec-new', text: 'Fund the fee-clarity team from Q2.' },
	'session.removeDecision': { type: 'session.removeDecision', decisionId: 'dec-new' },
	'session.end': { type: 'session.end' },
	'session.checkIn': { type: 'session.checkIn' },
	'vote.open': {
		type: 'vote.open',
		voteId: 'vote-new',
		stageId: 'stage-1',
		items: [
			{ kind: 'touchpoint', id: 'tp-1' },
			{ kind: 'complaint', id: 'cat-1' }
		],
		votesEach: 3,
		severalOnOne: false
	},
	'vote.cast': { type: 'vote.cast', voteId: 'vote-new', counts: [1, 1] },
	'vote.reveal': { type: 'vote.reveal', voteId: 'vote-new' },
	'vote.cancel': { type: 'vote.cancel', voteId: 'vote-new' },

	'action.create': {
		type: 'action.create',
		actionId: 'action-new',
		text: 'Show the fee on the first screen.',
		source: { kind: 'recommendation', teamId: 'team-1', updateId: 'upd-rec-1' },
		teamId: 'team-1',
		owner: { id: 'account-pat', name: 'Pat' },
		due: '2026-04-30'
	},
	'action.update': {
		type: 'action.update',
		actionId: 'action-1',
		text: 'Show every fee on the first screen.',
		due: '2026-05-15',
		teamId: 'team-1'
	},
	'action.assign': { type: 'action.assign', actionId: 'action-1', owner: { id: 'account-pat', name: 'Pat' } },
	'action.complete': { type: 'action.complete', actionId: 'action-1' },
	'action.reopen': { type: 'action.reopen', actionId: 'action-1' },
	'action.remove': { type: 'action.remove', actionId: 'action-1' },

	'call.play': { type: 'call.play', artifactId: 'call-1', positionSec: 0 },
	'call.pause': { type: 'call.pause', positionSec: 12.5 },
	'call.stop': { type: 'call.stop' },
	'spotlight.set': { type: 'spotlight.set', target: { kind: 'stage', id: 'stage-1' } },
	'spotlight.clear': { type: 'spotlight.clear' },

	'display.register': {
		type: 'display.register',
		displayId: 'display-new',
		name: 'Lobby TV',
		location: 'Ground floor',
		mode: 'corridor',
		rotation: { stageIds: [], intervalSec: 30 }
	},
	'display.update': { type: 'display.update', displayId: 'display-1', patch: { mode: 'room' } },
	'display.remove': { type: 'display.remove', displayId: 'display-1' },

	// Sent by the server's sweep once the room's rawDays have passed since `import-new` (a raw upload).
	'import.deleteFile': { type: 'import.deleteFile', importId: 'import-new' },
	// Sent by the server after it reads the room's verbatims (server/text/phrases.ts).
	'phrases.record': {
		type: 'phrases.record',
		stageId: 'stage-1',
		period: '2026-03',
		phrases: [{ text: 'app login', count: 4, baseline: 0, score: 14.2, verbatims: [{ itemId: 'cat-1', verbatimId: 'v-1' }] }]
	},
	'import.apply': {
		type: 'import.apply',
		importId: 'import-new',
		kind: 'complaints',
		fileName: 'complaints-2025-03.csv',
		blobId: BLOB_ID,
		keysBlobId: BLOB_ID,
		rows: 3,
		added: 3,
		duplicates: 0,
		errors: 0,
		basedOn: 0,
		mapping: {
			kind: 'complaints',
			hasHeader: true,
			dateColumn: { index: 0, name: 'Date' },
			dateFormat: 'auto',
			idColumn: null,
			segmentColumn: null,
			categoryColumn: { index: 1, name: 'Issue' },
			channelColumn: null,
			textColumn: null,
			stageRules: [],
			defaultStageId: 'stage-1'
		},
		delta: {
			categories: [{ categoryId: 'cat-new', stageId: 'stage-1', name: 'Card declined' }],
			kpis: [],
			surveys: [],
			complaintCounts: [
				{ categoryId: 'cat-new', period: '2025-03', segment: null, add: 2 },
				{ categoryId: 'cat-1', period: '2025-03', segment: null, add: 1 }
			],
			complaintQuotes: [],
			kpiPoints: [],
			surveyCounts: [],
			surveyQuotes: [],
			placements: [],
			toReview: []
		}
	},
	'room.restore': {
		type: 'room.restore',
		state: {
			...emptyRoom(),
			version: 3,
			meta: {
				id: 'backed-up-room',
				name: 'Northwind Customer Room',
				organisation: 'Northwind',
				departments: ['Sales', 'IT'],
				settings: { corridorHidesVerbatims: true, theme: 'dark' },
				createdAt: '2025-01-01T09:00:00.000Z'
			},
			stageOrder: ['stage-1'],
			stages: { 'stage-1': { id: 'stage-1', name: 'Apply', customerGoal: 'I want to open an account quickly' } }
		}
	}
};

/** The example of `type` with some fields replaced: `command('stage.add', { stageId: 'stage-2' })`. */
export function command<T extends CommandType>(type: T, overrides: Partial<CommandOf<T>> = {}): CommandOf<T> {
	return structuredClone({ ...COMMAND_EXAMPLES[type], ...overrides }) as CommandOf<T>;
}

/** Numbers and stamps decided events as the engine would: `v` follows `state.version` without gaps. */
export function recordEvents(
	state: RoomState,
	result: Extract<DecideResult, { ok: true }>,
	ctx: DecideContext,
	commandId: string
): RecordedEvent[] {
	return result.events.map((event, i) => ({
		v: state.version + 1 + i,
		commandId,
		at: ctx.now,
		actor: { id: ctx.actor.id, name: ctx.actor.name },
		event
	}));
}

export interface Step {
	state: RoomState;
	result: DecideResult;
	recorded: RecordedEvent[];
}

/**
 * Validates `raw` with the `Command` schema (as the gateway does), decides it and, if accepted, folds its
 * events. Never throws on a refusal: the result says what happened.
 */
export function step(state: RoomState, raw: Command, ctx: DecideContext = contextFor()): Step {
	const cmd = Command.parse(raw);
	const result = decide(state, cmd, ctx);
	if (!result.ok) return { state, result, recorded: [] };
	const recorded = recordEvents(state, result, ctx, `cmd-at-v${state.version + 1}`);
	return { state: recorded.reduce(evolve, state), result, recorded };
}

/** Like `step`, but a refusal is a test failure that names the command and the reason. */
export function apply(state: RoomState, raw: Command, ctx: DecideContext = contextFor()): RoomState {
	const { state: next, result } = step(state, raw, ctx);
	if (!result.ok) throw new Error(`${raw.type} refused: ${result.error.code}: ${result.error.message}`);
	return next;
}

/** Folds commands from `state` (an empty room by default), failing on the first refusal. */
export function applyAll(
	commands: readonly Command[],
	state: RoomState = emptyRoom(),
	ctx: DecideContext = contextFor()
): RoomState {
	return commands.reduce((s, c) => apply(s, c, ctx), state);
}

/** The error of a refused command (a test failure if it was accepted). */
export function refusal(state: RoomState, raw: Command, ctx: DecideContext = contextFor()): DomainError {
	const { result } = step(state, raw, ctx);
	if (result.ok) throw new Error(`${raw.type} was accepted: ${JSON.stringify(result.events)}`);
	return result.error;
}

export interface RoomShape {
	stages?: number;
	/** Per stage; ids run on across stages: tp-1, tp-2, ... */
	touchpointsPerStage?: number;
	artifactsPerStage?: number;
	complaintsPerStage?: number;
	kpisPerStage?: number;
	surveysPerStage?: number;
	/** Fix teams, on stage-1, linking the first touchpoint/complaint/KPI/survey when there are any. */
	teams?: number;
	/** Wins without a team, on stage-1. */
	wins?: number;
	displays?: number;
}

export interface BuiltRoom {
	state: RoomState;
	commands: Command[];
	ids: {
		stages: string[];
		touchpoints: string[];
		artifacts: string[];
		complaints: string[];
		kpis: string[];
		surveys: string[];
		teams: string[];
		wins: string[];
		displays: string[];
	};
}

/** The commands that build a room of the given shape (room.create first). */
export function roomCommands(shape: RoomShape = {}): { commands: Command[]; ids: BuiltRoom['ids'] } {
	const {
		stages = 1,
		touchpointsPerStage = 0,
		artifactsPerStage = 0,
		complaintsPerStage = 0,
		kpisPerStage = 0,
		surveysPerStage = 0,
		teams = 0,
		wins = 0,
		displays = 0
	} = shape;
	const ids: BuiltRoom['ids'] = {
		stages: [],
		touchpoints: [],
		artifacts: [],
		complaints: [],
		kpis: [],
		surveys: [],
		teams: [],
		wins: [],
		displays: []
	};
	const commands: Command[] = [command('room.create')];
	const next = (list: string[], prefix: string) => {
		const id = `${prefix}-${list.length + 1}`;
		list.push(id);
		return id;
	};
	for (let s = 0; s < stages; s++) {
		const stageId = next(ids.stages, 'stage');
		commands.push(command('stage.add', { stageId, name: `Stage ${s + 1}` }));
		for (let i = 0; i < touchpointsPerStage; i++) {
			const touchpointId = next(ids.touchpoints, 'tp');
			commands.push(command('touchpoint.add', { touchpointId, stageId, name: `Touchpoint ${touchpointId}` }));
		}
		for (let i = 0; i < artifactsPerStage; i++) {
			commands.push(command('artifact.add', { artifactId: next(ids.artifacts, 'art'), stageId }));
		}
		for (let i = 0; i < complaintsPerStage; i++) {
			commands.push(command('complaint.define', { categoryId: next(ids.complaints, 'cat'), stageId }));
		}
		for (let i = 0; i < kpisPerStage; i++) {
			commands.push(command('kpi.define', { kpiId: next(ids.kpis, 'kpi'), stageId }));
		}
		for (let i = 0; i < surveysPerStage; i++) {
			commands.push(command('survey.define', { surveyId: next(ids.surveys, 'survey'), stageId }));
		}
	}
	const firstStage = ids.stages[0] ?? 'stage-1';
	const firstOf = (list: string[]) => list.slice(0, 1);
	for (let t = 0; t < teams; t++) {
		commands.push(
			command('team.charter', {
				teamId: next(ids.teams, 'team'),
				name: `Fix team ${t + 1}`,
				stageId: firstStage,
				links: {
					touchpoints: firstOf(ids.touchpoints),
					complaints: firstOf(ids.complaints),
					kpis: firstOf(ids.kpis),
					surveys: firstOf(ids.surveys)
				}
			})
		);
	}
	for (let w = 0; w < wins; w++) {
		commands.push(command('win.mark', { winId: next(ids.wins, 'win'), stageId: firstStage }));
	}
	for (let d = 0; d < displays; d++) {
		commands.push(command('display.register', { displayId: next(ids.displays, 'display') }));
	}
	return { commands, ids };
}

/** A created room with the given shape, built by folding commands as a facilitator. */
export function buildRoom(shape: RoomShape = {}): BuiltRoom {
	const { commands, ids } = roomCommands(shape);
	return { state: applyAll(commands), commands, ids };
}

/** A room with one of everything, where every command example refers to something that exists. */
export function furnishedRoom(): BuiltRoom {
	const built = buildRoom({
		stages: 2,
		touchpointsPerStage: 1,
		artifactsPerStage: 1,
		complaintsPerStage: 1,
		kpisPerStage: 1,
		surveysPerStage: 1,
		teams: 1,
		wins: 1,
		displays: 1
	});
	const call = command('artifact.add', {
		artifactId: 'call-1',
		kind: 'audio',
		title: 'Recorded call: card declined abroad',
		url: '/demo/calls/card-declined.ogg',
		transcript: 'CUSTOMER: My card was declined at the hotel.\nAGENT: I am sorry, let me look.'
	});
	// A recommendation of team-1, and the action made of it (owned by Omar), for the action commands.
	const recommendation = command('team.post', {
		teamId: 'team-1',
		updateId: 'upd-rec-1',
		kind: 'recommendation',
		text: 'Show the fee before the customer signs.'
	});
	const action = command('action.create', {
		actionId: 'action-1',
		text: 'Put the fee on the sign-up page.',
		owner: { id: 'account-omar', name: 'Omar' },
		due: '2026-04-10'
	});
	const added = [call, recommendation, action];
	return { ...built, state: added.reduce((s, c) => apply(s, c), built.state), commands: [...built.commands, ...added] };
}

/**
 * The import that leaves one verbatim (`v-waiting`, on stage-1, suggested for cat-1) in the furnished
 * room's To review queue: what `review.place` needs before it applies.
 */
export function waitingForReview(importId = 'import-review'): CommandOf<'import.apply'> {
	return {
		...(COMMAND_EXAMPLES['import.apply'] as CommandOf<'import.apply'>),
		importId,
		delta: {
			...emptyDelta(),
			toReview: [
				{
					verbatim: {
						id: 'v-waiting',
						text: 'They charged an overdraft fee twice.',
						date: '2025-03-02',
						channel: 'web',
						segment: null
					},
					stageId: 'stage-1',
					period: '2025-03',
					segment: null,
					suggestions: [{ categoryId: 'cat-1', confidence: 0.6 }]
				}
			]
		}
	};
}
