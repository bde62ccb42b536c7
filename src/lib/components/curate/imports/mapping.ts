/**
 * The mapping step's starting point: last month's settings for this kind of import when the room has
 * them (their columns found again by name, so a reordered file still maps), otherwise guesses from what
 * the columns hold. The date, category, customer's words and id are the server's guesses from the
 * contents (server/imports/guess-columns.ts, each with its reason, shown in the form); the rest go by
 * header words. The person sees and can change each.
 */
import type { ColumnRef, ImportKind, ImportMapping, RoomState, StageRule } from '$lib/domain';
import type { ColumnGuess, ColumnInfo, Inspection } from '$lib/protocol/curate';

export const KIND_LABEL: Record<ImportKind, string> = {
	complaints: 'Complaints',
	kpis: 'KPI values',
	surveys: 'Survey responses'
};

/** A column's label as the page shows it: its header, or its spreadsheet letter. */
export function columnName(column: Pick<ColumnInfo, 'index' | 'name'>, hasHeader: boolean): string {
	if (hasHeader && column.name) return column.name;
	let letters = '';
	for (let n = column.index + 1; n > 0; n = Math.floor((n - 1) / 26))
		letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
	return `Column ${letters}`;
}

/** A reference to a column: by position, and by name when the file has a header row. */
export function refTo(inspection: Inspection, index: number, hasHeader: boolean): ColumnRef {
	return { index, name: hasHeader ? (inspection.columns[index]?.name ?? null) : null };
}

/** Finds a remembered column in this file: by name first, else by position if the file is that wide. */
function findAgain(ref: ColumnRef | null, inspection: Inspection, hasHeader: boolean): ColumnRef | null {
	if (!ref) return null;
	if (ref.name && hasHeader) {
		const found = inspection.columns.find((c) => c.name?.trim().toLowerCase() === ref.name!.trim().toLowerCase());
		if (found) return refTo(inspection, found.index, hasHeader);
	}
	return ref.index < inspection.columns.length ? refTo(inspection, ref.index, hasHeader) : null;
}

const named = (c: ColumnInfo, pattern: RegExp) => c.name !== null && pattern.test(c.name);

function pick(inspection: Inspection, ...tests: Array<(c: ColumnInfo) => boolean>): ColumnInfo | undefined {
	for (const test of tests) {
		const found = inspection.columns.find(test);
		if (found) return found;
	}
	return undefined;
}

/** Guessed columns, for a file the room has no remembered settings for. */
export function guessColumns(inspection: Inspection) {
	const guessed = (g: ColumnGuess | null) => (g ? inspection.columns[g.index] : undefined);
	const { guesses } = inspection;
	const date = guessed(guesses.date);
	const id = guessed(guesses.id);
	const category = guessed(guesses.category);
	const longText = guessed(guesses.text);
	const number = pick(
		inspection,
		(c) => c.looks === 'number' && named(c, /value|amount|score|rate|kpi|result/i),
		(c) => c.looks === 'number' && c !== id
	);
	const segment = pick(inspection, (c) => named(c, /segment|tier|customer type|plan/i));
	const channel = pick(inspection, (c) => named(c, /channel|submitted via|source|medium/i));
	const count = pick(inspection, (c) => c.looks === 'number' && named(c, /count|responses|number of|n$/i));
	const kpiName = pick(inspection, (c) => c.looks === 'text' && named(c, /kpi|metric|measure|indicator/i));
	return { date, id, category, longText, number, segment, channel, count, kpiName };
}

/** The mapping to start from for `kind`: the remembered one (found again in this file), else guesses. */
export function initialMapping(
	kind: ImportKind,
	inspection: Inspection,
	state: RoomState
): { mapping: ImportMapping; remembered: boolean } {
	const hasHeader = inspection.hasHeader;
	const ref = (c: ColumnInfo | undefined) => (c ? refTo(inspection, c.index, hasHeader) : null);
	const g = guessColumns(inspection);
	const first = refTo(inspection, 0, hasHeader);
	const dateFormat = g.date?.dateFormat ?? 'auto';
	const remembered = state.importMappings[kind];
	const again = (r: ColumnRef | null) => findAgain(r, inspection, hasHeader);
	/** Remembered stage rules whose stage and column are still there. */
	const rulesAgain = (rules: readonly StageRule[]) =>
		rules
			.filter((r) => Object.hasOwn(state.stages, r.stageId))
			.flatMap((r) => {
				const column = again(r.column);
				return column ? [{ ...r, column }] : [];
			});
	switch (kind) {
		case 'complaints': {
			if (remembered?.kind === 'complaints') {
				const stageRules = remembered.stageRules
					.filter((r) => Object.hasOwn(state.stages, r.stageId))
					.flatMap((r) => {
						const column = again(r.column);
						return column ? [{ ...r, column }] : [];
					});
				return {
					remembered: true,
					mapping: {
						...remembered,
						hasHeader,
						dateColumn: again(remembered.dateColumn) ?? ref(g.date) ?? first,
						categoryColumn: again(remembered.categoryColumn) ?? ref(g.category) ?? first,
						idColumn: again(remembered.idColumn),
						segmentColumn: again(remembered.segmentColumn),
						channelColumn: again(remembered.channelColumn),
						textColumn: again(remembered.textColumn),
						stageRules,
						defaultStageId:
							remembered.defaultStageId && Object.hasOwn(state.stages, remembered.defaultStageId)
								? remembered.defaultStageId
								: null
					}
				};
			}
			return {
				remembered: false,
				mapping: {
					kind,
					hasHeader,
					dateColumn: ref(g.date) ?? first,
					dateFormat,
					idColumn: ref(g.id),
					segmentColumn: ref(g.segment),
					categoryColumn: ref(g.category) ?? first,
					channelColumn: ref(g.channel),
					textColumn: ref(g.longText),
					stageRules: [],
					defaultStageId: state.stageOrder[0] ?? null
				}
			};
		}
		case 'kpis': {
			if (remembered?.kind === 'kpis') {
				return {
					remembered: true,
					mapping: {
						...remembered,
						hasHeader,
						dateColumn: again(remembered.dateColumn) ?? ref(g.date) ?? first,
						valueColumn: again(remembered.valueColumn) ?? ref(g.number) ?? first,
						nameColumn: again(remembered.nameColumn),
						idColumn: again(remembered.idColumn),
						segmentColumn: null,
						kpiId: remembered.kpiId && Object.hasOwn(state.kpis, remembered.kpiId) ? remembered.kpiId : null,
						stageRules: rulesAgain(remembered.stageRules),
						defaultStageId:
							remembered.defaultStageId && Object.hasOwn(state.stages, remembered.defaultStageId)
								? remembered.defaultStageId
								: null
					}
				};
			}
			return {
				remembered: false,
				mapping: {
					kind,
					hasHeader,
					dateColumn: ref(g.date) ?? first,
					dateFormat,
					idColumn: null,
					segmentColumn: null,
					valueColumn: ref(g.number) ?? first,
					nameColumn: ref(g.kpiName),
					kpiId: g.kpiName ? null : (Object.keys(state.kpis)[0] ?? null),
					stageRules: [],
					defaultStageId: state.stageOrder[0] ?? null
				}
			};
		}
		case 'surveys': {
			const surveyId =
				remembered?.kind === 'surveys' && Object.hasOwn(state.surveys, remembered.surveyId)
					? remembered.surveyId
					: (Object.keys(state.surveys)[0] ?? '');
			if (remembered?.kind === 'surveys') {
				return {
					remembered: true,
					mapping: {
						...remembered,
						hasHeader,
						surveyId,
						dateColumn: again(remembered.dateColumn) ?? ref(g.date) ?? first,
						scoreColumn: again(remembered.scoreColumn) ?? ref(g.number) ?? first,
						countColumn: again(remembered.countColumn),
						idColumn: again(remembered.idColumn),
						segmentColumn: again(remembered.segmentColumn),
						textColumn: again(remembered.textColumn),
						newSurvey: null
					}
				};
			}
			const score = pick(
				inspection,
				(c) => c.looks === 'number' && named(c, /score|rating|nps|csat|ces|answer/i),
				(c) => c.looks === 'number' && c !== g.count
			);
			return {
				remembered: false,
				mapping: {
					kind,
					hasHeader,
					surveyId,
					dateColumn: ref(g.date) ?? first,
					dateFormat,
					idColumn: ref(g.id),
					segmentColumn: ref(g.segment),
					scoreColumn: ref(score) ?? first,
					countColumn: ref(g.count),
					textColumn: ref(g.longText),
					newSurvey: null
				}
			};
		}
	}
}

/** What still keeps a mapping from being read, in words, or null when it can be previewed. */
export function mappingProblem(mapping: ImportMapping, state: RoomState): string | null {
	switch (mapping.kind) {
		case 'complaints':
			if (!mapping.stageRules.length && !mapping.defaultStageId)
				return 'Choose where rows go: add a stage rule or pick a default stage.';
			if (mapping.stageRules.some((r) => !r.value.trim())) return 'Every stage rule needs a value to look for.';
			return null;
		case 'kpis':
			if (!mapping.nameColumn && !mapping.kpiId) return 'Choose the KPI these values belong to, or the column that names it.';
			if (mapping.stageRules.some((r) => !r.value.trim())) return 'Every stage rule needs a value to look for.';
			return null;
		case 'surveys':
			if (Object.hasOwn(state.surveys, mapping.surveyId)) return null;
			if (!mapping.newSurvey) return 'Choose the survey these responses answer, or add a new one.';
			if (!mapping.newSurvey.question.trim()) return "Write the new survey's question.";
			if (!Object.hasOwn(state.stages, mapping.newSurvey.stageId)) return 'Choose the stage of the new survey.';
			return null;
	}
}
