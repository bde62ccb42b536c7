/**
 * Imports over real HTTP against a real server: the CFPB sample (a real export) mapped to stages and
 * counted against an independent count of the same file, re-imports that change nothing, broken rows
 * reported by line, files without a header, KPI values and survey responses, and a 100k-row file that
 * leaves other rooms live while it is read.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnRef, ComplaintMapping, Command, ImportMapping, RoomState } from '../../src/lib/domain';
import type { ImportSummary } from '../../src/lib/protocol/curate';
import { curateHttp } from '../support/curate-http';
import { commandId, join, send, startTestServer, stateHash, type TestServer } from '../support/test-server';

const CFPB = path.resolve(__dirname, '../../../shared/data/cfpb-complaints-sample.csv');

let server: TestServer;
let seq = 0;

/** A room with the stages the CFPB mapping uses, and an HTTP client holding `role` in it. */
async function room(role: 'facilitator' | 'contributor' | 'viewer' = 'contributor', extra: Command[] = []) {
	const roomId = `imports-${++seq}`;
	const owner = await server.client('Owner', { [roomId]: 'facilitator' });
	const steps: Command[] = [
		{ type: 'room.create', name: `Room ${roomId}`, organisation: 'Test Bank' },
		...['fraud', 'credit', 'debt', 'accounts', 'cards', 'other'].map((id): Command => ({
			type: 'stage.add',
			stageId: id,
			name: id[0]!.toUpperCase() + id.slice(1),
			customerGoal: ''
		})),
		...extra
	];
	for (const command of steps) {
		const result = await send(owner, roomId, command);
		if (!result.ok) throw new Error(`${command.type}: ${result.message}`);
		if (command.type === 'room.create' && !(await join(owner, roomId)).ok) throw new Error('could not join');
	}
	const token = await server.access.grantDirectly(roomId, role, `A ${role}`);
	const readState = async () => (await server.app.engine.state(roomId))!;
	return { roomId, http: curateHttp(server.url, roomId, token), state: readState, owner };
}

// ---------------------------------------------------------------------------------------------
// An independent reading of the file: a small RFC 4180 parser and the stage rules written out again.
// ---------------------------------------------------------------------------------------------

function parseCsv(text: string): Array<{ line: number; cells: string[] }> {
	const records: Array<{ line: number; cells: string[] }> = [];
	let cells: string[] = [];
	let field = '';
	let quoted = false;
	let line = 1;
	let start = 1;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i]!;
		if (quoted) {
			if (ch === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (ch === '"') quoted = false;
			else {
				if (ch === '\n') line++;
				field += ch;
			}
		} else if (ch === '"') quoted = true;
		else if (ch === ',') {
			cells.push(field);
			field = '';
		} else if (ch === '\n' || ch === '\r') {
			if (ch === '\r' && text[i + 1] === '\n') i++;
			cells.push(field);
			if (cells.length > 1 || cells[0] !== '') records.push({ line: start, cells });
			cells = [];
			field = '';
			line++;
			start = line;
		} else field += ch;
	}
	if (field || cells.length) records.push({ line: start, cells: [...cells, field] });
	return records;
}

const col = (index: number, name: string | null = null): ColumnRef => ({ index, name });

/** The mapping under test: Issue is the category; Product (and one Issue rule) choose the stage. */
function cfpbMapping(header: string[] | null): ComplaintMapping {
	const at = (name: string) => col(CFPB_HEADER.indexOf(name), header ? name : null);
	return {
		kind: 'complaints',
		hasHeader: header !== null,
		dateColumn: at('Date received'),
		dateFormat: 'YYYY-MM-DD',
		idColumn: null,
		segmentColumn: null,
		categoryColumn: at('Issue'),
		channelColumn: at('Submitted via'),
		textColumn: at('Consumer complaint narrative'),
		stageRules: [
			{ column: at('Issue'), op: 'contains', value: 'fraud', stageId: 'fraud' },
			{ column: at('Product'), op: 'contains', value: 'credit reporting', stageId: 'credit' },
			{ column: at('Product'), op: 'equals', value: 'Debt collection', stageId: 'debt' },
			{ column: at('Product'), op: 'contains', value: 'checking or savings', stageId: 'accounts' },
			{ column: at('Product'), op: 'contains', value: 'bank account', stageId: 'accounts' },
			{ column: at('Product'), op: 'contains', value: 'credit card', stageId: 'cards' }
		],
		defaultStageId: 'other'
	};
}

function expectedStage(product: string, issue: string): string {
	const p = product.toLowerCase();
	if (issue.toLowerCase().includes('fraud')) return 'fraud';
	if (p.includes('credit reporting')) return 'credit';
	if (p === 'debt collection') return 'debt';
	if (p.includes('checking or savings') || p.includes('bank account')) return 'accounts';
	if (p.includes('credit card')) return 'cards';
	return 'other';
}

/** stage | issue | month -> complaints, counted from the file itself. */
function independentCount(text: string, hasHeader: boolean): Map<string, number> {
	const rows = parseCsv(text).slice(hasHeader ? 1 : 0);
	const counts = new Map<string, number>();
	const i = (name: string) => CFPB_HEADER.indexOf(name);
	for (const { cells } of rows) {
		const key = `${expectedStage(cells[i('Product')]!, cells[i('Issue')]!)}|${cells[i('Issue')]!.trim()}|${cells[i('Date received')]!.slice(0, 7)}`;
		counts.set(key, (counts.get(key) ?? 0) + 1);
	}
	return counts;
}

/** The same table read off the room's state. */
function roomCount(state: RoomState): Map<string, number> {
	const counts = new Map<string, number>();
	for (const c of Object.values(state.complaints)) {
		for (const [period, n] of Object.entries(c.counts)) counts.set(`${c.stageId}|${c.name}|${period}`, n);
	}
	return counts;
}

const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b));

let CFPB_TEXT = '';
let CFPB_HEADER: string[] = [];

beforeAll(async () => {
	if (!existsSync(CFPB))
		throw new Error(`The CFPB sample is missing at ${CFPB}: the shared data folder must sit beside the project.`);
	CFPB_TEXT = readFileSync(CFPB, 'utf8');
	CFPB_HEADER = parseCsv(CFPB_TEXT.slice(0, CFPB_TEXT.indexOf('\n') + 1))[0]!.cells;
	server = await startTestServer();
});
afterAll(async () => server?.close());

describe('complaints from the CFPB sample', () => {
	it('counts per category and month equal an independent count of the file, and a second import changes nothing', async () => {
		const { http, state } = await room();
		const uploaded = await http.upload(Buffer.from(CFPB_TEXT), 'import');
		expect(uploaded.status).toBe(201);
		expect(uploaded.body).toMatchObject({ kind: 'csv', mime: 'text/csv' });
		const blobId = uploaded.body.blobId as string;

		const inspected = await http.inspect(blobId);
		expect(inspected.status).toBe(200);
		expect(inspected.body).toMatchObject({ delimiter: ',', hasHeader: true, encoding: 'utf-8' });
		const columns = inspected.body.columns as Array<{ name: string; looks: string; dateFormat: string | null }>;
		expect(columns.map((c) => c.name)).toEqual(CFPB_HEADER);
		expect(columns.find((c) => c.name === 'Date received')).toMatchObject({ looks: 'date', dateFormat: 'auto' });

		const mapping = cfpbMapping(CFPB_HEADER);
		const preview = await http.runImport({ blobId, fileName: 'cfpb.csv', mapping, dryRun: true });
		expect(preview.done).toMatchObject({ ok: true, applied: false });
		expect(preview.done.summary).toMatchObject({ rows: 999, added: 999, duplicates: 0, errors: 0 });
		expect(Object.keys((await state()).complaints)).toEqual([]); // a preview changes nothing

		const first = await http.runImport({ blobId, fileName: 'cfpb.csv', mapping, dryRun: false });
		expect(first.done).toMatchObject({ ok: true, applied: true });
		const after = await state();
		expect(sorted(roomCount(after))).toEqual(sorted(independentCount(CFPB_TEXT, true)));
		expect(Object.values(after.imports)).toEqual([
			expect.objectContaining({ kind: 'complaints', rows: 999, added: 999, fileName: 'cfpb.csv' })
		]);
		// The customers' words come along: the newest narratives of a category, never more than ten of them.
		const withWords = Object.values(after.complaints).filter((c) => c.verbatims.length > 0);
		expect(withWords.length).toBeGreaterThan(5);
		for (const c of withWords) {
			expect(c.verbatims.length).toBeLessThanOrEqual(10);
			expect(c.verbatims.map((v) => v.date)).toEqual([...c.verbatims.map((v) => v.date)].sort().reverse());
		}
		// The mapping is remembered for next month's file.
		expect(after.importMappings.complaints).toEqual(mapping);

		const again = await http.runImport({ blobId, fileName: 'cfpb.csv', mapping, dryRun: false });
		expect(again.done).toMatchObject({ ok: true, applied: false });
		expect(again.done.summary).toMatchObject({ rows: 999, added: 0, duplicates: 999 });
		expect(again.done.message).toMatch(/nothing new/);
		expect(stateHash(await state())).toBe(stateHash(after));
	});

	it('imports the rest of a copy with three broken rows and reports exactly those three lines', async () => {
		const records = parseCsv(CFPB_TEXT);
		const lines = CFPB_TEXT.split('\n');
		// Break three records that start on lines of their own: a wrong date, a missing Issue, a cut-off row.
		const singleLine = records.slice(1).filter((r) => r.cells.every((c) => !c.includes('\n')));
		const [bad1, bad2, bad3] = [singleLine[10]!, singleLine[200]!, singleLine[400]!];
		const join = (cells: string[]) => cells.map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
		const broken = [...lines];
		broken[bad1.line - 1] = lines[bad1.line - 1]!.replace(/^\d{4}-\d{2}-\d{2}/, '2019-13-45');
		const cells2 = [...bad2.cells];
		cells2[CFPB_HEADER.indexOf('Issue')] = '';
		broken[bad2.line - 1] = join(cells2);
		broken[bad3.line - 1] = join(bad3.cells.slice(0, 5));
		const text = broken.join('\n');

		const { http, state } = await room();
		const blobId = (await http.upload(Buffer.from(text), 'import')).body.blobId as string;
		const result = await http.runImport({ blobId, fileName: 'broken.csv', mapping: cfpbMapping(CFPB_HEADER), dryRun: false });
		expect(result.done).toMatchObject({ ok: true, applied: true });
		const summary = result.done.summary as {
			rows: number;
			added: number;
			errors: number;
			errorList: Array<{ line: number; reason: string }>;
		};
		expect(summary).toMatchObject({ rows: 999, added: 996, errors: 3 });
		expect(summary.errorList.map((e) => e.line)).toEqual([bad1.line, bad2.line, bad3.line].sort((a, b) => a - b));
		const reasons = Object.fromEntries(summary.errorList.map((e) => [e.line, e.reason]));
		expect(reasons[bad1.line]).toMatch(/"Date received" "2019-13-45" is not a date/);
		expect(reasons[bad2.line]).toMatch(/has no category \("Issue" is empty\)/);
		expect(reasons[bad3.line]).toMatch(/has 5 fields where the header has 18/);
		const total = Object.values((await state()).complaints).reduce(
			(n, c) => n + Object.values(c.counts).reduce((a, b) => a + b, 0),
			0
		);
		expect(total).toBe(996);

		// Once the rows are fixed, a re-import adds exactly the three that were missing.
		const fixedId = (await http.upload(Buffer.from(CFPB_TEXT), 'import')).body.blobId as string;
		const fixed = await http.runImport({
			blobId: fixedId,
			fileName: 'fixed.csv',
			mapping: cfpbMapping(CFPB_HEADER),
			dryRun: false
		});
		expect(fixed.done.summary).toMatchObject({ added: 3, duplicates: 996 });
		expect(sorted(roomCount(await state()))).toEqual(sorted(independentCount(CFPB_TEXT, true)));
	});

	it('reads the same file without its header row, in another order of columns, with semicolons', async () => {
		// Columns reversed, ";" as delimiter, no header: nothing of the original layout is left.
		const records = parseCsv(CFPB_TEXT).slice(1);
		const quote = (v: string) => (/[;"\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
		const text = records.map((r) => [...r.cells].reverse().map(quote).join(';')).join('\r\n');
		const width = CFPB_HEADER.length;
		const rev = (name: string) => col(width - 1 - CFPB_HEADER.indexOf(name));
		const mapping: ComplaintMapping = {
			...cfpbMapping(null),
			dateColumn: rev('Date received'),
			categoryColumn: rev('Issue'),
			channelColumn: rev('Submitted via'),
			textColumn: rev('Consumer complaint narrative'),
			stageRules: cfpbMapping(null).stageRules.map((r) => ({ ...r, column: rev(CFPB_HEADER[r.column.index]!) }))
		};
		const { http, state } = await room();
		const blobId = (await http.upload(Buffer.from(text), 'import')).body.blobId as string;
		const inspected = await http.inspect(blobId);
		expect(inspected.body).toMatchObject({ delimiter: ';', hasHeader: false });
		const result = await http.runImport({ blobId, mapping, dryRun: false });
		expect(result.done.summary).toMatchObject({ rows: 999, added: 999, errors: 0 });
		expect(sorted(roomCount(await state()))).toEqual(sorted(independentCount(CFPB_TEXT, true)));
	});

	it('keys rows by an id column when there is one, so an edited row is not counted twice', async () => {
		const { http, state } = await room();
		const mapping: ComplaintMapping = { ...cfpbMapping(CFPB_HEADER), idColumn: col(17, 'Complaint ID') };
		const blobId = (await http.upload(Buffer.from(CFPB_TEXT), 'import')).body.blobId as string;
		await http.runImport({ blobId, mapping, dryRun: false });
		// Next month's export: the same complaints with their status changed, plus one new complaint.
		const edited =
			CFPB_TEXT.replaceAll('Closed with explanation', 'Closed with relief') +
			'2020-04-01,Debt collection,,Written notification about debt,,,,,NY,10001,,,Web,2020-04-01,In progress,Yes,N/A,9999999\n';
		const editedId = (await http.upload(Buffer.from(edited), 'import')).body.blobId as string;
		const second = await http.runImport({ blobId: editedId, mapping, dryRun: false });
		expect(second.done.summary).toMatchObject({ rows: 1000, added: 1, duplicates: 999 });
		const debt = Object.values((await state()).complaints).find(
			(c) => c.stageId === 'debt' && c.name === 'Written notification about debt'
		);
		expect(debt?.counts['2020-04']).toBe(1);
	});
});

describe('bad import requests', () => {
	it('refuses viewers, strangers, other sites, broken settings and files that are not CSV, with reasons', async () => {
		const viewer = await room('viewer');
		expect((await viewer.http.upload(Buffer.from('a,b\n1,2\n'), 'import')).status).toBe(403);
		const stranger = curateHttp(server.url, viewer.roomId, null);
		expect((await stranger.upload(Buffer.from('a,b\n1,2\n'), 'import')).status).toBe(401);

		const { http, roomId } = await room();
		const crossSite = await http.upload(Buffer.from('a,b\n1,2\n'), 'import', { origin: 'https://evil.example' });
		expect(crossSite).toMatchObject({ status: 403 });

		// An Excel workbook is a zip: refused with what to do instead.
		const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, ...new Array(60).fill(0)]);
		const xlsx = await http.upload(zip, 'import');
		expect(xlsx.status).toBe(415);
		expect(xlsx.body.message).toMatch(/Save it as CSV/);

		const blobId = (await http.upload(Buffer.from('date,issue\n2025-01-02,Late\n'), 'import')).body.blobId as string;
		const noStage = await http.runImport({
			blobId,
			mapping: { ...cfpbMapping(null), stageRules: [], defaultStageId: null },
			dryRun: false
		});
		expect(noStage.done).toMatchObject({ ok: false, code: 'invalid_payload' });
		expect(noStage.done.message).toMatch(/Choose a stage/);
		const ghostStage = await http.runImport({
			blobId,
			mapping: { ...cfpbMapping(null), defaultStageId: 'nowhere', stageRules: [] },
			dryRun: false
		});
		expect(ghostStage.done.message).toMatch(/default stage no longer exists/);
		const malformed = await fetch(`${server.url}/api/rooms/${roomId}/imports`, { method: 'POST', body: '{"blobId":1}' });
		expect(malformed.status).toBe(401);

		// A quote that never closes: nothing is imported, and the line is named.
		const unclosed = (await http.upload(Buffer.from('2025-01-02,"Late\n2025-01-03,Rude\n'), 'import')).body.blobId as string;
		const simple: ComplaintMapping = {
			...cfpbMapping(null),
			dateColumn: col(0),
			categoryColumn: col(1),
			channelColumn: null,
			textColumn: null,
			stageRules: []
		};
		const fatal = await http.runImport({ blobId: unclosed, mapping: simple, dryRun: false });
		expect(fatal.done).toMatchObject({ ok: false, line: 1 });
		expect(fatal.done.message).toMatch(/never closed/);
	});
});

describe('KPI values and survey responses', () => {
	it('imports KPI values by date, by the KPI named on each row, and says which rows name no KPI', async () => {
		const kpi = (kpiId: string, name: string): Command => ({
			type: 'kpi.define',
			kpiId,
			stageId: 'accounts',
			touchpointId: null,
			name,
			unit: '%',
			direction: 'higher',
			target: 90,
			warning: 5,
			source: 'BI',
			department: null
		});
		const { http, state } = await room('contributor', [kpi('k-fcr', 'First contact resolution'), kpi('k-csat', 'Chat CSAT')]);
		// Day-first dates, European decimals, a name per row, and one name the room does not know.
		const text =
			'Datum;KPI;Wert\n01/02/2025;First contact resolution;81,5\n01/03/2025;first contact resolution;83\n01/03/2025;Chat CSAT;77 %\n02/03/2025;Net promoter;12\n';
		const blobId = (await http.upload(Buffer.from(text), 'import')).body.blobId as string;
		const inspected = await http.inspect(blobId);
		expect((inspected.body.columns as Array<{ dateFormat: string }>)[0]!.dateFormat).toBe('MM/DD/YYYY');
		const mapping: ImportMapping = {
			kind: 'kpis',
			hasHeader: true,
			dateColumn: col(0, 'Datum'),
			dateFormat: 'DD/MM/YYYY',
			idColumn: null,
			segmentColumn: null,
			valueColumn: col(2, 'Wert'),
			nameColumn: col(1, 'KPI'),
			kpiId: null,
			stageRules: [],
			defaultStageId: null
		};
		const result = await http.runImport({ blobId, mapping, dryRun: false });
		expect(result.done.summary).toMatchObject({
			rows: 4,
			added: 3,
			errors: 1,
			errorList: [
				{
					line: 5,
					reason:
						'names no KPI of this room ("Net promoter"), and no stage rule places a new one (add a rule or a stage for new KPIs)'
				}
			]
		});
		const s = await state();
		expect(s.kpis['k-fcr']!.points).toEqual([
			{ date: '2025-02-01', value: 81.5 },
			{ date: '2025-03-01', value: 83 }
		]);
		expect(s.kpis['k-csat']!.points).toEqual([{ date: '2025-03-01', value: 77 }]);
		const again = await http.runImport({ blobId, mapping, dryRun: false });
		expect(again.done.summary).toMatchObject({ added: 0, duplicates: 3 });
	});

	it('imports NPS responses one per row, and pre-aggregated CSAT counts, into the month distributions', async () => {
		const survey = (surveyId: string, kind: 'nps' | 'csat'): Command => ({
			type: 'survey.define',
			surveyId,
			kind,
			stageId: 'accounts',
			touchpointId: null,
			question: `${kind} question`
		});
		const { http, state } = await room('contributor', [survey('s-nps', 'nps'), survey('s-csat', 'csat')]);
		const npsText =
			'when,score,segment,comment\n2025-01-03,10,Retail,Great app\n2025-01-09,9,Retail,\n2025-01-20,3,Business,Hold music for an hour\n2025-02-02,11,Retail,\n2025-02-03,7,,\n';
		const npsBlob = (await http.upload(Buffer.from(npsText), 'import')).body.blobId as string;
		const nps = await http.runImport({
			blobId: npsBlob,
			mapping: {
				kind: 'surveys',
				hasHeader: true,
				surveyId: 's-nps',
				dateColumn: col(0, 'when'),
				dateFormat: 'auto',
				idColumn: null,
				segmentColumn: col(2, 'segment'),
				scoreColumn: col(1, 'score'),
				countColumn: null,
				textColumn: col(3, 'comment'),
				newSurvey: null
			},
			dryRun: false
		});
		expect(nps.done.summary).toMatchObject({
			rows: 5,
			added: 4,
			errors: 1,
			errorList: [{ line: 5, reason: "score 11 is outside the survey's 0-10 scale" }]
		});
		const s = await state();
		const dist = (n: Partial<Record<number, number>>, size: number) => Array.from({ length: size }, (_, i) => n[i] ?? 0);
		expect(s.surveys['s-nps']!.responses).toEqual({ '2025-01': dist({ 10: 1, 9: 1, 3: 1 }, 11), '2025-02': dist({ 7: 1 }, 11) });
		expect(s.surveys['s-nps']!.bySegment).toEqual({
			Retail: { '2025-01': dist({ 10: 1, 9: 1 }, 11) },
			Business: { '2025-01': dist({ 3: 1 }, 11) }
		});
		expect(s.surveys['s-nps']!.verbatims.map((v) => v.text)).toEqual(['Hold music for an hour', 'Great app']);

		const csatText = 'month,score,responses\n2025-03,5,120\n2025-03,4,60\n2025-03,1,8\n';
		const csatBlob = (await http.upload(Buffer.from(csatText), 'import')).body.blobId as string;
		const csat = await http.runImport({
			blobId: csatBlob,
			mapping: {
				kind: 'surveys',
				hasHeader: true,
				surveyId: 's-csat',
				dateColumn: col(0, 'month'),
				dateFormat: 'YYYY-MM',
				idColumn: null,
				segmentColumn: null,
				scoreColumn: col(1, 'score'),
				countColumn: col(2, 'responses'),
				textColumn: null,
				newSurvey: null
			},
			dryRun: false
		});
		expect(csat.done.summary).toMatchObject({ rows: 3, added: 3, errors: 0 });
		expect((await state()).surveys['s-csat']!.responses).toEqual({ '2025-03': [8, 0, 0, 60, 120] });
	});
});

describe('KPIs and surveys the file introduces', () => {
	it('creates the KPIs a file names that the room lacks, placed by stage rule, listed as new in the preview', async () => {
		const { http, state } = await room('contributor', [
			{
				type: 'kpi.define',
				kpiId: 'k-fcr',
				stageId: 'accounts',
				touchpointId: null,
				name: 'First contact resolution',
				unit: '%',
				direction: 'higher',
				target: 80,
				warning: 5,
				source: 'CRM',
				department: null
			}
		]);
		// Months written MM/YYYY, ISO weeks, and one month that does not exist.
		const text = [
			'period,team,kpi,value',
			'01/2026,Cards desk,First contact resolution,81',
			'02/2026,Cards desk,Card delivery days,6',
			'2026-W10,Cards desk,card delivery days,5',
			'03/2026,Fraud line,Fraud callback minutes,42',
			'13/2026,Fraud line,Fraud callback minutes,40',
			'04/2026,Nobody,Orphan metric,1'
		].join('\n');
		const blobId = (await http.upload(Buffer.from(text), 'import')).body.blobId as string;
		const mapping: ImportMapping = {
			kind: 'kpis',
			hasHeader: true,
			dateColumn: col(0, 'period'),
			dateFormat: 'auto',
			idColumn: null,
			segmentColumn: null,
			valueColumn: col(3, 'value'),
			nameColumn: col(2, 'kpi'),
			kpiId: null,
			stageRules: [
				{ column: col(1, 'team'), op: 'equals', value: 'cards desk', stageId: 'cards' },
				{ column: col(1, 'team'), op: 'contains', value: 'fraud', stageId: 'fraud' }
			],
			defaultStageId: null
		};
		const before = await state();
		const preview = await http.runImport({ blobId, mapping, dryRun: true });
		expect(preview.done.summary).toMatchObject({ rows: 6, added: 4, errors: 2 });
		const summary = preview.done.summary as ImportSummary;
		expect(summary.errorList).toEqual([
			{ line: 6, reason: expect.stringContaining('"13/2026" is not a date') },
			{ line: 7, reason: expect.stringContaining('names no KPI of this room ("Orphan metric")') }
		]);
		const listed = summary.categories.map((c) => ({
			name: c.name,
			isNew: c.isNew,
			rule: c.rule,
			total: c.total
		}));
		expect(listed).toEqual([
			{ name: 'Card delivery days', isNew: true, rule: '"team" is "cards desk"', total: 2 },
			{ name: 'Fraud callback minutes', isNew: true, rule: '"team" contains "fraud"', total: 1 },
			{ name: 'First contact resolution', isNew: false, rule: null, total: 1 }
		]);
		// A preview changes nothing.
		expect(stateHash(await state())).toBe(stateHash(before));

		const result = await http.runImport({ blobId, mapping, dryRun: false });
		expect(result.done).toMatchObject({ ok: true, applied: true });
		const s = await state();
		const byName = Object.fromEntries(Object.values(s.kpis).map((k) => [k.name, k]));
		expect(Object.keys(byName).sort()).toEqual(['Card delivery days', 'First contact resolution', 'Fraud callback minutes']);
		expect(byName['Card delivery days']).toMatchObject({
			stageId: 'cards',
			points: [
				{ date: '2026-02-01', value: 6 },
				{ date: '2026-03-02', value: 5 }
			]
		});
		expect(byName['Fraud callback minutes']).toMatchObject({ stageId: 'fraud', points: [{ date: '2026-03-01', value: 42 }] });
		expect(byName['First contact resolution']!.points).toEqual([{ date: '2026-01-01', value: 81 }]);

		// Next month's file finds the new KPIs by name: nothing is created twice.
		const next = (await http.upload(Buffer.from('period,team,kpi,value\n05/2026,Cards desk,Card delivery days,4\n'), 'import'))
			.body.blobId as string;
		const again = await http.runImport({ blobId: next, mapping, dryRun: false });
		expect((again.done.summary as ImportSummary).categories).toMatchObject([{ name: 'Card delivery days', isNew: false }]);
		expect(Object.keys((await state()).kpis)).toHaveLength(3);
	});

	it('creates the survey a file answers when the room has none yet', async () => {
		const { http, state } = await room('contributor');
		const text = 'week,score\n2026-W02,5\n2026-W02,4\n2026-W03,2\n2026-W54,5\n';
		const blobId = (await http.upload(Buffer.from(text), 'import')).body.blobId as string;
		const mapping: ImportMapping = {
			kind: 'surveys',
			hasHeader: true,
			surveyId: 'survey-new-1',
			newSurvey: {
				kind: 'custom',
				question: 'How easy was it to report the fraud?',
				stageId: 'fraud',
				touchpointId: null,
				scale: { min: 1, max: 5 },
				topBoxFrom: 4
			},
			dateColumn: col(0, 'week'),
			dateFormat: 'YYYY-Www',
			idColumn: null,
			segmentColumn: null,
			scoreColumn: col(1, 'score'),
			countColumn: null,
			textColumn: null
		};
		const preview = await http.runImport({ blobId, mapping, dryRun: true });
		expect(preview.done.summary).toMatchObject({ rows: 4, added: 3, errors: 1 });
		expect((preview.done.summary as ImportSummary).categories).toMatchObject([
			{ name: 'How easy was it to report the fraud?', isNew: true, total: 3 }
		]);
		expect((await state()).surveys).toEqual({});

		expect((await http.runImport({ blobId, mapping, dryRun: false })).done).toMatchObject({ ok: true, applied: true });
		const survey = (await state()).surveys['survey-new-1']!;
		expect(survey).toMatchObject({ kind: 'custom', stageId: 'fraud', scale: { min: 1, max: 5 }, topBoxFrom: 4 });
		// 2026-W02 and W03 begin in January 2026.
		expect(survey.responses).toEqual({ '2026-01': [0, 1, 0, 1, 1] });

		// A new survey with a scale its kind does not allow is refused before a row is read.
		const wrong = await http.runImport({
			blobId,
			mapping: { ...mapping, surveyId: 'survey-new-2', newSurvey: { ...mapping.newSurvey!, kind: 'nps', topBoxFrom: null } },
			dryRun: true
		});
		expect(wrong.done).toMatchObject({ ok: false, message: expect.stringContaining('0-10') });
	});
});

describe('a 100k-row file', () => {
	it('imports with progress while another room stays live', async () => {
		const { http, state } = await room();
		const issues = Array.from({ length: 40 }, (_, i) => `Issue ${i + 1}`);
		const lines = ['id,date,product,issue,segment,narrative'];
		for (let i = 0; i < 100_000; i++) {
			const day = new Date(Date.UTC(2023, 0, 1 + (i % 730))).toISOString().slice(0, 10);
			lines.push(
				`${i},${day},${i % 3 ? 'Credit card' : 'Checking or savings account'},${issues[i % 40]},${i % 2 ? 'Retail' : 'Business'},"Row ${i}, with a comma and ""quotes"""`
			);
		}
		const text = lines.join('\n');
		const blobId = (await http.upload(Buffer.from(text), 'import')).body.blobId as string;
		const mapping: ComplaintMapping = {
			kind: 'complaints',
			hasHeader: true,
			dateColumn: col(1, 'date'),
			dateFormat: 'auto',
			idColumn: col(0, 'id'),
			segmentColumn: col(4, 'segment'),
			categoryColumn: col(3, 'issue'),
			channelColumn: null,
			textColumn: col(5, 'narrative'),
			stageRules: [{ column: col(2, 'product'), op: 'contains', value: 'credit card', stageId: 'cards' }],
			defaultStageId: 'accounts'
		};

		// Another room, with a client sending commands the whole time the import runs.
		const other = await room('facilitator');
		const acks: number[] = [];
		let importing = true;
		const started = Date.now();
		const importDone = http.runImport({ blobId, mapping, dryRun: false }).finally(() => (importing = false));
		const chatter = (async () => {
			for (let i = 0; importing; i++) {
				const result = await send(
					other.owner,
					other.roomId,
					{ type: 'stage.update', stageId: 'other', patch: { customerGoal: `goal ${i}` } },
					commandId()
				);
				if (result.ok && importing) acks.push(Date.now() - started);
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
		})();
		const result = await importDone;
		await chatter;
		expect(result.done).toMatchObject({ ok: true, applied: true });
		expect(result.done.summary).toMatchObject({ rows: 100_000, added: 100_000, errors: 0 });
		// The page hears progress along the way, and the other room was answered all through the import.
		expect(result.progress.length).toBeGreaterThan(3);
		expect(result.progress.map((p) => p.rows)).toEqual([...result.progress.map((p) => p.rows)].sort((a, b) => a - b));
		expect(acks.length).toBeGreaterThan(5);
		const s = await state();
		const total = Object.values(s.complaints).reduce((n, c) => n + Object.values(c.counts).reduce((a, b) => a + b, 0), 0);
		expect(total).toBe(100_000);
		const retail = Object.values(s.complaints).reduce(
			(n, c) => n + Object.values(c.bySegment.Retail ?? {}).reduce((a, b) => a + b, 0),
			0
		);
		expect(retail).toBe(50_000);
		expect(Object.values(s.complaints).filter((c) => c.stageId === 'cards')).toHaveLength(40);
		if (process.env.IMPORT_STATS)
			console.log(`100k rows: ${result.arrivals.at(-1)} ms, ${acks.length} acks from the other room meanwhile`);
	}, 120_000);
});
