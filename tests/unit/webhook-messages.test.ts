/**
 * Which room events become webhook messages, and what they say; and which addresses the server refuses
 * to send them to.
 */
import { describe, expect, it } from 'vitest';
import { buildRoom, command, step } from '../support/factories';
import { messagesOf, screenOfflineMessages } from '../../server/webhooks/messages';
import { isPrivateAddress } from '../../server/webhooks/address-guard';
import { shapeBody } from '../../server/webhooks/presets';

describe('webhook messages', () => {
	const room = buildRoom({ stages: 1, complaintsPerStage: 1 });

	it('a KPI crossing its target makes one message each way; staying on one side makes none', () => {
		let state = step(room.state, command('kpi.define', { kpiId: 'days', stageId: room.ids.stages[0]! })).state;
		const record = (date: string, value: number) => {
			const s = step(state, command('kpi.record', { kpiId: 'days', points: [{ date, value }] }));
			state = s.state;
			return messagesOf('room-1', 'e1', s.recorded, state);
		};
		// Lower is better, target 3.
		expect(record('2026-01-01', 5)).toEqual([]);
		expect(record('2026-02-01', 4)).toEqual([]);
		const met = record('2026-03-01', 2.5);
		expect(met).toHaveLength(1);
		expect(met[0]).toMatchObject({
			kind: 'kpi.targetCrossed',
			body: { type: 'kpi.targetCrossed', data: { met: true, value: 2.5 } }
		});
		expect(met[0]!.text).toBe('Days to open an account now meets its target: 2.5days on 2026-03-01 (target 3days).');
		expect(record('2026-04-01', 3)).toEqual([]);
		expect(record('2026-05-01', 6)[0]).toMatchObject({ body: { data: { met: false } } });
		// A late point for an old date does not say the KPI crossed now.
		expect(record('2025-12-01', 1)).toEqual([]);
	});

	it('a KPI point far outside its usual range is a new signal, said once', () => {
		let state = step(room.state, command('kpi.define', { kpiId: 'wait', stageId: room.ids.stages[0]!, target: null })).state;
		const record = (date: string, value: number) => {
			const s = step(state, command('kpi.record', { kpiId: 'wait', points: [{ date, value }] }));
			state = s.state;
			return messagesOf('room-1', 'e1', s.recorded, state).filter((m) => m.kind === 'kpi.signal');
		};
		const usual = [5, 6, 5, 4, 5, 6, 5, 4];
		for (const [i, value] of usual.entries()) expect(record(`2026-01-${String(i + 1).padStart(2, '0')}`, value)).toEqual([]);
		const [signal] = record('2026-01-20', 40);
		expect(signal).toMatchObject({ body: { data: { signal: 'high', adverse: true, value: 40 } } });
		expect(signal!.text).toContain('is unusually high, worse than its usual range');
	});

	it('complaints far above their usual monthly count are a new signal', () => {
		let state = room.state;
		const categoryId = room.ids.complaints[0]!;
		const count = (period: string, n: number) => {
			const s = step(state, command('complaint.count', { categoryId, period, count: n }));
			state = s.state;
			return messagesOf('room-1', 'e1', s.recorded, state);
		};
		for (const [i, n] of [20, 22, 19, 21, 20, 23].entries()) expect(count(`2026-0${i + 1}`, n)).toEqual([]);
		const [signal] = count('2026-07', 90);
		expect(signal).toMatchObject({ kind: 'complaint.signal', body: { data: { signal: 'high', count: 90, period: '2026-07' } } });
	});

	it('an import says what its points and counts would: a message per KPI that crossed its target, ids apart', () => {
		let state = room.state;
		for (const kpiId of ['days', 'calls'])
			state = step(state, command('kpi.define', { kpiId, stageId: room.ids.stages[0]!, name: kpiId })).state;
		state = step(state, command('kpi.record', { kpiId: 'days', points: [{ date: '2026-01-01', value: 5 }] })).state;
		state = step(state, command('kpi.record', { kpiId: 'calls', points: [{ date: '2026-01-01', value: 5 }] })).state;
		const imported = step(
			state,
			command('import.apply', {
				basedOn: Object.keys(state.imports).length,
				delta: {
					categories: [],
					kpis: [],
					surveys: [],
					complaintCounts: [],
					complaintQuotes: [],
					kpiPoints: [
						{ kpiId: 'days', points: [{ date: '2026-02-01', value: 2 }] },
						{ kpiId: 'calls', points: [{ date: '2026-02-01', value: 1 }] }
					],
					surveyCounts: [],
					surveyQuotes: [],
					placements: [],
					toReview: []
				}
			})
		);
		const crossed = messagesOf('room-1', 'e1', imported.recorded, imported.state).filter((m) => m.kind === 'kpi.targetCrossed');
		expect(crossed.map((m) => m.body.data.kpiId).sort()).toEqual(['calls', 'days']);
		expect(new Set(crossed.map((m) => m.id)).size).toBe(2);
	});

	it('a session that ends sends its own minutes, not an older session’s, also when read after the next one started', () => {
		let state = room.state;
		const run = (sessionId: string, title: string, decision: string) => {
			state = step(state, command('session.start', { sessionId, title, agenda: [] })).state;
			state = step(state, command('session.decide', { decisionId: `${sessionId}-d`, text: decision })).state;
			const ended = step(state, command('session.end', {}));
			state = ended.state;
			return ended.recorded;
		};
		run('s1', 'November session', 'Fix the letters');
		const decemberEnd = run('s2', 'December session', 'Open a fix team for fees');
		const [message] = messagesOf('room-1', 'e1', decemberEnd, state).filter((m) => m.kind === 'session.ended');
		expect(message!.body.data.session).toMatchObject({
			id: 's2',
			title: 'December session',
			decisions: ['Open a fix team for fees']
		});
		expect(message!.text).toBe('Session ended: December session. 1 decisions, 0 teams chartered, 0 wins.');
		// Read again once a third session runs (a catch-up after an outage): still December's.
		state = step(state, command('session.start', { sessionId: 's3', title: 'January session', agenda: [] })).state;
		const again = messagesOf('room-1', 'e1', decemberEnd, state).find((m) => m.kind === 'session.ended');
		expect(again!.body.data.session).toMatchObject({ id: 's2' });
	});

	it('a screen offline longer than its alert time makes one message per outage; online or briefly away, none', () => {
		const state = step(room.state, command('display.register', {})).state;
		const display = Object.values(state.displays)[0]!;
		const minute = 60_000;
		const t0 = Date.UTC(2026, 11, 7, 9, 0);
		const health = (online: boolean, lastSeenAt: number) => ({
			[display.id]: {
				online,
				lastSeenAt,
				connectedAt: t0,
				build: 'b',
				width: 3840,
				height: 2160,
				renderMs: 400,
				reconnectsLastDay: 0
			}
		});
		expect(screenOfflineMessages('room-1', state, health(true, t0), t0 + 60 * minute)).toEqual([]);
		// Its alert time is 10 minutes unless its settings say otherwise.
		expect(screenOfflineMessages('room-1', state, health(false, t0), t0 + 9 * minute)).toEqual([]);
		const [late] = screenOfflineMessages('room-1', state, health(false, t0), t0 + 12 * minute);
		expect(late).toMatchObject({ kind: 'screen.offline', body: { data: { displayId: display.id, minutesOffline: 12 } } });
		expect(late!.text).toContain(`The screen "${display.name}" has been offline for 12 minutes`);
		// The same outage checked again later is the same message (the queue takes it once); a new one is another.
		expect(screenOfflineMessages('room-1', state, health(false, t0), t0 + 30 * minute)[0]!.id).toBe(late!.id);
		expect(screenOfflineMessages('room-1', state, health(false, t0 + 60 * minute), t0 + 80 * minute)[0]!.id).not.toBe(late!.id);
	});

	it('one event is one message id, whichever instance makes it', () => {
		const s = step(room.state, command('win.mark', { stageId: room.ids.stages[0]! }));
		const [first] = messagesOf('room-1', 'e1', s.recorded, s.state);
		const [again] = messagesOf('room-1', 'e1', s.recorded, s.state);
		expect(first!.id).toBe(again!.id);
		expect(first!.id).toBe(`msg_room-1_e1_${s.recorded[0]!.v}_win.marked`);
	});

	it('Slack text escapes its markup characters so a headline cannot forge a link', () => {
		const s = step(room.state, command('win.mark', { stageId: room.ids.stages[0]!, headline: 'Fees <b> & <http://x|y>' }));
		const [message] = messagesOf('room-1', 'e1', s.recorded, s.state);
		const body = shapeBody('slack', message!, 'https://room.example.com/rooms/room-1') as { text: string };
		expect(body.text).toContain('Fees &lt;b&gt; &amp; &lt;http://x|y&gt;');
		expect(body.text.endsWith('<https://room.example.com/rooms/room-1|Open Northwind Customer Room>')).toBe(true);
	});
});

describe('addresses webhooks may not reach (without WEBHOOK_ALLOW_PRIVATE)', () => {
	it.each([
		'127.0.0.1',
		'127.8.9.10',
		'10.1.2.3',
		'172.16.0.1',
		'172.31.255.255',
		'192.168.1.1',
		'169.254.169.254',
		'100.64.0.1',
		'0.0.0.0',
		'224.0.0.1',
		'255.255.255.255',
		'::1',
		'::',
		'fe80::1',
		'fd00::1',
		'::ffff:127.0.0.1',
		'::ffff:10.0.0.1',
		'::ffff:7f00:1',
		'::ffff:a9fe:a9fe',
		'not an address'
	])('%s is refused', (address) => expect(isPrivateAddress(address)).toBe(true));

	it.each([
		'8.8.8.8',
		'1.1.1.1',
		'172.32.0.1',
		'93.184.216.34',
		'2606:4700:4700::1111',
		'2001:4860:4860::8888',
		'::ffff:8.8.8.8',
		'::ffff:808:808'
	])('%s is public', (address) => expect(isPrivateAddress(address)).toBe(false));
});
