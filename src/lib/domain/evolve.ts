/**
 * `evolve(state, recorded)`: folds one event into the room state. Pure and immutable: the result shares
 * every untouched part with the input, so a Svelte `$state.raw` swap re-renders only what changed.
 * Server and browser run this same function, so every screen computes the same state.
 */
import type { RecordedEvent } from './events';
import { closeStretch } from './timebox';
import { LIMITS, assertNever, compareIso, own, spotlightEntity, stageKpis } from './basics';
import { mergeDepartments, removeDepartment } from './departments';
import type { ImportDelta } from './imports';
import type { RedactionRewrites } from './redaction';
import { addTones, countTone, tonesAfter } from './tone';
import type { ComplaintCategory, KpiPoint, PeriodCounts, PeriodDistributions, RoomState, Survey, Verbatim, Vote } from './model';

type Entities = Omit<
	RoomState,
	| 'version'
	| 'meta'
	| 'stageOrder'
	| 'session'
	| 'pastSessions'
	| 'spotlight'
	| 'nowPlaying'
	| 'importMappings'
	| 'rules'
	| 'toReview'
>;

/** Replaces (or removes, with `undefined`) one entry of an entity record. */
function put<K extends keyof Entities>(state: RoomState, key: K, id: string, value: Entities[K][string] | undefined): RoomState {
	const next = { ...state[key] } as Entities[K];
	if (value === undefined) delete next[id];
	else next[id] = value;
	return { ...state, [key]: next };
}

/** `record` without `key` (the same object when it has none). */
function withoutKey<T>(record: Record<string, T>, key: string): Record<string, T> {
	if (!own(record, key)) return record;
	const next = { ...record };
	delete next[key];
	return next;
}

/** Applies `fn` to an existing entity; an unknown id leaves the state as it is. */
function change<K extends keyof Entities>(
	state: RoomState,
	key: K,
	id: string,
	fn: (current: Entities[K][string]) => Entities[K][string]
): RoomState {
	const current = own<unknown>(state[key], id) as Entities[K][string] | undefined;
	return current === undefined ? state : put(state, key, id, fn(current));
}

const newestFirst = (list: readonly Verbatim[], v: Verbatim): Verbatim[] =>
	[v, ...list.filter((x) => x.id !== v.id)].sort((a, b) => compareIso(b.date, a.date)).slice(0, LIMITS.verbatims);

/** An item with one more verbatim: kept among its newest few, and counted in its tone per month (all of them, kept or not). */
function quoted<T extends ComplaintCategory | Survey>(item: T, v: Verbatim): T {
	const tone = tonesAfter(item, [v]);
	return { ...item, verbatims: newestFirst(item.verbatims, v), ...(tone ? { tone } : {}) };
}

/** `quoted`, in place, on an item an import has already copied. */
function quoteInto(item: ComplaintCategory | Survey, v: Verbatim): void {
	const tone = tonesAfter(item, [v]);
	if (tone) item.tone = tone;
	item.verbatims = newestFirst(item.verbatims, v);
}

/**
 * Puts the masked texts of a `room.redacted` in place; a text whose item is gone is skipped. A rewrite
 * that carries a new tone replaces the verbatim's score, and the item's month tone counts move by the
 * difference (the old tone taken back, the new one counted). Those counts also hold verbatims the item
 * no longer keeps (an import counts every row's tone, the item keeps its newest few): only the verbatims
 * still held are rescored, so the counts stay as they were for the rest.
 */
export function applyRedaction(state: RoomState, rewrites: RedactionRewrites): RoomState {
	type Entry = { verbatimId: string; text: string; sentiment?: number | undefined };
	const rewrite = <T extends ComplaintCategory | Survey>(item: T, entries: ReadonlyMap<string, Entry>): T => {
		let tone = item.tone;
		const verbatims = item.verbatims.map((v) => {
			const entry = entries.get(v.id);
			if (!entry) return v;
			if (entry.sentiment === undefined || v.sentiment === undefined) return { ...v, text: entry.text };
			const next = { ...v, text: entry.text, sentiment: entry.sentiment };
			tone = countTone(countTone(tone, v, -1), next, 1);
			return next;
		});
		return { ...item, verbatims, ...(tone ? { tone } : {}) };
	};
	const byItem = <T extends Entry>(entries: readonly T[], idOf: (entry: T) => string) => {
		const grouped = new Map<string, Map<string, Entry>>();
		for (const entry of entries) {
			const texts = grouped.get(idOf(entry)) ?? new Map<string, Entry>();
			texts.set(entry.verbatimId, entry);
			grouped.set(idOf(entry), texts);
		}
		return grouped;
	};
	let next = state;
	for (const [categoryId, entries] of byItem(rewrites.complaintQuotes, (q) => q.categoryId))
		next = change(next, 'complaints', categoryId, (c) => rewrite(c, entries));
	for (const [surveyId, entries] of byItem(rewrites.surveyQuotes, (q) => q.surveyId))
		next = change(next, 'surveys', surveyId, (sv) => rewrite(sv, entries));
	if (rewrites.toReview?.length) {
		const queued = new Map(rewrites.toReview.map((r) => [r.verbatimId, r]));
		next = {
			...next,
			toReview: next.toReview.map((item) => {
				const entry = queued.get(item.verbatim.id);
				if (!entry) return item;
				const sentiment =
					entry.sentiment !== undefined && item.verbatim.sentiment !== undefined ? { sentiment: entry.sentiment } : {};
				return { ...item, verbatim: { ...item.verbatim, text: entry.text, ...sentiment } };
			})
		};
	}
	for (const { artifactId, caption, transcript } of rewrites.artifacts)
		next = change(next, 'artifacts', artifactId, (a) => ({
			...a,
			...(caption !== undefined ? { caption } : {}),
			...(transcript !== undefined ? { transcript } : {})
		}));
	return next;
}

function mergePoints(existing: readonly KpiPoint[], incoming: readonly KpiPoint[]): KpiPoint[] {
	const byDate = new Map(existing.map((p) => [p.date, p]));
	for (const p of incoming) byDate.set(p.date, p);
	return [...byDate.values()].sort((a, b) => compareIso(a.date, b.date)).slice(-LIMITS.kpiPoints);
}

function setPeriod<T>(
	all: Record<string, T>,
	bySegment: Record<string, Record<string, T>>,
	period: string,
	value: T,
	segment: string | null
): { all: Record<string, T>; bySegment: Record<string, Record<string, T>> } {
	if (segment === null) return { all: { ...all, [period]: value }, bySegment };
	return {
		all,
		bySegment: { ...bySegment, [segment]: { ...bySegment[segment], [period]: value } }
	};
}

const without = (ids: readonly string[], id: string) => ids.filter((x) => x !== id);

/** Removes a deleted item from every team that links it, so no link dangles. */
function unlink(state: RoomState, kind: 'touchpoints' | 'complaints' | 'kpis' | 'surveys', id: string): RoomState {
	let teams = state.teams;
	for (const team of Object.values(state.teams)) {
		if (team.links[kind].includes(id)) {
			teams = { ...teams, [team.id]: { ...team, links: { ...team.links, [kind]: without(team.links[kind], id) } } };
		}
	}
	return teams === state.teams ? state : { ...state, teams };
}

function moveTo(order: readonly string[], id: string, index: number): string[] {
	const rest = without(order, id);
	rest.splice(Math.min(index, rest.length), 0, id);
	return rest;
}

/** A category's counts with one more in `period` (overall, and for `segment` when there is one). */
function countOne(c: ComplaintCategory, period: string, segment: string | null): Pick<ComplaintCategory, 'counts' | 'bySegment'> {
	const counts = { ...c.counts };
	addCount(counts, period, 1);
	if (segment === null) return { counts, bySegment: c.bySegment };
	const mine = { ...(own(c.bySegment, segment) ?? {}) };
	addCount(mine, period, 1);
	return { counts, bySegment: { ...c.bySegment, [segment]: mine } };
}

/** Drops a removed category from the rules that name it and from the suggestions of waiting verbatims. */
function forgetCategory(s: RoomState, categoryId: string): RoomState {
	const named = (x: { categoryId: string }) => x.categoryId === categoryId;
	if (!s.rules.some(named) && !s.toReview.some((i) => i.suggestions.some(named))) return s;
	return {
		...s,
		rules: s.rules.filter((r) => !named(r)),
		toReview: s.toReview.map((i) =>
			i.suggestions.some(named) ? { ...i, suggestions: i.suggestions.filter((x) => !named(x)) } : i
		)
	};
}

/** Adds `add` to a month's count (or each scale point of a month's distribution), in place. */
function addCount(into: Record<string, number>, period: string, add: number): void {
	into[period] = (own(into, period) ?? 0) + add;
}
function addCounts(into: Record<string, number[]>, period: string, add: readonly number[]): void {
	const current = own(into, period) ?? [];
	into[period] = add.map((n, i) => (current[i] ?? 0) + n);
}

/**
 * Folds what an import adds. Each touched category or survey is copied once and then filled in place,
 * so a delta of many thousand months costs one pass, not one copy per month.
 */
function applyImport(s: RoomState, delta: ImportDelta): RoomState {
	const complaints = { ...s.complaints };
	const copied = new Set<string>();
	const category = (id: string): ComplaintCategory | undefined => {
		const current = own(complaints, id);
		if (!current || copied.has(id)) return current;
		copied.add(id);
		const bySegment = Object.fromEntries(Object.entries(current.bySegment).map(([k, v]) => [k, { ...v }]));
		return (complaints[id] = { ...current, counts: { ...current.counts }, bySegment });
	};
	for (const c of delta.categories) {
		if (own(complaints, c.categoryId)) continue;
		complaints[c.categoryId] = {
			id: c.categoryId,
			stageId: c.stageId,
			touchpointId: null,
			name: c.name,
			departments: [],
			counts: {},
			bySegment: {},
			verbatims: []
		};
		copied.add(c.categoryId);
	}
	for (const { categoryId, period, segment, add } of delta.complaintCounts) {
		const target = category(categoryId);
		if (!target) continue;
		addCount(segment === null ? target.counts : (target.bySegment[segment] ??= {}), period, add);
	}
	for (const { categoryId, verbatim } of delta.complaintQuotes) {
		const target = category(categoryId);
		if (!target) continue;
		if (delta.complaintTones) target.verbatims = newestFirst(target.verbatims, verbatim);
		else quoteInto(target, verbatim);
	}
	for (const { categoryId, period, tones } of delta.complaintTones ?? []) {
		const target = category(categoryId);
		if (target) target.tone = addTones(target.tone, period, tones);
	}

	const surveys = { ...s.surveys };
	const touched = new Set<string>();
	for (const sv of delta.surveys) {
		if (own(surveys, sv.surveyId)) continue;
		surveys[sv.surveyId] = {
			id: sv.surveyId,
			stageId: sv.stageId,
			touchpointId: sv.touchpointId,
			kind: sv.kind,
			question: sv.question,
			scale: sv.scale,
			...(sv.topBoxFrom === null ? {} : { topBoxFrom: sv.topBoxFrom }),
			responses: {},
			bySegment: {},
			verbatims: []
		};
		touched.add(sv.surveyId);
	}
	const survey = (id: string): Survey | undefined => {
		const current = own(surveys, id);
		if (!current || touched.has(id)) return current;
		touched.add(id);
		const bySegment = Object.fromEntries(Object.entries(current.bySegment).map(([k, v]) => [k, { ...v }]));
		return (surveys[id] = { ...current, responses: { ...current.responses }, bySegment });
	};
	for (const { surveyId, period, segment, add } of delta.surveyCounts) {
		const target = survey(surveyId);
		if (!target) continue;
		addCounts(segment === null ? target.responses : (target.bySegment[segment] ??= {}), period, add);
	}
	for (const { surveyId, verbatim } of delta.surveyQuotes) {
		const target = survey(surveyId);
		if (!target) continue;
		if (delta.surveyTones) target.verbatims = newestFirst(target.verbatims, verbatim);
		else quoteInto(target, verbatim);
	}
	for (const { surveyId, period, tones } of delta.surveyTones ?? []) {
		const target = survey(surveyId);
		if (target) target.tone = addTones(target.tone, period, tones);
	}

	let kpis = s.kpis;
	for (const k of delta.kpis) {
		if (own(kpis, k.kpiId)) continue;
		kpis = {
			...kpis,
			[k.kpiId]: {
				id: k.kpiId,
				stageId: k.stageId,
				touchpointId: null,
				name: k.name,
				unit: k.unit,
				direction: 'higher',
				target: null,
				warning: 0,
				points: [],
				source: k.source,
				department: null
			}
		};
	}
	for (const { kpiId, points } of delta.kpiPoints) {
		const kpi = own(kpis, kpiId);
		if (kpi) kpis = { ...kpis, [kpiId]: { ...kpi, points: mergePoints(kpi.points, points) } };
	}
	return { ...s, complaints, surveys, kpis };
}

/** Puts a KPI at `index` among its stage's KPIs and numbers the stage's KPIs 0, 1, 2… in that order. */
function moveKpi(s: RoomState, kpiId: string, index: number): RoomState {
	const kpi = own(s.kpis, kpiId);
	if (!kpi) return s;
	const others = stageKpis(s.kpis, kpi.stageId).filter((k) => k.id !== kpiId);
	const ordered = [...others.slice(0, index), kpi, ...others.slice(index)];
	const kpis = { ...s.kpis };
	ordered.forEach((k, i) => {
		if (k.order !== i) kpis[k.id] = { ...k, order: i };
	});
	return { ...s, kpis };
}

/** Folds one recorded event into the state and advances the version to the event's. */
export function evolve(state: RoomState, recorded: RecordedEvent): RoomState {
	return { ...releaseVanishedSpotlight(apply(state, recorded)), version: recorded.v };
}

/** The spotlight never points at something that was removed: the walls fall back to the board. */
function releaseVanishedSpotlight(state: RoomState): RoomState {
	if (!state.spotlight) return state;
	return spotlightEntity(state, state.spotlight.target) ? state : { ...state, spotlight: null };
}

/** A touchpoint that moves to another stage takes what hangs under it along. */
function moveHangingItems(state: RoomState, touchpointId: string, stageId: string): RoomState {
	let next = state;
	for (const key of ['artifacts', 'complaints', 'kpis', 'surveys'] as const) {
		for (const item of Object.values(next[key])) {
			if (item.touchpointId === touchpointId && item.stageId !== stageId) {
				next = change(next, key, item.id, (x) => ({ ...x, stageId }));
			}
		}
	}
	return next;
}

/** A removed stage leaves no session agenda, focus, display rotation or playlist view, or import rule pointing at it. */
function forgetStage(state: RoomState, stageId: string): RoomState {
	let next = state;
	const complaints = state.importMappings.complaints;
	if (
		complaints?.kind === 'complaints' &&
		(complaints.defaultStageId === stageId || complaints.stageRules.some((r) => r.stageId === stageId))
	) {
		next = {
			...next,
			importMappings: {
				...next.importMappings,
				complaints: {
					...complaints,
					stageRules: complaints.stageRules.filter((r) => r.stageId !== stageId),
					defaultStageId: complaints.defaultStageId === stageId ? null : complaints.defaultStageId
				}
			}
		};
	}
	const kpis = next.importMappings.kpis;
	// Mappings saved before KPI imports could create KPIs have no stage rules.
	const kpiRules = kpis?.kind === 'kpis' ? (kpis.stageRules ?? []) : [];
	if (kpis?.kind === 'kpis' && (kpis.defaultStageId === stageId || kpiRules.some((r) => r.stageId === stageId))) {
		next = {
			...next,
			importMappings: {
				...next.importMappings,
				kpis: {
					...kpis,
					stageRules: kpiRules.filter((r) => r.stageId !== stageId),
					defaultStageId: kpis.defaultStageId === stageId ? null : (kpis.defaultStageId ?? null)
				}
			}
		};
	}
	const surveys = next.importMappings.surveys;
	if (surveys?.kind === 'surveys' && surveys.newSurvey?.stageId === stageId) {
		next = { ...next, importMappings: { ...next.importMappings, surveys: { ...surveys, newSurvey: null } } };
	}
	if (state.session) {
		const agenda = without(state.session.agenda, stageId);
		const currentStageId = state.session.currentStageId === stageId ? null : state.session.currentStageId;
		const { [stageId]: _dropped, ...plannedSec } = state.session.clock.plannedSec;
		const clock = { ...state.session.clock, plannedSec };
		next = { ...next, session: { ...state.session, agenda, currentStageId, clock } };
	}
	for (const display of Object.values(state.displays)) {
		if (display.rotation.stageIds.includes(stageId)) {
			next = change(next, 'displays', display.id, (d) => ({
				...d,
				rotation: { ...d.rotation, stageIds: without(d.rotation.stageIds, stageId) }
			}));
		}
		// A playlist's view of the stage goes with it; its other views keep playing.
		if (display.playlist?.some((v) => v.kind === 'stage' && v.stageId === stageId)) {
			next = change(next, 'displays', display.id, (d) => ({
				...d,
				playlist: d.playlist?.filter((v) => !(v.kind === 'stage' && v.stageId === stageId))
			}));
		}
	}
	return next;
}

/** Folds a run of events; the caller guarantees they follow `state.version` without gaps. */
export function evolveAll(state: RoomState, events: readonly RecordedEvent[]): RoomState {
	return events.reduce(evolve, state);
}

function apply(s: RoomState, { event: e, at }: RecordedEvent): RoomState {
	switch (e.type) {
		case 'room.created':
			return { ...s, meta: e.meta };
		case 'room.configured':
			return s.meta ? { ...s, meta: { ...s.meta, ...e.patch } } : s;
		case 'room.archived':
			return s.meta ? { ...s, meta: { ...s.meta, archivedAt: e.at } } : s;
		case 'room.unarchived':
			return s.meta ? { ...s, meta: { ...s.meta, archivedAt: null } } : s;
		case 'room.redacted':
			return applyRedaction(s, e.rewrites);

		case 'department.added':
			return s.meta ? { ...s, meta: { ...s.meta, departments: [...s.meta.departments, e.name] } } : s;
		case 'department.renamed':
			return mergeDepartments(s, [e.from], e.to);
		case 'department.merged':
			return mergeDepartments(s, e.from, e.into);
		case 'department.removed':
			return removeDepartment(s, e.name);

		case 'stage.added':
			return { ...put(s, 'stages', e.stage.id, e.stage), stageOrder: moveTo(s.stageOrder, e.stage.id, e.index) };
		case 'stage.updated':
			return change(s, 'stages', e.stageId, (st) => ({ ...st, ...e.patch }));
		case 'stage.moved':
			return { ...s, stageOrder: moveTo(s.stageOrder, e.stageId, e.index) };
		case 'stage.removed':
			return forgetStage(
				{
					...put(s, 'stages', e.stageId, undefined),
					stageOrder: without(s.stageOrder, e.stageId),
					phrases: withoutKey(s.phrases, e.stageId)
				},
				e.stageId
			);

		case 'touchpoint.added':
			return put(s, 'touchpoints', e.touchpoint.id, e.touchpoint);
		case 'touchpoint.updated': {
			const next = change(s, 'touchpoints', e.touchpointId, (tp) => ({ ...tp, ...e.patch }));
			return e.patch.stageId ? moveHangingItems(next, e.touchpointId, e.patch.stageId) : next;
		}
		case 'touchpoint.assessed':
			return change(s, 'touchpoints', e.touchpointId, (tp) => ({
				...tp,
				maturity: e.change.to,
				history: [e.change, ...tp.history].slice(0, LIMITS.maturityHistory)
			}));
		case 'touchpoint.removed': {
			let next = unlink(put(s, 'touchpoints', e.touchpointId, undefined), 'touchpoints', e.touchpointId);
			// Items that hung under the touchpoint stay on their stage rather than vanish.
			for (const key of ['artifacts', 'complaints', 'kpis', 'surveys'] as const) {
				for (const item of Object.values(next[key])) {
					if (item.touchpointId === e.touchpointId) {
						next = change(next, key, item.id, (x) => ({ ...x, touchpointId: null }));
					}
				}
			}
			return next;
		}

		case 'artifact.added':
			return put(s, 'artifacts', e.artifact.id, e.artifact);
		case 'artifact.updated':
			return change(s, 'artifacts', e.artifactId, (a) => ({ ...a, ...e.patch }));
		case 'artifact.removed': {
			let next = put(s, 'artifacts', e.artifactId, undefined);
			if (s.nowPlaying?.artifactId === e.artifactId) next = { ...next, nowPlaying: null };
			for (const a of Object.values(next.artifacts)) {
				if (a.replacedBy === e.artifactId) next = change(next, 'artifacts', a.id, (x) => ({ ...x, replacedBy: null }));
			}
			return next;
		}

		case 'complaint.defined':
			return put(s, 'complaints', e.category.id, e.category);
		case 'complaint.updated':
			return change(s, 'complaints', e.categoryId, (c) => ({ ...c, ...e.patch }));
		case 'complaint.counted':
			return change(s, 'complaints', e.categoryId, (c) => {
				const { all, bySegment } = setPeriod<number>(c.counts, c.bySegment, e.period, e.count, e.segment);
				return { ...c, counts: all as PeriodCounts, bySegment };
			});
		case 'complaint.quoted':
			return change(s, 'complaints', e.categoryId, (c) => quoted(c, e.verbatim));
		case 'complaint.removed':
			return forgetCategory(unlink(put(s, 'complaints', e.categoryId, undefined), 'complaints', e.categoryId), e.categoryId);

		case 'rule.saved': {
			const rules = s.rules.filter((r) => r.id !== e.rule.id);
			rules.splice(Math.min(e.index, rules.length), 0, e.rule);
			return { ...s, rules };
		}
		case 'rule.removed':
			return { ...s, rules: s.rules.filter((r) => r.id !== e.ruleId) };
		case 'review.placed': {
			const next = { ...s, toReview: s.toReview.filter((i) => i.verbatim.id !== e.verbatimId) };
			return change(next, 'complaints', e.categoryId, (c) => {
				const counted = { ...c, ...countOne(c, e.period, e.segment) };
				// Quoted like any verbatim, its tone counted with it (corridor screens get no verbatim).
				return e.verbatim ? quoted(counted, e.verbatim) : counted;
			});
		}

		case 'kpi.defined':
			return put(s, 'kpis', e.kpi.id, e.kpi);
		case 'kpi.updated':
			return change(s, 'kpis', e.kpiId, (k) => {
				const next = { ...k, ...e.patch };
				// A KPI moved to another stage joins the end of that stage's list.
				if (e.patch.stageId !== undefined && e.patch.stageId !== k.stageId) delete next.order;
				return next;
			});
		case 'kpi.unrecorded': {
			const gone = new Set(e.dates);
			return change(s, 'kpis', e.kpiId, (k) => ({ ...k, points: k.points.filter((p) => !gone.has(p.date)) }));
		}
		case 'kpi.moved':
			return moveKpi(s, e.kpiId, e.index);
		case 'kpi.recorded':
			return change(s, 'kpis', e.kpiId, (k) => ({ ...k, points: mergePoints(k.points, e.points) }));
		case 'kpi.removed':
			return unlink(put(s, 'kpis', e.kpiId, undefined), 'kpis', e.kpiId);

		case 'survey.defined':
			return put(s, 'surveys', e.survey.id, e.survey);
		case 'survey.updated':
			return change(s, 'surveys', e.surveyId, (sv) => ({ ...sv, ...e.patch }));
		case 'survey.recorded':
			return change(s, 'surveys', e.surveyId, (sv) => {
				const { all, bySegment } = setPeriod<number[]>(sv.responses, sv.bySegment, e.period, e.counts, e.segment);
				return { ...sv, responses: all as PeriodDistributions, bySegment };
			});
		case 'survey.quoted':
			return change(s, 'surveys', e.surveyId, (sv) => quoted(sv, e.verbatim));
		case 'survey.removed':
			return unlink(put(s, 'surveys', e.surveyId, undefined), 'surveys', e.surveyId);

		case 'team.chartered': {
			const next = put(s, 'teams', e.team.id, e.team);
			const session =
				s.session && s.session.id === e.team.sessionId
					? { ...s.session, chartered: [...s.session.chartered, e.team.id] }
					: s.session;
			return { ...next, session };
		}
		case 'team.updated':
			return change(s, 'teams', e.teamId, (t) => ({ ...t, ...e.patch }));
		case 'team.statusChanged':
			return change(s, 'teams', e.teamId, (t) => ({
				...t,
				status: e.to,
				statusHistory: [{ from: e.from, to: e.to, note: e.note, by: e.by, at: e.at }, ...(t.statusHistory ?? [])].slice(
					0,
					LIMITS.statusHistory
				)
			}));
		case 'team.posted':
			return change(s, 'teams', e.teamId, (t) => ({
				...t,
				updates: [e.update, ...t.updates].slice(0, LIMITS.teamUpdates)
			}));

		case 'win.marked': {
			const next = put(s, 'wins', e.win.id, e.win);
			const session = s.session && !s.session.endedAt ? { ...s.session, wins: [...s.session.wins, e.win.id] } : s.session;
			return { ...next, session };
		}
		case 'win.retracted': {
			const next = put(s, 'wins', e.winId, undefined);
			const session = s.session ? { ...s.session, wins: without(s.session.wins, e.winId) } : s.session;
			return { ...next, session };
		}

		case 'session.started': {
			// A session left running is archived when the next one starts, so history is kept.
			const pastSessions = s.session ? [s.session, ...s.pastSessions].slice(0, LIMITS.pastSessions) : s.pastSessions;
			// Sessions recorded before the clock existed start counting their time at their start.
			const clock = { ...e.session.clock, focusedSince: e.session.clock.focusedSince ?? e.session.startedAt };
			return { ...s, session: { ...e.session, clock }, pastSessions };
		}
		case 'session.focused':
			return s.session ? { ...s, session: { ...s.session, currentStageId: e.stageId, clock: closeStretch(s.session, at) } } : s;
		case 'session.timerSet':
			return s.session ? { ...s, session: { ...s.session, timer: e.timer } } : s;
		case 'session.attended':
			return s.session
				? { ...s, session: { ...s.session, attendees: [...s.session.attendees, e.name].slice(0, LIMITS.attendees) } }
				: s;
		case 'session.decided':
			return s.session
				? { ...s, session: { ...s.session, decisions: [...s.session.decisions, e.decision].slice(-LIMITS.decisions) } }
				: s;
		case 'session.decisionRevised':
			return s.session
				? {
						...s,
						session: {
							...s.session,
							decisions: s.session.decisions.map((d) => (d.id === e.decisionId ? { ...d, text: e.text } : d))
						}
					}
				: s;
		case 'session.decisionRemoved':
			return s.session
				? { ...s, session: { ...s.session, decisions: s.session.decisions.filter((d) => d.id !== e.decisionId) } }
				: s;
		case 'session.ended':
			return s.session
				? { ...s, session: { ...s.session, endedAt: e.at, timer: null, clock: closeStretch(s.session, e.at, true) } }
				: s;
		case 'session.checkedIn': {
			if (!s.session || s.session.checkIns.some((c) => c.personId === e.checkIn.personId)) return s;
			const { attendees } = s.session;
			return {
				...s,
				session: {
					...s.session,
					checkIns: [...s.session.checkIns, e.checkIn].slice(0, LIMITS.attendees),
					// Attendance comes from check-ins; a name typed in before stays once.
					attendees: attendees.includes(e.checkIn.name) ? attendees : [...attendees, e.checkIn.name].slice(0, LIMITS.attendees)
				}
			};
		}

		case 'vote.opened':
			return s.session ? { ...s, session: { ...s.session, votes: [...s.session.votes, e.vote].slice(-LIMITS.votes) } } : s;
		case 'vote.cast':
			return changeVote(s, e.voteId, (vote) => ({
				...vote,
				voters: vote.voters.includes(e.voterId) ? vote.voters : [...vote.voters, e.voterId].slice(0, LIMITS.attendees),
				// A sealed ballot (what screens are sent) records only that this voter has voted.
				ballots: e.ballot ? { ...vote.ballots, [e.voterId]: e.ballot } : vote.ballots
			}));
		case 'vote.revealed':
			return changeVote(s, e.voteId, (vote) => ({ ...vote, revealedAt: e.at, results: e.results }));
		case 'vote.cancelled':
			return s.session ? { ...s, session: { ...s.session, votes: s.session.votes.filter((v) => v.id !== e.voteId) } } : s;

		case 'action.created':
			return put(s, 'actions', e.action.id, e.action);
		case 'action.updated':
			return change(s, 'actions', e.actionId, (a) => ({ ...a, text: e.text, due: e.due, teamId: e.teamId }));
		case 'action.assigned':
			return change(s, 'actions', e.actionId, (a) => ({ ...a, owner: e.owner }));
		case 'action.completed':
			return change(s, 'actions', e.actionId, (a) => ({ ...a, doneAt: e.at, doneBy: e.by }));
		case 'action.reopened':
			return change(s, 'actions', e.actionId, (a) => ({ ...a, doneAt: null, doneBy: null }));
		case 'action.removed':
			return put(s, 'actions', e.actionId, undefined);

		case 'call.played':
			return {
				...s,
				nowPlaying: { artifactId: e.artifactId, positionSec: e.positionSec, since: e.at, durationSec: e.durationSec }
			};
		case 'call.paused':
			return s.nowPlaying ? { ...s, nowPlaying: { ...s.nowPlaying, positionSec: e.positionSec, since: null } } : s;
		case 'call.stopped':
			return { ...s, nowPlaying: null };

		case 'spotlight.set':
			return { ...s, spotlight: e.spotlight };
		case 'spotlight.cleared':
			return { ...s, spotlight: null };

		case 'import.applied': {
			const applied = applyImport(s, e.delta);
			const next = e.delta.toReview.length ? { ...applied, toReview: [...applied.toReview, ...e.delta.toReview] } : applied;
			return {
				...next,
				imports: { ...s.imports, [e.record.id]: e.record },
				importMappings: { ...s.importMappings, [e.mapping.kind]: e.mapping }
			};
		}
		case 'room.restored':
			// A backup made before phrases existed has none.
			return { ...e.state, phrases: e.state.phrases ?? {} };
		case 'import.fileDeleted':
			return change(s, 'imports', e.importId, (record) => ({ ...record, fileDeletedAt: e.at }));
		case 'phrases.recorded':
			if (!own(s.stages, e.stageId)) return s;
			return {
				...s,
				phrases: e.phrases.length
					? { ...s.phrases, [e.stageId]: { period: e.period, phrases: e.phrases } }
					: withoutKey(s.phrases, e.stageId)
			};

		case 'display.registered':
			return put(s, 'displays', e.display.id, e.display);
		case 'display.updated':
			return change(s, 'displays', e.displayId, (d) => ({ ...d, ...e.patch }));
		case 'display.removed':
			return put(s, 'displays', e.displayId, undefined);
		case 'event.withheld':
			return s;

		default:
			return assertNever(e);
	}
}

/** The running (or just ended) session with one of its votes changed; unchanged when there is no such vote. */
function changeVote(s: RoomState, voteId: string, fn: (vote: Vote) => Vote): RoomState {
	if (!s.session?.votes.some((v) => v.id === voteId)) return s;
	return { ...s, session: { ...s.session, votes: s.session.votes.map((v) => (v.id === voteId ? fn(v) : v)) } };
}
