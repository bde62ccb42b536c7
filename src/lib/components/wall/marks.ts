/**
 * Colour never travels alone on the wall: each status has a shape (an icon) and a word too.
 * One table per kind of status, shared by the cards, the spotlight and the legend.
 */
import type { Maturity } from '$lib/domain';
import { MATURITY_WORD } from '$lib/client/words';
import type { HealthLevel, KpiStatus } from '$lib/domain/metrics';
import type { IconName } from './wall-icon.svelte';

export interface Look {
	icon: IconName;
	/** A CSS colour (a token from app.css). */
	tone: string;
	word: string;
}

export const MATURITY_LOOK: Record<Maturity, Look> = {
	broken: { icon: 'broken', tone: 'var(--red)', word: MATURITY_WORD.broken },
	reliable: { icon: 'reliable', tone: 'var(--blue)', word: MATURITY_WORD.reliable },
	differentiating: { icon: 'differentiating', tone: 'var(--gold)', word: MATURITY_WORD.differentiating },
	unassessed: { icon: 'unassessed', tone: 'var(--grey)', word: MATURITY_WORD.unassessed }
};

export const KPI_LOOK: Record<KpiStatus, Look> = {
	green: { icon: 'green', tone: 'var(--green)', word: 'On target' },
	amber: { icon: 'amber', tone: 'var(--amber)', word: 'Near target' },
	red: { icon: 'red', tone: 'var(--red)', word: 'Off target' },
	none: { icon: 'none', tone: 'var(--grey)', word: 'No target' }
};

export const HEALTH_LOOK: Record<HealthLevel, Look> = {
	healthy: { icon: 'healthy', tone: 'var(--green)', word: 'Healthy' },
	'at-risk': { icon: 'at-risk', tone: 'var(--amber)', word: 'At risk' },
	critical: { icon: 'critical', tone: 'var(--red)', word: 'Critical' },
	unknown: { icon: 'unknown', tone: 'var(--grey)', word: 'Not assessed' }
};

export { TEAM_STATUS_WORD, TEAM_STATUS_PATH as TEAM_STEPS } from '$lib/client/words';
