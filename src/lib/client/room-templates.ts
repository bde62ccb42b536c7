/**
 * The room templates, bundled for a page that lets a person choose one (the server builds the room from
 * its own checked copy: server/templates/). Every `<id>.json` in the domain's `templates/` folder is
 * picked up by the bundler, so adding a template is adding a file. No zod here: the files are checked by
 * the domain's schema in the tests and when the server loads them.
 */
import { templateSummary, type TemplateSummary } from '../domain/template-commands';
import type { RoomTemplate } from '../domain/template-schema';

const files = import.meta.glob<RoomTemplate>('../domain/templates/*.json', { eager: true, import: 'default' });

/** Every template, by name. */
export const ROOM_TEMPLATES: readonly RoomTemplate[] = Object.values(files).sort((a, b) => a.name.localeCompare(b.name, 'en'));

/** What a chooser shows of each template, by name: name, description, journey, counts. */
export function roomTemplateSummaries(): TemplateSummary[] {
	return ROOM_TEMPLATES.map(templateSummary);
}

const plural = new Intl.PluralRules('en');
const integer = new Intl.NumberFormat('en');

/** What a template brings, as whole phrases a chooser lists ("6 stages", "1 survey"). */
export function templateCounts(summary: TemplateSummary): string[] {
	const phrase = (n: number, one: string, other: string) => `${integer.format(n)} ${plural.select(n) === 'one' ? one : other}`;
	return [
		phrase(summary.stages.length, 'stage', 'stages'),
		phrase(summary.touchpoints, 'touchpoint', 'touchpoints'),
		phrase(summary.momentsOfTruth, 'moment of truth', 'moments of truth'),
		phrase(summary.kpis, 'KPI', 'KPIs'),
		phrase(summary.surveys, 'survey', 'surveys')
	];
}
