// The room templates a new room can start from: every file in the templates folder is a valid template,
// each builds a room `decide` accepts command by command, the room is the template's (journey, moments of
// truth, KPIs, surveys), and the content keeps the method (a handful of moments of truth, each measured;
// goals in the customer's words; a relationship NPS and transactional CSAT or CES).
import { readFileSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	RoomTemplate,
	defaultScale,
	templateCommands,
	templateKpis,
	templateSurveys,
	type RoomState
} from '../../src/lib/domain';
import { ROOM_TEMPLATES, roomTemplateSummaries } from '../../src/lib/client/room-templates';
import { TEMPLATES_DIR, loadTemplateCatalogue, parseTemplateFile } from '../../server/templates/template-catalogue';
import { applyAll } from '../support/factories';
import { tempDir } from '../support/temp-dir';

const FILES = readdirSync(TEMPLATES_DIR).sort();
const TEMPLATES = FILES.map((file) => parseTemplateFile(file, readFileSync(path.join(TEMPLATES_DIR, file), 'utf8')));
const byId = (id: string) => {
	const template = TEMPLATES.find((t) => t.id === id);
	if (!template) throw new Error(`No template ${id}`);
	return template;
};

/** The problems the schema finds in a template, as `path: message` lines ('' when it is valid). */
function problems(raw: unknown): string {
	const result = RoomTemplate.safeParse(raw);
	return result.success ? '' : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
}

const touchpointsOf = (state: RoomState, stageId: string) =>
	Object.values(state.touchpoints)
		.filter((tp) => tp.stageId === stageId)
		.map((tp) => tp.id)
		.sort();

describe('the templates folder', () => {
	it.each(FILES)('%s is a valid room template named after its id', (file) => {
		expect(file).toMatch(/\.json$/);
		expect(() => parseTemplateFile(file, readFileSync(path.join(TEMPLATES_DIR, file), 'utf8'))).not.toThrow();
	});

	it('offers the five industries a new room can start from', () => {
		expect(TEMPLATES.map((t) => t.id)).toEqual(
			expect.arrayContaining(['retail-bank', 'insurer', 'b2b-software', 'hospital', 'telecom'])
		);
	});

	it('lists the same templates for the browser and the server, by name', async () => {
		const catalogue = await loadTemplateCatalogue();
		expect(ROOM_TEMPLATES.map((t) => t.id).sort()).toEqual(TEMPLATES.map((t) => t.id).sort());
		expect(roomTemplateSummaries()).toEqual(catalogue.summaries());
		const names = catalogue.summaries().map((s) => s.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
	});
});

describe.each(TEMPLATES.map((t) => [t.id, t] as const))('the %s template', (_id, template) => {
	const touchpoints = template.stages.flatMap((s) => s.touchpoints);
	const moments = touchpoints.filter((tp) => tp.momentOfTruth);

	it('builds a room decide accepts, command by command, holding the template', () => {
		const state = applyAll(templateCommands(template, { roomName: 'Acme Customer Room', organisation: 'Acme' }));

		expect(state.meta).toMatchObject({ name: 'Acme Customer Room', organisation: 'Acme', departments: template.departments });
		expect(state.stageOrder).toEqual(template.stages.map((s) => s.id));
		for (const stage of template.stages) {
			expect(state.stages[stage.id]).toEqual({ id: stage.id, name: stage.name, customerGoal: stage.customerGoal });
			expect(touchpointsOf(state, stage.id)).toEqual(stage.touchpoints.map((tp) => tp.id).sort());
		}
		const flagged = Object.values(state.touchpoints).filter((tp) => tp.momentOfTruth);
		expect(flagged.map((tp) => tp.id).sort()).toEqual(moments.map((tp) => tp.id).sort());
		for (const tp of Object.values(state.touchpoints)) {
			expect(tp.maturity).toBe('unassessed');
			expect(state.meta?.departments).toEqual(expect.arrayContaining(tp.departments));
		}

		// Every moment of truth is measured from the first day.
		for (const tp of flagged) {
			expect(Object.values(state.kpis).filter((k) => k.touchpointId === tp.id).length, tp.name).toBeGreaterThan(0);
		}
		const kpis = templateKpis(template);
		expect(Object.keys(state.kpis)).toHaveLength(kpis.length);
		for (const { stageId, touchpointId, kpi } of kpis) {
			const { benchmark: _benchmark, ...fields } = kpi;
			expect(state.kpis[kpi.id]).toEqual({ ...fields, stageId, touchpointId, points: [] });
		}

		const surveys = templateSurveys(template);
		expect(Object.keys(state.surveys)).toHaveLength(surveys.length);
		for (const { stageId, touchpointId, survey } of surveys) {
			expect(state.surveys[survey.id]).toMatchObject({
				stageId,
				touchpointId,
				kind: survey.kind,
				question: survey.question,
				scale: survey.scale ?? defaultScale(survey.kind),
				responses: {}
			});
		}
	});

	it('flags a handful of moments of truth, not most touchpoints', () => {
		expect(moments.length).toBeGreaterThanOrEqual(3);
		expect(moments.length).toBeLessThanOrEqual(10);
		expect(moments.length * 2).toBeLessThanOrEqual(touchpoints.length);
	});

	it("states every stage's goal in the customer's words", () => {
		for (const stage of template.stages) expect(stage.customerGoal, stage.name).toMatch(/\bI (want|need)\b/);
	});

	it('suggests KPIs with units, typical targets, warning bands and where the figures come from', () => {
		for (const { kpi } of templateKpis(template)) {
			expect(kpi.warning, kpi.name).toBeGreaterThan(0);
			expect(kpi.benchmark.length, kpi.name).toBeGreaterThan(40);
			expect(kpi.target, kpi.name).toBeGreaterThan(0);
		}
	});

	it('suggests a relationship NPS and CSAT or CES at moments of truth, each asked the right way', () => {
		const surveys = templateSurveys(template);
		const nps = surveys.filter((s) => s.survey.kind === 'nps');
		expect(nps.length).toBeGreaterThan(0);
		for (const s of nps) {
			expect(s.touchpointId, 'NPS is asked about the relationship, not one touchpoint').toBeNull();
			expect(s.survey.question).toMatch(/recommend/);
			expect(s.survey.benchmark, 'say what NPS is typical').toBeTruthy();
		}
		const momentIds = new Set(moments.map((tp) => tp.id));
		const transactional = surveys.filter(
			(s) => (s.survey.kind === 'csat' || s.survey.kind === 'ces') && momentIds.has(s.touchpointId ?? '')
		);
		expect(transactional.length).toBeGreaterThan(0);
		for (const { survey } of surveys) {
			// CES is agreement with a statement ("... was easy."); the others are questions.
			if (survey.kind === 'ces') expect(survey.question, survey.id).toMatch(/[^?]$/);
			else expect(survey.question, survey.id).toMatch(/\?$/);
		}
	});

	it('uses every department it lists', () => {
		const used = new Set([
			...touchpoints.flatMap((tp) => tp.departments),
			...templateKpis(template).map((k) => k.kpi.department)
		]);
		expect(template.departments.filter((d) => !used.has(d))).toEqual([]);
	});
});

describe('industry fit', () => {
	it('walks an insurer through quote, buy, pay and renew, claim and settle, with Claims and Underwriting', () => {
		const insurer = byId('insurer');
		expect(insurer.stages.map((s) => s.id)).toEqual(['quote', 'buy', 'pay-renew', 'claim', 'settle']);
		expect(insurer.departments).toEqual(expect.arrayContaining(['Claims', 'Underwriting']));
	});

	it('gives B2B software the departments a B2B customer meets', () => {
		const departments = byId('b2b-software').departments.join(' | ');
		for (const d of [
			'Marketing',
			'Sales',
			'Professional Services',
			'Product',
			'Customer Service',
			'Administration',
			'Legal',
			'Finance'
		]) {
			expect(departments).toContain(d);
		}
	});

	it('gives a hospital Admissions, Nursing and Billing', () => {
		expect(byId('hospital').departments).toEqual(expect.arrayContaining(['Admissions', 'Nursing', 'Billing']));
	});
});

describe('a template file that breaks the rules', () => {
	const valid = () => structuredClone(byId('retail-bank'));
	const firstTouchpoint = (t: RoomTemplate) => t.stages[0]!.touchpoints[0]!;

	it('is valid before it is broken', () => {
		expect(problems(valid())).toBe('');
	});

	it('names a department the template does not list', () => {
		const t = valid();
		firstTouchpoint(t).departments = ['Marketing', 'Astrology'];
		expect(problems(t)).toContain(`"Astrology" is not one of the template's departments`);
	});

	it('lists a department twice', () => {
		const t = valid();
		t.departments.push('marketing');
		expect(problems(t)).toContain('"marketing" is listed twice.');
	});

	it('flags a moment of truth without a KPI', () => {
		const t = valid();
		firstTouchpoint(t).momentOfTruth = true;
		expect(problems(t)).toContain(`"${firstTouchpoint(t).name}" is a moment of truth: suggest at least one KPI for it.`);
	});

	it('flags most touchpoints as moments of truth', () => {
		const t = valid();
		for (const tp of t.stages.flatMap((s) => s.touchpoints)) {
			tp.momentOfTruth = true;
			tp.kpis ??= [{ ...templateKpis(t)[0]!.kpi, id: `kpi-${tp.id}` }];
		}
		expect(problems(t)).toMatch(/touchpoints are moments of truth: flag a handful/);
	});

	it('uses a touchpoint id twice', () => {
		const t = valid();
		t.stages[1]!.touchpoints[0]!.id = firstTouchpoint(t).id;
		expect(problems(t)).toContain(`The touchpoint id "${firstTouchpoint(t).id}" is used twice.`);
	});

	it('asks CES on a 1-5 scale', () => {
		const t = valid();
		firstTouchpoint(t).surveys = [
			{ id: 'ces-5', kind: 'ces', question: 'It was easy.', scale: { min: 1, max: 5 }, when: 'Always.' }
		];
		expect(problems(t)).toContain('CES uses a 1-7 agreement scale.');
	});

	it('misspells a field', () => {
		const t = { ...valid(), moments_of_truth: 5 };
		expect(problems(t)).toMatch(/moments_of_truth/);
	});

	it('is not JSON, or is not named after its id: the error names the file', () => {
		expect(() => parseTemplateFile('broken.json', '{ "id": ')).toThrow(/broken\.json is not valid JSON/);
		expect(() => parseTemplateFile('bank.json', JSON.stringify(valid()))).toThrow(/name the file retail-bank\.json/);
	});

	it('stops the catalogue from loading, naming the file and the problem', async () => {
		const { dir, cleanup } = await tempDir();
		try {
			const t = valid();
			firstTouchpoint(t).departments = ['Astrology'];
			await writeFile(path.join(dir, 'retail-bank.json'), JSON.stringify(t));
			await expect(loadTemplateCatalogue(dir)).rejects.toThrow(/retail-bank\.json is not valid[\s\S]*Astrology/);
		} finally {
			await cleanup();
		}
	});
});

describe('the template catalogue', () => {
	it('finds a template by id, and nothing for an id it does not have', async () => {
		const catalogue = await loadTemplateCatalogue();
		expect(catalogue.get('insurer')).toEqual(byId('insurer'));
		expect(catalogue.get('__proto__')).toBeUndefined();
		expect(catalogue.get('no-such-template')).toBeUndefined();
	});

	it('summarises each template for a chooser: journey and what it brings', async () => {
		const summary = (await loadTemplateCatalogue()).summaries().find((s) => s.id === 'insurer');
		const insurer = byId('insurer');
		expect(summary).toMatchObject({
			name: insurer.name,
			description: insurer.description,
			stages: insurer.stages.map((s) => ({ name: s.name, customerGoal: s.customerGoal })),
			touchpoints: insurer.stages.flatMap((s) => s.touchpoints).length,
			kpis: templateKpis(insurer).length,
			surveys: templateSurveys(insurer).length
		});
	});
});
