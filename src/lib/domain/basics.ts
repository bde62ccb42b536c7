/**
 * The zod-free basics of the domain: limits, ladders and small helpers. `evolve` and every screen use
 * only these (plus types), so a browser page that folds events never loads the schema library; TV
 * browsers get a small wall.
 */
import type { Maturity, RoomState, SpotlightTarget, TeamStatus } from './model';

export const DEFAULT_DEPARTMENTS = [
	'Marketing',
	'Sales',
	'Operations',
	'Customer Service',
	'Product',
	'IT',
	'Finance/Billing',
	'HR',
	'Legal'
] as const;

/** Caps on lists that grow with use; the oldest entries fall off (raw data lives in import blobs). */
export const LIMITS = {
	verbatims: 50,
	kpiPoints: 400,
	teamUpdates: 200,
	maturityHistory: 50,
	statusHistory: 50,
	pastSessions: 24,
	decisions: 200,
	attendees: 200,
	departments: 30,
	segments: 20,
	members: 40,
	links: 60,
	votes: 30,
	voteItems: 30,
	votesEach: 10,
	actions: 1000
} as const;

/** Most terms per list of a categorization rule, words per phrase, and rules per room. */
export const RULE_LIMITS = { terms: 12, phraseWords: 4, rules: 200 } as const;

/** The maturity ladder, bottom to top. */
export const MATURITY_LADDER: readonly Maturity[] = ['unassessed', 'broken', 'reliable', 'differentiating'];

/** Team statuses that count as still open. */
export const OPEN_TEAM_STATUSES: readonly TeamStatus[] = ['chartered', 'investigating', 'fixing', 'verifying', 'stalled'];

let collator: Intl.Collator | undefined;

/**
 * Orders names as `a.localeCompare(b)` does, through one shared collator: `localeCompare` looks up its
 * collator on every call, tens of times slower when a TV sorts a room's columns.
 */
export function compareText(a: string, b: string): number {
	collator ??= new Intl.Collator();
	return collator.compare(a, b);
}

/** Orders ISO dates or timestamps (the same format on both sides) oldest first, by their characters. */
export function compareIso(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/** The entity with this id, if the record has it as its own (never a prototype member like "constructor"). */
export function own<T>(record: Readonly<Record<string, T>>, id: string): T | undefined {
	// Not Object.hasOwn: corridor TVs run Chromium engines older than 93.
	return Object.prototype.hasOwnProperty.call(record, id) ? record[id] : undefined;
}

/** Compile-time exhaustiveness check for switches over unions. */
export function assertNever(value: never): never {
	throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}

/**
 * The entity a spotlight target names, or undefined when the room has none by that id (never there, or
 * removed since). One lookup for deciding a spotlight, releasing a vanished one and drawing it.
 */
export function spotlightEntity(state: RoomState, target: SpotlightTarget): object | undefined {
	const records: Readonly<Record<SpotlightTarget['kind'], Readonly<Record<string, object>>>> = {
		stage: state.stages,
		touchpoint: state.touchpoints,
		team: state.teams,
		win: state.wins,
		artifact: state.artifacts,
		kpi: state.kpis,
		survey: state.surveys,
		complaint: state.complaints
	};
	return own(records[target.kind], target.id);
}

/** A stage's KPIs in the curator's order (`kpi.move`); the board and Curate list them so. */
export function stageKpis<K extends { stageId: string; order?: number | undefined }>(
	kpis: Record<string, K>,
	stageId: string
): K[] {
	const list = Object.values(kpis).filter((k) => k.stageId === stageId);
	const at = (k: K, i: number) => k.order ?? Number.MAX_SAFE_INTEGER / 2 + i;
	return list
		.map((k, i) => ({ k, key: at(k, i) }))
		.sort((a, b) => a.key - b.key)
		.map((x) => x.k);
}
