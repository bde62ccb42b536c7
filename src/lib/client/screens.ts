/**
 * Screen management on the facilitator's side (issue 21): the ready-made playlists, and what a screen's
 * health says in words. One home for these words: the Screens list and its tests read them from here.
 */
import type { Display, PlaylistView, PlaylistViewKind, RoomState } from '$lib/domain';
import { offlineTooLong, type ScreenHealth } from '$lib/protocol/screens';
import { formatAge } from './format';

/** Minutes offline before a screen is flagged, when its settings do not say. */
export { DEFAULT_OFFLINE_ALERT_MIN } from '$lib/protocol/screens';

/** What each kind of playlist view shows, in words for the settings form. */
export const VIEW_LABEL: Record<PlaylistViewKind, string> = {
	journey: 'The journey (stage columns)',
	stage: 'One stage, large',
	wins: 'Wins and fix teams',
	kpis: 'KPI signals',
	spotlight: 'One item, as the spotlight shows it'
};

export interface PlaylistPreset {
	id: 'lobby' | 'floor' | 'boardroom';
	name: string;
	description: string;
	/** Built from the room, so a stage view names one of its stages. */
	views: (room: RoomState) => PlaylistView[];
}

/** The ready-made playlists: a lobby, a contact-centre floor, the boardroom. */
export const PLAYLIST_PRESETS: readonly PlaylistPreset[] = [
	{
		id: 'lobby',
		name: 'Lobby',
		description: 'Mostly wins and fix teams, for visitors and passers-by; the journey in between.',
		views: () => [
			{ kind: 'wins', seconds: 30 },
			{ kind: 'journey', seconds: 60 },
			{ kind: 'kpis', seconds: 20 }
		]
	},
	{
		id: 'floor',
		name: 'Contact-centre floor',
		description: 'The KPI signals the floor moves, the journey, and the wins the floor helped make.',
		views: () => [
			{ kind: 'kpis', seconds: 40 },
			{ kind: 'journey', seconds: 60 },
			{ kind: 'wins', seconds: 20 }
		]
	},
	{
		id: 'boardroom',
		name: 'Boardroom',
		description: 'The journey, then each stage large in turn, then the KPI signals: a walk through the room.',
		views: (room) => [
			{ kind: 'journey', seconds: 60 },
			...room.stageOrder.slice(0, 8).map((stageId) => ({ kind: 'stage' as const, stageId, seconds: 30 })),
			{ kind: 'kpis', seconds: 30 }
		]
	}
];

/** Where a screen stands, as a facilitator reads it. */
export interface HealthReading {
	state: 'online' | 'offline' | 'never';
	/** Offline for longer than its alert time: facilitators are told. */
	flagged: boolean;
	/** One short sentence: "Online · seen 12 s ago" or "Offline for 14 min". */
	summary: string;
	/** The figures, each with its label. */
	figures: Array<{ label: string; value: string }>;
}

/** Reads a screen's health (null: never heard from) at `serverNow`, by its display's alert time. */
export function readHealth(display: Display, health: ScreenHealth | null | undefined, serverNow: number): HealthReading {
	if (!health) {
		return {
			state: 'never',
			flagged: false,
			summary: 'Not connected since it was paired, or not since the server restarted.',
			figures: []
		};
	}
	const away = serverNow - health.lastSeenAt;
	const flagged = offlineTooLong(display, health, serverNow);
	const figures = [
		{ label: 'App build', value: health.build ?? 'not reported yet' },
		{ label: 'Resolution', value: health.width && health.height ? `${health.width} × ${health.height}` : 'not reported yet' },
		{
			label: 'Last render',
			value:
				health.renderMs === null ? 'not reported yet' : `${new Intl.NumberFormat('en').format(Math.round(health.renderMs))} ms`
		},
		{ label: 'Reconnects in the last day', value: new Intl.NumberFormat('en').format(health.reconnectsLastDay) }
	];
	return {
		state: health.online ? 'online' : 'offline',
		flagged,
		summary: `${health.online ? 'Online' : 'Offline'}, last heard from ${formatAge(away)}.`,
		figures
	};
}
