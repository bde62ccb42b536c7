// "Where we let customers down" and "what changed since the last session", from room states built by
// folding commands the way the engine does.
import { describe, expect, it } from 'vitest';
import { emptyRoom, type Command, type RoomState } from '../../src/lib/domain';
import { lastSessionStart, linksOf, rankLetdowns, teamProgressSince } from '../../src/lib/client/evidence';
import { demoRoomCommands } from '../../server/seed/demo-room';
import { applyAll, command, contextFor } from '../support/factories';

const MONTHS = [
	'2025-04',
	'2025-05',
	'2025-06',
	'2025-07',
	'2025-08',
	'2025-09',
	'2025-10',
	'2025-11',
	'2025-12',
	'2026-01',
	'2026-02',
	'2026-03'
];
/** The clock the ranking reads: the month after MONTHS, so the last of them is complete. */
const AFTER_MONTHS = Date.parse('2026-04-10T09:00:00Z');

/** One stage with a room's worth of evidence for and against. */
function stageWithEvidence(): RoomState {
	const commands: Command[] = [
		command('room.create'),
		command('stage.add', { stageId: 'apply', name: 'Apply' }),
		command('touchpoint.add', {
			touchpointId: 'tp-mot',
			stageId: 'apply',
			name: 'App application',
			momentOfTruth: true,
			departments: ['Product', 'IT']
		}),
		command('touchpoint.add', { touchpointId: 'tp-plain', stageId: 'apply', name: 'Status emails', departments: ['Operations'] }),
		command('touchpoint.add', {
			touchpointId: 'tp-fine',
			stageId: 'apply',
			name: 'Branch desk',
			importance: 7,
			performance: 8,
			internalScore: 7
		}),
		command('touchpoint.add', {
			touchpointId: 'tp-gap',
			stageId: 'apply',
			name: 'ID check',
			importance: 9,
			performance: 4,
			internalScore: 7
		}),
		command('touchpoint.assess', { touchpointId: 'tp-mot', maturity: 'broken', evidence: '38% finish' }),
		command('touchpoint.assess', { touchpointId: 'tp-plain', maturity: 'broken', evidence: 'Late' }),
		command('touchpoint.assess', { touchpointId: 'tp-fine', maturity: 'reliable', evidence: 'Fine' }),
		command('touchpoint.assess', { touchpointId: 'tp-gap', maturity: 'reliable', evidence: 'We think so' }),
		command('kpi.define', {
			kpiId: 'k-red',
			stageId: 'apply',
			touchpointId: 'tp-mot',
			name: 'Days to open',
			unit: 'days',
			direction: 'lower',
			target: 3,
			warning: 1,
			department: 'Operations'
		}),
		command('kpi.record', {
			kpiId: 'k-red',
			points: [
				{ date: '2026-02-01', value: 5 },
				{ date: '2026-03-01', value: 6 }
			]
		}),
		command('kpi.define', {
			kpiId: 'k-green',
			stageId: 'apply',
			name: 'Uptime',
			unit: '%',
			direction: 'higher',
			target: 99,
			warning: 0.5
		}),
		command('kpi.record', { kpiId: 'k-green', points: [{ date: '2026-03-01', value: 99.9 }] }),
		command('complaint.define', {
			categoryId: 'c-jump',
			stageId: 'apply',
			name: "Can't open account",
			departments: ['Operations', 'IT']
		}),
		command('complaint.define', {
			categoryId: 'c-steady',
			stageId: 'apply',
			name: 'Slow replies',
			departments: ['Customer Service']
		}),
		command('survey.define', { surveyId: 's-ces', kind: 'ces', stageId: 'apply', question: 'Opening my account was easy.' }),
		command('survey.define', { surveyId: 's-thin', kind: 'ces', stageId: 'apply', question: 'The branch made it easy.' })
	];
	const flat = [50, 52, 49, 51, 50, 48, 52, 50, 49, 51, 50];
	MONTHS.forEach((period, i) => {
		commands.push(command('complaint.count', { categoryId: 'c-jump', period, count: i < 11 ? flat[i]! : 140 }));
		commands.push(command('complaint.count', { categoryId: 'c-steady', period, count: 20 }));
	});
	// 100 answers: 40 easy (5-7), 60 not: low. 10 answers, 2 easy: low, but a thin sample.
	commands.push(command('survey.record', { surveyId: 's-ces', period: '2026-03', counts: [10, 15, 15, 20, 20, 10, 10] }));
	commands.push(command('survey.record', { surveyId: 's-thin', period: '2026-03', counts: [2, 2, 2, 2, 1, 1, 0] }));
	return applyAll(commands);
}

describe('rankLetdowns', () => {
	const state = stageWithEvidence();
	const ranked = rankLetdowns(state, 'apply', AFTER_MONTHS);
	const byId = (id: string) => ranked.find((l) => l.id === id);

	it('ranks a broken moment of truth above a broken ordinary touchpoint, and says why', () => {
		const mot = byId('tp-mot')!;
		const plain = byId('tp-plain')!;
		expect(mot.reasons).toContain('Moment of truth, broken');
		expect(plain.reasons).toContain('Broken');
		expect(mot.score).toBeGreaterThan(plain.score);
		expect(ranked.indexOf(mot)).toBeLessThan(ranked.indexOf(plain));
		expect(mot.departments).toEqual(['Product', 'IT']);
	});

	it('leaves out what shows no evidence against it', () => {
		expect(byId('tp-fine')).toBeUndefined();
		expect(byId('k-green')).toBeUndefined();
	});

	it('counts the gap between how we rate a touchpoint and how customers do', () => {
		const gap = byId('tp-gap')!;
		expect(gap.reasons).toContain('We rate it 7.0, customers 4.0 (gap +3.0)');
		expect(gap.reasons).toContain('Matters to customers (9.0/10) but performs 4.0/10');
		expect(gap.score).toBe(30 + 15);
	});

	it('reads a red KPI against its target', () => {
		const kpi = byId('k-red')!;
		expect(kpi.kind).toBe('kpi');
		expect(kpi.reasons[0]).toBe('Red: 6 days against a target of ≤ 3 days');
		expect(kpi.figure).toBe('6 days');
		// Red (60) on a moment of truth (10).
		expect(kpi.score).toBe(70);
	});

	it('puts a complaint signal well above a steady complaint, and gives the month', () => {
		const jump = byId('c-jump')!;
		const steady = byId('c-steady')!;
		expect(jump.reasons).toContain('Signal: unusually many complaints (XmR), not a wiggle');
		expect(jump.figure).toBe('140 complaints in Mar 2026');
		expect(steady.reasons).toEqual([]);
		expect(jump.score).toBe(70 + 10 + 30);
		expect(steady.score).toBe(Math.round((30 * 20) / 140));
	});

	it('flags a low survey score, and halves a thin sample', () => {
		const ces = byId('s-ces')!;
		expect(ces.reasons).toEqual(['Low: 40% found it easy (5-7 of 7)']);
		expect(ces.score).toBe(40);
		const thin = byId('s-thin')!;
		expect(thin.reasons).toContain('Thin sample (n = 10)');
		expect(thin.score).toBe(20);
	});

	it('orders by score, strongest first', () => {
		const scores = ranked.map((l) => l.score);
		expect(scores).toEqual([...scores].sort((a, b) => b - a));
		expect(ranked[0]!.id).toBe('c-jump');
		expect(ranked[1]!.id).toBe('tp-mot');
	});

	it('names the open teams already on an item, and forgets them once they won', () => {
		const charter = command('team.charter', {
			teamId: 'team-open',
			stageId: 'apply',
			links: { touchpoints: ['tp-mot'], complaints: ['c-jump'], kpis: [], surveys: [] }
		});
		const withTeam = applyAll([charter], state);
		expect(rankLetdowns(withTeam, 'apply', AFTER_MONTHS).find((l) => l.id === 'c-jump')!.coveredBy).toEqual(['team-open']);
		const won = applyAll([command('team.setStatus', { teamId: 'team-open', status: 'won', note: '' })], withTeam);
		expect(rankLetdowns(won, 'apply', AFTER_MONTHS).find((l) => l.id === 'c-jump')!.coveredBy).toEqual([]);
	});

	it('finds nothing in an empty stage', () => {
		expect(
			rankLetdowns(applyAll([command('room.create'), command('stage.add', { stageId: 's' })], emptyRoom()), 's', AFTER_MONTHS)
		).toEqual([]);
	});

	it('leads the demo room’s help stage with the debt-collection signal and the broken contact centre', () => {
		const demo = applyAll(demoRoomCommands(new Date('2026-11-15T12:00:00Z')));
		const help = rankLetdowns(demo, 'help', Date.parse('2026-11-15T12:00:00Z'));
		const top = help.slice(0, 3).map((l) => l.id);
		expect(top).toContain('c-not-owed');
		expect(top).toContain('tp-contact-centre');
		expect(help.find((l) => l.id === 'c-not-owed')!.coveredBy).toEqual(['t-wrong-debt']);
	});
});

describe('linksOf', () => {
	it('groups selected items by kind, once each', () => {
		expect(
			linksOf([
				{ kind: 'complaint', id: 'c-1' },
				{ kind: 'touchpoint', id: 'tp-1' },
				{ kind: 'complaint', id: 'c-1' },
				{ kind: 'kpi', id: 'k-1' }
			])
		).toEqual({ touchpoints: ['tp-1'], complaints: ['c-1'], kpis: ['k-1'], surveys: [] });
	});
});

describe('teamProgressSince', () => {
	const at = (iso: string) => contextFor('contributor', iso);
	const base = applyAll(
		[
			...[
				command('room.create'),
				command('stage.add', { stageId: 'apply' }),
				command('touchpoint.add', { touchpointId: 'tp-1', stageId: 'apply' }),
				command('kpi.define', { kpiId: 'k-1', stageId: 'apply', direction: 'lower' }),
				command('kpi.record', {
					kpiId: 'k-1',
					points: [
						{ date: '2026-01-01', value: 11 },
						{ date: '2026-02-01', value: 10 }
					]
				}),
				command('team.charter', {
					teamId: 'team-1',
					stageId: 'apply',
					links: { touchpoints: ['tp-1'], complaints: [], kpis: ['k-1'], surveys: [] }
				}),
				command('session.start', { sessionId: 'march', title: 'March', agenda: ['apply'] })
			],
			command('session.end')
		],
		emptyRoom(),
		contextFor('facilitator', '2026-03-05T10:00:00.000Z')
	);
	const before = applyAll(
		[command('team.post', { teamId: 'team-1', updateId: 'u-old', kind: 'note', text: 'Before' })],
		base,
		at('2026-03-01T09:00:00.000Z')
	);
	const after = applyAll(
		[
			command('team.post', { teamId: 'team-1', updateId: 'u-new', kind: 'finding', text: 'Found it' }),
			command('team.setStatus', { teamId: 'team-1', status: 'fixing', note: 'Root cause agreed with IT' }),
			command('touchpoint.assess', { touchpointId: 'tp-1', maturity: 'reliable', evidence: 'Fixed' }),
			command('kpi.record', { kpiId: 'k-1', points: [{ date: '2026-04-01', value: 4 }] })
		],
		before,
		at('2026-04-02T09:00:00.000Z')
	);

	it('starts "since" at the last session', () => {
		expect(lastSessionStart(after)).toBe('2026-03-05T10:00:00.000Z');
		expect(lastSessionStart(emptyRoom())).toBeNull();
	});

	it('lists the status changes with their notes, updates, ladder moves and KPI movement since then', () => {
		const [progress] = teamProgressSince(after, ['team-1', 'no-such-team'], lastSessionStart(after)!);
		expect(progress!.statuses.map((c) => [c.from, c.to, c.note, c.by])).toEqual([
			['chartered', 'fixing', 'Root cause agreed with IT', 'Cole Contributor']
		]);
		expect(progress!.updates.map((u) => u.id)).toEqual(['u-new']);
		expect(progress!.moves.map((m) => `${m.change.from}→${m.change.to}`)).toEqual(['unassessed→reliable']);
		expect(progress!.kpis).toHaveLength(1);
		const kpi = progress!.kpis[0]!;
		expect([kpi.then?.value, kpi.now.value, kpi.better]).toEqual([10, 4, true]);
	});
});
