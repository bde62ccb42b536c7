/**
 * The room's departments as the rest of the room uses them: what names a department (for the settings
 * page to say what an action touches, and for `decide` to refuse), and the rewrites `evolve` applies when
 * one is renamed, merged or removed. Departments are told apart ignoring case, as `decide` does when it
 * refuses a list that names one twice. Zod-free, like `basics.ts`, so a page that folds events stays small.
 */
import type { FixTeam, RoomState } from './model';

/** Whether two department names are the same department ("Sales" and "SALES" are). */
export function sameDepartment(a: string, b: string): boolean {
	return a.toLowerCase() === b.toLowerCase();
}

/** The room's own spelling of `name`, or undefined when the room has no such department. */
export function findDepartment(state: RoomState, name: string): string | undefined {
	return state.meta?.departments.find((d) => sameDepartment(d, name));
}

/** What names a department: how many touchpoints, complaint categories, KPIs and fix-team members (and teams). */
export interface DepartmentUsage {
	touchpoints: number;
	complaints: number;
	kpis: number;
	members: number;
	teams: number;
}

/** What in the room names `name`, or any of several names (ignoring case); a thing naming two counts once. */
export function departmentUsage(state: RoomState, name: string | readonly string[]): DepartmentUsage {
	const wanted = typeof name === 'string' ? [name] : name;
	const is = (d: string) => wanted.some((w) => sameDepartment(w, d));
	const names = (list: readonly string[]) => list.some(is);
	const teamMembers = Object.values(state.teams).map((t) => t.members.filter((m) => is(m.department)).length);
	return {
		touchpoints: Object.values(state.touchpoints).filter((t) => names(t.departments)).length,
		complaints: Object.values(state.complaints).filter((c) => names(c.departments)).length,
		kpis: Object.values(state.kpis).filter((k) => k.department !== null && is(k.department)).length,
		members: teamMembers.reduce((a, b) => a + b, 0),
		teams: teamMembers.filter((n) => n > 0).length
	};
}

/** `list` with each name in `from` replaced by `into`, each department once (the first place it held). */
function renamedList(list: readonly string[], from: readonly string[], into: string): string[] {
	const out: string[] = [];
	for (const d of list) {
		const next = from.some((f) => sameDepartment(f, d)) ? into : d;
		if (!out.some((o) => sameDepartment(o, next))) out.push(next);
	}
	return out;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Applies `fn` to each entity of a record, copying the record only when one changes. */
function mapChanged<T>(record: Record<string, T>, fn: (value: T) => T): Record<string, T> {
	let out: Record<string, T> | null = null;
	for (const [id, value] of Object.entries(record)) {
		const next = fn(value);
		if (next !== value) (out ??= { ...record })[id] = next;
	}
	return out ?? record;
}

/**
 * The room with every department in `from` called `into`: in the room's list (where `into` already is a
 * department, the others go; otherwise `into` takes the place of the first of them), on touchpoints and
 * complaint categories (each department once), on KPIs and on fix-team members. A rename is a merge of one.
 */
export function mergeDepartments(state: RoomState, from: readonly string[], into: string): RoomState {
	if (!state.meta) return state;
	const hits = (d: string) => from.some((f) => sameDepartment(f, d));
	const relabel = (list: string[]) => {
		if (!list.some(hits)) return list;
		const next = renamedList(list, from, into);
		return sameList(next, list) ? list : next;
	};
	const kept = state.meta.departments.some((d) => sameDepartment(d, into) && !hits(d));
	const departments = kept ? state.meta.departments.filter((d) => !hits(d)) : renamedList(state.meta.departments, from, into);
	return {
		...state,
		meta: { ...state.meta, departments },
		touchpoints: mapChanged(state.touchpoints, (t) => {
			const next = relabel(t.departments);
			return next === t.departments ? t : { ...t, departments: next };
		}),
		complaints: mapChanged(state.complaints, (c) => {
			const next = relabel(c.departments);
			return next === c.departments ? c : { ...c, departments: next };
		}),
		kpis: mapChanged(state.kpis, (k) => (k.department !== null && hits(k.department) ? { ...k, department: into } : k)),
		teams: mapChanged(state.teams, (t) =>
			t.members.some((m) => hits(m.department))
				? { ...t, members: t.members.map((m) => (hits(m.department) ? { ...m, department: into } : m)) }
				: t
		)
	};
}

/**
 * The room without the department `name`: gone from the room's list, from touchpoints and complaint
 * categories, and KPIs it owned have no owning department. Fix-team members keep theirs (`decide` refuses
 * to remove a department people belong to).
 */
export function removeDepartment(state: RoomState, name: string): RoomState {
	if (!state.meta) return state;
	const drop = (list: string[]) =>
		list.some((d) => sameDepartment(d, name)) ? list.filter((d) => !sameDepartment(d, name)) : list;
	return {
		...state,
		meta: { ...state.meta, departments: drop(state.meta.departments) },
		touchpoints: mapChanged(state.touchpoints, (t) => {
			const next = drop(t.departments);
			return next === t.departments ? t : { ...t, departments: next };
		}),
		complaints: mapChanged(state.complaints, (c) => {
			const next = drop(c.departments);
			return next === c.departments ? c : { ...c, departments: next };
		}),
		kpis: mapChanged(state.kpis, (k) =>
			k.department !== null && sameDepartment(k.department, name) ? { ...k, department: null } : k
		)
	};
}

/** The fix teams that would span fewer than two departments once `from` are called `into`. */
export function teamsNarrowedByMerge(state: RoomState, from: readonly string[], into: string): FixTeam[] {
	const hits = (d: string) => from.some((f) => sameDepartment(f, d));
	return Object.values(state.teams).filter((t) => {
		if (!t.members.some((m) => hits(m.department))) return false;
		const after = new Set(t.members.map((m) => (hits(m.department) ? into : m.department).toLowerCase()));
		return after.size < 2;
	});
}
