/**
 * What a room template does: the commands that build a new room from it, and the short summary a
 * chooser shows. Zod-free (types only), so a browser page can preview a template without the schema
 * library; the template itself is checked by `RoomTemplate` (template-schema.ts) where it is loaded.
 */
import type { Command } from './commands';
import type { RoomTemplate, TemplateKpi, TemplateSurvey } from './template-schema';

/** What the person creating the room chooses; everything else comes from the template. */
export interface TemplateRoomOptions {
	roomName: string;
	organisation: string;
}

/**
 * The commands that create a room from `template`, in the order to send them: `room.create` with the
 * template's departments, then the stages left to right, the touchpoints (moments of truth flagged,
 * not yet assessed), the suggested KPIs (with typical targets, no values) and the suggested surveys (no
 * responses). Ids are the template's, so the commands fit a new, empty room only; each command passes
 * `decide` in that order (a test applies every template's commands).
 */
export function templateCommands(template: RoomTemplate, options: TemplateRoomOptions): Command[] {
	const commands: Command[] = [
		{ type: 'room.create', name: options.roomName, organisation: options.organisation, departments: [...template.departments] }
	];
	for (const stage of template.stages) {
		commands.push({ type: 'stage.add', stageId: stage.id, name: stage.name, customerGoal: stage.customerGoal });
	}
	for (const stage of template.stages) {
		for (const tp of stage.touchpoints) {
			commands.push({
				type: 'touchpoint.add',
				touchpointId: tp.id,
				stageId: stage.id,
				name: tp.name,
				channel: tp.channel,
				momentOfTruth: tp.momentOfTruth,
				departments: [...tp.departments],
				importance: null,
				performance: null,
				internalScore: null
			});
		}
	}
	for (const { stageId, touchpointId, kpi } of templateKpis(template)) commands.push(kpiDefine(kpi, stageId, touchpointId));
	for (const { stageId, touchpointId, survey } of templateSurveys(template)) {
		commands.push(surveyDefine(survey, stageId, touchpointId));
	}
	return commands;
}

/** What a chooser shows of a template before anyone picks it. */
export interface TemplateSummary {
	id: string;
	name: string;
	description: string;
	departments: string[];
	/** The journey, left to right, with each stage's goal in the customer's words. */
	stages: Array<{ name: string; customerGoal: string }>;
	touchpoints: number;
	momentsOfTruth: number;
	kpis: number;
	surveys: number;
}

/** The summary of a template for a chooser: its name, description, journey and what it brings. */
export function templateSummary(template: RoomTemplate): TemplateSummary {
	const touchpoints = template.stages.flatMap((s) => s.touchpoints);
	return {
		id: template.id,
		name: template.name,
		description: template.description,
		departments: [...template.departments],
		stages: template.stages.map((s) => ({ name: s.name, customerGoal: s.customerGoal })),
		touchpoints: touchpoints.length,
		momentsOfTruth: touchpoints.filter((tp) => tp.momentOfTruth).length,
		kpis: templateKpis(template).length,
		surveys: templateSurveys(template).length
	};
}

interface Placed {
	stageId: string;
	touchpointId: string | null;
}

/** Every suggested KPI with where it hangs: on its stage, or on a touchpoint of that stage. */
export function templateKpis(template: RoomTemplate): Array<Placed & { kpi: TemplateKpi }> {
	return template.stages.flatMap((stage) => [
		...(stage.kpis ?? []).map((kpi) => ({ stageId: stage.id, touchpointId: null, kpi })),
		...stage.touchpoints.flatMap((tp) => (tp.kpis ?? []).map((kpi) => ({ stageId: stage.id, touchpointId: tp.id, kpi })))
	]);
}

/** Every suggested survey with where it hangs: on its stage (relationship), or on a touchpoint (transaction). */
export function templateSurveys(template: RoomTemplate): Array<Placed & { survey: TemplateSurvey }> {
	return template.stages.flatMap((stage) => [
		...(stage.surveys ?? []).map((survey) => ({ stageId: stage.id, touchpointId: null, survey })),
		...stage.touchpoints.flatMap((tp) => (tp.surveys ?? []).map((survey) => ({ stageId: stage.id, touchpointId: tp.id, survey })))
	]);
}

function kpiDefine(kpi: TemplateKpi, stageId: string, touchpointId: string | null): Command {
	return {
		type: 'kpi.define',
		kpiId: kpi.id,
		stageId,
		touchpointId,
		name: kpi.name,
		unit: kpi.unit,
		direction: kpi.direction,
		target: kpi.target,
		warning: kpi.warning,
		source: kpi.source,
		department: kpi.department
	};
}

function surveyDefine(survey: TemplateSurvey, stageId: string, touchpointId: string | null): Command {
	return {
		type: 'survey.define',
		surveyId: survey.id,
		kind: survey.kind,
		stageId,
		touchpointId,
		question: survey.question,
		...(survey.scale ? { scale: { ...survey.scale } } : {})
	};
}
