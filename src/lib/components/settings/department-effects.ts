/**
 * What a change to a department does to the room, in sentences the settings page shows before the change
 * is made. Each line is one whole sentence (with its own plural), so it can be translated as it stands.
 */
import type { DepartmentUsage } from '$lib/domain/departments';

const number = (n: number) => new Intl.NumberFormat('en').format(n);

/** Relabelled by a rename or a merge: each thing that named the old department names the new one. */
export function relabelEffects(u: DepartmentUsage): string[] {
	const lines: string[] = [];
	if (u.touchpoints)
		lines.push(u.touchpoints === 1 ? 'One touchpoint is relabelled.' : `${number(u.touchpoints)} touchpoints are relabelled.`);
	if (u.complaints)
		lines.push(
			u.complaints === 1
				? 'One complaint category is relabelled.'
				: `${number(u.complaints)} complaint categories are relabelled.`
		);
	if (u.kpis)
		lines.push(
			u.kpis === 1 ? 'One KPI changes its owning department.' : `${number(u.kpis)} KPIs change their owning department.`
		);
	if (u.members) {
		lines.push(
			u.members === 1
				? 'One fix-team member moves to it.'
				: u.teams === 1
					? `${number(u.members)} members of one fix team move to it.`
					: `${number(u.members)} fix-team members, in ${number(u.teams)} teams, move to it.`
		);
	}
	return lines;
}

/** Dropped by a removal: touchpoints and categories stop naming it, KPIs it owned are left unowned. */
export function removalEffects(u: DepartmentUsage): string[] {
	const lines: string[] = [];
	if (u.touchpoints)
		lines.push(
			u.touchpoints === 1 ? 'One touchpoint no longer names it.' : `${number(u.touchpoints)} touchpoints no longer name it.`
		);
	if (u.complaints)
		lines.push(
			u.complaints === 1
				? 'One complaint category no longer names it.'
				: `${number(u.complaints)} complaint categories no longer name it.`
		);
	if (u.kpis)
		lines.push(
			u.kpis === 1
				? 'One KPI is left without an owning department.'
				: `${number(u.kpis)} KPIs are left without an owning department.`
		);
	return lines;
}

/**
 * What names a department, for its row in the list: the counts that are not zero, as labels ("2
 * touchpoints · 1 KPI"), or a sentence when nothing does.
 */
export function usageSummary(u: DepartmentUsage): string {
	const parts = [
		u.touchpoints ? plural(u.touchpoints, 'touchpoint', 'touchpoints') : null,
		u.complaints ? plural(u.complaints, 'complaint category', 'complaint categories') : null,
		u.kpis ? plural(u.kpis, 'KPI', 'KPIs') : null,
		u.members ? plural(u.members, 'fix-team member', 'fix-team members') : null
	].filter((p) => p !== null);
	return parts.length ? parts.join(' · ') : 'Nothing names it yet.';
}

function plural(n: number, one: string, other: string): string {
	return `${number(n)} ${n === 1 ? one : other}`;
}
