/**
 * Reads an import file against a mapping: every row is checked (a row that cannot be read is reported
 * by line and reason, and the rest go on), rows an earlier import counted are skipped by key, and what
 * the new rows add is summed into one delta. Pure apart from yielding to the event loop: no store, no
 * clock, so a preview (dry run) and the real import read a file identically.
 */
import { createHash } from 'node:crypto';
import {
	LIMITS,
	emptyDelta,
	own,
	scaleProblem,
	type ColumnRef,
	type ComplaintCategory,
	type ComplaintMapping,
	type ImportDelta,
	type ImportMapping,
	type Kpi,
	type KpiMapping,
	type KpiPoint,
	type RoomState,
	type Stage,
	type StageRule,
	type Survey,
	type SurveyMapping,
	type Verbatim,
	type RedactionSettings,
	type ReviewItem,
	DEFAULT_CLASSIFY_THRESHOLD,
	DEFAULT_REDACTION,
	ToneTally
} from '../../src/lib/domain';
import { commentChosen } from '../../src/lib/domain/metrics';
import { createPlacer, type ClassifyRoom } from '../text/classify';
import { sentimentScore } from '../text/sentiment';
import { stringify } from 'csv-stringify/sync';
import { addCounts, noCounts, redactText, settingsOf, totalOf, type RedactionCounts } from '../text/redact';
import { MAX_CELL_CHARS, columnLabel, parseDate, parseNumber, resolveColumn } from './cells';
import type { CategoryTotal, ImportSummary, MaskedColumn, PreviewRow } from '../../src/lib/protocol/curate';
import { countLines, csvRows, type Delimiter } from './csv-source';

/** Verbatims an import keeps per category or survey: the newest few, so the wall has words to show. */
export const QUOTES_PER_ITEM = 10;
/** Errors listed one by one; beyond this they are only counted. */
export const LISTED_ERRORS = 1000;
const PREVIEW_ROWS = 15;
/** What the preview shows as the category of a row the import will classify from its text. */
const TO_CLASSIFY = 'To classify from the text';
/** The channel of a survey comment sorted into a complaint category: where it came from, on every screen. */
export const SURVEY_COMMENT = 'Survey comment';
const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
/** Categorized rows of one file the classifier learns from (beyond the room's own verbatims). */
const MAX_LEARNED = 20_000;

export interface ReadResult {
	summary: ImportSummary;
	delta: ImportDelta;
	/** Keys of the rows that count now, for the next import to skip. */
	newKeys: string[];
	/** The mapped columns of every readable row, customer words masked (when `keepMapped` asked for it). */
	kept: string | null;
}

/**
 * What reading a file needs to know of the room: a few fields of its stages, categories, KPIs and
 * surveys, small enough to send to a worker thread (a whole room state can be megabytes).
 */
export interface ImportRoom {
	stages: Readonly<Record<string, Pick<Stage, 'name'>>>;
	complaints: Readonly<Record<string, Pick<ComplaintCategory, 'id' | 'stageId' | 'name'>>>;
	kpis: Readonly<Record<string, Pick<Kpi, 'id' | 'name' | 'unit' | 'stageId'>>>;
	surveys: Readonly<Record<string, Pick<Survey, 'id' | 'scale' | 'question' | 'stageId' | 'kind' | 'topBoxFrom'>>>;
	/** How the room masks customer words (absent: the defaults, everything masked). */
	redaction?: RedactionSettings;
	/** What placing rows without a category needs (absent: such rows are errors, as before). */
	classify?: Omit<ClassifyRoom, 'categories'>;
}

const pick = <T extends object, K extends keyof T>(record: Readonly<Record<string, T>>, keys: readonly K[]) =>
	Object.fromEntries(
		Object.entries(record).map(([id, item]) => [id, Object.fromEntries(keys.map((k) => [k, item[k]])) as Pick<T, K>])
	);

/** The part of a room's state an import reads. */
export function importRoomOf(state: RoomState): ImportRoom {
	return {
		stages: pick(state.stages, ['name']),
		complaints: pick(state.complaints, ['id', 'stageId', 'name']),
		kpis: pick(state.kpis, ['id', 'name', 'unit', 'stageId']),
		surveys: pick(state.surveys, ['id', 'scale', 'question', 'stageId', 'kind', 'topBoxFrom']),
		redaction: settingsOf(state.meta?.settings),
		classify: {
			rules: state.rules,
			examples: Object.values(state.complaints).flatMap((c) => c.verbatims.map((v) => ({ categoryId: c.id, text: v.text }))),
			threshold: state.meta?.settings.classifyThreshold ?? DEFAULT_CLASSIFY_THRESHOLD
		}
	};
}

export interface ReadOptions {
	state: ImportRoom;
	mapping: ImportMapping;
	text: string;
	delimiter: Delimiter;
	/** Keys of rows earlier imports of this kind counted. */
	seen: ReadonlySet<string>;
	/** Build the kept file: the mapped columns, customer words masked. */
	keepMapped?: boolean;
	onProgress?: (done: { rows: number; fraction: number }) => void;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex');
const short = (text: string, max = 40) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const lower = (text: string) => text.trim().toLowerCase();

/** Where the row's key lives: imports of one survey never skip rows of another. */
export function keyScope(mapping: ImportMapping): string {
	return mapping.kind === 'surveys' ? `surveys:${mapping.surveyId}` : mapping.kind;
}

/** Checks a mapping against the room before any row is read; returns what is wrong, or null. */
export function checkMapping(state: ImportRoom, mapping: ImportMapping): string | null {
	switch (mapping.kind) {
		case 'complaints': {
			for (const rule of mapping.stageRules) {
				if (!own(state.stages, rule.stageId)) return `A stage rule names a stage that no longer exists (${rule.value}).`;
			}
			if (mapping.defaultStageId && !own(state.stages, mapping.defaultStageId)) return 'The default stage no longer exists.';
			if (!mapping.stageRules.length && !mapping.defaultStageId) return 'Choose a stage for the rows: a rule or a default stage.';
			return null;
		}
		case 'kpis':
			if (!mapping.nameColumn && !mapping.kpiId) return 'Choose the KPI the values belong to, or a column naming it.';
			if (mapping.kpiId && !own(state.kpis, mapping.kpiId)) return 'That KPI no longer exists.';
			for (const rule of mapping.stageRules) {
				if (!own(state.stages, rule.stageId)) return `A stage rule names a stage that no longer exists (${rule.value}).`;
			}
			if (mapping.defaultStageId && !own(state.stages, mapping.defaultStageId)) return 'The stage for new KPIs no longer exists.';
			return null;
		case 'surveys': {
			const survey = own(state.surveys, mapping.surveyId) ?? mapping.newSurvey;
			if (!survey) return 'That survey no longer exists.';
			if (mapping.classifyComments === 'detractors' && survey.kind !== 'nps')
				return 'Only an NPS survey has detractors: sort all comments, or those scoring below the top box.';
			if (own(state.surveys, mapping.surveyId) || !mapping.newSurvey) return null;
			if (!own(state.stages, mapping.newSurvey.stageId)) return 'The stage of the new survey no longer exists.';
			return scaleProblem(mapping.newSurvey.kind, mapping.newSurvey.scale);
		}
	}
}

/** Every column the mapping reads a cell from. */
/**
 * The mapped columns that may hold a customer's words (everything but the date and the numbers, which
 * are read as dates and numbers): masked before the row is read, and in the kept file.
 */
function wordColumns(mapping: ImportMapping): ColumnRef[] {
	const numeric = new Set<ColumnRef | null>([mapping.dateColumn]);
	if (mapping.kind === 'kpis') numeric.add(mapping.valueColumn);
	if (mapping.kind === 'surveys') numeric.add(mapping.scoreColumn).add(mapping.countColumn);
	return mappedColumns(mapping).filter((ref) => !numeric.has(ref));
}

function mappedColumns(mapping: ImportMapping): ColumnRef[] {
	const refs = [mapping.dateColumn, mapping.idColumn, mapping.segmentColumn];
	switch (mapping.kind) {
		case 'complaints':
			refs.push(mapping.categoryColumn, mapping.channelColumn, mapping.textColumn, ...mapping.stageRules.map((r) => r.column));
			break;
		case 'kpis':
			refs.push(mapping.valueColumn, mapping.nameColumn, ...mapping.stageRules.map((r) => r.column));
			break;
		case 'surveys':
			refs.push(mapping.scoreColumn, mapping.countColumn, mapping.textColumn);
			break;
	}
	return refs.filter((ref) => ref !== null);
}

const count = new Intl.NumberFormat('en');

/** Why a row is refused when a cell the mapping reads is longer than any cell is read, or null. */
function overlongCell(cells: readonly string[], columns: readonly number[], header: readonly string[] | null): string | null {
	const index = columns.find((i) => (cells[i]?.length ?? 0) > MAX_CELL_CHARS);
	if (index === undefined) return null;
	return `has a cell too long to read: ${columnLabel(index, header)} holds ${count.format(cells[index]!.length)} characters, and a cell may hold at most ${count.format(MAX_CELL_CHARS)} (shorten it in the file, or leave that column out of the mapping)`;
}

function stageFor(
	rules: readonly StageRule[],
	cells: readonly string[],
	header: readonly string[] | null,
	fallback: string | null
): string | null {
	for (const rule of rules) {
		const value = lower(cells[resolveColumn(rule.column, header)] ?? '');
		const wanted = lower(rule.value);
		if (rule.op === 'equals' ? value === wanted : value.includes(wanted)) return rule.stageId;
	}
	return fallback;
}

/** Keeps the newest `QUOTES_PER_ITEM` verbatims per item as rows go by. */
class QuoteKeeper {
	private readonly byItem = new Map<string, Verbatim[]>();
	offer(itemId: string, verbatim: Verbatim): void {
		const list = this.byItem.get(itemId) ?? [];
		if (list.length >= QUOTES_PER_ITEM && list[list.length - 1]!.date >= verbatim.date) return;
		list.push(verbatim);
		list.sort((a, b) => b.date.localeCompare(a.date));
		if (list.length > QUOTES_PER_ITEM) list.length = QUOTES_PER_ITEM;
		this.byItem.set(itemId, list);
	}
	entries(): Array<[string, Verbatim]> {
		return [...this.byItem].flatMap(([id, list]) => list.map((v) => [id, v] as [string, Verbatim]));
	}
}

function quoteText(text: string): string {
	const clean = text.replace(/\s+/g, ' ').trim();
	if (clean.length <= 1000) return clean;
	const cut = clean.slice(0, 999);
	return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 900))}…`;
}

/** Reads the whole file. Throws `CsvSyntaxError` if the file cannot be read past some line. */
export async function readImport(options: ReadOptions): Promise<ReadResult> {
	const { state, mapping, text, delimiter, seen } = options;
	const totalLines = Math.max(1, countLines(text));
	const scope = keyScope(mapping);
	const summary: ImportSummary = {
		rows: 0,
		added: 0,
		duplicates: 0,
		errors: 0,
		errorList: [],
		preview: [],
		categories: [],
		periods: null,
		notes: [],
		masked: []
	};
	const newKeys: string[] = [];
	const keysThisFile = new Set<string>();
	const occurrences = new Map<string, number>();
	let header: string[] | null = null;
	let expectedFields: number | null = null;
	const fail = (line: number, reason: string) => {
		summary.errors++;
		if (summary.errorList.length < LISTED_ERRORS) summary.errorList.push({ line, reason });
	};

	const rowReader = makeRowReader(state, mapping);
	let readColumns: number[] | null = null;
	let maskColumns: Set<number> | null = null;
	const masked = new Map<number, RedactionCounts>();
	const kept: string[][] = [];
	for await (const row of csvRows(text, delimiter)) {
		if (mapping.hasHeader && header === null) {
			header = row.cells.map((c) => c.trim());
			expectedFields = header.length;
			continue;
		}
		summary.rows++;
		if (summary.rows % 2000 === 0) options.onProgress?.({ rows: summary.rows, fraction: Math.min(1, row.line / totalLines) });
		expectedFields ??= row.cells.length;
		if (row.cells.length !== expectedFields) {
			fail(row.line, `has ${row.cells.length} fields where the ${header ? 'header has' : 'first row has'} ${expectedFields}`);
			continue;
		}
		readColumns ??= [...new Set(mappedColumns(mapping).map((ref) => resolveColumn(ref, header)))].sort((a, b) => a - b);
		const overlong = overlongCell(row.cells, readColumns, header);
		if (overlong) {
			fail(row.line, overlong);
			continue;
		}
		// Customer words are masked before the row is read: the preview, the delta and the kept file never
		// hold them raw. The row's key (below) stays on the raw cells, so a file imported again matches.
		maskColumns ??= new Set(wordColumns(mapping).map((ref) => resolveColumn(ref, header)));
		const cells = maskRow(row.cells, maskColumns, state.redaction ?? DEFAULT_REDACTION, masked);
		if (options.keepMapped) kept.push(readColumns.map((i) => cells[i] ?? ''));
		const read = rowReader(cells, header);
		if (!read.ok) {
			fail(row.line, read.reason);
			continue;
		}
		// The row's identity: its id if the file has one, else its content plus how often the same content came before.
		const idIndex = mapping.idColumn ? resolveColumn(mapping.idColumn, header) : -1;
		const id = idIndex >= 0 ? (row.cells[idIndex] ?? '').trim() : '';
		let key: string;
		if (id) {
			key = hash(`${scope}\u0000id\u0000${id}`).slice(0, 24);
		} else {
			const content = hash(`${scope}\u0000row\u0000${row.cells.join('\u001f')}`);
			const n = occurrences.get(content) ?? 0;
			occurrences.set(content, n + 1);
			key = hash(`${content}#${n}`).slice(0, 24);
		}
		const duplicate = seen.has(key) || keysThisFile.has(key);
		if (summary.preview.length < PREVIEW_ROWS) summary.preview.push({ line: row.line, ...read.preview, duplicate });
		if (duplicate) {
			summary.duplicates++;
			if ((summary.duplicateLines ??= []).length < LISTED_ERRORS) summary.duplicateLines.push(row.line);
			continue;
		}
		keysThisFile.add(key);
		newKeys.push(key);
		summary.added++;
		read.commit(key);
	}
	options.onProgress?.({ rows: summary.rows, fraction: 1 });
	const { delta, categories, periods, notes } = rowReader.finish();
	const maskedColumns: MaskedColumn[] = [...masked]
		.filter(([, counts]) => totalOf(counts) > 0)
		.sort(([a], [b]) => a - b)
		.map(([index, counts]) => ({ column: columnLabel(index, header), counts }));
	let keptFile: string | null = null;
	if (options.keepMapped && readColumns) {
		const head = header ? [readColumns.map((i) => header![i] ?? '')] : [];
		keptFile = stringify([...head, ...kept], { record_delimiter: '\r\n' });
	}
	return { summary: { ...summary, categories, periods, notes, masked: maskedColumns }, delta, newKeys, kept: keptFile };
}

/** The row with the cells of `columns` masked, what was masked added to `tally` per column. */
function maskRow(
	cells: readonly string[],
	columns: ReadonlySet<number>,
	settings: RedactionSettings,
	tally: Map<number, RedactionCounts>
): string[] {
	const out = [...cells];
	for (const index of columns) {
		const cell = cells[index];
		if (!cell) continue;
		const result = redactText(cell, settings);
		if (result.text === cell) continue;
		out[index] = result.text;
		let counts = tally.get(index);
		if (!counts) tally.set(index, (counts = noCounts()));
		addCounts(counts, result.counts);
	}
	return out;
}

type RowRead =
	{ ok: true; preview: Omit<PreviewRow, 'line' | 'duplicate'>; commit: (key: string) => void } | { ok: false; reason: string };

interface RowReader {
	(cells: readonly string[], header: readonly string[] | null): RowRead;
	finish(): { delta: ImportDelta; categories: CategoryTotal[]; periods: { from: string; to: string } | null; notes: string[] };
}

function makeRowReader(state: ImportRoom, mapping: ImportMapping): RowReader {
	switch (mapping.kind) {
		case 'complaints':
			return complaintReader(state, mapping);
		case 'kpis':
			return kpiReader(state, mapping);
		case 'surveys':
			return surveyReader(state, mapping);
	}
}

/** Shared by the readers: the cell of a column, trimmed, and the date and segment of a row. */
function cellsOf(cells: readonly string[], header: readonly string[] | null) {
	const cell = (ref: { index: number; name: string | null } | null) =>
		ref ? (cells[resolveColumn(ref, header)] ?? '').trim() : '';
	return { cell, label: (ref: { index: number; name: string | null }) => columnLabel(resolveColumn(ref, header), header) };
}

function dateOf(
	mapping: ImportMapping,
	cells: readonly string[],
	header: readonly string[] | null
): { ok: true; date: string } | { ok: false; reason: string } {
	const { cell, label } = cellsOf(cells, header);
	const raw = cell(mapping.dateColumn);
	if (!raw) return { ok: false, reason: `has no date (${label(mapping.dateColumn)} is empty)` };
	const date = parseDate(raw, mapping.dateFormat);
	if (!date) {
		return {
			ok: false,
			reason:
				mapping.dateFormat === 'auto'
					? `${label(mapping.dateColumn)} "${short(raw)}" is not a date written YYYY-MM-DD, a month (YYYY-MM or MM/YYYY) or a week (YYYY-Www)`
					: `${label(mapping.dateColumn)} "${short(raw)}" is not a date written ${mapping.dateFormat}`
		};
	}
	return { ok: true, date };
}

const segmentOf = (mapping: ImportMapping, cell: (ref: ImportMapping['segmentColumn']) => string) => {
	const value = cell(mapping.segmentColumn);
	return value ? value.slice(0, 60) : null;
};

function trackPeriods() {
	let from: string | null = null;
	let to: string | null = null;
	return {
		see(period: string) {
			if (from === null || period < from) from = period;
			if (to === null || period > to) to = period;
		},
		get: () => (from && to ? { from, to } : null)
	};
}

function complaintReader(state: ImportRoom, mapping: ComplaintMapping): RowReader {
	const existing = new Map<string, string>();
	for (const c of Object.values(state.complaints)) existing.set(`${c.stageId}\u0000${lower(c.name)}`, c.id);
	const categories = new Map<string, CategoryTotal>();
	const counts = new Map<string, { categoryId: string; period: string; segment: string | null; add: number }>();
	const quotes = new QuoteKeeper();
	// Every row's tone, scored here in the worker: the quotes are only each item's newest few.
	const tones = new ToneTally();
	const periods = trackPeriods();

	function categoryFor(stageId: string, name: string): CategoryTotal {
		const key = `${stageId}\u0000${lower(name)}`;
		let found = categories.get(key);
		if (!found) {
			const existingId = existing.get(key);
			let categoryId = existingId ?? `c-${hash(key).slice(0, 12)}`;
			while (!existingId && own(state.complaints, categoryId)) categoryId = `c-${hash(categoryId).slice(0, 12)}`;
			found = {
				categoryId,
				name: existingId ? state.complaints[existingId]!.name : name.slice(0, 120),
				stageId,
				isNew: !existingId,
				months: {},
				total: 0
			};
			categories.set(key, found);
		}
		return found;
	}
	const bump = (categoryId: string, period: string, segment: string | null) => {
		const key = `${categoryId}|${period}|${segment ?? ''}`;
		const entry = counts.get(key) ?? { categoryId, period, segment, add: 0 };
		entry.add++;
		counts.set(key, entry);
	};

	/** Rows without a category, placed when the whole file is read (its categorized rows teach the classifier too). */
	const unplaced: Array<{ key: string; stageId: string; period: string; segment: string | null; verbatim: Verbatim }> = [];
	const learned: Array<{ categoryId: string; text: string }> = [];
	const classifying = mapping.classify === true && state.classify !== undefined;

	const read = ((cells, header) => {
		const { cell, label } = cellsOf(cells, header);
		const date = dateOf(mapping, cells, header);
		if (!date.ok) return date;
		const name = cell(mapping.categoryColumn);
		if (!name && !classifying) return { ok: false, reason: `has no category (${label(mapping.categoryColumn)} is empty)` };
		if (!name && !cell(mapping.textColumn))
			return {
				ok: false,
				reason: `has no category (${label(mapping.categoryColumn)} is empty) and no text to classify it from${mapping.textColumn ? ` (${label(mapping.textColumn)} is empty)` : ': map the column with the customer’s words'}`
			};
		const stageId = stageFor(mapping.stageRules, cells, header, mapping.defaultStageId);
		if (!stageId) {
			const shown = [...new Set(mapping.stageRules.map((r) => resolveColumn(r.column, header)))]
				.map((i) => `${columnLabel(i, header)} "${short((cells[i] ?? '').trim(), 30)}"`)
				.join(', ');
			return { ok: false, reason: `matches no stage rule (${shown})` };
		}
		const segment = segmentOf(mapping, cell);
		const text = cell(mapping.textColumn);
		const period = date.date.slice(0, 7);
		const verbatimOf = (key: string): Verbatim => ({
			id: `q-${key.slice(0, 20)}`,
			text: quoteText(text),
			date: date.date,
			channel: cell(mapping.channelColumn).slice(0, 60),
			segment
		});
		return {
			ok: true,
			preview: {
				date: date.date,
				target: name || TO_CLASSIFY,
				stage: state.stages[stageId]?.name ?? stageId,
				segment,
				detail: short(text, 60)
			},
			commit(key: string) {
				periods.see(period);
				if (!name) {
					unplaced.push({ key, stageId, period, segment, verbatim: verbatimOf(key) });
					return;
				}
				const category = categoryFor(stageId, name);
				if (text && learned.length < MAX_LEARNED) learned.push({ categoryId: category.categoryId, text: quoteText(text) });
				category.months[period] = (category.months[period] ?? 0) + 1;
				category.total++;
				bump(category.categoryId, period, null);
				if (segment) bump(category.categoryId, period, segment);
				if (text) {
					tones.add(category.categoryId, period, sentimentScore(text));
					quotes.offer(category.categoryId, verbatimOf(key));
				}
			}
		};
	}) as RowReader;

	/** Places the rows without a category: rules, then the classifier, else the To review queue. */
	function placeUnplaced(delta: ImportDelta): string[] {
		if (!unplaced.length || !state.classify) return [];
		const categoriesNow: Record<string, { stageId: string }> = {};
		for (const c of Object.values(state.complaints)) categoriesNow[c.id] = { stageId: c.stageId };
		for (const c of categories.values()) categoriesNow[c.categoryId] = { stageId: c.stageId };
		const place = createPlacer({
			...state.classify,
			categories: categoriesNow,
			examples: [...state.classify.examples, ...learned]
		});
		const names = new Map(Object.values(state.complaints).map((c) => [c.id, c.name]));
		for (const c of categories.values()) names.set(c.categoryId, c.name);
		let byRule = 0;
		let byModel = 0;
		for (const row of unplaced) {
			const decision = place(row.stageId, row.verbatim.text);
			if (!decision.placed) {
				const item: ReviewItem = {
					verbatim: row.verbatim,
					stageId: row.stageId,
					period: row.period,
					segment: row.segment,
					suggestions: decision.suggestions
				};
				delta.toReview.push(item);
				continue;
			}
			if (decision.how.how === 'rule') byRule++;
			else byModel++;
			const existing = [...categories.values()].find((c) => c.categoryId === decision.categoryId);
			const total = existing ?? categoryFor(row.stageId, names.get(decision.categoryId) ?? decision.categoryId);
			total.months[row.period] = (total.months[row.period] ?? 0) + 1;
			total.total++;
			bump(decision.categoryId, row.period, null);
			if (row.segment) bump(decision.categoryId, row.period, row.segment);
			const verbatim = { ...row.verbatim, placed: decision.how };
			tones.add(decision.categoryId, row.period, sentimentScore(verbatim.text));
			quotes.offer(decision.categoryId, verbatim);
			delta.placements.push({ verbatimId: verbatim.id, categoryId: decision.categoryId, placed: decision.how });
		}
		return [
			unplaced.length === 1
				? 'One row came without a category.'
				: `${count.format(unplaced.length)} rows came without a category.`,
			placingSummary(byRule, byModel, delta.toReview.length, state.classify.threshold)
		];
	}

	read.finish = () => {
		const delta = emptyDelta();
		const notes = placeUnplaced(delta);
		const all = [...categories.values()];
		delta.categories = all.filter((c) => c.isNew).map((c) => ({ categoryId: c.categoryId, stageId: c.stageId, name: c.name }));
		delta.complaintCounts = [...counts.values()];
		delta.complaintQuotes = quotes.entries().map(([categoryId, verbatim]) => ({ categoryId, verbatim }));
		delta.complaintTones = tones.entries().map(({ itemId, period, tones }) => ({ categoryId: itemId, period, tones }));
		return { delta, categories: all.sort((a, b) => b.total - a.total), periods: periods.get(), notes };
	};
	return read;
}

/** How a stage rule reads in the preview: `"Journey stage" is "Claim"`. */
function ruleText(rule: StageRule, header: readonly string[] | null): string {
	return `${columnLabel(resolveColumn(rule.column, header), header)} ${rule.op === 'equals' ? 'is' : 'contains'} "${short(rule.value, 30)}"`;
}

function kpiReader(state: ImportRoom, mapping: KpiMapping): RowReader {
	const byName = new Map(Object.values(state.kpis).map((k) => [lower(k.name), k]));
	const points = new Map<string, Map<string, number>>();
	const periods = trackPeriods();
	/** Every KPI the new rows count towards, the new ones with the rule that placed them. */
	const totals = new Map<string, CategoryTotal>();
	/** KPIs this file creates, by lower-cased name. */
	const created = new Map<string, { kpiId: string; stageId: string; name: string; rule: string }>();
	const taken = new Set(Object.keys(state.kpis));
	let replaced = 0;

	function newKpi(name: string, stageId: string, rule: string) {
		const key = lower(name);
		let found = created.get(key);
		if (!found) {
			let kpiId = `k-${hash(key).slice(0, 12)}`;
			while (taken.has(kpiId)) kpiId = `k-${hash(kpiId).slice(0, 12)}`;
			taken.add(kpiId);
			found = { kpiId, stageId, name: name.slice(0, 120), rule };
			created.set(key, found);
		}
		return found;
	}

	const read = ((cells, header) => {
		const { cell, label } = cellsOf(cells, header);
		const date = dateOf(mapping, cells, header);
		if (!date.ok) return date;
		const raw = cell(mapping.valueColumn);
		const value = parseNumber(raw);
		if (value === null)
			return {
				ok: false,
				reason: raw
					? `${label(mapping.valueColumn)} "${short(raw)}" is not a number`
					: `has no value (${label(mapping.valueColumn)} is empty)`
			};
		let target: { id: string; name: string; unit: string; stageId: string; isNew: boolean; rule: string | null } | null = null;
		const fixed = mapping.kpiId ? own(state.kpis, mapping.kpiId) : undefined;
		if (fixed) target = { ...fixed, isNew: false, rule: null };
		if (mapping.nameColumn) {
			const name = cell(mapping.nameColumn);
			const named = byName.get(lower(name));
			if (named) target = { ...named, isNew: false, rule: null };
			else if (name) {
				const earlier = created.get(lower(name));
				const rule = mapping.stageRules.find((r) => stageFor([r], cells, header, null) !== null);
				const stageId = earlier?.stageId ?? rule?.stageId ?? mapping.defaultStageId;
				if (stageId) {
					const why = earlier?.rule ?? (rule ? ruleText(rule, header) : 'the stage for new KPIs');
					target = { id: '', name: earlier?.name ?? name.slice(0, 120), unit: '', stageId, isNew: true, rule: why };
				} else if (!target) {
					return {
						ok: false,
						reason: `names no KPI of this room ("${short(name)}"), and no stage rule places a new one (add a rule or a stage for new KPIs)`
					};
				}
			} else if (!target) return { ok: false, reason: `has no KPI name (${label(mapping.nameColumn)} is empty)` };
		}
		const kpi = target!;
		return {
			ok: true,
			preview: {
				date: date.date,
				target: kpi.isNew ? `${kpi.name} (new)` : kpi.name,
				stage: state.stages[kpi.stageId]?.name ?? '',
				segment: null,
				detail: `${value}${kpi.unit ? ` ${kpi.unit}` : ''}`
			},
			commit() {
				const id = kpi.isNew ? newKpi(kpi.name, kpi.stageId, kpi.rule ?? '').kpiId : kpi.id;
				const series = points.get(id) ?? new Map<string, number>();
				if (series.has(date.date)) replaced++;
				series.set(date.date, value);
				points.set(id, series);
				const month = date.date.slice(0, 7);
				periods.see(month);
				const total = totals.get(id) ?? {
					categoryId: id,
					name: kpi.name,
					stageId: kpi.stageId,
					isNew: kpi.isNew,
					rule: kpi.rule,
					months: {},
					total: 0
				};
				total.months[month] = (total.months[month] ?? 0) + 1;
				total.total++;
				totals.set(id, total);
			}
		};
	}) as RowReader;
	read.finish = () => {
		const delta = emptyDelta();
		delta.kpis = [...created.values()].map((k) => ({
			kpiId: k.kpiId,
			stageId: k.stageId,
			name: k.name,
			unit: '',
			source: 'Import'
		}));
		delta.kpiPoints = [...points].map(([kpiId, series]) => ({
			kpiId,
			// The room keeps the newest LIMITS.kpiPoints values of a KPI; older ones would fall off anyway.
			points: [...series]
				.map(([date, value]): KpiPoint => ({ date, value }))
				.sort((a, b) => a.date.localeCompare(b.date))
				.slice(-LIMITS.kpiPoints)
		}));
		const notes = replaced
			? [`${replaced} rows gave a second value for a date already in the file; the later row was kept.`]
			: [];
		if (created.size)
			notes.push(
				created.size === 1
					? 'The file names a KPI the room does not have yet; the import creates it (marked new below). Set its unit, direction and target in Curate, KPIs.'
					: `The file names ${created.size} KPIs the room does not have yet; the import creates them (marked new below). Set their units, directions and targets in Curate, KPIs.`
			);
		const categories = [...totals.values()].sort((a, b) => Number(b.isNew) - Number(a.isNew) || b.total - a.total);
		return { delta, categories, periods: periods.get(), notes };
	};
	return read;
}

function surveyReader(state: ImportRoom, mapping: SurveyMapping): RowReader {
	const existing = own(state.surveys, mapping.surveyId);
	const created = existing ? null : mapping.newSurvey;
	const survey = existing ?? {
		id: mapping.surveyId,
		scale: created!.scale,
		question: created!.question,
		stageId: created!.stageId,
		kind: created!.kind,
		topBoxFrom: created!.topBoxFrom
	};
	const { min, max } = survey.scale;
	const size = max - min + 1;
	const counts = new Map<string, { surveyId: string; period: string; segment: string | null; add: number[] }>();
	const quotes = new QuoteKeeper();
	// Every row's tone, scored here in the worker: the quotes are only each item's newest few.
	const tones = new ToneTally();
	const periods = trackPeriods();
	const sorter = commentSorter(state, mapping, survey);
	const bump = (period: string, segment: string | null, score: number, n: number) => {
		const key = `${period}|${segment ?? ''}`;
		const entry = counts.get(key) ?? { surveyId: survey.id, period, segment, add: new Array<number>(size).fill(0) };
		entry.add[score - min]! += n;
		counts.set(key, entry);
	};
	const read = ((cells, header) => {
		const { cell, label } = cellsOf(cells, header);
		const date = dateOf(mapping, cells, header);
		if (!date.ok) return date;
		const raw = cell(mapping.scoreColumn);
		const score = parseNumber(raw);
		if (score === null)
			return {
				ok: false,
				reason: raw
					? `${label(mapping.scoreColumn)} "${short(raw)}" is not a score`
					: `has no score (${label(mapping.scoreColumn)} is empty)`
			};
		if (!Number.isInteger(score) || score < min || score > max)
			return { ok: false, reason: `score ${score} is outside the survey's ${min}-${max} scale` };
		let n = 1;
		if (mapping.countColumn) {
			const rawCount = cell(mapping.countColumn);
			const count = parseNumber(rawCount);
			if (count === null || !Number.isInteger(count) || count < 0)
				return { ok: false, reason: `${label(mapping.countColumn)} "${short(rawCount)}" is not a count of responses` };
			n = count;
		}
		const segment = segmentOf(mapping, cell);
		const text = mapping.countColumn ? '' : cell(mapping.textColumn);
		const period = date.date.slice(0, 7);
		return {
			ok: true,
			preview: {
				date: date.date,
				target: survey.question,
				stage: state.stages[survey.stageId]?.name ?? '',
				segment,
				detail: mapping.countColumn ? `${n} × ${score}` : `score ${score}`
			},
			commit(key: string) {
				periods.see(period);
				bump(period, null, score, n);
				if (segment) bump(period, segment, score, n);
				if (text) {
					tones.add(survey.id, period, sentimentScore(text));
					quotes.offer(survey.id, { id: `q-${key.slice(0, 20)}`, text: quoteText(text), date: date.date, channel: '', segment });
					sorter?.offer(key, score, period, segment, { text: quoteText(text), date: date.date });
				}
			}
		};
	}) as RowReader;
	read.finish = () => {
		const delta = emptyDelta();
		if (created) delta.surveys = [{ surveyId: mapping.surveyId, ...created }];
		delta.surveyCounts = [...counts.values()];
		delta.surveyQuotes = quotes.entries().map(([surveyId, verbatim]) => ({ surveyId, verbatim }));
		delta.surveyTones = tones.entries().map(({ itemId, period, tones }) => ({ surveyId: itemId, period, tones }));
		const responses = delta.surveyCounts.filter((c) => c.segment === null);
		const categories: CategoryTotal[] = [
			{
				categoryId: survey.id,
				name: survey.question,
				stageId: survey.stageId,
				isNew: created !== null,
				rule: null,
				months: Object.fromEntries(responses.map((c) => [c.period, c.add.reduce((a, b) => a + b, 0)])),
				total: responses.reduce((sum, c) => sum + c.add.reduce((a, b) => a + b, 0), 0)
			}
		];
		const notes = created ? ['The import creates this survey (marked new below); its responses go to it.'] : [];
		if (sorter) notes.push(...sorter.finish(delta));
		else if (mapping.classifyComments && mapping.countColumn)
			notes.push('A file of counts per score holds no comments, so none are sorted into complaint categories.');
		return { delta, categories, periods: periods.get(), notes };
	};
	return read;
}

/**
 * What placing did, as the preview says it: one figure per line of a list, so no sentence is glued from
 * pieces and no count needs a plural.
 */
function placingSummary(byRule: number, byModel: number, toReview: number, threshold: number): string {
	return `Placed by rules: ${count.format(byRule)}. Placed by the classifier, at a confidence of at least ${Math.round(threshold * 100)}%: ${count.format(byModel)}. Waiting in To review: ${count.format(toReview)}.`;
}

/** The preview's sentence on which comments of a survey import are sorted, one whole sentence per choice and number. */
function sortedSentence(choice: NonNullable<SurveyMapping['classifyComments']>, n: number, stage: string): string {
	const many = count.format(n);
	switch (choice) {
		case 'all':
			return n === 1
				? `One comment is sorted into the complaint categories of ${stage}.`
				: `${many} comments are sorted into the complaint categories of ${stage}.`;
		case 'detractors':
			return n === 1
				? `One detractor's comment is sorted into the complaint categories of ${stage}.`
				: `${many} detractors' comments are sorted into the complaint categories of ${stage}.`;
		case 'belowTopBox':
			return n === 1
				? `One comment scoring below the top box is sorted into the complaint categories of ${stage}.`
				: `${many} comments scoring below the top box are sorted into the complaint categories of ${stage}.`;
	}
}

/** A survey's comment the import sorts into the stage's complaint categories, once the whole file is read. */
interface ChosenComment {
	key: string;
	period: string;
	segment: string | null;
	verbatim: Verbatim;
}

/**
 * Sorts the chosen comments of a survey import into the complaint categories of the survey's stage, by
 * the same placing step as a complaint row without a category (`createPlacer`: rules, then the classifier
 * above the room's threshold, else To review). A placed comment counts in its category's month, with its
 * tone, and the placement is recorded; each is marked as the survey's comment (`surveyId`, channel
 * "Survey comment"). Null when the mapping sorts no comments, or the file has none (counts per score).
 */
function commentSorter(
	state: ImportRoom,
	mapping: SurveyMapping,
	survey: Pick<Survey, 'id' | 'scale' | 'stageId' | 'kind' | 'topBoxFrom'>
) {
	const choice = mapping.classifyComments;
	if (!choice || mapping.countColumn || !mapping.textColumn || !state.classify) return null;
	const classify = state.classify;
	const chosen: ChosenComment[] = [];
	return {
		/** Keeps the comment of a counted row when its score is one the mapping chose. */
		offer(key: string, score: number, period: string, segment: string | null, words: Pick<Verbatim, 'text' | 'date'>) {
			if (!commentChosen(survey, choice, score)) return;
			chosen.push({
				key,
				period,
				segment,
				verbatim: { id: `sc-${key.slice(0, 20)}`, ...words, channel: SURVEY_COMMENT, segment, surveyId: survey.id }
			});
		},
		/** Places the kept comments into `delta`; answers the preview's note of what happens to them. */
		finish(delta: ImportDelta): string[] {
			if (!chosen.length) return [];
			const stageName = state.stages[survey.stageId]?.name ?? 'its stage';
			const onStage = Object.values(state.complaints).filter((c) => c.stageId === survey.stageId);
			if (!onStage.length)
				return [
					`${count.format(chosen.length)} ${plural(chosen.length, 'comment', 'comments')} would be sorted into complaint categories, but ${stageName} has none, so they are not placed. Add the stage's categories in Curate, Journey, then import again.`
				];
			const place = createPlacer({
				...classify,
				categories: Object.fromEntries(onStage.map((c) => [c.id, { stageId: c.stageId }]))
			});
			const counts = new Map<string, { categoryId: string; period: string; segment: string | null; add: number }>();
			const bump = (categoryId: string, period: string, segment: string | null) => {
				const k = `${categoryId}|${period}|${segment ?? ''}`;
				const entry = counts.get(k) ?? { categoryId, period, segment, add: 0 };
				entry.add++;
				counts.set(k, entry);
			};
			const quotes = new QuoteKeeper();
			const tones = new ToneTally();
			let byRule = 0;
			let byModel = 0;
			for (const comment of chosen) {
				const decision = place(survey.stageId, comment.verbatim.text);
				if (!decision.placed) {
					delta.toReview.push({
						verbatim: comment.verbatim,
						stageId: survey.stageId,
						period: comment.period,
						segment: comment.segment,
						suggestions: decision.suggestions
					});
					continue;
				}
				if (decision.how.how === 'rule') byRule++;
				else byModel++;
				bump(decision.categoryId, comment.period, null);
				if (comment.segment) bump(decision.categoryId, comment.period, comment.segment);
				tones.add(decision.categoryId, comment.period, sentimentScore(comment.verbatim.text));
				quotes.offer(decision.categoryId, { ...comment.verbatim, placed: decision.how });
				delta.placements.push({ verbatimId: comment.verbatim.id, categoryId: decision.categoryId, placed: decision.how });
			}
			delta.complaintCounts = [...counts.values()];
			delta.complaintQuotes = quotes.entries().map(([categoryId, verbatim]) => ({ categoryId, verbatim }));
			delta.complaintTones = tones.entries().map(({ itemId, period, tones }) => ({ categoryId: itemId, period, tones }));
			return [
				sortedSentence(choice, chosen.length, stageName),
				placingSummary(byRule, byModel, delta.toReview.length, classify.threshold)
			];
		}
	};
}
