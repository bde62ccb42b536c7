/**
 * `decide(state, command, context)`: the rules. Pure: it reads the state and the context (who, when)
 * and returns the events that record what happened, or a domain error saying why not.
 */
import type { Command, CommandOf, CommandType } from './commands';
import type { DomainEvent } from './events';
import { departmentUsage, findDepartment, sameDepartment, teamsNarrowedByMerge } from './departments';
import { IMPORT_CAPS } from './imports';
import { rewriteCount } from './redaction';
import { ruleProblem } from './rules';
import { decideCast, decideCheckIn, decideOpen, decideCancel, decideReveal } from './votes';
import { canonicalJson } from './canonical';
import { rawFileDue } from './import-files';
import {
	DEFAULT_DEPARTMENTS,
	LIMITS,
	MAX_TO_REVIEW,
	OPEN_TEAM_STATUSES,
	RULE_LIMITS,
	assertNever,
	defaultScale,
	emptySessionClock,
	own,
	scaleProblem,
	stageKpis,
	topBoxProblem,
	spotlightEntity,
	type ActionSource,
	type FixTeam,
	type Role,
	type PlaylistView,
	type RoomState,
	type Scale,
	type Session,
	type SpotlightTarget,
	type Survey,
	type TeamMember
} from './model';

export interface DecideContext {
	roomId: string;
	/** `person`: a person in their own name, not a screen, a guest link or an API key (checking in and voting need it). */
	actor: { id: string; name: string; role: Role; person?: boolean };
	/** ISO timestamp of the decision; events carry it so replay never reads a clock. */
	now: string;
}

/** Domain error codes: a subset of the protocol's closed list. */
export type DomainErrorCode = 'not_found' | 'conflict' | 'rule_violation' | 'forbidden';
export interface DomainError {
	code: DomainErrorCode;
	message: string;
}
export type DecideResult = { ok: true; events: DomainEvent[] } | { ok: false; error: DomainError };

// The role table lives in a zod-free module, so a page can ask it without loading the schemas.
import { isPersonal, mayIssue } from './roles';
import { timeboxTimer } from './timebox';
export { isPersonal, mayIssue };
import { mayMarkDone } from './actions';

const fail = (code: DomainErrorCode, message: string): DecideResult => ({
	ok: false,
	error: { code, message }
});
const emit = (...events: DomainEvent[]): DecideResult => ({ ok: true, events });
const voted = (r: ReturnType<typeof decideCheckIn>): DecideResult => (r.ok ? r : fail(r.code, r.message));

/** Decides what a command does to a room. */
export function decide(state: RoomState, command: Command, ctx: DecideContext): DecideResult {
	if (!mayIssue(ctx.actor.role, command.type)) {
		return fail('forbidden', `A ${ctx.actor.role} cannot ${describe(command.type)}.`);
	}
	if (command.type === 'room.create') return decideCreate(state, command, ctx);
	if (command.type === 'room.restore') return decideRestore(state, command, ctx);
	if (!state.meta) return fail('not_found', 'This room does not exist yet.');
	// An archived room is read-only: the one thing it takes is being restored.
	if (state.meta.archivedAt && command.type !== 'room.unarchive') return fail('conflict', ARCHIVED);
	return decideInRoom(state, command, ctx);
}

/** What every command but `room.unarchive` is answered while the room is archived. */
export const ARCHIVED = 'This room is archived; a facilitator can restore it from Settings.';

function describe(type: CommandType): string {
	const [entity, verb] = type.split('.');
	return `${verb} ${entity === 'complaint' ? 'complaint categories' : `${entity}s`}`;
}

function decideRestore(state: RoomState, c: CommandOf<'room.restore'>, ctx: DecideContext): DecideResult {
	if (state.meta || state.version > 0) return fail('conflict', 'A backup restores only into a new, empty room.');
	const broken = checkRestoredRoom(c.state);
	if (broken || !c.state.meta) return fail('rule_violation', `This backup cannot be restored. ${broken ?? ''}`.trim());
	return emit({ type: 'room.restored', state: { ...c.state, meta: { ...c.state.meta, id: ctx.roomId } } });
}

/** What each capped list of an import holds, in words. */
const CAPPED_LISTS: Readonly<Record<keyof typeof IMPORT_CAPS, string>> = {
	categories: 'complaint categories',
	kpis: 'new KPIs',
	surveys: 'new surveys',
	complaintCounts: 'complaint counts',
	complaintQuotes: 'complaint quotes',
	kpiPoints: 'KPI series',
	surveyCounts: 'survey counts',
	surveyQuotes: 'survey quotes',
	placements: 'classified rows',
	toReview: 'rows to review'
};

/** Checks that everything an import adds to exists, or is added by the same import. */
function checkImport(s: RoomState, c: CommandOf<'import.apply'>): DecideResult | null {
	if (c.basedOn !== Object.keys(s.imports).length) {
		return fail('conflict', 'Another import finished while this file was being read; read it again.');
	}
	if (own(s.imports, c.importId)) return fail('conflict', 'That import was already applied.');
	const { delta } = c;
	for (const list of Object.keys(IMPORT_CAPS) as Array<keyof typeof IMPORT_CAPS>) {
		if (delta[list].length > IMPORT_CAPS[list]) {
			const count = (n: number) => new Intl.NumberFormat('en').format(n);
			return fail(
				'rule_violation',
				`This import would add ${count(delta[list].length)} ${CAPPED_LISTS[list]}; one import adds at most ${count(IMPORT_CAPS[list])}. Split the file into smaller ones and import them one after another.`
			);
		}
	}
	const newCategories = new Set<string>();
	for (const category of delta.categories) {
		const missing = checkPlacement(s, category.stageId, null);
		if (missing) return missing;
		if (own(s.complaints, category.categoryId)) return fail('conflict', `Category ${category.categoryId} already exists.`);
		newCategories.add(category.categoryId);
	}
	const known = (id: string) => own(s.complaints, id) !== undefined || newCategories.has(id);
	for (const { categoryId } of [...delta.complaintCounts, ...delta.complaintQuotes, ...delta.placements]) {
		if (!known(categoryId)) return fail('not_found', `No complaint category ${categoryId}.`);
	}
	if (delta.toReview.length > 0) {
		if (s.toReview.length + delta.toReview.length > MAX_TO_REVIEW)
			return fail(
				'rule_violation',
				`This import would put ${delta.toReview.length} verbatims in the To review queue, which holds at most ${MAX_TO_REVIEW} and has ${s.toReview.length}. Review some first, or add rules, then import again.`
			);
		const waiting = new Set(s.toReview.map((i) => i.verbatim.id));
		for (const item of delta.toReview) {
			if (!own(s.stages, item.stageId)) return fail('not_found', 'A row to review names a stage that no longer exists.');
			if (waiting.has(item.verbatim.id)) return fail('conflict', 'A row to review is already waiting in the queue.');
			waiting.add(item.verbatim.id);
			if (item.suggestions.some((x) => !known(x.categoryId)))
				return fail('not_found', 'A suggestion names no complaint category.');
		}
	}
	const newKpis = new Set<string>();
	for (const kpi of delta.kpis) {
		const missing = checkPlacement(s, kpi.stageId, null);
		if (missing) return missing;
		if (own(s.kpis, kpi.kpiId) || newKpis.has(kpi.kpiId)) return fail('conflict', `KPI ${kpi.kpiId} already exists.`);
		newKpis.add(kpi.kpiId);
	}
	for (const { kpiId } of delta.kpiPoints) {
		if (!own(s.kpis, kpiId) && !newKpis.has(kpiId)) return fail('not_found', `No KPI ${kpiId}.`);
	}
	const newSurveys = new Map<string, Pick<Survey, 'question' | 'scale'>>();
	for (const survey of delta.surveys) {
		const bad =
			checkPlacement(s, survey.stageId, survey.touchpointId) ??
			checkScale(survey.kind, survey.scale) ??
			checkTopBox(survey.kind, survey.scale, survey.topBoxFrom);
		if (bad) return bad;
		if (own(s.surveys, survey.surveyId)) return fail('conflict', `Survey ${survey.surveyId} already exists.`);
		newSurveys.set(survey.surveyId, survey);
	}
	const surveyOf = (id: string) => own(s.surveys, id) ?? newSurveys.get(id);
	for (const { surveyId } of delta.surveyQuotes) {
		if (!surveyOf(surveyId)) return fail('not_found', `No survey ${surveyId}.`);
	}
	for (const { surveyId, add } of delta.surveyCounts) {
		const survey = surveyOf(surveyId);
		if (!survey) return fail('not_found', `No survey ${surveyId}.`);
		if (add.length !== survey.scale.max - survey.scale.min + 1) {
			return fail(
				'rule_violation',
				`Survey "${survey.question}" has ${survey.scale.max - survey.scale.min + 1} points on its scale.`
			);
		}
	}
	return null;
}

function decideCreate(state: RoomState, c: CommandOf<'room.create'>, ctx: DecideContext): DecideResult {
	if (state.meta) return fail('conflict', 'This room already exists.');
	const repeated = repeatedDepartment(c.departments ?? []);
	if (repeated) return fail('rule_violation', `The department "${repeated}" is listed twice.`);
	return emit({
		type: 'room.created',
		meta: {
			id: ctx.roomId,
			name: c.name,
			organisation: c.organisation,
			departments: c.departments ?? [...DEFAULT_DEPARTMENTS],
			settings: { corridorHidesVerbatims: true, theme: 'dark' },
			createdAt: ctx.now
		}
	});
}

/**
 * A change of name, organisation, settings, departments or segments. The lead segment must be one of the
 * room's segments; a new list of segments without the lead one drops the lead (the event says so).
 */
function decideConfigure(s: RoomState, c: CommandOf<'room.configure'>): DecideResult {
	const { patch } = c;
	const repeated = repeatedDepartment(patch.departments ?? []);
	if (repeated) return fail('rule_violation', `The department "${repeated}" is listed twice.`);
	const twice = repeatedDepartment(patch.segments ?? []);
	if (twice) return fail('rule_violation', `The segment "${twice}" is listed twice.`);
	const segments = patch.segments ?? s.meta?.segments ?? [];
	const lead = patch.leadSegment === undefined ? (s.meta?.leadSegment ?? null) : patch.leadSegment;
	if (lead !== null && !segments.includes(lead)) {
		if (patch.leadSegment !== undefined) {
			return fail('not_found', `"${lead}" is not one of the room's segments; add it before marking it as the most profitable.`);
		}
		return emit({ type: 'room.configured', patch: { ...patch, leadSegment: null } });
	}
	return emit({ type: 'room.configured', patch });
}

/** A fix team must still span two departments once `from` are called `into` (a member may name one the room lost). */
function checkTeamsSpan(s: RoomState, from: readonly string[], into: string): DecideResult | null {
	const narrowed = teamsNarrowedByMerge(s, from, into)[0];
	if (!narrowed) return null;
	return fail(
		'rule_violation',
		`Fix team "${narrowed.name}" would then have members from one department only, and a fix team spans at least two. Add a member from another department to it first.`
	);
}

type DepartmentCommand = CommandOf<'department.add' | 'department.rename' | 'department.merge' | 'department.remove'>;

const noDepartment = (name: string) => fail('not_found', `The room has no department "${name}".`);
const TOO_FEW = 'A room keeps at least two departments: every fix team spans two.';

/** Adds, renames, merges or removes one of the room's departments (see `departments.ts` for what each rewrites). */
function decideDepartment(s: RoomState, c: DepartmentCommand): DecideResult {
	const departments = s.meta?.departments ?? [];
	switch (c.type) {
		case 'department.add': {
			const existing = findDepartment(s, c.name);
			if (existing) return fail('conflict', `"${existing}" is already one of the room's departments.`);
			if (departments.length >= LIMITS.departments) {
				return fail('rule_violation', `A room has at most ${LIMITS.departments} departments. Merge or remove one first.`);
			}
			return emit({ type: 'department.added', name: c.name });
		}
		case 'department.rename': {
			const from = findDepartment(s, c.from);
			if (!from) return noDepartment(c.from);
			if (from === c.to) return fail('conflict', `The department is already called "${c.to}".`);
			const clash = departments.find((d) => d !== from && sameDepartment(d, c.to));
			if (clash) return fail('conflict', `"${clash}" is already a department. To make the two one, merge them.`);
			return checkTeamsSpan(s, [from], c.to) ?? emit({ type: 'department.renamed', from, to: c.to });
		}
		case 'department.merge': {
			const from: string[] = [];
			for (const name of c.from) {
				const found = findDepartment(s, name);
				if (!found) return noDepartment(name);
				if (from.includes(found)) return fail('rule_violation', `The department "${found}" is listed twice.`);
				if (!sameDepartment(found, c.into)) from.push(found);
			}
			if (from.length === 0) return fail('rule_violation', 'Choose at least one department to merge into another.');
			const into = findDepartment(s, c.into) ?? c.into;
			const after = departments.filter((d) => !from.includes(d)).length + (findDepartment(s, c.into) ? 0 : 1);
			if (after < 2) return fail('rule_violation', `${TOO_FEW} Merge fewer departments.`);
			return checkTeamsSpan(s, from, into) ?? emit({ type: 'department.merged', from, into });
		}
		case 'department.remove': {
			const name = findDepartment(s, c.name);
			if (!name) return noDepartment(c.name);
			if (departments.length <= 2) return fail('rule_violation', `${TOO_FEW} Add another before removing "${name}".`);
			const { members } = departmentUsage(s, name);
			if (members > 0) {
				return fail(
					'conflict',
					members === 1
						? `A fix-team member belongs to "${name}". Merge "${name}" into another department instead, so the member keeps one.`
						: `${members} fix-team members belong to "${name}". Merge "${name}" into another department instead, so they keep one.`
				);
			}
			return emit({ type: 'department.removed', name });
		}
		default:
			return assertNever(c);
	}
}

/** Checks that references point at existing things, and a touchpoint at the same stage. */
function checkPlacement(s: RoomState, stageId: string | undefined, touchpointId: string | null | undefined): DecideResult | null {
	if (stageId !== undefined && !own(s.stages, stageId)) return fail('not_found', `No stage ${stageId}.`);
	if (touchpointId) {
		const tp = own(s.touchpoints, touchpointId);
		if (!tp) return fail('not_found', `No touchpoint ${touchpointId}.`);
		if (stageId !== undefined && tp.stageId !== stageId) {
			return fail('rule_violation', `Touchpoint "${tp.name}" belongs to another stage.`);
		}
	}
	return null;
}

/** The first department named twice (ignoring case), if any. */
function repeatedDepartment(departments: readonly string[]): string | null {
	const seen = new Set<string>();
	for (const d of departments) {
		const key = d.toLowerCase();
		if (seen.has(key)) return d;
		seen.add(key);
	}
	return null;
}

/** NPS, CSAT and CES each have their scale; a custom survey chooses. */
function checkScale(kind: Survey['kind'], scale: Scale): DecideResult | null {
	const problem = scaleProblem(kind, scale);
	return problem ? fail('rule_violation', problem) : null;
}

function checkTopBox(kind: Survey['kind'], scale: Scale, topBoxFrom: number | null | undefined): DecideResult | null {
	const problem = topBoxProblem(kind, scale, topBoxFrom);
	return problem ? fail('rule_violation', problem) : null;
}

const hasResponses = (survey: Survey): boolean =>
	Object.keys(survey.responses).length > 0 || Object.values(survey.bySegment).some((d) => Object.keys(d).length > 0);

function checkSpotlight(s: RoomState, target: SpotlightTarget): DecideResult | null {
	return spotlightEntity(s, target) ? null : fail('not_found', `Nothing to spotlight: no ${target.kind} ${target.id}.`);
}

function checkRotation(s: RoomState, stageIds: readonly string[] | undefined): DecideResult | null {
	const unknown = (stageIds ?? []).filter((id) => !own(s.stages, id));
	return unknown.length ? fail('not_found', `Unknown stages in the rotation: ${unknown.join(', ')}.`) : null;
}

/**
 * A playlist may name only stages and items the room has (a playlist made for a removed stage would show
 * an empty screen); a display's settings are checked as a whole, so register and update agree.
 */
function checkDisplaySettings(
	s: RoomState,
	settings: { rotation?: { stageIds: readonly string[] }; playlist?: readonly PlaylistView[] }
): DecideResult | null {
	const rotation = checkRotation(s, settings.rotation?.stageIds);
	if (rotation) return rotation;
	for (const view of settings.playlist ?? []) {
		if (view.kind === 'stage' && !own(s.stages, view.stageId))
			return fail('not_found', `Unknown stage in the playlist: ${view.stageId}.`);
		if (view.kind === 'spotlight') {
			const missing = checkSpotlight(s, view.target);
			if (missing) return missing;
		}
	}
	return null;
}

/** A fix team must span at least two departments: broken experiences cross silos. */
function checkTeamMembers(members: readonly TeamMember[]): DecideResult | null {
	const departments = new Set(members.map((m) => m.department.toLowerCase()));
	if (departments.size < 2) {
		return fail(
			'rule_violation',
			'A fix team must span at least two departments: broken experiences cross silos. Add a member from another department.'
		);
	}
	return null;
}

function checkTeamLinks(s: RoomState, links: FixTeam['links']): DecideResult | null {
	const missing = [
		...links.touchpoints.filter((id) => !own(s.touchpoints, id)),
		...links.complaints.filter((id) => !own(s.complaints, id)),
		...links.kpis.filter((id) => !own(s.kpis, id)),
		...links.surveys.filter((id) => !own(s.surveys, id))
	];
	return missing.length ? fail('not_found', `Linked items not found: ${missing.join(', ')}.`) : null;
}

function stageItemCount(s: RoomState, stageId: string): number {
	const inStage = (x: { stageId: string }) => x.stageId === stageId;
	return (
		Object.values(s.touchpoints).filter(inStage).length +
		Object.values(s.artifacts).filter(inStage).length +
		Object.values(s.complaints).filter(inStage).length +
		Object.values(s.kpis).filter(inStage).length +
		Object.values(s.surveys).filter(inStage).length +
		Object.values(s.teams).filter(inStage).length +
		Object.values(s.wins).filter(inStage).length +
		s.toReview.filter(inStage).length
	);
}

function decideInRoom(s: RoomState, c: Command, ctx: DecideContext): DecideResult {
	const by = ctx.actor.name;
	switch (c.type) {
		case 'room.create':
			return fail('conflict', 'This room already exists.');
		case 'room.configure':
			return decideConfigure(s, c);
		case 'room.archive':
			return emit({ type: 'room.archived', at: ctx.now });
		case 'room.unarchive':
			if (!s.meta?.archivedAt) return fail('conflict', 'This room is not archived.');
			return emit({ type: 'room.unarchived' });
		case 'room.redact': {
			// The server fills `prepared` from this very state; without it there is nothing to record.
			if (!c.prepared) return fail('rule_violation', 'The server works out what to mask; send room.redact without texts.');
			if (rewriteCount(c.prepared.rewrites) === 0) {
				return fail('conflict', 'Nothing this room holds needs masking: its verbatims, captions and transcripts are clean.');
			}
			return emit({ type: 'room.redacted', rewrites: c.prepared.rewrites, masked: c.prepared.masked });
		}
		case 'department.add':
		case 'department.rename':
		case 'department.merge':
		case 'department.remove':
			return decideDepartment(s, c);

		case 'stage.add': {
			if (own(s.stages, c.stageId)) return fail('conflict', `Stage ${c.stageId} already exists.`);
			const index = Math.min(c.index ?? s.stageOrder.length, s.stageOrder.length);
			const stage = { id: c.stageId, name: c.name, customerGoal: c.customerGoal };
			return emit({ type: 'stage.added', stage, index });
		}
		case 'stage.update':
			return checkPlacement(s, c.stageId, null) ?? emit({ type: 'stage.updated', stageId: c.stageId, patch: c.patch });
		case 'stage.move': {
			const missing = checkPlacement(s, c.stageId, null);
			if (missing) return missing;
			const index = Math.min(c.index, s.stageOrder.length - 1);
			return emit({ type: 'stage.moved', stageId: c.stageId, index });
		}
		case 'stage.remove': {
			const missing = checkPlacement(s, c.stageId, null);
			if (missing) return missing;
			const count = stageItemCount(s, c.stageId);
			if (count > 0) {
				return fail('conflict', `This stage still holds ${count} items. Move or remove them first, so nothing is lost.`);
			}
			return emit({ type: 'stage.removed', stageId: c.stageId });
		}

		case 'touchpoint.add': {
			if (own(s.touchpoints, c.touchpointId)) return fail('conflict', 'That touchpoint already exists.');
			const bad = checkPlacement(s, c.stageId, null);
			if (bad) return bad;
			const { type: _type, touchpointId, ...fields } = c;
			return emit({
				type: 'touchpoint.added',
				touchpoint: { id: touchpointId, ...fields, maturity: 'unassessed', history: [] }
			});
		}
		case 'touchpoint.update': {
			if (!own(s.touchpoints, c.touchpointId)) return fail('not_found', 'No such touchpoint.');
			const bad = checkPlacement(s, c.patch.stageId, null);
			return bad ?? emit({ type: 'touchpoint.updated', touchpointId: c.touchpointId, patch: c.patch });
		}
		case 'touchpoint.assess': {
			const tp = own(s.touchpoints, c.touchpointId);
			if (!tp) return fail('not_found', 'No such touchpoint.');
			if (tp.maturity === c.maturity) {
				return fail('conflict', `"${tp.name}" is already ${c.maturity}.`);
			}
			return emit({
				type: 'touchpoint.assessed',
				touchpointId: tp.id,
				change: { from: tp.maturity, to: c.maturity, by, at: ctx.now, evidence: c.evidence }
			});
		}
		case 'touchpoint.remove':
			if (!own(s.touchpoints, c.touchpointId)) return fail('not_found', 'No such touchpoint.');
			return emit({ type: 'touchpoint.removed', touchpointId: c.touchpointId });

		case 'artifact.add': {
			if (own(s.artifacts, c.artifactId)) return fail('conflict', 'That artifact already exists.');
			if (!c.blobId && !c.url && c.kind !== 'note') {
				return fail('rule_violation', 'An artifact needs an uploaded file or a link (only notes need neither).');
			}
			const bad = checkPlacement(s, c.stageId, c.touchpointId);
			if (bad) return bad;
			if (c.replacedBy && !own(s.artifacts, c.replacedBy)) {
				return fail('not_found', 'The replacing artifact does not exist.');
			}
			const { type: _type, artifactId, file, ...fields } = c;
			return emit({ type: 'artifact.added', artifact: { id: artifactId, ...fields, file: file ?? null } });
		}
		case 'artifact.update': {
			const artifact = own(s.artifacts, c.artifactId);
			if (!artifact) return fail('not_found', 'No such artifact.');
			const bad = checkPlacement(
				s,
				c.patch.stageId ?? artifact.stageId,
				c.patch.touchpointId === undefined ? artifact.touchpointId : c.patch.touchpointId
			);
			if (bad) return bad;
			if (c.patch.replacedBy && !own(s.artifacts, c.patch.replacedBy)) {
				return fail('not_found', 'The replacing artifact does not exist.');
			}
			const next = { ...artifact, ...c.patch };
			if (!next.blobId && !next.url && next.kind !== 'note') {
				return fail('rule_violation', 'An artifact needs an uploaded file or a link (only notes need neither).');
			}
			return emit({ type: 'artifact.updated', artifactId: c.artifactId, patch: c.patch });
		}
		case 'artifact.remove':
			if (!own(s.artifacts, c.artifactId)) return fail('not_found', 'No such artifact.');
			return emit({ type: 'artifact.removed', artifactId: c.artifactId });

		case 'complaint.define': {
			if (own(s.complaints, c.categoryId)) return fail('conflict', 'That complaint category already exists.');
			const bad = checkPlacement(s, c.stageId, c.touchpointId);
			if (bad) return bad;
			const { type: _type, categoryId, ...fields } = c;
			return emit({
				type: 'complaint.defined',
				category: { id: categoryId, ...fields, counts: {}, bySegment: {}, verbatims: [] }
			});
		}
		case 'complaint.update': {
			const category = own(s.complaints, c.categoryId);
			if (!category) return fail('not_found', 'No such complaint category.');
			const bad = checkPlacement(
				s,
				c.patch.stageId ?? category.stageId,
				c.patch.touchpointId === undefined ? category.touchpointId : c.patch.touchpointId
			);
			return bad ?? emit({ type: 'complaint.updated', categoryId: c.categoryId, patch: c.patch });
		}
		case 'complaint.count':
			if (!own(s.complaints, c.categoryId)) return fail('not_found', 'No such complaint category.');
			return emit({
				type: 'complaint.counted',
				categoryId: c.categoryId,
				period: c.period,
				count: c.count,
				segment: c.segment ?? null
			});
		case 'complaint.quote': {
			const category = own(s.complaints, c.categoryId);
			if (!category) return fail('not_found', 'No such complaint category.');
			if (category.verbatims.some((v) => v.id === c.verbatim.id)) {
				return fail('conflict', 'That verbatim is already on the board.');
			}
			// How a verbatim was placed is the server's record, never a client's claim.
			const { placed: _claimed, ...verbatim } = c.verbatim;
			return emit({ type: 'complaint.quoted', categoryId: c.categoryId, verbatim });
		}
		case 'complaint.remove':
			if (!own(s.complaints, c.categoryId)) return fail('not_found', 'No such complaint category.');
			return emit({ type: 'complaint.removed', categoryId: c.categoryId });

		case 'rule.save': {
			if (!own(s.complaints, c.categoryId)) return fail('not_found', 'That complaint category no longer exists.');
			const problem = ruleProblem(c);
			if (problem) return fail('rule_violation', problem);
			const at = s.rules.findIndex((r) => r.id === c.ruleId);
			if (at < 0 && s.rules.length >= RULE_LIMITS.rules)
				return fail('rule_violation', `A room holds at most ${RULE_LIMITS.rules} rules; remove one it no longer needs first.`);
			const count = at < 0 ? s.rules.length + 1 : s.rules.length;
			const index = Math.min(c.index ?? (at < 0 ? s.rules.length : at), count - 1);
			const rule = { id: c.ruleId, categoryId: c.categoryId, all: c.all, any: c.any, none: c.none };
			return emit({ type: 'rule.saved', rule, index });
		}
		case 'rule.remove':
			if (!s.rules.some((r) => r.id === c.ruleId)) return fail('not_found', 'That rule no longer exists.');
			return emit({ type: 'rule.removed', ruleId: c.ruleId });
		case 'review.place': {
			const item = s.toReview.find((i) => i.verbatim.id === c.verbatimId);
			if (!item) return fail('conflict', 'That verbatim is no longer waiting for review (someone placed it already).');
			const category = own(s.complaints, c.categoryId);
			if (!category) return fail('not_found', 'That complaint category no longer exists.');
			if (category.stageId !== item.stageId)
				return fail('rule_violation', 'A verbatim is placed in a category of its own stage.');
			const placed = { how: 'person' as const, by };
			return emit({
				type: 'review.placed',
				verbatimId: c.verbatimId,
				categoryId: c.categoryId,
				period: item.period,
				segment: item.segment,
				verbatim: { ...item.verbatim, placed },
				placed
			});
		}

		case 'kpi.define': {
			if (own(s.kpis, c.kpiId)) return fail('conflict', 'That KPI already exists.');
			const bad = checkPlacement(s, c.stageId, c.touchpointId);
			if (bad) return bad;
			const { type: _type, kpiId, ...fields } = c;
			return emit({ type: 'kpi.defined', kpi: { id: kpiId, ...fields, points: [] } });
		}
		case 'kpi.update': {
			const kpi = own(s.kpis, c.kpiId);
			if (!kpi) return fail('not_found', 'No such KPI.');
			const bad = checkPlacement(
				s,
				c.patch.stageId ?? kpi.stageId,
				c.patch.touchpointId === undefined ? kpi.touchpointId : c.patch.touchpointId
			);
			return bad ?? emit({ type: 'kpi.updated', kpiId: c.kpiId, patch: c.patch });
		}
		case 'kpi.record':
			if (!own(s.kpis, c.kpiId)) return fail('not_found', 'No such KPI.');
			return emit({ type: 'kpi.recorded', kpiId: c.kpiId, points: c.points });
		case 'kpi.unrecord': {
			const kpi = own(s.kpis, c.kpiId);
			if (!kpi) return fail('not_found', 'No such KPI.');
			const dates = [...new Set(c.dates)].filter((d) => kpi.points.some((p) => p.date === d));
			if (dates.length === 0) return fail('not_found', `"${kpi.name}" has no value on ${c.dates.join(', ')}.`);
			return emit({ type: 'kpi.unrecorded', kpiId: c.kpiId, dates });
		}
		case 'kpi.move': {
			const kpi = own(s.kpis, c.kpiId);
			if (!kpi) return fail('not_found', 'No such KPI.');
			const count = stageKpis(s.kpis, kpi.stageId).length;
			if (c.index >= count) return fail('rule_violation', `Its stage has ${count} KPIs: places 0 to ${count - 1}.`);
			return emit({ type: 'kpi.moved', kpiId: c.kpiId, index: c.index });
		}
		case 'kpi.remove':
			if (!own(s.kpis, c.kpiId)) return fail('not_found', 'No such KPI.');
			return emit({ type: 'kpi.removed', kpiId: c.kpiId });

		case 'survey.define': {
			if (own(s.surveys, c.surveyId)) return fail('conflict', 'That survey already exists.');
			const bad = checkPlacement(s, c.stageId, c.touchpointId);
			if (bad) return bad;
			const scale = c.scale ?? defaultScale(c.kind);
			const badScale = checkScale(c.kind, scale) ?? checkTopBox(c.kind, scale, c.topBoxFrom);
			if (badScale) return badScale;
			return emit({
				type: 'survey.defined',
				survey: {
					id: c.surveyId,
					stageId: c.stageId,
					touchpointId: c.touchpointId,
					kind: c.kind,
					question: c.question,
					scale,
					...(c.topBoxFrom !== undefined && c.topBoxFrom !== null ? { topBoxFrom: c.topBoxFrom } : {}),
					responses: {},
					bySegment: {},
					verbatims: []
				}
			});
		}
		case 'survey.update': {
			const survey = own(s.surveys, c.surveyId);
			if (!survey) return fail('not_found', 'No such survey.');
			const bad = checkPlacement(
				s,
				c.patch.stageId ?? survey.stageId,
				c.patch.touchpointId === undefined ? survey.touchpointId : c.patch.touchpointId
			);
			if (bad) return bad;
			const kind = c.patch.kind ?? survey.kind;
			const scale = c.patch.scale ?? survey.scale;
			const resized = scale.min !== survey.scale.min || scale.max !== survey.scale.max;
			if (resized && hasResponses(survey)) {
				return fail(
					'rule_violation',
					'This survey already holds responses on its scale; add a new survey for the new scale, so no count changes meaning.'
				);
			}
			const topBoxFrom = c.patch.topBoxFrom === undefined ? (kind === 'custom' ? survey.topBoxFrom : null) : c.patch.topBoxFrom;
			const badScale = checkScale(kind, scale) ?? checkTopBox(kind, scale, topBoxFrom);
			if (badScale) return badScale;
			const patch = kind !== 'custom' && survey.topBoxFrom != null ? { ...c.patch, topBoxFrom: null } : c.patch;
			return emit({ type: 'survey.updated', surveyId: c.surveyId, patch });
		}
		case 'survey.record': {
			const survey = own(s.surveys, c.surveyId);
			if (!survey) return fail('not_found', 'No such survey.');
			const points = survey.scale.max - survey.scale.min + 1;
			if (c.counts.length !== points) {
				return fail(
					'rule_violation',
					`This survey's scale has ${points} points (${survey.scale.min}-${survey.scale.max}); got ${c.counts.length} counts.`
				);
			}
			return emit({
				type: 'survey.recorded',
				surveyId: c.surveyId,
				period: c.period,
				counts: c.counts,
				segment: c.segment ?? null
			});
		}
		case 'survey.quote': {
			const survey = own(s.surveys, c.surveyId);
			if (!survey) return fail('not_found', 'No such survey.');
			if (survey.verbatims.some((v) => v.id === c.verbatim.id)) {
				return fail('conflict', 'That verbatim is already on the board.');
			}
			return emit({ type: 'survey.quoted', surveyId: c.surveyId, verbatim: c.verbatim });
		}
		case 'survey.remove':
			if (!own(s.surveys, c.surveyId)) return fail('not_found', 'No such survey.');
			return emit({ type: 'survey.removed', surveyId: c.surveyId });

		case 'team.charter': {
			if (own(s.teams, c.teamId)) return fail('conflict', 'That team already exists.');
			const bad = checkPlacement(s, c.stageId, null) ?? checkTeamMembers(c.members) ?? checkTeamLinks(s, c.links);
			if (bad) return bad;
			const { type: _type, teamId, ...fields } = c;
			return emit({
				type: 'team.chartered',
				team: {
					id: teamId,
					...fields,
					status: 'chartered',
					updates: [],
					statusHistory: [],
					charteredAt: ctx.now,
					charteredBy: by,
					sessionId: s.session && !s.session.endedAt ? s.session.id : null
				}
			});
		}
		case 'team.update': {
			if (!own(s.teams, c.teamId)) return fail('not_found', 'No such team.');
			const p = c.patch;
			const bad =
				checkPlacement(s, p.stageId, null) ??
				(p.members ? checkTeamMembers(p.members) : null) ??
				(p.links ? checkTeamLinks(s, p.links) : null);
			return bad ?? emit({ type: 'team.updated', teamId: c.teamId, patch: p });
		}
		case 'team.setStatus': {
			const team = own(s.teams, c.teamId);
			if (!team) return fail('not_found', 'No such team.');
			if (team.status === c.status) return fail('conflict', `The team is already ${c.status}.`);
			return emit({
				type: 'team.statusChanged',
				teamId: team.id,
				from: team.status,
				to: c.status,
				note: c.note,
				by,
				at: ctx.now
			});
		}
		case 'team.post': {
			const team = own(s.teams, c.teamId);
			if (!team) return fail('not_found', 'No such team.');
			if (team.updates.some((u) => u.id === c.updateId)) return fail('conflict', 'Already posted.');
			return emit({
				type: 'team.posted',
				teamId: team.id,
				update: { id: c.updateId, kind: c.kind, text: c.text, author: by, at: ctx.now }
			});
		}

		case 'win.mark': {
			if (own(s.wins, c.winId)) return fail('conflict', 'That win is already marked.');
			const bad = checkPlacement(s, c.stageId, null);
			if (bad) return bad;
			const team = c.teamId ? own(s.teams, c.teamId) : null;
			if (c.teamId && !team) return fail('not_found', 'No such team.');
			const { type: _type, winId, ...fields } = c;
			const events: DomainEvent[] = [{ type: 'win.marked', win: { id: winId, ...fields, at: ctx.now, by } }];
			if (team && team.status !== 'won') {
				events.push({
					type: 'team.statusChanged',
					teamId: team.id,
					from: team.status,
					to: 'won',
					note: c.headline,
					by,
					at: ctx.now
				});
			}
			return emit(...events);
		}
		case 'win.retract':
			if (!own(s.wins, c.winId)) return fail('not_found', 'No such win.');
			return emit({ type: 'win.retracted', winId: c.winId });

		case 'session.start': {
			if (s.session && !s.session.endedAt) {
				return fail('conflict', 'A session is already running. End it before starting the next one.');
			}
			const unknown = c.agenda.filter((id) => !own(s.stages, id));
			if (unknown.length) return fail('not_found', `Unknown stages on the agenda: ${unknown.join(', ')}.`);
			const plannedSec = c.timeboxSec ?? {};
			const offAgenda = Object.keys(plannedSec).filter((id) => !c.agenda.includes(id));
			if (offAgenda.length) {
				return fail('rule_violation', `Timeboxes are planned for agenda stages only: ${offAgenda.join(', ')} is not on it.`);
			}
			const openTeams = Object.values(s.teams)
				.filter((t) => OPEN_TEAM_STATUSES.includes(t.status))
				.map((t) => t.id);
			return emit({
				type: 'session.started',
				session: {
					id: c.sessionId,
					title: c.title,
					agenda: c.agenda,
					currentStageId: c.agenda[0] ?? null,
					timer: null,
					attendees: [by],
					decisions: [],
					startedAt: ctx.now,
					endedAt: null,
					openTeamsAtStart: openTeams,
					chartered: [],
					wins: [],
					clock: { ...emptySessionClock(), plannedSec, focusedSince: ctx.now },
					checkIns: [],
					votes: []
				}
			});
		}
		case 'session.focus': {
			const session = s.session;
			if (!session || session.endedAt) return fail('conflict', 'No session is running.');
			const bad = checkPlacement(s, c.stageId ?? undefined, null);
			if (bad) return bad;
			const focused: DomainEvent = { type: 'session.focused', stageId: c.stageId };
			// A stage's timebox drives the countdown; leaving a timeboxed stage for one without stops it.
			const timer = timeboxTimer(session, c.stageId, ctx.now);
			const leavingTimebox = timeboxTimer(session, session.currentStageId, ctx.now) !== null;
			if (timer) return emit(focused, { type: 'session.timerSet', timer });
			if (leavingTimebox && session.timer) return emit(focused, { type: 'session.timerSet', timer: null });
			return emit(focused);
		}
		case 'session.setTimer': {
			if (!s.session || s.session.endedAt) return fail('conflict', 'No session is running.');
			const timer =
				c.durationSec === null
					? null
					: {
							durationSec: c.durationSec,
							endsAt: new Date(Date.parse(ctx.now) + c.durationSec * 1000).toISOString()
						};
			return emit({ type: 'session.timerSet', timer });
		}
		case 'session.attend':
			if (!s.session || s.session.endedAt) return fail('conflict', 'No session is running.');
			if (s.session.attendees.includes(c.name)) return fail('conflict', `${c.name} is already on the list.`);
			if (s.session.attendees.length >= LIMITS.attendees) {
				return fail('rule_violation', `A session lists at most ${LIMITS.attendees} attendees.`);
			}
			return emit({ type: 'session.attended', name: c.name });
		case 'session.decide':
			if (!s.session || s.session.endedAt) return fail('conflict', 'No session is running.');
			if (s.session.decisions.some((d) => d.id === c.decisionId)) return fail('conflict', 'That decision is already recorded.');
			return emit({ type: 'session.decided', decision: { id: c.decisionId, text: c.text, at: ctx.now } });
		case 'session.reviseDecision': {
			const decision = s.session?.decisions.find((d) => d.id === c.decisionId);
			if (!decision) return fail('not_found', 'That decision is not in the current session.');
			return emit({ type: 'session.decisionRevised', decisionId: c.decisionId, text: c.text });
		}
		case 'session.removeDecision':
			if (!s.session?.decisions.some((d) => d.id === c.decisionId)) {
				return fail('not_found', 'That decision is not in the current session.');
			}
			return emit({ type: 'session.decisionRemoved', decisionId: c.decisionId });
		case 'session.end':
			if (!s.session || s.session.endedAt) return fail('conflict', 'No session is running.');
			return emit({ type: 'session.ended', at: ctx.now });
		case 'session.checkIn':
			return voted(decideCheckIn(s, ctx.actor, ctx.now));
		case 'vote.open':
			return voted(decideOpen(s, c, ctx.now));
		case 'vote.cast':
			return voted(decideCast(s, c, ctx.actor, ctx.now));
		case 'vote.reveal':
			return voted(decideReveal(s, c, ctx.now));
		case 'vote.cancel':
			return voted(decideCancel(s, c, ctx.now));

		case 'action.create': {
			if (own(s.actions, c.actionId)) return fail('conflict', 'That action is already recorded.');
			if (Object.keys(s.actions).length >= LIMITS.actions) {
				return fail('rule_violation', `A room keeps at most ${LIMITS.actions} actions; remove done ones first.`);
			}
			const missing = checkActionSource(s, c.source) ?? checkActionTeam(s, c.teamId);
			if (missing) return missing;
			if (c.source.kind === 'recommendation' && c.teamId !== c.source.teamId) {
				return fail('rule_violation', 'An action from a recommendation stays with the team that made it.');
			}
			const { type: _type, actionId, ...fields } = c;
			const running = s.session && !s.session.endedAt ? s.session.id : null;
			return emit({
				type: 'action.created',
				action: { id: actionId, ...fields, doneAt: null, doneBy: null, createdAt: ctx.now, createdBy: by, sessionId: running }
			});
		}
		case 'action.update': {
			const action = own(s.actions, c.actionId);
			if (!action) return fail('not_found', 'No such action.');
			const missing = checkActionTeam(s, c.teamId);
			if (missing) return missing;
			if (action.source.kind === 'recommendation' && c.teamId !== action.source.teamId) {
				return fail('rule_violation', 'An action from a recommendation stays with the team that made it.');
			}
			return emit({ type: 'action.updated', actionId: c.actionId, text: c.text, due: c.due, teamId: c.teamId });
		}
		case 'action.assign': {
			const action = own(s.actions, c.actionId);
			if (!action) return fail('not_found', 'No such action.');
			if (action.owner.id === c.owner.id) return fail('conflict', `${action.owner.name} already owns this action.`);
			return emit({ type: 'action.assigned', actionId: c.actionId, owner: c.owner });
		}
		case 'action.complete':
		case 'action.reopen': {
			const action = own(s.actions, c.actionId);
			if (!action) return fail('not_found', 'No such action.');
			if (!mayMarkDone(ctx.actor.role, ctx.actor.id, action)) {
				return fail(
					'forbidden',
					`Only ${action.owner.name}, who owns this action, or a facilitator can mark it done or open it again.`
				);
			}
			if (c.type === 'action.complete') {
				if (action.doneAt) return fail('conflict', 'This action is already done.');
				return emit({ type: 'action.completed', actionId: c.actionId, at: ctx.now, by });
			}
			if (!action.doneAt) return fail('conflict', 'This action is still open.');
			return emit({ type: 'action.reopened', actionId: c.actionId });
		}
		case 'action.remove':
			if (!own(s.actions, c.actionId)) return fail('not_found', 'No such action.');
			return emit({ type: 'action.removed', actionId: c.actionId });

		case 'call.play': {
			const artifact = own(s.artifacts, c.artifactId);
			if (!artifact) return fail('not_found', 'No such recording.');
			if (artifact.kind !== 'audio' && artifact.kind !== 'video') {
				return fail('rule_violation', `"${artifact.title}" is not a recorded call.`);
			}
			return emit({
				type: 'call.played',
				artifactId: artifact.id,
				positionSec: c.positionSec,
				durationSec: c.durationSec ?? null,
				at: ctx.now
			});
		}
		case 'call.pause':
			if (!s.nowPlaying) return fail('conflict', 'No call is playing.');
			return emit({ type: 'call.paused', positionSec: c.positionSec, at: ctx.now });
		case 'call.stop':
			if (!s.nowPlaying) return fail('conflict', 'No call is playing.');
			return emit({ type: 'call.stopped' });

		case 'spotlight.set': {
			const missing = checkSpotlight(s, c.target);
			if (missing) return missing;
			return emit({ type: 'spotlight.set', spotlight: { target: c.target, by, at: ctx.now } });
		}
		case 'spotlight.clear':
			if (!s.spotlight) return fail('conflict', 'Nothing is in the spotlight.');
			return emit({ type: 'spotlight.cleared' });

		case 'import.apply': {
			const bad = checkImport(s, c);
			if (bad) return bad;
			const { type: _type, importId, basedOn: _basedOn, mapping, delta, ...fields } = c;
			return emit({
				type: 'import.applied',
				record: { id: importId, ...fields, at: ctx.now, by: ctx.actor.name },
				mapping,
				delta
			});
		}
		case 'room.restore':
			return fail('conflict', 'A backup restores only into a new, empty room.');
		case 'import.deleteFile': {
			const record = own(s.imports, c.importId);
			if (!record) return fail('not_found', 'No such import.');
			if (record.fileDeletedAt) return fail('conflict', "This import's raw file is already deleted.");
			if (!rawFileDue(record, s.meta?.settings.redaction, ctx.now)) {
				return fail('rule_violation', "This import's raw file is not due for deletion under the room's settings.");
			}
			return emit({ type: 'import.fileDeleted', importId: c.importId, at: ctx.now });
		}
		case 'phrases.record': {
			if (!own(s.stages, c.stageId)) return fail('not_found', 'No such stage.');
			const current = own(s.phrases, c.stageId);
			const same = current
				? current.period === c.period && canonicalJson(current.phrases) === canonicalJson(c.phrases)
				: c.phrases.length === 0;
			if (same) return fail('conflict', 'These phrases are already recorded for this stage.');
			return emit({ type: 'phrases.recorded', stageId: c.stageId, period: c.period, phrases: c.phrases });
		}

		case 'display.register': {
			if (own(s.displays, c.displayId)) return fail('conflict', 'That display is already registered.');
			const badSettings = checkDisplaySettings(s, c);
			if (badSettings) return badSettings;
			const { type: _type, displayId, ...fields } = c;
			return emit({ type: 'display.registered', display: { id: displayId, ...fields } });
		}
		case 'display.update':
			if (!own(s.displays, c.displayId)) return fail('not_found', 'No such display.');
			return checkDisplaySettings(s, c.patch) ?? emit({ type: 'display.updated', displayId: c.displayId, patch: c.patch });
		case 'display.remove':
			if (!own(s.displays, c.displayId)) return fail('not_found', 'No such display.');
			return emit({ type: 'display.removed', displayId: c.displayId });

		default:
			return assertNever(c);
	}
}

/** Why an action's source cannot be found, or null: a decision of the current or a past session, or a team's recommendation. */
function checkActionSource(s: RoomState, source: ActionSource): DecideResult | null {
	switch (source.kind) {
		case 'decision': {
			const session = [s.session, ...s.pastSessions].find((x) => x?.id === source.sessionId);
			if (!session?.decisions.some((d) => d.id === source.decisionId)) return fail('not_found', 'No such decision.');
			return null;
		}
		case 'recommendation': {
			const team = own(s.teams, source.teamId);
			if (!team) return fail('not_found', 'No such team.');
			const update = team.updates.find((u) => u.id === source.updateId);
			if (!update) return fail('not_found', 'No such recommendation.');
			if (update.kind !== 'recommendation') return fail('rule_violation', `That post is a ${update.kind}, not a recommendation.`);
			return null;
		}
		default:
			return assertNever(source);
	}
}

function checkActionTeam(s: RoomState, teamId: string | null): DecideResult | null {
	return teamId !== null && !own(s.teams, teamId) ? fail('not_found', 'No such team.') : null;
}

// ---------------------------------------------------------------------------------------------
// A whole room from elsewhere (a backup): it must be a room the commands above could have built.
// ---------------------------------------------------------------------------------------------

const why = (result: DecideResult | null): string | null => (result && !result.ok ? result.error.message : null);

/** The first id that `ids` holds twice, if any. */
function repeatedId(ids: Iterable<string>): string | null {
	const seen = new Set<string>();
	for (const id of ids) {
		if (seen.has(id)) return id;
		seen.add(id);
	}
	return null;
}

/** A record's entries must carry the id they are filed under, so no two entities share an id. */
function misfiled(what: string, record: Readonly<Record<string, { id: string }>>): string | null {
	for (const [key, entity] of Object.entries(record)) {
		if (entity.id !== key)
			return `the ${what} filed under "${key}" says its id is "${entity.id}", so two ${what}s may share an id.`;
	}
	return null;
}

/** A list capped by LIMITS, whose entries need distinct ids (pages list them by id). */
function overfull(what: string, list: ReadonlyArray<{ id: string }>, cap: number): string | null {
	if (list.length > cap) return `${what} holds ${list.length} entries; a room keeps at most ${cap}.`;
	const twice = repeatedId(list.map((x) => x.id));
	return twice === null ? null : `${what} lists "${twice}" twice.`;
}

function checkSession(s: RoomState, session: Session, what: string): string | null {
	const unknown = [...session.agenda, ...(session.currentStageId ? [session.currentStageId] : [])].filter(
		(id) => !own(s.stages, id)
	);
	if (unknown.length) return `${what} names stages that do not exist: ${unknown.join(', ')}.`;
	if (session.attendees.length > LIMITS.attendees) return `${what} lists more than ${LIMITS.attendees} attendees.`;
	return overfull(`The decisions of ${what}`, session.decisions, LIMITS.decisions);
}

/**
 * Checks a whole room state against the rules `decide` keeps: ids unique and filed under themselves,
 * every reference pointing at something that exists, fix teams spanning two departments, lists within
 * their caps. Returns the first problem as a sentence, or null when every page can show the room.
 */
export function checkRestoredRoom(s: RoomState): string | null {
	if (!s.meta) return 'it holds no room.';
	const checks: Array<() => string | null> = [
		() => {
			const twice = repeatedDepartment(s.meta!.departments);
			return twice ? `the department "${twice}" is listed twice.` : null;
		},
		() => {
			const { segments = [], leadSegment = null } = s.meta!;
			const twice = repeatedDepartment(segments);
			if (twice) return `the segment "${twice}" is listed twice.`;
			return leadSegment !== null && !segments.includes(leadSegment)
				? `the most profitable segment "${leadSegment}" is not one of its segments.`
				: null;
		},
		() => misfiled('stage', s.stages) ?? misfiled('touchpoint', s.touchpoints) ?? misfiled('artifact', s.artifacts),
		() => misfiled('complaint category', s.complaints) ?? misfiled('KPI', s.kpis) ?? misfiled('survey', s.surveys),
		() =>
			misfiled('fix team', s.teams) ??
			misfiled('win', s.wins) ??
			misfiled('display', s.displays) ??
			misfiled('import', s.imports),
		() => {
			const twice = repeatedId(s.stageOrder);
			if (twice !== null) return `the stage "${twice}" appears twice in the order of stages.`;
			const unordered = Object.keys(s.stages).filter((id) => !s.stageOrder.includes(id));
			const unknown = s.stageOrder.filter((id) => !own(s.stages, id));
			if (unknown.length) return `the order of stages names stages that do not exist: ${unknown.join(', ')}.`;
			return unordered.length ? `the stages ${unordered.join(', ')} are missing from the order of stages.` : null;
		},
		...Object.values(s.touchpoints).map(
			(t) => () =>
				why(checkPlacement(s, t.stageId, null)) ??
				(t.history.length > LIMITS.maturityHistory
					? `touchpoint "${t.name}" has more than ${LIMITS.maturityHistory} maturity changes.`
					: null)
		),
		...Object.values(s.artifacts).map((a) => () => {
			if (!a.blobId && !a.url && a.kind !== 'note') return `the artifact "${a.title}" has neither a file nor a link.`;
			if (a.replacedBy && !own(s.artifacts, a.replacedBy))
				return `the artifact "${a.title}" is replaced by one that does not exist.`;
			return why(checkPlacement(s, a.stageId, a.touchpointId));
		}),
		...Object.values(s.complaints).map(
			(c) => () =>
				why(checkPlacement(s, c.stageId, c.touchpointId)) ??
				overfull(`The complaint category "${c.name}"`, c.verbatims, LIMITS.verbatims)
		),
		...Object.values(s.kpis).map(
			(k) => () =>
				why(checkPlacement(s, k.stageId, k.touchpointId)) ??
				(k.points.length > LIMITS.kpiPoints ? `the KPI "${k.name}" holds more than ${LIMITS.kpiPoints} points.` : null)
		),
		...Object.values(s.surveys).map((v) => () => {
			const size = v.scale.max - v.scale.min + 1;
			const distributions = [...Object.values(v.responses), ...Object.values(v.bySegment).flatMap((d) => Object.values(d))];
			if (distributions.some((counts) => counts.length !== size))
				return `the survey "${v.question}" has counts that do not fit its ${size}-point scale.`;
			return (
				why(checkPlacement(s, v.stageId, v.touchpointId)) ??
				why(checkScale(v.kind, v.scale)) ??
				overfull(`The survey "${v.question}"`, v.verbatims, LIMITS.verbatims)
			);
		}),
		...Object.values(s.teams).map((t) => () => {
			const problem =
				why(checkPlacement(s, t.stageId, null)) ?? why(checkTeamMembers(t.members)) ?? why(checkTeamLinks(s, t.links));
			if (problem) return `fix team "${t.name}": ${problem}`;
			if (t.statusHistory.length > LIMITS.statusHistory)
				return `fix team "${t.name}" has more than ${LIMITS.statusHistory} status changes.`;
			return overfull(`The updates of fix team "${t.name}"`, t.updates, LIMITS.teamUpdates);
		}),
		...Object.values(s.wins).map((w) => () => {
			if (w.teamId && !own(s.teams, w.teamId)) return `the win "${w.headline}" names a fix team that does not exist.`;
			return why(checkPlacement(s, w.stageId, null));
		}),
		() => (s.session ? checkSession(s, s.session, 'the running session') : null),
		() => {
			if (s.pastSessions.length > LIMITS.pastSessions) return `it keeps more than ${LIMITS.pastSessions} past sessions.`;
			for (const past of s.pastSessions) {
				const problem = checkSession(s, past, `the session "${past.title}"`);
				if (problem) return problem;
			}
			const twice = repeatedId(s.pastSessions.map((p) => p.id));
			return twice === null ? null : `the past session "${twice}" appears twice.`;
		},
		() => (s.spotlight ? why(checkSpotlight(s, s.spotlight.target)) : null),
		() => (s.nowPlaying && !own(s.artifacts, s.nowPlaying.artifactId) ? 'the call playing is not one of its artifacts.' : null),
		...Object.values(s.displays).map((d) => () => why(checkRotation(s, d.rotation.stageIds)))
	];
	for (const check of checks) {
		const problem = check();
		if (problem) return problem.charAt(0).toUpperCase() + problem.slice(1);
	}
	return null;
}
