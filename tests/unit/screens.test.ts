// Screen management (issue 21) as a facilitator and a TV meet it: a screen's settings are checked and
// kept in the room, its playlist and on hours decide what it shows when, the URL only narrows what the
// pairing allows, and its health reads as facilitators expect.
import { describe, expect, it } from 'vitest';
import { isOnHours, nextStart } from '../../src/lib/client/wall/on-hours';
import { parseWallOptions, withDisplay } from '../../src/lib/client/wall/options';
import { playlistAt } from '../../src/lib/client/wall/playlist';
import { PLAYLIST_PRESETS, readHealth } from '../../src/lib/client/screens';
import { PlaylistView, type Display } from '../../src/lib/domain';
import { createDisplayStatus, memoryStatusHash, SILENT_AFTER_MS } from '../../server/displays/display-status';
import { apply, buildRoom, command, refusal, step } from '../support/factories';

const room = () => buildRoom({ stages: 3, kpisPerStage: 1, displays: 1 }).state;

describe('a screen’s settings in the room', () => {
	it('keeps a playlist, on hours, segment, columns and a pinned screen, and every wall folds them the same', () => {
		const before = room();
		const patch = {
			playlist: [
				{ kind: 'journey', seconds: 60 },
				{ kind: 'stage', stageId: 'stage-2', seconds: 30 },
				{ kind: 'spotlight', target: { kind: 'kpi', id: 'kpi-1' }, seconds: 20 }
			] as PlaylistView[],
			hours: { days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' },
			columns: 3,
			screen: 1,
			offlineAlertMin: 15
		};
		const { state, recorded } = step(before, command('display.update', { displayId: 'display-1', patch }));
		expect(recorded.map((r) => r.event.type)).toEqual(['display.updated']);
		expect(state.displays['display-1']).toMatchObject(patch);
	});

	it('refuses a playlist naming a stage or an item the room does not have, and changes nothing', () => {
		const before = room();
		const stage = refusal(
			before,
			command('display.update', {
				displayId: 'display-1',
				patch: { playlist: [{ kind: 'stage', stageId: 'stage-9', seconds: 30 }] }
			})
		);
		expect(stage).toMatchObject({ code: 'not_found', message: expect.stringContaining('stage-9') });
		const item = refusal(
			before,
			command('display.update', {
				displayId: 'display-1',
				patch: { playlist: [{ kind: 'spotlight', target: { kind: 'team', id: 'team-9' }, seconds: 30 }] }
			})
		);
		expect(item.code).toBe('not_found');
	});

	it('refuses malformed settings at the schema: a view under 5 s, an hour like 25:00, no days', () => {
		expect(() =>
			command('display.update', { displayId: 'display-1', patch: { playlist: [{ kind: 'wins', seconds: 2 }] } })
		).not.toThrow();
		expect(() =>
			apply(room(), command('display.update', { displayId: 'display-1', patch: { playlist: [{ kind: 'wins', seconds: 2 }] } }))
		).toThrow();
		expect(() =>
			apply(
				room(),
				command('display.update', { displayId: 'display-1', patch: { hours: { days: [1], from: '25:00', to: '08:00' } } })
			)
		).toThrow();
		expect(() =>
			apply(
				room(),
				command('display.update', { displayId: 'display-1', patch: { hours: { days: [], from: '08:00', to: '18:00' } } })
			)
		).toThrow();
	});

	it('removing a stage takes its playlist view with it and leaves the other views playing', () => {
		let state = apply(
			buildRoom({ stages: 3, displays: 1 }).state,
			command('display.update', {
				displayId: 'display-1',
				patch: {
					playlist: [
						{ kind: 'stage', stageId: 'stage-3', seconds: 30 },
						{ kind: 'wins', seconds: 20 }
					]
				}
			})
		);
		state = apply(state, command('stage.remove', { stageId: 'stage-3' }));
		expect(state.displays['display-1']!.playlist).toEqual([{ kind: 'wins', seconds: 20 }]);
	});

	it('the boardroom preset walks the room’s own stages', () => {
		const boardroom = PLAYLIST_PRESETS.find((p) => p.id === 'boardroom')!.views(room());
		expect(boardroom.filter((v) => v.kind === 'stage').map((v) => (v.kind === 'stage' ? v.stageId : ''))).toEqual([
			'stage-1',
			'stage-2',
			'stage-3'
		]);
		// Every preset is a playlist the room accepts.
		for (const preset of PLAYLIST_PRESETS)
			apply(room(), command('display.update', { displayId: 'display-1', patch: { playlist: preset.views(room()) } }));
	});
});

describe('playlists', () => {
	const views: PlaylistView[] = [
		{ kind: 'journey', seconds: 60 },
		{ kind: 'wins', seconds: 20 },
		{ kind: 'kpis', seconds: 20 }
	];

	it('advances by the server’s clock, so every TV with the playlist shows the same view', () => {
		const cycle = 100_000;
		const base = cycle * 1000;
		expect(playlistAt(views, base)).toMatchObject({ index: 0, remainingMs: 60_000 });
		expect(playlistAt(views, base + 59_999)?.index).toBe(0);
		expect(playlistAt(views, base + 60_000)).toMatchObject({ index: 1, view: { kind: 'wins' } });
		expect(playlistAt(views, base + 85_000)).toMatchObject({ index: 2, remainingMs: 15_000 });
		expect(playlistAt(views, base + 100_000)?.index).toBe(0);
	});

	it('an empty playlist is the journey alone', () => {
		expect(playlistAt([], Date.now())).toBeNull();
	});
});

describe('on hours', () => {
	const weekdays = { days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' };
	// 2026-12-07 is a Monday.
	const at = (day: number, hhmm: string) => new Date(2026, 11, 7 + day - 1, Number(hhmm.slice(0, 2)), Number(hhmm.slice(3)));

	it('shows the board within the hours, the clock outside them and at weekends', () => {
		expect(isOnHours(weekdays, at(1, '08:00'))).toBe(true);
		expect(isOnHours(weekdays, at(1, '17:59'))).toBe(true);
		expect(isOnHours(weekdays, at(1, '18:00'))).toBe(false);
		expect(isOnHours(weekdays, at(1, '07:59'))).toBe(false);
		expect(isOnHours(weekdays, at(6, '12:00'))).toBe(false);
	});

	it('hours past midnight belong to the day they start on', () => {
		const nights = { days: [5], from: '22:00', to: '06:00' }; // Friday night
		expect(isOnHours(nights, at(5, '23:00'))).toBe(true);
		expect(isOnHours(nights, at(6, '05:59'))).toBe(true);
		expect(isOnHours(nights, at(6, '06:00'))).toBe(false);
		expect(isOnHours(nights, at(4, '23:00'))).toBe(false);
	});

	it('says when the board is back: later today, or on the next day of its hours', () => {
		expect(nextStart(weekdays, at(1, '06:00'))).toEqual(at(1, '08:00'));
		expect(nextStart(weekdays, at(1, '19:00'))).toEqual(at(2, '08:00'));
		expect(nextStart(weekdays, at(5, '19:00'))).toEqual(at(8, '08:00'));
	});

	it('no hours: always on', () => {
		expect(isOnHours(null, at(7, '03:00'))).toBe(true);
	});
});

describe('the URL narrows what the pairing allows, never widens it', () => {
	const display: Display = {
		id: 'd-1',
		name: 'Lobby',
		location: '',
		mode: 'corridor',
		rotation: { stageIds: [], intervalSec: 30 },
		segment: 'Private clients',
		screen: 2
	};
	const url = (query: string) => {
		const params = new URLSearchParams(query);
		return withDisplay(parseWallOptions(params), display, params);
	};

	it('a corridor screen stays corridor whatever its URL says; a room screen can be narrowed to corridor', () => {
		expect(url('mode=room').mode).toBe('corridor');
		const params = new URLSearchParams('mode=corridor');
		expect(withDisplay(parseWallOptions(params), { ...display, mode: 'room' }, params).mode).toBe('corridor');
	});

	it('a pinned segment and screen stay; the URL chooses them only where the pairing leaves them open', () => {
		expect(url('segment=all&screen=1')).toMatchObject({ segment: 'Private clients', screen: 2 });
		const open = { ...display, segment: null, screen: null };
		const params = new URLSearchParams('segment=Retail&screen=1');
		expect(withDisplay(parseWallOptions(params), open, params)).toMatchObject({ segment: 'Retail', screen: 1 });
	});

	it('how it looks (columns) follows the settings, and the URL may still change it', () => {
		expect(url('').maxColumns).toBe(5);
		const three = { ...display, columns: 3 };
		expect(withDisplay(parseWallOptions(new URLSearchParams('')), three, new URLSearchParams('')).maxColumns).toBe(3);
		const params = new URLSearchParams('columns=4');
		expect(withDisplay(parseWallOptions(params), three, params).maxColumns).toBe(4);
	});
});

describe('screen health', () => {
	function clock(start = 1_000_000_000) {
		let t = start;
		return { now: () => t, advance: (ms: number) => void (t += ms) };
	}
	const report = { build: 'b-1', width: 3840, height: 2160, renderMs: 420 };

	it('is online while it reports, offline when its connection closes or it falls silent', async () => {
		const c = clock();
		const status = createDisplayStatus(memoryStatusHash(), c.now);
		await status.connected('r', 'd');
		await status.reported('r', 'd', report);
		expect((await status.list('r')).d).toMatchObject({
			online: true,
			build: 'b-1',
			width: 3840,
			renderMs: 420,
			reconnectsLastDay: 0
		});
		c.advance(SILENT_AFTER_MS);
		expect((await status.list('r')).d!.online).toBe(false);
		await status.reported('r', 'd', report);
		await status.disconnected('r', 'd');
		expect((await status.list('r')).d!.online).toBe(false);
	});

	it('counts reconnects over the last day, not the first connection', async () => {
		const c = clock();
		const status = createDisplayStatus(memoryStatusHash(), c.now);
		await status.connected('r', 'd');
		for (let i = 0; i < 3; i++) {
			c.advance(60_000);
			await status.disconnected('r', 'd');
			await status.connected('r', 'd');
		}
		expect((await status.list('r')).d!.reconnectsLastDay).toBe(3);
		c.advance(25 * 3600_000);
		await status.connected('r', 'd');
		expect((await status.list('r')).d!.reconnectsLastDay).toBe(1);
	});

	it('a screen offline longer than its alert time is flagged, in words', () => {
		const display: Display = {
			id: 'd',
			name: 'Lobby',
			location: '',
			mode: 'room',
			rotation: { stageIds: [], intervalSec: 30 },
			offlineAlertMin: 5
		};
		const health = {
			online: false,
			lastSeenAt: 0,
			connectedAt: 0,
			build: 'b',
			width: 1920,
			height: 1080,
			renderMs: 300,
			reconnectsLastDay: 2
		};
		expect(readHealth(display, health, 4 * 60_000)).toMatchObject({ state: 'offline', flagged: false });
		const late = readHealth(display, health, 6 * 60_000);
		expect(late).toMatchObject({ state: 'offline', flagged: true, summary: 'Offline, last heard from 6 min ago.' });
		expect(late.figures).toContainEqual({ label: 'Resolution', value: '1920 × 1080' });
		expect(readHealth(display, null, 0)).toMatchObject({ state: 'never', flagged: false });
	});
});
