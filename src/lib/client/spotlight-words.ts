/**
 * What the spotlight is, in whole sentences (one per kind of thing, so each can be translated as a
 * whole): the wall's byline under the spotlight, and the facilitator's line saying what every wall shows.
 */
import { assertNever } from '$lib/domain/basics';
import type { SpotlightTarget } from '$lib/domain';

type Kind = SpotlightTarget['kind'];

/** The wall's byline: "Fiona Facilitator put this stage in the spotlight." */
export function spotlightByline(kind: Kind, by: string): string {
	switch (kind) {
		case 'stage':
			return `${by} put this stage in the spotlight.`;
		case 'touchpoint':
			return `${by} put this touchpoint in the spotlight.`;
		case 'team':
			return `${by} put this fix team in the spotlight.`;
		case 'win':
			return `${by} put this win in the spotlight.`;
		case 'artifact':
			return `${by} put this artifact in the spotlight.`;
		case 'kpi':
			return `${by} put this KPI in the spotlight.`;
		case 'survey':
			return `${by} put this survey in the spotlight.`;
		case 'complaint':
			return `${by} put this complaint category in the spotlight.`;
		default:
			return assertNever(kind);
	}
}

/** The facilitator's line: "Every wall shows the KPI “Time to first payment”." */
export function spotlightOnEveryWall(kind: Kind, name: string): string {
	switch (kind) {
		case 'stage':
			return `Every wall shows the stage “${name}”.`;
		case 'touchpoint':
			return `Every wall shows the touchpoint “${name}”.`;
		case 'team':
			return `Every wall shows the fix team “${name}”.`;
		case 'win':
			return `Every wall shows the win “${name}”.`;
		case 'artifact':
			return `Every wall shows the artifact “${name}”.`;
		case 'kpi':
			return `Every wall shows the KPI “${name}”.`;
		case 'survey':
			return `Every wall shows the survey “${name}”.`;
		case 'complaint':
			return `Every wall shows the complaint category “${name}”.`;
		default:
			return assertNever(kind);
	}
}
