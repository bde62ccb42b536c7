/**
 * The import rules (`import.apply` in decide and evolve) and the cell readers, on worked examples.
 */
import { describe, expect, it } from 'vitest';
import { guessDateFormat, parseDate, parseNumber, columnLabel } from '../../server/imports/cells';
import { csvRows, decodeText, sniffDelimiter } from '../../server/imports/csv-source';
import { guessHeader } from '../../server/imports/inspect';
import { apply, command, furnishedRoom, refusal } from '../support/factories';

describe('import.apply', () => {
	it('adds counts to what a month already has, per segment too, and creates the new categories', () => {
		let state = apply(furnishedRoom().state, command('complaint.count', { categoryId: 'cat-1', period: '2025-03', count: 5 }));
		state = apply(state, command('import.apply'));
		expect(state.complaints['cat-1']!.counts['2025-03']).toBe(6);
		expect(state.complaints['cat-new']).toMatchObject({ stageId: 'stage-1', name: 'Card declined', counts: { '2025-03': 2 } });
		expect(state.imports['import-new']).toMatchObject({ rows: 3, added: 3, fileName: 'complaints-2025-03.csv' });
		expect(state.importMappings.complaints?.kind).toBe('complaints');

		const segmented = command('import.apply', { importId: 'import-2', basedOn: 1 });
		segmented.delta = {
			...segmented.delta,
			categories: [],
			complaintCounts: [
				{ categoryId: 'cat-1', period: '2025-03', segment: null, add: 4 },
				{ categoryId: 'cat-1', period: '2025-03', segment: 'Retail', add: 4 }
			]
		};
		state = apply(state, segmented);
		expect(state.complaints['cat-1']!.counts['2025-03']).toBe(10);
		expect(state.complaints['cat-1']!.bySegment.Retail).toEqual({ '2025-03': 4 });
	});

	it('forgets a removed stage in the remembered stage rules', () => {
		let state = apply(furnishedRoom().state, command('stage.add', { stageId: 'stage-empty', name: 'Empty', customerGoal: '' }));
		const imported = command('import.apply');
		imported.mapping = {
			...imported.mapping,
			stageRules: [{ column: { index: 2, name: null }, op: 'equals', value: 'Card', stageId: 'stage-empty' }],
			defaultStageId: 'stage-empty'
		} as typeof imported.mapping;
		state = apply(state, imported);
		state = apply(state, command('stage.remove', { stageId: 'stage-empty' }));
		expect(state.importMappings.complaints).toMatchObject({ stageRules: [], defaultStageId: null });
	});

	it('refuses an import that raced another, and deltas that point at nothing', () => {
		const state = apply(furnishedRoom().state, command('import.apply'));
		expect(refusal(state, command('import.apply', { importId: 'import-2', basedOn: 0 }))).toMatchObject({ code: 'conflict' });
		const ghost = command('import.apply', { importId: 'import-2', basedOn: 1 });
		ghost.delta = {
			...ghost.delta,
			categories: [],
			complaintCounts: [{ categoryId: 'nope', period: '2025-03', segment: null, add: 1 }]
		};
		expect(refusal(state, ghost)).toMatchObject({ code: 'not_found' });
		const wrongScale = command('import.apply', { importId: 'import-2', basedOn: 1 });
		wrongScale.delta = {
			...wrongScale.delta,
			categories: [],
			complaintCounts: [],
			surveyCounts: [{ surveyId: 'survey-1', period: '2025-03', segment: null, add: [1, 2] }]
		};
		expect(refusal(state, wrongScale)).toMatchObject({ code: 'rule_violation' });
	});

	it('creates the KPIs and the survey an import introduces, then fills them, and refuses ones it cannot place', () => {
		const base = furnishedRoom().state;
		const imported = command('import.apply', { kind: 'kpis' });
		imported.delta = {
			...imported.delta,
			categories: [],
			complaintCounts: [],
			kpis: [{ kpiId: 'k-new', stageId: 'stage-1', name: 'Card delivery days', unit: '', source: 'Import' }],
			kpiPoints: [{ kpiId: 'k-new', points: [{ date: '2026-03-02', value: 5 }] }],
			surveys: [
				{
					surveyId: 's-new',
					stageId: 'stage-1',
					touchpointId: null,
					kind: 'custom',
					question: 'How easy was it?',
					scale: { min: 1, max: 5 },
					topBoxFrom: 4
				}
			],
			surveyCounts: [{ surveyId: 's-new', period: '2026-03', segment: null, add: [0, 1, 0, 2, 3] }]
		};
		const state = apply(base, imported);
		expect(state.kpis['k-new']).toMatchObject({
			name: 'Card delivery days',
			stageId: 'stage-1',
			direction: 'higher',
			target: null,
			points: [{ date: '2026-03-02', value: 5 }]
		});
		expect(state.surveys['s-new']).toMatchObject({ kind: 'custom', topBoxFrom: 4, responses: { '2026-03': [0, 1, 0, 2, 3] } });

		const nowhere = structuredClone(imported);
		nowhere.delta.kpis[0]!.stageId = 'stage-404';
		expect(refusal(base, nowhere)).toMatchObject({ code: 'not_found' });
		const twice = structuredClone(imported);
		twice.delta.kpis.push(twice.delta.kpis[0]!);
		expect(refusal(base, twice)).toMatchObject({ code: 'conflict' });
		const badScale = structuredClone(imported);
		badScale.delta.surveys[0]!.kind = 'nps';
		expect(refusal(base, badScale).message).toContain('0-10');
	});

	it("forgets a removed stage in the KPI import's stage rules too", () => {
		let state = apply(furnishedRoom().state, command('stage.add', { stageId: 'stage-empty', name: 'Empty', customerGoal: '' }));
		const imported = command('import.apply', { kind: 'kpis' });
		imported.mapping = {
			kind: 'kpis',
			hasHeader: true,
			dateColumn: { index: 0, name: 'date' },
			dateFormat: 'auto',
			idColumn: null,
			segmentColumn: null,
			valueColumn: { index: 2, name: 'value' },
			nameColumn: { index: 1, name: 'kpi' },
			kpiId: null,
			stageRules: [{ column: { index: 1, name: 'kpi' }, op: 'contains', value: 'days', stageId: 'stage-empty' }],
			defaultStageId: 'stage-empty'
		};
		state = apply(state, imported);
		state = apply(state, command('stage.remove', { stageId: 'stage-empty' }));
		expect(state.importMappings.kpis).toMatchObject({ stageRules: [], defaultStageId: null });
	});
});

describe('reading cells', () => {
	it('reads dates in the format named, and refuses impossible ones', () => {
		expect(parseDate('2025-03-04', 'auto')).toBe('2025-03-04');
		expect(parseDate('2025-03-04T10:22:00Z', 'auto')).toBe('2025-03-04');
		expect(parseDate('2025-3-4 10:22', 'auto')).toBe('2025-03-04');
		expect(parseDate('2025-03', 'auto')).toBe('2025-03-01');
		expect(parseDate('03/04/2025', 'MM/DD/YYYY')).toBe('2025-03-04');
		expect(parseDate('03/04/2025', 'DD/MM/YYYY')).toBe('2025-04-03');
		expect(parseDate('31.12.2024', 'DD.MM.YYYY')).toBe('2024-12-31');
		expect(parseDate('03/04/2025', 'auto')).toBeNull();
		expect(parseDate('2025-02-30', 'auto')).toBeNull();
		expect(parseDate('2019-13-45', 'YYYY-MM-DD')).toBeNull();
		expect(parseDate('soon', 'auto')).toBeNull();
	});

	it('guesses day-first or month-first from the values themselves', () => {
		expect(guessDateFormat(['2025-01-02', '2025-01-03'])).toBe('auto');
		expect(guessDateFormat(['01/02/2025', '25/02/2025'])).toBe('DD/MM/YYYY');
		expect(guessDateFormat(['01/02/2025', '02/25/2025'])).toBe('MM/DD/YYYY');
		expect(guessDateFormat(['31.01.2025'])).toBe('DD.MM.YYYY');
		expect(guessDateFormat(['Alpha', 'Beta'])).toBeNull();
	});

	it('reads numbers as people write them', () => {
		expect(parseNumber('1,234.5')).toBe(1234.5);
		expect(parseNumber('81,5')).toBe(81.5);
		expect(parseNumber('1.234,5')).toBe(1234.5);
		expect(parseNumber('12 %')).toBe(12);
		expect(parseNumber('€ 3.20')).toBe(3.2);
		expect(parseNumber('(4)')).toBe(-4);
		expect(parseNumber('n/a')).toBeNull();
		expect(parseNumber('')).toBeNull();
	});

	it('names columns by header or by spreadsheet letter', () => {
		expect(columnLabel(1, ['Date', 'Issue'])).toBe('"Issue"');
		expect(columnLabel(0, null)).toBe('column A');
		expect(columnLabel(27, null)).toBe('column AB');
	});
});

describe('reading files', () => {
	it('finds the delimiter and the header whatever the layout', () => {
		expect(sniffDelimiter('a;b;c\n1;2;3\n')).toBe(';');
		expect(sniffDelimiter('a\tb\n1\t2\n')).toBe('\t');
		expect(sniffDelimiter('"x, y";b\n"1, 2";3\n')).toBe(';');
		expect(
			guessHeader([
				['Date', 'Issue'],
				['2025-01-01', 'Late']
			])
		).toBe(true);
		expect(
			guessHeader([
				['2025-01-01', 'Late'],
				['2025-01-02', 'Rude']
			])
		).toBe(false);
		expect(
			guessHeader([
				['Product', 'Issue'],
				['Card', 'Late']
			])
		).toBe(true);
	});

	it('decodes Windows-1252 files and numbers lines where records start, across quoted line breaks', async () => {
		const latin = Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x2c, 0x31, 0x0a]); // "café,1\n" in Windows-1252
		expect(decodeText(latin)).toEqual({ text: 'café,1\n', encoding: 'windows-1252' });
		const rows = [];
		for await (const row of csvRows('a,b\r\n"two\nlines",2\r\n\r\n3,4\n5,6\r7,8', ',')) rows.push(row);
		expect(rows).toEqual([
			{ line: 1, cells: ['a', 'b'] },
			{ line: 2, cells: ['two\nlines', '2'] },
			{ line: 5, cells: ['3', '4'] },
			{ line: 6, cells: ['5', '6'] },
			{ line: 7, cells: ['7', '8'] }
		]);
	});
});
