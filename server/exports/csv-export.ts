/**
 * One CSV per kind of content, for a spreadsheet or another tool. Text cells that a spreadsheet would
 * run as a formula (starting with =, +, -, @) are prefixed with an apostrophe: an export must never
 * execute what a customer once typed.
 */
import { stringify } from 'csv-stringify/sync';
import { own, type RoomState } from '../../src/lib/domain';

export const CSV_KINDS = [
	'stages',
	'touchpoints',
	'artifacts',
	'complaints',
	'verbatims',
	'kpis',
	'surveys',
	'teams',
	'wins'
] as const;
export type CsvKind = (typeof CSV_KINDS)[number];

export type Cell = string | number | boolean | null;

/** A cell a spreadsheet will not run as a formula (text starting with =, +, -, @, tab or CR gets an apostrophe). */
export const safeCell = (value: Cell): Cell => (typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

function table(columns: string[], rows: Cell[][]): string {
	return stringify([columns, ...rows.map((r) => r.map(safeCell))], {
		cast: { boolean: (b) => (b ? 'yes' : 'no') },
		record_delimiter: '\r\n',
		bom: true
	});
}

export function exportCsv(state: RoomState, kind: CsvKind): string {
	const stage = (id: string) => own(state.stages, id)?.name ?? '';
	const touchpoint = (id: string | null) => (id ? (own(state.touchpoints, id)?.name ?? '') : '');
	const stageIndex = (id: string) => state.stageOrder.indexOf(id);
	const byStage = <T extends { stageId: string }>(items: T[]) =>
		[...items].sort((a, b) => stageIndex(a.stageId) - stageIndex(b.stageId));
	switch (kind) {
		case 'stages':
			return table(
				['order', 'stage', 'customer goal'],
				state.stageOrder.map((id, i) => [i + 1, stage(id), own(state.stages, id)?.customerGoal ?? ''])
			);
		case 'touchpoints':
			return table(
				[
					'stage',
					'touchpoint',
					'channel',
					'moment of truth',
					'maturity',
					'departments',
					'importance',
					'performance',
					'internal score',
					'gap (internal - performance)'
				],
				byStage(Object.values(state.touchpoints)).map((t) => [
					stage(t.stageId),
					t.name,
					t.channel,
					t.momentOfTruth,
					t.maturity,
					t.departments.join('; '),
					t.importance,
					t.performance,
					t.internalScore,
					t.internalScore !== null && t.performance !== null ? Math.round((t.internalScore - t.performance) * 10) / 10 : null
				])
			);
		case 'artifacts':
			return table(
				[
					'stage',
					'touchpoint',
					'kind',
					'title',
					'caption',
					'file',
					'file type',
					'link',
					'current as of',
					'sensitive',
					'replaced by'
				],
				byStage(Object.values(state.artifacts)).map((a) => [
					stage(a.stageId),
					touchpoint(a.touchpointId),
					a.kind,
					a.title,
					a.caption,
					a.blobId ? `/api/blobs/${a.blobId}` : '',
					a.file?.mime ?? '',
					a.url ?? '',
					a.currentAsOf,
					a.sensitive,
					a.replacedBy ? (own(state.artifacts, a.replacedBy)?.title ?? '') : ''
				])
			);
		case 'complaints': {
			const rows: Cell[][] = [];
			for (const c of byStage(Object.values(state.complaints))) {
				for (const [period, count] of Object.entries(c.counts).sort())
					rows.push([stage(c.stageId), c.name, period, 'all', count]);
				for (const [segment, counts] of Object.entries(c.bySegment).sort()) {
					for (const [period, count] of Object.entries(counts).sort())
						rows.push([stage(c.stageId), c.name, period, segment, count]);
				}
			}
			return table(['stage', 'category', 'month', 'segment', 'complaints'], rows);
		}
		case 'verbatims': {
			const rows: Cell[][] = [];
			for (const c of byStage(Object.values(state.complaints))) {
				for (const v of c.verbatims) rows.push(['complaint', stage(c.stageId), c.name, v.date, v.channel, v.segment, v.text]);
			}
			for (const s of byStage(Object.values(state.surveys))) {
				for (const v of s.verbatims) rows.push(['survey', stage(s.stageId), s.question, v.date, v.channel, v.segment, v.text]);
			}
			return table(['source', 'stage', 'about', 'date', 'channel', 'segment', 'words'], rows);
		}
		case 'kpis':
			return table(
				['stage', 'KPI', 'unit', 'better when', 'target', 'date', 'value', 'source', 'department'],
				byStage(Object.values(state.kpis)).flatMap((k) =>
					(k.points.length ? k.points : [null]).map((p) => [
						stage(k.stageId),
						k.name,
						k.unit,
						k.direction,
						k.target,
						p?.date ?? null,
						p?.value ?? null,
						k.source,
						k.department
					])
				)
			);
		case 'surveys': {
			const rows: Cell[][] = [];
			for (const s of byStage(Object.values(state.surveys))) {
				const emit = (segment: string, period: string, counts: readonly number[]) =>
					counts.forEach((n, i) => rows.push([stage(s.stageId), s.question, s.kind, period, segment, s.scale.min + i, n]));
				for (const [period, counts] of Object.entries(s.responses).sort()) emit('all', period, counts);
				for (const [segment, periods] of Object.entries(s.bySegment).sort()) {
					for (const [period, counts] of Object.entries(periods).sort()) emit(segment, period, counts);
				}
			}
			return table(['stage', 'survey', 'kind', 'month', 'segment', 'score', 'responses'], rows);
		}
		case 'teams':
			return table(
				['team', 'stage', 'status', 'problem', 'sponsor', 'members', 'due', 'baseline', 'target', 'chartered', 'chartered by'],
				Object.values(state.teams).map((t) => [
					t.name,
					stage(t.stageId),
					t.status,
					t.problem,
					t.sponsor,
					t.members.map((m) => `${m.name} (${m.department})`).join('; '),
					t.dueDate,
					t.baseline,
					t.target,
					t.charteredAt,
					t.charteredBy
				])
			);
		case 'wins':
			return table(
				['date', 'stage', 'team', 'headline', 'before', 'after', 'marked by'],
				Object.values(state.wins)
					.sort((a, b) => a.at.localeCompare(b.at))
					.map((w) => [
						w.at,
						stage(w.stageId),
						w.teamId ? (own(state.teams, w.teamId)?.name ?? '') : '',
						w.headline,
						w.before,
						w.after,
						w.by
					])
			);
	}
}
