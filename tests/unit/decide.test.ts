// The rules of the room, as a person using it would meet them: who may do what, and what the room
// refuses and why. Every command is folded through decide/evolve with the factories' fold helper.
import { describe, expect, it } from 'vitest';
import {
	COMMAND_TYPES,
	LIMITS,
	OPEN_TEAM_STATUSES,
	DEFAULT_REDACTION,
	RoomState,
	emptyRoom,
	mayIssue,
	stageKpis,
	type CommandType
} from '../../src/lib/domain';
import {
	NOW,
	PEOPLE,
	apply,
	applyAll,
	buildRoom,
	command,
	contextFor,
	furnishedRoom,
	refusal,
	step,
	waitingForReview
} from '../support/factories';

/** What every role may send, in their own name: checking in and voting (leadership attendees are often viewers). */
const EVERY_ROLE: ReadonlySet<CommandType> = new Set<CommandType>(['session.checkIn', 'vote.cast']);

/**
 * What a contributor may send. Written out for every command type so a new command is a compile error
 * until someone decides whether contributors may send it.
 */
const CONTRIBUTOR_MAY: Record<CommandType, boolean> = {
	'room.create': false,
	'room.configure': false,
	'room.archive': false,
	'room.unarchive': false,
	'room.redact': false,
	'department.add': false,
	'department.rename': false,
	'department.merge': false,
	'department.remove': false,
	'stage.add': true,
	'stage.update': true,
	'stage.move': true,
	'stage.remove': false,
	'touchpoint.add': true,
	'touchpoint.update': true,
	'touchpoint.assess': true,
	'touchpoint.remove': false,
	'artifact.add': true,
	'artifact.update': true,
	'artifact.remove': true,
	'complaint.define': true,
	'complaint.update': true,
	'complaint.count': true,
	'complaint.quote': true,
	'complaint.remove': false,
	'rule.save': true,
	'rule.remove': true,
	'review.place': true,
	'kpi.define': true,
	'kpi.update': true,
	'kpi.record': true,
	'kpi.unrecord': true,
	'kpi.move': true,
	'kpi.remove': false,
	'survey.define': true,
	'survey.update': true,
	'survey.record': true,
	'survey.quote': true,
	'survey.remove': false,
	'team.charter': false,
	'team.update': true,
	'team.setStatus': true,
	'team.post': true,
	'win.mark': false,
	'win.retract': false,
	'session.start': false,
	'session.focus': false,
	'session.setTimer': false,
	'session.attend': false,
	'session.decide': false,
	'session.reviseDecision': false,
	'session.removeDecision': false,
	'session.end': false,
	'session.checkIn': true,
	'vote.open': false,
	'vote.cast': true,
	'vote.reveal': false,
	'vote.cancel': false,
	'call.play': false,
	'call.pause': false,
	'call.stop': false,
	'spotlight.set': false,
	'spotlight.clear': false,
	'display.register': false,
	'display.update': false,
	'display.remove': false,
	'import.apply': true,
	'room.restore': false,
	'import.deleteFile': false,
	'phrases.record': false,
	'action.create': false,
	'action.update': false,
	'action.assign': false,
	// Their own actions only (decide checks the owner).
	'action.complete': true,
	'action.reopen': true,
	'action.remove': false
};

/** A room that keeps raw uploads for a day, with an import made two days before NOW: its raw file is due. */
function withDueRawFile(state: RoomState): RoomState {
	const settings = {
		corridorHidesVerbatims: true,
		theme: 'dark' as const,
		redaction: { ...DEFAULT_REDACTION, importFile: 'raw' as const, rawDays: 1 }
	};
	const kept = apply(state, command('room.configure', { patch: { settings } }));
	const earlier = new Date(Date.parse(NOW) - 2 * 86_400_000).toISOString();
	return apply(kept, command('import.apply', { rawFile: true }), contextFor('facilitator', earlier));
}

/** A furnished room in which `type`'s example has what it needs (a running session, a spotlight...). */
function roomReadyFor(type: CommandType) {
	if (type === 'room.create' || type === 'room.restore') return emptyRoom();
	if (type === 'stage.remove') return buildRoom({ stages: 2 }).state;
	let state = furnishedRoom().state;
	if (type.startsWith('session.') && type !== 'session.start') state = apply(state, command('session.start'));
	if (type === 'session.reviseDecision' || type === 'session.removeDecision') state = apply(state, command('session.decide'));
	if (type.startsWith('vote.')) state = apply(state, command('session.start'));
	if (type === 'vote.cast' || type === 'vote.reveal' || type === 'vote.cancel') state = apply(state, command('vote.open'));
	if (type === 'spotlight.clear') state = apply(state, command('spotlight.set'));
	if (type === 'call.pause' || type === 'call.stop') state = apply(state, command('call.play'));
	if (type === 'kpi.unrecord') state = apply(state, command('kpi.record'));
	if (type === 'room.unarchive') state = apply(state, command('room.archive'));
	if (type === 'rule.remove') state = apply(state, command('rule.save', { ruleId: 'rule-1' }));
	if (type === 'review.place') state = apply(state, waitingForReview());
	if (type === 'import.deleteFile') state = withDueRawFile(state);
	// The contributor's own action: only its owner (or a facilitator) marks it done or opens it again.
	if (type === 'action.complete' || type === 'action.reopen') {
		state = apply(state, command('action.assign', { owner: { id: PEOPLE.contributor.id, name: PEOPLE.contributor.name } }));
	}
	if (type === 'action.reopen') state = apply(state, command('action.complete'));
	return state;
}

describe('roles', () => {
	it('knows every command type, with no duplicates', () => {
		expect(new Set(COMMAND_TYPES).size).toBe(COMMAND_TYPES.length);
		expect([...COMMAND_TYPES].sort()).toEqual(Object.keys(CONTRIBUTOR_MAY).sort());
	});

	it.each(COMMAND_TYPES)('%s: a facilitator may, a viewer may not, a contributor as the table says', (type) => {
		expect(mayIssue('facilitator', type)).toBe(true);
		expect(mayIssue('viewer', type)).toBe(EVERY_ROLE.has(type));
		expect(mayIssue('contributor', type)).toBe(CONTRIBUTOR_MAY[type]);
	});

	it('lets contributors post team updates and assess touchpoints, not charter, celebrate, run sessions or point', () => {
		for (const type of ['team.post', 'touchpoint.assess'] as const) expect(mayIssue('contributor', type)).toBe(true);
		const notForContributors = COMMAND_TYPES.filter(
			(t) =>
				(t === 'team.charter' || t.startsWith('win.') || t.startsWith('session.') || t.startsWith('spotlight.')) &&
				!EVERY_ROLE.has(t)
		);
		expect(notForContributors.length).toBeGreaterThanOrEqual(10);
		for (const type of notForContributors) expect(mayIssue('contributor', type), type).toBe(false);
	});

	it('refuses a viewer every command but checking in and voting with "forbidden", even in a furnished room, and changes nothing', () => {
		for (const type of COMMAND_TYPES.filter((t) => !EVERY_ROLE.has(t))) {
			const state = roomReadyFor(type);
			const { result, state: after } = step(state, command(type), contextFor('viewer'));
			expect(result.ok, type).toBe(false);
			if (!result.ok) {
				expect(result.error.code, type).toBe('forbidden');
				expect(result.error.message, type).toMatch(/^A viewer cannot /);
			}
			expect(after, type).toBe(state);
		}
	});

	it('refuses a contributor exactly the commands outside their table, with "forbidden"', () => {
		for (const type of COMMAND_TYPES) {
			const { result } = step(roomReadyFor(type), command(type), contextFor('contributor'));
			const forbidden = !result.ok && result.error.code === 'forbidden';
			expect(forbidden, type).toBe(!CONTRIBUTOR_MAY[type]);
		}
	});

	it('lets a facilitator issue every example command in a room ready for it', () => {
		for (const type of COMMAND_TYPES) {
			const { result } = step(roomReadyFor(type), command(type), contextFor('facilitator'));
			expect(result.ok ? 'accepted' : `${result.error.code}: ${result.error.message}`, type).toBe('accepted');
		}
	});
});

describe('the room itself', () => {
	it('refuses every command but room.create and room.restore on a room that does not exist yet, with "not_found"', () => {
		for (const type of COMMAND_TYPES.filter((t) => t !== 'room.create' && t !== 'room.restore')) {
			const error = refusal(emptyRoom(), command(type));
			expect(error.code, type).toBe('not_found');
			expect(error.message).toMatch(/does not exist/);
		}
	});

	it('creates the room with the default departments, stamped with the room id and time', () => {
		const state = apply(emptyRoom(), command('room.create'));
		expect(state.version).toBe(1);
		expect(state.meta).toMatchObject({ id: 'room-1', name: 'Northwind Customer Room', createdAt: NOW });
		expect(state.meta?.departments).toContain('Customer Service');
		expect(state.meta?.departments.length).toBe(9);
	});

	it('refuses to create a room twice, with "conflict"', () => {
		const state = apply(emptyRoom(), command('room.create'));
		expect(refusal(state, command('room.create', { name: 'Another' })).code).toBe('conflict');
	});
});

describe('fix teams', () => {
	const room = () => buildRoom({ stages: 1, touchpointsPerStage: 1, complaintsPerStage: 1, kpisPerStage: 1, surveysPerStage: 1 });
	const oneDepartment = [
		{ name: 'Sam', department: 'Sales' },
		{ name: 'Sue', department: 'Sales' }
	];

	it('refuses a team from one department, saying it needs at least two departments', () => {
		const error = refusal(room().state, command('team.charter', { members: oneDepartment }));
		expect(error.code).toBe('rule_violation');
		expect(error.message).toContain('at least two departments');
	});

	it('counts departments case-insensitively, so "Sales" and "SALES" are one', () => {
		const members = [
			{ name: 'Sam', department: 'Sales' },
			{ name: 'Sue', department: 'SALES' }
		];
		expect(refusal(room().state, command('team.charter', { members })).code).toBe('rule_violation');
	});

	it('charters a team spanning two departments, in status chartered, by the facilitator', () => {
		const state = apply(room().state, command('team.charter', { teamId: 'team-a' }));
		expect(state.teams['team-a']).toMatchObject({
			status: 'chartered',
			charteredBy: PEOPLE.facilitator.name,
			charteredAt: NOW,
			sessionId: null,
			updates: []
		});
	});

	it('refuses to shrink a team to one department', () => {
		const state = apply(room().state, command('team.charter', { teamId: 'team-a' }));
		const error = refusal(state, command('team.update', { teamId: 'team-a', patch: { members: oneDepartment } }));
		expect(error.code).toBe('rule_violation');
		expect(error.message).toContain('at least two departments');
	});

	it('links only items that exist, naming the missing ones', () => {
		const { state, ids } = room();
		const links = { touchpoints: ids.touchpoints, complaints: ['cat-404'], kpis: ids.kpis, surveys: ['survey-404'] };
		const error = refusal(state, command('team.charter', { links }));
		expect(error.code).toBe('not_found');
		expect(error.message).toContain('cat-404');
		expect(error.message).toContain('survey-404');

		const chartered = apply(state, command('team.charter', { teamId: 'team-a' }));
		const patch = { links: { touchpoints: ['tp-404'], complaints: [], kpis: [], surveys: [] } };
		expect(refusal(chartered, command('team.update', { teamId: 'team-a', patch })).code).toBe('not_found');
	});

	it('keeps links valid: removing a linked KPI drops it from the team', () => {
		const { state, ids } = room();
		const links = { touchpoints: ids.touchpoints, complaints: ids.complaints, kpis: ids.kpis, surveys: ids.surveys };
		let s = apply(state, command('team.charter', { teamId: 'team-a', links }));
		s = apply(s, command('kpi.remove', { kpiId: ids.kpis[0]! }));
		expect(s.teams['team-a']!.links).toEqual({ ...links, kpis: [] });
	});

	it('keeps the newest team updates first, signed by the author', () => {
		let s = apply(room().state, command('team.charter', { teamId: 'team-a' }));
		const post = (updateId: string, text: string) => command('team.post', { teamId: 'team-a', updateId, text });
		s = apply(s, post('u1', 'first'), contextFor('contributor', '2026-03-10T10:00:00.000Z'));
		s = apply(s, post('u2', 'second'), contextFor('facilitator', '2026-03-11T10:00:00.000Z'));
		expect(s.teams['team-a']!.updates.map((u) => [u.text, u.author, u.at])).toEqual([
			['second', PEOPLE.facilitator.name, '2026-03-11T10:00:00.000Z'],
			['first', PEOPLE.contributor.name, '2026-03-10T10:00:00.000Z']
		]);
		expect(refusal(s, command('team.post', { teamId: 'team-a', updateId: 'u1' })).code).toBe('conflict');
	});

	it(`keeps at most ${LIMITS.teamUpdates} updates, dropping the oldest`, () => {
		let s = apply(room().state, command('team.charter', { teamId: 'team-a' }));
		for (let i = 0; i < LIMITS.teamUpdates + 5; i++) {
			s = apply(s, command('team.post', { teamId: 'team-a', updateId: `u${i}`, text: `update ${i}` }));
		}
		const updates = s.teams['team-a']!.updates;
		expect(updates).toHaveLength(LIMITS.teamUpdates);
		expect(updates[0]!.text).toBe(`update ${LIMITS.teamUpdates + 4}`);
		expect(updates.at(-1)!.text).toBe('update 5');
	});

	it('refuses to set the status a team already has', () => {
		const { state } = buildRoom({ teams: 1 });
		expect(refusal(state, command('team.setStatus', { status: 'chartered' })).code).toBe('conflict');
	});
});

describe('touchpoint maturity', () => {
	it('records who moved it, when, from what to what and why, newest first', () => {
		const { state } = buildRoom({ touchpointsPerStage: 1 });
		const t1 = '2026-03-10T10:00:00.000Z';
		const t2 = '2026-04-14T10:00:00.000Z';
		const assess = (maturity: 'broken' | 'reliable', evidence: string) => command('touchpoint.assess', { maturity, evidence });
		let s = apply(state, assess('broken', '40% abandon'), contextFor('contributor', t1));
		s = apply(s, assess('reliable', 'Abandon rate 8%'), contextFor('facilitator', t2));
		const tp = s.touchpoints['tp-1']!;
		expect(tp.maturity).toBe('reliable');
		expect(tp.history).toEqual([
			{ from: 'broken', to: 'reliable', by: PEOPLE.facilitator.name, at: t2, evidence: 'Abandon rate 8%' },
			{ from: 'unassessed', to: 'broken', by: PEOPLE.contributor.name, at: t1, evidence: '40% abandon' }
		]);
	});

	it('refuses to assess a touchpoint at the level it already has', () => {
		const { state } = buildRoom({ touchpointsPerStage: 1 });
		const s = apply(state, command('touchpoint.assess', { maturity: 'broken' }));
		const error = refusal(s, command('touchpoint.assess', { maturity: 'broken' }));
		expect(error.code).toBe('conflict');
		expect(error.message).toContain('already broken');
		expect(refusal(state, command('touchpoint.assess', { maturity: 'unassessed' })).code).toBe('conflict');
	});

	it('refuses to assess a touchpoint that does not exist', () => {
		const { state } = buildRoom();
		expect(refusal(state, command('touchpoint.assess', { touchpointId: 'tp-404' })).code).toBe('not_found');
	});
});

describe('stages', () => {
	it('refuses to remove a stage that still holds items, saying how many', () => {
		const { state } = buildRoom({ stages: 2, touchpointsPerStage: 1, kpisPerStage: 1, teams: 1 });
		const error = refusal(state, command('stage.remove', { stageId: 'stage-1' }));
		expect(error.code).toBe('conflict');
		expect(error.message).toContain('3 items');
		expect(refusal(state, command('stage.remove', { stageId: 'stage-2' })).message).toContain('2 items');
	});

	it('removes an empty stage from the board and from the column order', () => {
		const { state } = buildRoom({ stages: 3 });
		const s = apply(state, command('stage.remove', { stageId: 'stage-2' }));
		expect(s.stageOrder).toEqual(['stage-1', 'stage-3']);
		expect(s.stages['stage-2']).toBeUndefined();
		expect(refusal(s, command('stage.remove', { stageId: 'stage-2' })).code).toBe('not_found');
	});

	it('adds stages at the end or at an index, and moves them', () => {
		let s = buildRoom({ stages: 3 }).state;
		s = apply(s, command('stage.add', { stageId: 'first', index: 0 }));
		s = apply(s, command('stage.add', { stageId: 'far', index: 999 }));
		expect(s.stageOrder).toEqual(['first', 'stage-1', 'stage-2', 'stage-3', 'far']);
		s = apply(s, command('stage.move', { stageId: 'first', index: 1000 }));
		expect(s.stageOrder).toEqual(['stage-1', 'stage-2', 'stage-3', 'far', 'first']);
		s = apply(s, command('stage.move', { stageId: 'far', index: 0 }));
		expect(s.stageOrder).toEqual(['far', 'stage-1', 'stage-2', 'stage-3', 'first']);
		expect(refusal(s, command('stage.add', { stageId: 'far' })).code).toBe('conflict');
	});

	it('refuses to place an item on a stage that does not exist, or under a touchpoint of another stage', () => {
		const { state } = buildRoom({ stages: 2, touchpointsPerStage: 1 });
		expect(refusal(state, command('kpi.define', { stageId: 'stage-404' })).code).toBe('not_found');
		expect(refusal(state, command('kpi.define', { touchpointId: 'tp-404' })).code).toBe('not_found');
		const error = refusal(state, command('kpi.define', { stageId: 'stage-1', touchpointId: 'tp-2' }));
		expect(error.code).toBe('rule_violation');
		expect(error.message).toContain('another stage');
	});
});

describe('surveys', () => {
	it('refuses a month of responses with the wrong number of counts, naming the scale', () => {
		const { state } = buildRoom({ surveysPerStage: 1 });
		const error = refusal(state, command('survey.record', { counts: [1, 2, 3, 4, 5] }));
		expect(error.code).toBe('rule_violation');
		expect(error.message).toContain('0-10');
		expect(error.message).toContain('11 points');
		expect(error.message).toContain('got 5');
	});

	it('records the raw distribution per month, and per segment separately', () => {
		const { state } = buildRoom({ surveysPerStage: 1 });
		const counts = [0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5];
		let s = apply(state, command('survey.record', { period: '2026-01', counts }));
		s = apply(s, command('survey.record', { period: '2026-01', counts: counts.map((c) => c * 2), segment: 'SME' }));
		expect(s.surveys['survey-1']!.responses).toEqual({ '2026-01': counts });
		expect(s.surveys['survey-1']!.bySegment).toEqual({ SME: { '2026-01': counts.map((c) => c * 2) } });
	});

	it('asks NPS on 0-10 only, CSAT on 1-5 or 1-7, CES on 1-7', () => {
		const { state } = buildRoom();
		const nps = refusal(state, command('survey.define', { kind: 'nps', scale: { min: 1, max: 5 } }));
		expect(nps.code).toBe('rule_violation');
		expect(nps.message).toContain('0-10');
		expect(refusal(state, command('survey.define', { kind: 'csat', scale: { min: 1, max: 10 } })).code).toBe('rule_violation');
		expect(refusal(state, command('survey.define', { kind: 'ces', scale: { min: 1, max: 5 } })).code).toBe('rule_violation');
		const s = applyAll(
			[
				command('survey.define', { surveyId: 'a', kind: 'csat', scale: { min: 1, max: 7 } }),
				command('survey.define', { surveyId: 'b', kind: 'ces' }),
				command('survey.define', { surveyId: 'c', kind: 'custom', scale: { min: 0, max: 3 } })
			],
			state
		);
		expect([s.surveys.a!.scale, s.surveys.b!.scale, s.surveys.c!.scale]).toEqual([
			{ min: 1, max: 7 },
			{ min: 1, max: 7 },
			{ min: 0, max: 3 }
		]);
	});
});

describe('survey scales and top-box rules', () => {
	it('lets a custom survey count its top boxes, within its scale, and refuses the rule on NPS, CSAT and CES', () => {
		const { state } = buildRoom();
		let s = apply(state, command('survey.define', { surveyId: 'c', kind: 'custom', scale: { min: 1, max: 5 }, topBoxFrom: 4 }));
		expect(s.surveys.c!.topBoxFrom).toBe(4);
		const outside = refusal(state, command('survey.define', { kind: 'custom', scale: { min: 1, max: 5 }, topBoxFrom: 6 }));
		expect(outside.code).toBe('rule_violation');
		expect(outside.message).toContain('2 to 5');
		expect(refusal(state, command('survey.define', { kind: 'custom', scale: { min: 1, max: 5 }, topBoxFrom: 1 })).code).toBe(
			'rule_violation'
		);
		expect(refusal(state, command('survey.define', { kind: 'nps', topBoxFrom: 9 })).message).toContain('Only a custom survey');
		s = apply(s, command('survey.update', { surveyId: 'c', patch: { topBoxFrom: 5 } }));
		expect(s.surveys.c!.topBoxFrom).toBe(5);
		// Turning it into a CSAT drops the custom rule: CSAT has its own.
		s = apply(s, command('survey.update', { surveyId: 'c', patch: { kind: 'csat' } }));
		expect(s.surveys.c!.kind).toBe('csat');
		expect(s.surveys.c!.topBoxFrom).toBeNull();
	});

	it("changes a survey's kind and scale while it has no responses, and never afterwards", () => {
		const { state } = buildRoom({ surveysPerStage: 1 });
		let s = apply(state, command('survey.update', { patch: { kind: 'csat', scale: { min: 1, max: 7 } } }));
		expect(s.surveys['survey-1']!.scale).toEqual({ min: 1, max: 7 });
		expect(refusal(s, command('survey.update', { patch: { kind: 'nps' } })).message).toContain('0-10');
		s = apply(s, command('survey.record', { period: '2026-01', counts: [1, 1, 1, 1, 1, 1, 1] }));
		const resized = refusal(s, command('survey.update', { patch: { scale: { min: 1, max: 5 } } }));
		expect(resized.code).toBe('rule_violation');
		expect(resized.message).toContain('already holds responses');
		// Same scale, another kind: the counts keep their meaning.
		s = apply(s, command('survey.update', { patch: { kind: 'custom', scale: { min: 1, max: 7 } } }));
		expect(s.surveys['survey-1']!.kind).toBe('custom');
	});
});

describe('KPI order and corrections', () => {
	it('moves a KPI within its stage, and the stage lists its KPIs in that order', () => {
		const { state } = buildRoom({ stages: 1, kpisPerStage: 3 });
		const ids = () => stageKpis(s.kpis, 'stage-1').map((k) => k.id);
		let s = state;
		const before = ids();
		expect(before).toHaveLength(3);
		s = apply(s, command('kpi.move', { kpiId: before[2]!, index: 0 }));
		expect(ids()).toEqual([before[2], before[0], before[1]]);
		s = apply(s, command('kpi.move', { kpiId: before[2]!, index: 2 }));
		expect(ids()).toEqual([before[0], before[1], before[2]]);
		const past = refusal(s, command('kpi.move', { kpiId: before[0]!, index: 3 }));
		expect(past.code).toBe('rule_violation');
		expect(past.message).toContain('3 KPIs');
		// A KPI defined later joins the end.
		s = apply(s, command('kpi.define', { kpiId: 'late', stageId: 'stage-1' }));
		expect(ids().at(-1)).toBe('late');
	});

	it('removes a wrong point by date, and says so when there is none on that date', () => {
		let s = buildRoom({ kpisPerStage: 1 }).state;
		s = apply(
			s,
			command('kpi.record', {
				points: [
					{ date: '2026-01-01', value: 1 },
					{ date: '2026-02-01', value: 999 }
				]
			})
		);
		s = apply(s, command('kpi.unrecord', { dates: ['2026-02-01'] }));
		expect(s.kpis['kpi-1']!.points).toEqual([{ date: '2026-01-01', value: 1 }]);
		const none = refusal(s, command('kpi.unrecord', { dates: ['2026-02-01'] }));
		expect(none.code).toBe('not_found');
		expect(none.message).toContain('2026-02-01');
	});
});

describe('verbatims and KPI points', () => {
	it(`keeps the ${LIMITS.verbatims} newest verbatims, newest first`, () => {
		let s = buildRoom({ complaintsPerStage: 1 }).state;
		for (let i = 0; i < LIMITS.verbatims + 10; i++) {
			const date = new Date(Date.UTC(2026, 0, 1 + ((i * 37) % 90))).toISOString().slice(0, 10);
			const verbatim = { id: `q${i}`, text: `quote ${i}`, date, channel: 'web', segment: null };
			s = apply(s, command('complaint.quote', { verbatim }));
		}
		const dates = s.complaints['cat-1']!.verbatims.map((v) => v.date);
		expect(dates).toHaveLength(LIMITS.verbatims);
		expect(dates).toEqual([...dates].sort().reverse());
		const kept = s.complaints['cat-1']!.verbatims[0]!;
		expect(refusal(s, command('complaint.quote', { verbatim: { ...kept, text: 'again' } })).code).toBe('conflict');
	});

	it('keeps KPI points sorted by date, one per date, the last recorded value winning', () => {
		let s = buildRoom({ kpisPerStage: 1 }).state;
		s = apply(
			s,
			command('kpi.record', {
				points: [
					{ date: '2026-03-01', value: 3 },
					{ date: '2026-01-01', value: 1 }
				]
			})
		);
		s = apply(
			s,
			command('kpi.record', {
				points: [
					{ date: '2026-02-01', value: 2 },
					{ date: '2026-03-01', value: 30 }
				]
			})
		);
		expect(s.kpis['kpi-1']!.points).toEqual([
			{ date: '2026-01-01', value: 1 },
			{ date: '2026-02-01', value: 2 },
			{ date: '2026-03-01', value: 30 }
		]);
	});

	it(`keeps at most ${LIMITS.kpiPoints} KPI points, dropping the oldest`, () => {
		let s = buildRoom({ kpisPerStage: 1 }).state;
		const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
		const points = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ date: day(from + i), value: from + i }));
		s = apply(s, command('kpi.record', { points: points(100, LIMITS.kpiPoints) }));
		s = apply(s, command('kpi.record', { points: points(0, 50) }));
		s = apply(s, command('kpi.record', { points: points(500, 10) }));
		const kept = s.kpis['kpi-1']!.points;
		expect(kept).toHaveLength(LIMITS.kpiPoints);
		expect(kept.at(-1)!.date).toBe(day(509));
		expect(kept[0]!.date).toBe(day(110));
	});
});

describe('wins', () => {
	it('marking a win for a team also moves the team to won, and counts it in the running session', () => {
		const { state } = buildRoom({ teams: 1 });
		const s0 = apply(state, command('session.start', { sessionId: 'march' }));
		const { state: s, result } = step(s0, command('win.mark', { winId: 'w', teamId: 'team-1' }));
		expect(result.ok && result.events.map((e) => e.type)).toEqual(['win.marked', 'team.statusChanged']);
		expect(s.version).toBe(s0.version + 2);
		expect(s.wins.w).toMatchObject({ teamId: 'team-1', headline: 'Fees shown up front', by: PEOPLE.facilitator.name, at: NOW });
		expect(s.teams['team-1']!.status).toBe('won');
		expect(s.session!.wins).toEqual(['w']);
	});

	it('does not change the status of a team that has already won', () => {
		const { state } = buildRoom({ teams: 1 });
		const s = apply(state, command('win.mark', { winId: 'w1', teamId: 'team-1' }));
		const { result } = step(s, command('win.mark', { winId: 'w2', teamId: 'team-1' }));
		expect(result.ok && result.events.map((e) => e.type)).toEqual(['win.marked']);
	});

	it('refuses a win for a team or stage that does not exist, and a win id used twice', () => {
		const { state } = buildRoom({ wins: 1 });
		expect(refusal(state, command('win.mark', { teamId: 'team-404' })).code).toBe('not_found');
		expect(refusal(state, command('win.mark', { stageId: 'stage-404' })).code).toBe('not_found');
		expect(refusal(state, command('win.mark', { winId: 'win-1' })).code).toBe('conflict');
	});

	it('retracting a spotlit win clears the spotlight and the session tally', () => {
		let s = apply(buildRoom().state, command('session.start'));
		s = apply(s, command('win.mark', { winId: 'w' }));
		s = apply(s, command('spotlight.set', { target: { kind: 'win', id: 'w' } }));
		s = apply(s, command('win.retract', { winId: 'w' }));
		expect(s.wins.w).toBeUndefined();
		expect(s.spotlight).toBeNull();
		expect(s.session!.wins).toEqual([]);
	});
});

describe('sessions', () => {
	it('opens with the teams that are open at its start, and no others', () => {
		let s = buildRoom({ teams: 4 }).state;
		s = apply(s, command('team.setStatus', { teamId: 'team-2', status: 'stalled' }));
		s = apply(s, command('team.setStatus', { teamId: 'team-3', status: 'won' }));
		s = apply(s, command('team.setStatus', { teamId: 'team-4', status: 'disbanded' }));
		s = apply(s, command('session.start', { sessionId: 'march', agenda: ['stage-1'] }));
		expect(s.session).toMatchObject({
			id: 'march',
			currentStageId: 'stage-1',
			attendees: [PEOPLE.facilitator.name],
			startedAt: NOW,
			endedAt: null
		});
		expect([...s.session!.openTeamsAtStart].sort()).toEqual(['team-1', 'team-2']);
		expect(OPEN_TEAM_STATUSES).not.toContain('won');
	});

	it('refuses a second session while one is running, and archives the last one when the next starts', () => {
		let s = apply(buildRoom().state, command('session.start', { sessionId: 'march' }));
		const error = refusal(s, command('session.start', { sessionId: 'april' }));
		expect(error.code).toBe('conflict');
		expect(error.message).toContain('End it');
		s = apply(s, command('session.end'), contextFor('facilitator', '2026-03-10T11:00:00.000Z'));
		expect(s.session!.endedAt).toBe('2026-03-10T11:00:00.000Z');
		s = apply(s, command('session.start', { sessionId: 'april' }));
		expect(s.session!.id).toBe('april');
		expect(s.pastSessions.map((p) => p.id)).toEqual(['march']);
	});

	it('records teams chartered during the session', () => {
		let s = apply(buildRoom().state, command('session.start', { sessionId: 'march' }));
		s = apply(s, command('team.charter', { teamId: 'new-team' }));
		expect(s.teams['new-team']!.sessionId).toBe('march');
		expect(s.session!.chartered).toEqual(['new-team']);
	});

	it('sets the timer to end `durationSec` after now, and stops it with null', () => {
		let s = apply(buildRoom().state, command('session.start'));
		s = apply(s, command('session.setTimer', { durationSec: 90 }), contextFor('facilitator', '2026-03-10T09:59:00.000Z'));
		expect(s.session!.timer).toEqual({ durationSec: 90, endsAt: '2026-03-10T10:00:30.000Z' });
		s = apply(s, command('session.setTimer', { durationSec: null }));
		expect(s.session!.timer).toBeNull();
	});

	it('refuses session commands when no session is running', () => {
		const { state } = buildRoom();
		for (const type of ['session.focus', 'session.setTimer', 'session.attend', 'session.decide', 'session.end'] as const) {
			expect(refusal(state, command(type)).code, type).toBe('conflict');
		}
	});

	it('does not list an attendee twice, and focuses only stages that exist', () => {
		const s = apply(buildRoom().state, command('session.start'));
		expect(refusal(s, command('session.attend', { name: PEOPLE.facilitator.name })).code).toBe('conflict');
		expect(refusal(s, command('session.focus', { stageId: 'stage-404' })).code).toBe('not_found');
		expect(refusal(apply(s, command('session.end')), command('session.start', { agenda: ['stage-404'] })).code).toBe('not_found');
	});
});

describe('spotlight', () => {
	it.each(['stage', 'touchpoint', 'team', 'win', 'artifact', 'kpi', 'survey', 'complaint'] as const)(
		'refuses to spotlight a %s that does not exist, with "not_found"',
		(kind) => {
			const error = refusal(furnishedRoom().state, command('spotlight.set', { target: { kind, id: 'nothing-here' } }));
			expect(error.code).toBe('not_found');
			expect(error.message).toContain(`no ${kind} nothing-here`);
		}
	);

	it('spotlights an existing item, signed and timed, and clears it once', () => {
		let s = apply(furnishedRoom().state, command('spotlight.set', { target: { kind: 'kpi', id: 'kpi-1' } }));
		expect(s.spotlight).toEqual({ target: { kind: 'kpi', id: 'kpi-1' }, by: PEOPLE.facilitator.name, at: NOW });
		s = apply(s, command('spotlight.clear'));
		expect(s.spotlight).toBeNull();
		expect(refusal(s, command('spotlight.clear')).code).toBe('conflict');
	});
});

describe('artifacts', () => {
	const bare = { blobId: null, url: null };

	it.each(['image', 'document', 'audio', 'video', 'link'] as const)('refuses a %s with neither an upload nor a link', (kind) => {
		const error = refusal(buildRoom().state, command('artifact.add', { kind, ...bare }));
		expect(error.code).toBe('rule_violation');
		expect(error.message).toContain('only notes need neither');
	});

	it('accepts a note with neither, an upload without a link and a link without an upload', () => {
		const s = applyAll(
			[
				command('artifact.add', { artifactId: 'note', kind: 'note', ...bare }),
				command('artifact.add', { artifactId: 'upload', kind: 'image', blobId: 'f'.repeat(64), url: null }),
				command('artifact.add', { artifactId: 'link', kind: 'link' })
			],
			buildRoom().state
		);
		expect(Object.keys(s.artifacts).sort()).toEqual(['link', 'note', 'upload']);
	});

	it('refuses a replacement that does not exist on update, and forgets a removed replacement', () => {
		let s = buildRoom({ artifactsPerStage: 2 }).state;
		expect(refusal(s, command('artifact.update', { patch: { replacedBy: 'art-404' } })).code).toBe('not_found');
		s = apply(s, command('artifact.update', { patch: { replacedBy: 'art-2' } }));
		s = apply(s, command('artifact.remove', { artifactId: 'art-2' }));
		expect(s.artifacts['art-1']!.replacedBy).toBeNull();
	});

	it('keeps items under a removed touchpoint on their stage', () => {
		let s = buildRoom({ touchpointsPerStage: 1 }).state;
		s = apply(s, command('artifact.add', { artifactId: 'a', touchpointId: 'tp-1' }));
		s = apply(s, command('touchpoint.remove', { touchpointId: 'tp-1' }));
		expect(s.artifacts.a).toMatchObject({ stageId: 'stage-1', touchpointId: null });
	});
});

// ---------------------------------------------------------------------------------------------
// Regressions: bugs the seeded fuzz and these tests found, each pinned with what a user should see.
// ---------------------------------------------------------------------------------------------

describe('fixed bugs', () => {
	// Ids that name Object.prototype members ("constructor", "toString", ...) must not be found where
	// nothing is: lookups use own properties only.
	it('a stage may be called "constructor" (prototype members are not things in the room)', () => {
		const s = apply(buildRoom().state, command('stage.add', { stageId: 'constructor', name: 'Build' }));
		expect(s.stageOrder).toContain('constructor');
	});

	it('updating a stage "hasOwnProperty" that does not exist is refused, not half-created', () => {
		const { state } = buildRoom();
		const { result, state: after } = step(state, command('stage.update', { stageId: 'hasOwnProperty', patch: { name: 'x' } }));
		expect(RoomState.safeParse(after).success).toBe(true);
		expect(result.ok).toBe(false);
	});

	it('spotlighting a KPI "toString" that does not exist is refused', () => {
		const error = refusal(buildRoom().state, command('spotlight.set', { target: { kind: 'kpi', id: 'toString' } }));
		expect(error.code).toBe('not_found');
	});

	it('an artifact cannot be added as replaced by an artifact that does not exist', () => {
		const error = refusal(buildRoom().state, command('artifact.add', { replacedBy: 'art-404' }));
		expect(error.code).toBe('not_found');
	});

	it('an update cannot strip a link artifact of its link (only notes need neither)', () => {
		const s = buildRoom({ artifactsPerStage: 1 }).state;
		const error = refusal(s, command('artifact.update', { patch: { url: null } }));
		expect(error.code).toBe('rule_violation');
	});

	it('moving a touchpoint to another stage leaves nothing under it on the old stage', () => {
		let s = buildRoom({ stages: 2, touchpointsPerStage: 1 }).state;
		s = apply(s, command('kpi.define', { kpiId: 'k', stageId: 'stage-1', touchpointId: 'tp-1' }));
		const { result, state: after } = step(
			s,
			command('touchpoint.update', { touchpointId: 'tp-1', patch: { stageId: 'stage-2' } })
		);
		// The move is accepted and the KPI moves along: never a KPI on stage-1 under a stage-2 touchpoint.
		expect(result.ok).toBe(true);
		expect(after.touchpoints['tp-1']!.stageId).toBe('stage-2');
		expect(after.kpis.k).toMatchObject({ stageId: 'stage-2', touchpointId: 'tp-1' });
	});

	it('the spotlight never points at something removed (as it already does for a retracted win)', () => {
		let s = buildRoom({ touchpointsPerStage: 1 }).state;
		s = apply(s, command('spotlight.set', { target: { kind: 'touchpoint', id: 'tp-1' } }));
		s = apply(s, command('touchpoint.remove', { touchpointId: 'tp-1' }));
		expect(s.spotlight).toBeNull();
	});

	it('removing a stage leaves no running session focused on it', () => {
		let s = buildRoom({ stages: 2 }).state;
		s = apply(s, command('session.start', { agenda: ['stage-2', 'stage-1'] }));
		const { result, state: after } = step(s, command('stage.remove', { stageId: 'stage-2' }));
		// The removal is accepted; the stage leaves the agenda and the session focuses no stage until the facilitator picks one.
		expect(result.ok).toBe(true);
		expect(after.session!.agenda).toEqual(['stage-1']);
		expect(after.session!.currentStageId).toBeNull();
	});

	it('a decision id used twice in a session is refused, like a team update id', () => {
		let s = apply(buildRoom().state, command('session.start'));
		s = apply(s, command('session.decide', { decisionId: 'd1', text: 'Fund the team.' }));
		expect(refusal(s, command('session.decide', { decisionId: 'd1', text: 'Something else.' })).code).toBe('conflict');
	});

	it('revises and removes a decision of the current session, and refuses one that is not there', () => {
		let s = apply(buildRoom().state, command('session.start'));
		s = apply(s, command('session.decide', { decisionId: 'd1', text: 'Fund the team.' }));
		s = apply(s, command('session.decide', { decisionId: 'd2', text: 'Review in May.' }));
		s = apply(s, command('session.reviseDecision', { decisionId: 'd1', text: 'Fund the team from the Q2 budget.' }));
		expect(s.session!.decisions.map((d) => [d.id, d.text])).toEqual([
			['d1', 'Fund the team from the Q2 budget.'],
			['d2', 'Review in May.']
		]);
		s = apply(s, command('session.removeDecision', { decisionId: 'd2' }));
		expect(s.session!.decisions.map((d) => d.id)).toEqual(['d1']);
		expect(refusal(s, command('session.removeDecision', { decisionId: 'd2' })).code).toBe('not_found');
		expect(refusal(s, command('session.reviseDecision', { decisionId: 'd9', text: 'Anything.' })).code).toBe('not_found');
		// After the session ends, its decisions can still be put right before the minutes go out.
		s = apply(s, command('session.end'));
		s = apply(s, command('session.reviseDecision', { decisionId: 'd1', text: 'Fund the team (Q2).' }));
		expect(s.session!.decisions[0]!.text).toBe('Fund the team (Q2).');
	});

	it(`an attendee beyond the ${LIMITS.attendees} cap is refused rather than accepted and silently dropped`, () => {
		let s = apply(buildRoom().state, command('session.start'));
		for (let i = 1; i < LIMITS.attendees; i++) s = apply(s, command('session.attend', { name: `Person ${i}` }));
		expect(s.session!.attendees).toHaveLength(LIMITS.attendees);
		const error = refusal(s, command('session.attend', { name: 'One too many' }));
		expect(error).toMatchObject({ code: 'rule_violation', message: `A session lists at most ${LIMITS.attendees} attendees.` });
	});
});
