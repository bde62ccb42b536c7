/** A touchpoint's editable fields, and the patch that changes only what an edit changed. */
import type { CommandOf, Touchpoint } from '$lib/domain';

export type TouchpointFields = Omit<CommandOf<'touchpoint.add'>, 'type' | 'touchpointId'>;
export type TouchpointPatch = CommandOf<'touchpoint.update'>['patch'];

/** The same departments, in any order (checkboxes list them in the room's order). */
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** The fields that differ from the touchpoint as it is, or null when nothing changed. */
export function touchpointPatch(current: Touchpoint, next: TouchpointFields): TouchpointPatch | null {
	const patch: Partial<TouchpointFields> = {};
	if (next.stageId !== current.stageId) patch.stageId = next.stageId;
	if (next.name !== current.name) patch.name = next.name;
	if (next.channel !== current.channel) patch.channel = next.channel;
	if (next.momentOfTruth !== current.momentOfTruth) patch.momentOfTruth = next.momentOfTruth;
	if (!sameSet(next.departments, current.departments)) patch.departments = next.departments;
	if (next.importance !== current.importance) patch.importance = next.importance;
	if (next.performance !== current.performance) patch.performance = next.performance;
	if (next.internalScore !== current.internalScore) patch.internalScore = next.internalScore;
	return Object.keys(patch).length ? (patch as TouchpointPatch) : null;
}
