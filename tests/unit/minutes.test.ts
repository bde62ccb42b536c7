// The session minutes, as Markdown, from a room state built by folding a whole monthly session.
import { describe, expect, it } from 'vitest';
import { emptyRoom, type RoomState } from '../../src/lib/domain';
import { inline, minutesFileName, minutesMarkdown, minutesSession } from '../../src/lib/client/minutes';
import { applyAll, command, contextFor } from '../support/factories';

const at = (iso: string) => contextFor('facilitator', iso);

/** A room with one team open from before, then a session that charters a team and marks its win. */
function monthlySession(): RoomState {
	let state = applyAll(
		[
			command('room.create', { name: 'Northwind Customer Room', organisation: 'Northwind' }),
			command('stage.add', { stageId: 'apply', name: 'Apply & open' }),
			command('stage.add', { stageId: 'help', name: 'Get help' }),
			command('complaint.define', { categoryId: 'c-open', stageId: 'apply', name: "Can't open account" }),
			command('team.charter', {
				teamId: 'team-old',
				name: 'Stop wrong-debt collections',
				stageId: 'help',
				dueDate: '2026-04-02',
				sponsor: 'CFO'
			}),
			command('team.post', { teamId: 'team-old', updateId: 'u-1', kind: 'blocker', text: 'Vendor file still weekly.' })
		],
		emptyRoom(),
		at('2026-02-20T09:00:00.000Z')
	);
	state = applyAll(
		[
			command('session.start', {
				sessionId: 'march',
				title: 'March session',
				agenda: ['apply', 'help'],
				timeboxSec: { apply: 1800, help: 1200 }
			}),
			command('session.attend', { name: 'Helen Carter' }),
			command('session.decide', { decisionId: 'd-1', text: 'Fund the ID-check fix from the Q2 budget.' })
		],
		state,
		at('2026-03-05T14:00:00.000Z')
	);
	state = applyAll(
		[
			command('team.charter', {
				teamId: 'team-new',
				name: 'Account opening in *one* sitting',
				problem: 'Only 38% finish on their phone.',
				stageId: 'apply',
				links: { touchpoints: [], complaints: ['c-open'], kpis: [], surveys: [] },
				members: [
					{ name: 'Priya Shah', department: 'Product' },
					{ name: 'Tom Becker', department: 'IT' }
				],
				sponsor: 'Helen Carter, COO',
				dueDate: '2026-04-02',
				baseline: '38% in one sitting',
				target: '70% in one sitting'
			}),
			command('session.focus', { stageId: 'help' })
		],
		state,
		at('2026-03-05T14:20:00.000Z')
	);
	return applyAll(
		[
			command('win.mark', {
				winId: 'w-1',
				teamId: 'team-old',
				stageId: 'help',
				headline: 'No more calls about debts not owed',
				before: '61 complaints a month',
				after: '9 a month'
			}),
			command('session.end')
		],
		state,
		at('2026-03-05T15:30:00.000Z')
	);
}

describe('minutesMarkdown', () => {
	const state = monthlySession();
	const md = minutesMarkdown(state, { timeZone: 'UTC' });

	it('heads the minutes with the session, the room and when it ran', () => {
		expect(md.startsWith('# March session\n\nNorthwind Customer Room · Northwind\n\n5 Mar 2026, 14:00–15:30\n')).toBe(true);
	});

	it('lists the attendees, the agenda with time planned and spent, and the decisions with their times', () => {
		expect(md).toContain('## Attendees (2)\n\nFran Facilitator, Helen Carter\n');
		expect(md).toContain(
			'## Agenda, with time planned and spent\n\n' +
				'1. Apply & open (30 min planned, 20:00 spent)\n' +
				'2. Get help (20 min planned, 70:00 spent, +50:00 over)\n'
		);
		expect(md).toContain('## Decisions (1)\n\n1. Fund the ID-check fix from the Q2 budget. (14:00)\n');
	});

	it('describes each team chartered: members with departments, sponsor, due date, baseline → target, evidence', () => {
		expect(md).toContain('## Fix teams chartered (1)');
		expect(md).toContain('### Account opening in \\*one\\* sitting');
		expect(md).toContain('- Members: Priya Shah (Product), Tom Becker (IT) (2 departments)');
		expect(md).toContain('- Executive sponsor: Helen Carter, COO');
		expect(md).toContain('- Due: 2 Apr 2026');
		expect(md).toContain('- Baseline → target: 38% in one sitting → 70% in one sitting');
		expect(md).toContain("  - Complaints: Can't open account");
		expect(md).not.toContain('### Stop wrong-debt collections');
	});

	it('lists the wins with before → after', () => {
		expect(md).toContain(
			'- **No more calls about debts not owed**: 61 complaints a month → 9 a month (team Stop wrong-debt collections, Get help; marked by Fran Facilitator at 15:30)'
		);
	});

	it('ends with the teams still open, the new ones marked, with their latest news', () => {
		const open = md.slice(md.indexOf('## Open fix teams'));
		expect(open).toContain('## Open fix teams (1)');
		expect(open).toContain(
			'- **Account opening in \\*one\\* sitting**: Chartered, due 2 Apr 2026, sponsor Helen Carter, COO, new this session'
		);
		// The team whose win was marked is no longer open.
		expect(open).not.toContain('Stop wrong-debt');
	});

	it('says so while the session is still running', () => {
		const running = applyAll(
			[
				command('team.post', { teamId: 'team-new', updateId: 'u-2', kind: 'finding', text: 'Glare fails the ID photo.' }),
				command('session.start', { sessionId: 'april', title: 'April session', agenda: [] })
			],
			state,
			at('2026-04-02T14:00:00.000Z')
		);
		const text = minutesMarkdown(running, { timeZone: 'UTC', now: new Date('2026-04-02T14:45:00.000Z') });
		expect(text).toContain('2 Apr 2026, 14:00–14:45 (session still running)');
		expect(text).toContain('## Fix teams chartered (0)\n\nNone.');
		expect(text).toContain('## Open fix teams (1)');
		expect(text).toContain('  - Latest: finding, Glare fails the ID photo. (Fran Facilitator, 2 Apr 2026)');
	});

	it('names the file after the room and the day', () => {
		expect(minutesFileName(state, minutesSession(state)!, 'UTC')).toBe('customer-room-minutes-room-1-2026-03-05.md');
	});

	it('has something to say before any session', () => {
		expect(minutesSession(emptyRoom())).toBeNull();
		expect(minutesMarkdown(emptyRoom())).toContain('No session has been held in this room yet.');
	});
});

describe('inline', () => {
	it('keeps a line a line, and text that looks like Markdown plain', () => {
		expect(inline('  two\nlines  ')).toBe('two lines');
		expect(inline('# not a heading')).toBe('\\# not a heading');
		expect(inline('a_b*c [link](x) <b> | `code`')).toBe('a\\_b\\*c \\[link\\](x) \\<b\\> \\| \\`code\\`');
	});
});

describe('since the last session', () => {
	it("says what moved between the session before and this one, oldest first, and nothing of the session's own", () => {
		let state = applyAll(
			[command('touchpoint.add', { touchpointId: 'tp-id', stageId: 'apply', name: 'ID check' })],
			monthlySession(),
			at('2026-03-06T09:00:00.000Z')
		);
		state = applyAll(
			[command('touchpoint.assess', { touchpointId: 'tp-id', maturity: 'broken', evidence: 'Half give up' })],
			state,
			at('2026-03-10T09:00:00.000Z')
		);
		state = applyAll(
			[command('team.setStatus', { teamId: 'team-new', status: 'fixing', note: 'Vendor picked' })],
			state,
			at('2026-03-20T09:00:00.000Z')
		);
		state = applyAll(
			[command('session.start', { sessionId: 'april', title: 'April session', agenda: ['apply'] })],
			state,
			at('2026-04-02T14:00:00.000Z')
		);
		// Moved during April's session: that is April's news, not what changed before it.
		state = applyAll(
			[command('touchpoint.assess', { touchpointId: 'tp-id', maturity: 'reliable', evidence: 'Fixed' })],
			state,
			at('2026-04-02T14:30:00.000Z')
		);
		const april = minutesMarkdown(state, { timeZone: 'UTC' });
		const section = april.slice(april.indexOf('## Since the last session'), april.indexOf('## Decisions'));
		expect(section).toContain('Since March session, ');
		const lines = section.split('\n').filter((l) => l.startsWith('- '));
		expect(lines).toHaveLength(2);
		expect(lines[0]).toMatch(/^- ID check \(Apply & open\) moved from Not assessed to Broken, by .+ on .*10.*\.$/);
		expect(lines[1]).toMatch(/^- The fix team Account opening in .+one.+ sitting went from Chartered to Fixing, by /);
		expect(section).not.toContain('Reliable');
		// The room's first session says so.
		expect(minutesMarkdown(monthlySession(), { timeZone: 'UTC' })).toContain("This was the room's first session.");
	});
});
