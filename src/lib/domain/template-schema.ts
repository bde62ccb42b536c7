/**
 * A room template: a ready-made starting point for a new room (an industry's journey, its departments,
 * touchpoints with moments of truth flagged, suggested KPIs and surveys). Templates are data files in
 * `templates/`, one per template, named `<id>.json`; this schema is what every file must satisfy, and
 * `template-commands.ts` turns one into the commands that build the room.
 *
 * Optional lists stay optional (no zod defaults), so a file read without this schema (the browser's
 * chooser) has exactly the type the schema infers.
 */
import { z } from 'zod';
import { LIMITS } from './basics';
import { Department, Id, KpiDirection, Name, Scale, SurveyKind, Text, scaleProblem } from './model';

/** Where a KPI's typical target comes from, in general terms: "industry contact-centre benchmarks". */
const Note = Text.min(1, 'say where the typical figure comes from');

/** A suggested KPI. Its `source` is where the values will come from (a system); `benchmark` explains the target. */
export const TemplateKpi = z.strictObject({
	id: Id,
	name: Name,
	unit: z.string().trim().min(1).max(20),
	direction: KpiDirection,
	/** A typical target for the industry, in `unit`. */
	target: z.number().finite(),
	/** Width of the amber band beyond the target, in `unit`. */
	warning: z.number().finite().min(0),
	source: z.string().trim().min(1).max(120),
	/** The owning department: one of the template's departments. */
	department: Department,
	benchmark: Note
});
export type TemplateKpi = z.infer<typeof TemplateKpi>;

/** A suggested survey. `when` says when it is sent and to whom; `benchmark`, what results are typical. */
export const TemplateSurvey = z
	.strictObject({
		id: Id,
		kind: SurveyKind,
		question: z.string().trim().min(1).max(300),
		/** Only where the kind leaves a choice (CSAT 1-5 or 1-7, custom); the kind's default otherwise. */
		scale: Scale.optional(),
		when: Text.min(1, 'say when the survey is sent'),
		/** Typical results for this kind of survey in the industry (an NPS range), in general terms. */
		benchmark: Text.min(1).optional()
	})
	.superRefine((s, ctx) => {
		const problem = s.scale ? scaleProblem(s.kind, s.scale) : null;
		if (problem) ctx.addIssue({ code: 'custom', path: ['scale'], message: problem });
	});
export type TemplateSurvey = z.infer<typeof TemplateSurvey>;

export const TemplateTouchpoint = z.strictObject({
	id: Id,
	name: Name,
	channel: z.string().trim().min(1).max(60),
	momentOfTruth: z.boolean(),
	/** The departments that affect it: some of the template's departments. */
	departments: z.array(Department).min(1).max(LIMITS.departments),
	kpis: z.array(TemplateKpi).max(5).optional(),
	surveys: z.array(TemplateSurvey).max(3).optional()
});
export type TemplateTouchpoint = z.infer<typeof TemplateTouchpoint>;

export const TemplateStage = z.strictObject({
	id: Id,
	name: Name,
	/** The stage in the customer's own words: "I want to find the right cover at a fair price." */
	customerGoal: Text.min(1),
	touchpoints: z.array(TemplateTouchpoint).min(1).max(20),
	/** KPIs and surveys of the whole stage (a relationship NPS, a stage's loss rate). */
	kpis: z.array(TemplateKpi).max(5).optional(),
	surveys: z.array(TemplateSurvey).max(3).optional()
});
export type TemplateStage = z.infer<typeof TemplateStage>;

/** The most moments of truth a room should flag ("start with the top 10-20"). */
export const MAX_MOMENTS_OF_TRUTH = 20;

const TemplateFields = z.strictObject({
	/** Also the file's name: `<id>.json`. */
	id: Id,
	/** What the chooser shows: "Insurer (property and casualty)". */
	name: Name,
	description: Text.min(1),
	/** The room's departments (the ones its customers meet), 2 to LIMITS.departments, each once. */
	departments: z.array(Department).min(2).max(LIMITS.departments),
	/** The journey, left to right. */
	stages: z.array(TemplateStage).min(2).max(20)
});

/** A room template file, with the rules of {@link templateProblems}. */
export const RoomTemplate = TemplateFields.superRefine((t, ctx) => {
	for (const issue of templateProblems(t)) ctx.addIssue({ code: 'custom', ...issue });
});
export type RoomTemplate = z.infer<typeof RoomTemplate>;

type Problem = { path: PropertyKey[]; message: string };

/**
 * The rules a template must keep beyond each field's shape: departments named once and used from the
 * list; ids unique per kind; a handful of moments of truth (never most of the touchpoints, never past
 * MAX_MOMENTS_OF_TRUTH), each with a KPI, because a moment of truth nobody measures cannot lead.
 */
function templateProblems(t: z.infer<typeof TemplateFields>): Problem[] {
	const problems: Problem[] = [];
	const known = new Set<string>();
	t.departments.forEach((d, i) => {
		if (known.has(d.toLowerCase())) problems.push({ path: ['departments', i], message: `"${d}" is listed twice.` });
		known.add(d.toLowerCase());
	});
	const checkDepartment = (d: string, path: PropertyKey[]) => {
		if (!known.has(d.toLowerCase())) {
			problems.push({
				path,
				message: `"${d}" is not one of the template's departments; add it to "departments" or use one listed there.`
			});
		}
	};
	const seen = { stage: new Set<string>(), touchpoint: new Set<string>(), kpi: new Set<string>(), survey: new Set<string>() };
	const checkId = (kind: keyof typeof seen, id: string, path: PropertyKey[]) => {
		if (seen[kind].has(id)) problems.push({ path, message: `The ${kind} id "${id}" is used twice.` });
		seen[kind].add(id);
	};
	const checkKpis = (kpis: readonly TemplateKpi[] | undefined, path: PropertyKey[]) =>
		(kpis ?? []).forEach((k, i) => {
			checkId('kpi', k.id, [...path, 'kpis', i, 'id']);
			checkDepartment(k.department, [...path, 'kpis', i, 'department']);
		});
	const checkSurveys = (surveys: readonly TemplateSurvey[] | undefined, path: PropertyKey[]) =>
		(surveys ?? []).forEach((s, i) => checkId('survey', s.id, [...path, 'surveys', i, 'id']));

	let touchpoints = 0;
	let moments = 0;
	t.stages.forEach((stage, si) => {
		const stagePath = ['stages', si];
		checkId('stage', stage.id, [...stagePath, 'id']);
		checkKpis(stage.kpis, stagePath);
		checkSurveys(stage.surveys, stagePath);
		stage.touchpoints.forEach((tp, ti) => {
			const path = [...stagePath, 'touchpoints', ti];
			touchpoints++;
			checkId('touchpoint', tp.id, [...path, 'id']);
			tp.departments.forEach((d, di) => checkDepartment(d, [...path, 'departments', di]));
			checkKpis(tp.kpis, path);
			checkSurveys(tp.surveys, path);
			if (!tp.momentOfTruth) return;
			moments++;
			if (!tp.kpis?.length) {
				problems.push({
					path: [...path, 'kpis'],
					message: `"${tp.name}" is a moment of truth: suggest at least one KPI for it.`
				});
			}
		});
	});
	if (moments === 0) problems.push({ path: ['stages'], message: 'Flag the few touchpoints that are moments of truth.' });
	if (moments > MAX_MOMENTS_OF_TRUTH || moments * 2 > touchpoints) {
		problems.push({
			path: ['stages'],
			message: `${moments} of ${touchpoints} touchpoints are moments of truth: flag a handful (at most half, and at most ${MAX_MOMENTS_OF_TRUTH}), so they stand out.`
		});
	}
	return problems;
}
