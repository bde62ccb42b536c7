/**
 * What each kind of member is sent of a room. The server projects the state and the events per audience
 * before they leave it, so hiding never depends on the browser:
 * - `full`: contributors and facilitators, everything;
 * - `viewer`: screens and read-only members, everything but the import records (ids of raw import
 *   files) and the remembered import mappings;
 * - `wall`: a wall (the wall page, on a paired screen or opened as a wall by anyone), the viewer projection
 *   without what no wall shows (`wallState`), so a TV joins with less to receive, parse and hold. The page
 *   asks for it when it joins: it only ever narrows what the connection may see, so trusting the ask is safe;
 * - `corridor`: a screen paired as a corridor display, what corridor mode shows: the wall projection with no
 *   verbatims, no transcripts, no tone counts, no sensitive artifacts (nor a call or spotlight of one), no
 *   import records or mappings; the phrases new this month only when the room allows it
 *   (`corridorShowsPhrases`), and then without their links to verbatims.
 *
 * Every audience, `full` too, is sent votes sealed: a ballot never leaves the server (who voted shows, not
 * what), so nobody, the facilitator included, sees counts before the reveal, whose event carries the tally.
 *
 * A projected event folded into the projected state gives the projection of the next state, with the
 * same version, so a client's version sequence stays contiguous: an event whose whole content is hidden
 * becomes `event.withheld` (evolve only takes its version). An event that cannot be projected without
 * knowing the room (`projectEvent` answers null) is never sent: the client is sent a snapshot instead.
 * For the parts only the wall projection leaves out, a weaker rule holds: the wall's copy may hold more
 * than the projection of the room (a quote folded in stays among its few), but projecting the copy gives
 * the projection of the room, and the wall shows of a state only what its projection keeps, so it shows
 * the same (tests/unit/evolve-property.test.ts, "the wall projection").
 */
import type { RecordedEvent } from './events';
import { own } from './basics';
import type { Artifact, Role, RoomState, Session, Verbatim } from './model';

export type Audience = 'full' | 'viewer' | 'wall' | 'corridor';

/**
 * What a member is sent of a room: a screen paired as a corridor display gets the corridor projection
 * (also when its display is gone from the room: the narrowest view), other viewers and screens the viewer
 * projection, contributors and facilitators everything. A connection that says it is a wall
 * (`asWall`: the wall page) gets the wall projection instead of the viewer's or everything.
 */
export function audienceFor(state: RoomState | null, role: Role, displayId: string | undefined, asWall = false): Audience {
	if (displayId !== undefined) {
		if (!state || own(state.displays, displayId)?.mode !== 'room') return 'corridor';
		return asWall ? 'wall' : 'viewer';
	}
	if (asWall) return 'wall';
	return role === 'viewer' ? 'viewer' : 'full';
}

const projectedStates: Record<Audience, WeakMap<RoomState, RoomState>> = {
	full: new WeakMap(),
	viewer: new WeakMap(),
	wall: new WeakMap(),
	corridor: new WeakMap()
};

/** `state` as `audience` may see it. The same object for the same state (states are immutable). */
export function projectState(state: RoomState, audience: Audience): RoomState {
	const cache = projectedStates[audience];
	let projected = cache.get(state);
	if (!projected) {
		const sealed = sealedState(state);
		projected =
			audience === 'full'
				? sealed
				: audience === 'viewer'
					? viewerState(sealed)
					: audience === 'wall'
						? wallState(viewerState(sealed))
						: corridorState(wallState(sealed));
		cache.set(state, projected);
	}
	return projected;
}

const hasBallots = (session: Session) => session.votes.some((v) => Object.keys(v.ballots).length > 0);
const sealSession = (session: Session): Session =>
	hasBallots(session) ? { ...session, votes: session.votes.map((v) => ({ ...v, ballots: {} })) } : session;

/** `state` with every ballot sealed (the same object when it holds none). */
function sealedState(state: RoomState): RoomState {
	const sessions = state.session ? [state.session, ...state.pastSessions] : state.pastSessions;
	if (!sessions.some(hasBallots)) return state;
	return { ...state, session: state.session && sealSession(state.session), pastSessions: state.pastSessions.map(sealSession) };
}

function viewerState(state: RoomState): RoomState {
	return { ...state, imports: {}, importMappings: {}, rules: [], toReview: [] };
}

/**
 * The most of one list a wall shows: two quotes of a category or survey (its spotlight; a stage's column
 * shows the newest of them all, a touchpoint's spotlight the newest two of its two categories), the last
 * change of a touchpoint's maturity (its spotlight), three updates of a fix team (its spotlight).
 */
export const WALL_SHOWS = { quotes: 2, maturityChanges: 1, teamUpdates: 3 } as const;

/**
 * A list of verbatims (newest first) as a wall may show it: the first few, and the first few of each
 * customer segment (a wall can show one segment's view). Order is kept, so a quote folded in later
 * lands where it would in the whole list.
 */
function wallQuotes(verbatims: readonly Verbatim[]): Verbatim[] {
	const perSegment = new Map<string | null, number>();
	const kept = verbatims.filter((v, i) => {
		const seen = perSegment.get(v.segment) ?? 0;
		perSegment.set(v.segment, seen + 1);
		return i < WALL_SHOWS.quotes || (v.segment !== null && seen < WALL_SHOWS.quotes);
	});
	return kept.length === verbatims.length ? (verbatims as Verbatim[]) : kept;
}

/**
 * What no wall shows, left out (decided from the wall's components, src/lib/components/wall/): the
 * verbatims beyond the few it quotes and their tone counts, a touchpoint's older maturity changes, a team's
 * older updates and its status history, past sessions. Counts, KPI points and survey distributions stay
 * whole: the wall's series and signals read them all.
 */
function wallState(state: RoomState): RoomState {
	return {
		...state,
		complaints: mapValues(state.complaints, ({ tone: _tone, ...c }) => ({ ...c, verbatims: wallQuotes(c.verbatims) })),
		surveys: mapValues(state.surveys, ({ tone: _tone, ...s }) => ({ ...s, verbatims: wallQuotes(s.verbatims) })),
		touchpoints: mapValues(state.touchpoints, (t) =>
			t.history.length > WALL_SHOWS.maturityChanges ? { ...t, history: t.history.slice(0, WALL_SHOWS.maturityChanges) } : t
		),
		teams: mapValues(state.teams, (t) => ({
			...t,
			updates: t.updates.length > WALL_SHOWS.teamUpdates ? t.updates.slice(0, WALL_SHOWS.teamUpdates) : t.updates,
			statusHistory: []
		})),
		pastSessions: [],
		phrases: mapValues(state.phrases ?? {}, (p) => ({ ...p, phrases: p.phrases.map((phrase) => ({ ...phrase, verbatims: [] })) }))
	};
}

const mapValues = <T>(record: Record<string, T>, fn: (value: T) => T): Record<string, T> =>
	Object.fromEntries(Object.entries(record).map(([id, value]) => [id, fn(value)]));

function corridorState(state: RoomState): RoomState {
	const artifacts: Record<string, Artifact> = {};
	for (const [id, artifact] of Object.entries(state.artifacts)) {
		if (!artifact.sensitive) artifacts[id] = artifact;
	}
	for (const [id, artifact] of Object.entries(artifacts)) {
		const replacedBy =
			artifact.replacedBy !== null && !Object.hasOwn(artifacts, artifact.replacedBy) ? null : artifact.replacedBy;
		artifacts[id] = { ...artifact, transcript: '', replacedBy };
	}
	const hiddenTarget = state.spotlight?.target.kind === 'artifact' && !Object.hasOwn(artifacts, state.spotlight.target.id);
	return {
		...viewerState(state),
		artifacts,
		// Tone counts go with the verbatims: they change with every quote, which corridor screens are not sent.
		complaints: mapValues(state.complaints, ({ tone: _tone, ...c }) => ({ ...c, verbatims: [] })),
		surveys: mapValues(state.surveys, ({ tone: _tone, ...s }) => ({ ...s, verbatims: [] })),
		nowPlaying: state.nowPlaying && Object.hasOwn(artifacts, state.nowPlaying.artifactId) ? state.nowPlaying : null,
		spotlight: hiddenTarget ? null : state.spotlight,
		phrases: state.meta?.settings.corridorShowsPhrases
			? mapValues(state.phrases ?? {}, (p) => ({ ...p, phrases: p.phrases.map((phrase) => ({ ...phrase, verbatims: [] })) }))
			: {}
	};
}

const withheld = (recorded: RecordedEvent): RecordedEvent => ({ ...recorded, event: { type: 'event.withheld' } });

/**
 * `recorded` as `audience` may see it, or null when it cannot be told without the room's state (the
 * caller then sends the projected state instead). Never null for `full`, which is sent every event
 * as it is but for ballots.
 */
export function projectEvent(recorded: RecordedEvent, audience: Audience): RecordedEvent | null {
	const e = recorded.event;
	// Every audience: a ballot says who voted, never what.
	if (e.type === 'vote.cast') return e.ballot ? { ...recorded, event: { ...e, ballot: null } } : recorded;
	if (e.type === 'room.restored') return { ...recorded, event: { ...e, state: projectState(e.state, audience) } };
	if (audience === 'full') return recorded;
	// Both: an import carries its record (the raw file's id); a restore carries a whole state.
	if (e.type === 'import.applied') return null;
	// Rules and the review queue are Curate's working state: screens never hold them.
	if (e.type === 'rule.saved' || e.type === 'rule.removed') return withheld(recorded);
	// A wall folds every event a viewer gets: what its projection leaves out of the state it may hold again
	// after a fold (a new quote, a new update), never anything a viewer may not see.
	if (audience === 'viewer' || audience === 'wall') return recorded;
	switch (e.type) {
		case 'complaint.quoted':
		case 'survey.quoted':
			return withheld(recorded);
		case 'review.placed':
			return { ...recorded, event: { ...e, verbatim: null } };
		case 'complaint.defined':
			return { ...recorded, event: { ...e, category: { ...e.category, verbatims: [], tone: undefined } } };
		case 'survey.defined':
			return { ...recorded, event: { ...e, survey: { ...e.survey, verbatims: [], tone: undefined } } };
		case 'artifact.added':
			if (e.artifact.sensitive) return withheld(recorded);
			// What it replaces may be hidden: only the state can say.
			if (e.artifact.replacedBy !== null) return null;
			return { ...recorded, event: { ...e, artifact: { ...e.artifact, transcript: '' } } };
		case 'artifact.updated': {
			// Whether the artifact is shown may change, and what points at it: only the state can say.
			if ('sensitive' in e.patch || 'replacedBy' in e.patch) return null;
			if (!('transcript' in e.patch)) return recorded;
			const { transcript: _hidden, ...patch } = e.patch;
			return Object.keys(patch).length ? { ...recorded, event: { ...e, patch } } : withheld(recorded);
		}
		// Whether the call is a sensitive artifact's: only the state can say.
		case 'call.played':
			return null;
		// Rewritten verbatims and transcripts are hidden, captions of sensitive artifacts too: the state says which.
		case 'room.redacted':
			return null;
		// Whether corridor screens may show phrases is the room's setting: only the state can say; and a
		// change of settings may show or hide the phrases the room already has.
		case 'phrases.recorded':
			return null;
		case 'room.configured':
			return e.patch.settings ? null : recorded;
		default:
			// The rest carries nothing corridor mode hides, and folds the same on the projected state (a
			// change to a hidden artifact finds nothing; a spotlight on one is released by evolve).
			return recorded;
	}
}

/**
 * `events` as `audience` may see them, or null when one of them cannot be projected without the state.
 * The same array when the audience may see every event as it is (for `full`, all but ballots), so a broadcast can
 * go out once to every audience that shares it.
 */
export function projectEvents(events: readonly RecordedEvent[], audience: Audience): RecordedEvent[] | null {
	const out: RecordedEvent[] = [];
	let changed = false;
	for (const event of events) {
		const projected = projectEvent(event, audience);
		if (!projected) return null;
		changed ||= projected !== event;
		out.push(projected);
	}
	return changed ? out : (events as RecordedEvent[]);
}
