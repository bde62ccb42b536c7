/**
 * The minutes of a session, in Markdown, from the room state alone (no server round trip): attendees,
 * agenda, decisions, the teams chartered (members, sponsor, due date, baseline → target, linked
 * evidence), wins (before → after), and the fix teams still open. Pure: the clock and the time zone
 * come in as arguments, so the same state gives the same minutes.
 */
import { OPEN_TEAM_STATUSES, own } from '$lib/domain/basics';
import type { ActionItem, FixTeam, RoomState, Session, Win } from '$lib/domain';
import { MATURITY_WORD, TEAM_STATUS_WORD as STATUS_WORD } from './words';
import { dateLabel } from './format';
import { agendaTimes } from '$lib/domain/timebox';
import { isOverTime, stopMinutesText } from './timebox';
import { rankedResults } from '$lib/domain/votes';
import { rulesSentence, votesLabel } from './vote-words';

export interface MinutesOptions {
	/** IANA time zone for times of day (default: the browser's). */
	timeZone?: string;
	/** When the minutes are written (for a session still running); default now. */
	now?: Date;
}

/** The session the minutes are about: the current one (running or ended), else the latest past one. */
export function minutesSession(state: RoomState): Session | null {
	return state.session ?? state.pastSessions[0] ?? null;
}

/**
 * Text on one line of Markdown: whitespace collapsed, and the characters that would start formatting
 * (emphasis, links, HTML, tables, code) escaped, so a team name never breaks the document.
 */
export function inline(text: string): string {
	return text
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`)
		.replace(/^([#>+-]|\d+\.)(?=\s|$)/, (c) => `\\${c}`);
}

function timeOfDay(iso: string, timeZone: string | undefined): string {
	return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(
		new Date(iso)
	);
}

function dayOf(iso: string, timeZone: string | undefined): string {
	const parts = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(
		new Date(iso)
	);
	return dateLabel(parts);
}

/** A file name for the minutes: "customer-room-minutes-<room>-<YYYY-MM-DD>.md". */
export function minutesFileName(state: RoomState, session: Session, timeZone?: string): string {
	const day = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(
		new Date(session.startedAt)
	);
	const room = (state.meta?.id ?? 'room').replace(/[^A-Za-z0-9_-]/g, '');
	return `customer-room-minutes-${room}-${day}.md`;
}

function stageName(state: RoomState, stageId: string): string {
	return own(state.stages, stageId)?.name ?? stageId;
}

/** A fix team chartered in the session, as the minutes describe it (plain text: each format escapes its own). */
export interface MinutesTeam {
	name: string;
	stage: string;
	problem: string | null;
	/** "Ana (Claims), Tom (IT)", or null with none yet. */
	members: string | null;
	departments: number;
	sponsor: string | null;
	/** A date label, or null: no date set. */
	due: string | null;
	baseline: string;
	target: string;
	status: string;
	evidence: Array<{ label: string; names: string[] }>;
}

export interface MinutesWin {
	headline: string;
	before: string;
	after: string;
	/** "team X, Stage" */
	context: string;
	by: string;
	time: string;
}

export interface MinutesOpenTeam {
	name: string;
	/** Status, due date, sponsor, "new this session". */
	parts: string[];
	latest: { kind: string; text: string; author: string; date: string } | null;
}

/**
 * What the minutes of a session say, once, as plain text: the Markdown download and the printable page
 * both render this, so they never disagree.
 */
/** A vote in the minutes: what it was on, and its ranked results once revealed. */
export interface MinutesVote {
	on: string;
	time: string;
	rules: string;
	voters: number;
	/** Null when the session ended before the vote was revealed (its ballots stay sealed). */
	results: Array<{ rank: number; label: string; votes: number; names: string | null }> | null;
}

export interface MinutesModel {
	title: string;
	room: string;
	organisation: string | null;
	day: string;
	from: string;
	to: string;
	running: boolean;
	attendees: string[];
	agenda: string[];
	/** Each stop of the session with the time planned and spent ("10 min planned, 12:10 spent, +2:10 over"). */
	agendaTime: MinutesStop[];
	decisions: Array<{ text: string; time: string }>;
	/** Votes taken, in order (optional: minutes made before votes existed have none). */
	votes?: MinutesVote[];
	chartered: MinutesTeam[];
	wins: MinutesWin[];
	open: MinutesOpenTeam[];
	/** Actions agreed in the session (or made of its decisions since), with owners and due dates. */
	actions?: MinutesAction[];
	/** What changed in the room between the session before and this one. */
	sinceLast: MinutesChanges;
}

/** What changed between the session before and this one, as whole sentences, oldest first. */
export interface MinutesChanges {
	/** The session before ("November session, 3 Nov 2026"), or null for the room's first session. */
	previous: string | null;
	changes: string[];
}

/**
 * What the room did between the session before `session` (the latest that ended before it started) and
 * this one: touchpoints moved on the ladder, fix teams that changed status, wins marked. What happened in
 * the session itself has its own sections.
 */
export function changesSinceLast(state: RoomState, session: Session, timeZone?: string): MinutesChanges {
	const previous = [state.session, ...state.pastSessions]
		.filter((x): x is Session => !!x && x.id !== session.id && !!x.endedAt && x.endedAt <= session.startedAt)
		.sort((a, b) => (a.endedAt! < b.endedAt! ? 1 : -1))[0];
	if (!previous) return { previous: null, changes: [] };
	const from = previous.endedAt!;
	const within = (at: string) => at > from && at <= session.startedAt;
	const dated: Array<{ at: string; text: string }> = [];
	for (const tp of Object.values(state.touchpoints)) {
		for (const change of tp.history.filter((h) => within(h.at))) {
			const stage = stageName(state, tp.stageId);
			dated.push({
				at: change.at,
				text: `${tp.name} (${stage}) moved from ${MATURITY_WORD[change.from]} to ${MATURITY_WORD[change.to]}, by ${change.by} on ${dayOf(change.at, timeZone)}.`
			});
		}
	}
	for (const team of Object.values(state.teams)) {
		for (const change of (team.statusHistory ?? []).filter((h) => within(h.at))) {
			dated.push({
				at: change.at,
				text: `The fix team ${team.name} went from ${STATUS_WORD[change.from]} to ${STATUS_WORD[change.to]}, by ${change.by} on ${dayOf(change.at, timeZone)}.`
			});
		}
	}
	for (const win of Object.values(state.wins).filter((w) => within(w.at))) {
		dated.push({ at: win.at, text: `A win was marked on ${dayOf(win.at, timeZone)}: ${win.headline}.` });
	}
	return {
		previous: `${previous.title}, ${dayOf(previous.startedAt, timeZone)}`,
		changes: dated.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).map((d) => d.text)
	};
}

/** An action in the minutes: what, who, by when, and whether it is done yet. */
export interface MinutesAction {
	text: string;
	owner: string;
	/** A date label. */
	due: string;
	/** "Decision" or "Recommendation of <team>". */
	origin: string;
	team: string | null;
	/** A date label when done, else null. */
	done: string | null;
}

/** The actions of a session: agreed while it ran, or made of one of its decisions afterwards. */
export function sessionActions(state: RoomState, session: Session): ActionItem[] {
	return Object.values(state.actions ?? {})
		.filter((a) => a.sessionId === session.id || (a.source.kind === 'decision' && a.source.sessionId === session.id))
		.sort((a, b) => a.due.localeCompare(b.due) || a.createdAt.localeCompare(b.createdAt));
}

function minutesAction(state: RoomState, action: ActionItem): MinutesAction {
	const source = action.source;
	const team = action.teamId ? own(state.teams, action.teamId) : undefined;
	return {
		text: action.text,
		owner: action.owner.name,
		due: dateLabel(action.due),
		origin: source.kind === 'decision' ? 'Decision' : `Recommendation of ${own(state.teams, source.teamId)?.name ?? 'a team'}`,
		// A recommendation's team is named in its origin already.
		team: source.kind === 'recommendation' ? null : (team?.name ?? null),
		done: action.doneAt ? dateLabel(action.doneAt) : null
	};
}

/** One stop of the session in the minutes: its name and the time planned and spent on it. */
export interface MinutesStop {
	stage: string;
	time: string;
	over: boolean;
}

/** The stops the session went through, in agenda order; the opening review only when time was spent on it. */
function agendaTimeOf(state: RoomState, session: Session, nowMs: number): MinutesStop[] {
	return agendaTimes(session, nowMs)
		.filter((t) => t.stageId !== null || t.spentSec > 0)
		.map((t) => ({
			stage: t.stageId === null ? 'Opening: open fix teams' : stageName(state, t.stageId),
			time: stopMinutesText(t.plannedSec, t.spentSec),
			over: isOverTime(t.plannedSec, t.spentSec)
		}));
}

function evidenceOf(state: RoomState, team: FixTeam): MinutesTeam['evidence'] {
	const names = (ids: readonly string[], record: Record<string, { name?: string; question?: string }>) =>
		ids.map((id) => {
			const item = own(record, id);
			return item?.name ?? item?.question ?? id;
		});
	const groups: MinutesTeam['evidence'] = [
		{ label: 'Touchpoints', names: names(team.links.touchpoints, state.touchpoints) },
		{ label: 'Complaints', names: names(team.links.complaints, state.complaints) },
		{ label: 'KPIs', names: names(team.links.kpis, state.kpis) },
		{ label: 'Surveys', names: names(team.links.surveys, state.surveys) }
	];
	return groups.filter((g) => g.names.length > 0);
}

/** The minutes of `session` (default: the current or latest session), or null before any session. */
export function minutesModel(
	state: RoomState,
	options: MinutesOptions = {},
	session = minutesSession(state)
): MinutesModel | null {
	if (!session) return null;
	const { timeZone } = options;
	const end = session.endedAt ?? (options.now ?? new Date()).toISOString();
	const chartered = session.chartered.map((id) => own(state.teams, id)).filter((t): t is FixTeam => !!t);
	const wins = session.wins.map((id) => own(state.wins, id)).filter((w): w is Win => !!w);
	const open = Object.values(state.teams)
		.filter((t) => OPEN_TEAM_STATUSES.includes(t.status))
		.sort((a, b) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') || a.name.localeCompare(b.name));
	return {
		title: session.title,
		room: state.meta?.name ?? 'Customer Room',
		organisation: state.meta?.organisation || null,
		day: dayOf(session.startedAt, timeZone),
		from: timeOfDay(session.startedAt, timeZone),
		to: timeOfDay(end, timeZone),
		running: !session.endedAt,
		attendees: [...session.attendees],
		agenda: session.agenda.map((id) => stageName(state, id)),
		agendaTime: agendaTimeOf(state, session, Date.parse(end)),
		sinceLast: changesSinceLast(state, session, timeZone),
		decisions: session.decisions.map((d) => ({ text: d.text, time: timeOfDay(d.at, timeZone) })),
		votes: session.votes.map((vote) => ({
			on: vote.stageId ? `the let-downs of ${stageName(state, vote.stageId)}` : 'where we let customers down, across the room',
			time: timeOfDay(vote.openedAt, timeZone),
			rules: rulesSentence(vote),
			voters: vote.voters.length,
			results: vote.results
				? rankedResults(vote).map(({ item, tally, rank }) => ({
						rank,
						label: item.label,
						votes: tally.votes,
						names: tally.names?.length ? tally.names.map((n) => `${n.name} (${n.votes})`).join(', ') : null
					}))
				: null
		})),
		chartered: chartered.map((team) => ({
			name: team.name,
			stage: stageName(state, team.stageId),
			problem: team.problem || null,
			members: team.members.length ? team.members.map((m) => `${m.name} (${m.department})`).join(', ') : null,
			departments: new Set(team.members.map((m) => m.department.toLowerCase())).size,
			sponsor: team.sponsor || null,
			due: team.dueDate ? dateLabel(team.dueDate) : null,
			baseline: team.baseline || '—',
			target: team.target || '—',
			status: STATUS_WORD[team.status],
			evidence: evidenceOf(state, team)
		})),
		wins: wins.map((win) => {
			const team = win.teamId ? own(state.teams, win.teamId) : undefined;
			return {
				headline: win.headline,
				before: win.before,
				after: win.after,
				context: [team ? `team ${team.name}` : null, stageName(state, win.stageId)].filter(Boolean).join(', '),
				by: win.by,
				time: timeOfDay(win.at, timeZone)
			};
		}),
		actions: sessionActions(state, session).map((action) => minutesAction(state, action)),
		open: open.map((team) => {
			const latest = team.updates[0];
			return {
				name: team.name,
				parts: [
					STATUS_WORD[team.status],
					team.dueDate ? `due ${dateLabel(team.dueDate)}` : 'no due date',
					team.sponsor ? `sponsor ${team.sponsor}` : null,
					session.chartered.includes(team.id) ? 'new this session' : null
				].filter((p): p is string => p !== null),
				latest: latest ? { kind: latest.kind, text: latest.text, author: latest.author, date: dateLabel(latest.at) } : null
			};
		})
	};
}

function charteredTeam(team: MinutesTeam): string[] {
	const lines = [
		`### ${inline(team.name)}`,
		'',
		`- Stage: ${inline(team.stage)}`,
		...(team.problem ? [`- Problem: ${inline(team.problem)}`] : []),
		`- Members: ${team.members ? inline(team.members) : 'none yet'} (${team.departments} ${team.departments === 1 ? 'department' : 'departments'})`,
		`- Executive sponsor: ${team.sponsor ? inline(team.sponsor) : 'not named'}`,
		`- Due: ${team.due ?? 'no date set'}`,
		`- Baseline → target: ${inline(team.baseline)} → ${inline(team.target)}`,
		`- Status now: ${team.status}`
	];
	if (team.evidence.length)
		lines.push('- Linked evidence:', ...team.evidence.map((g) => `  - ${g.label}: ${g.names.map(inline).join('; ')}`));
	lines.push('');
	return lines;
}

function winLine(win: MinutesWin): string {
	const change = win.before || win.after ? `: ${inline(win.before || '—')} → ${inline(win.after || '—')}` : '';
	return `- **${inline(win.headline)}**${change} (${inline(win.context)}; marked by ${inline(win.by)} at ${win.time})`;
}

function actionLine(action: MinutesAction): string {
	const state = action.done ? `done ${action.done}` : 'open';
	const team = action.team ? `, team ${inline(action.team)}` : '';
	return `- **${inline(action.owner)}**, due ${action.due}: ${inline(action.text)} (${inline(action.origin)}${team}; ${state})`;
}

function openTeamLine(team: MinutesOpenTeam): string {
	const news = team.latest
		? `\n  - Latest: ${team.latest.kind}, ${inline(team.latest.text)} (${inline(team.latest.author)}, ${team.latest.date})`
		: '';
	return `- **${inline(team.name)}**: ${team.parts.map(inline).join(', ')}${news}`;
}

/** The Markdown minutes of `session` (default: the current or latest session). */
export function minutesMarkdown(state: RoomState, options: MinutesOptions = {}, session = minutesSession(state)): string {
	const m = minutesModel(state, options, session);
	if (!m) return `# Minutes\n\nNo session has been held in this room yet.\n`;
	const lines: string[] = [
		`# ${inline(m.title)}`,
		'',
		`${inline(m.room)}${m.organisation ? ` · ${inline(m.organisation)}` : ''}`,
		'',
		`${m.day}, ${m.from}–${m.to}${m.running ? ' (session still running)' : ''}`,
		''
	];

	lines.push(`## Attendees (${m.attendees.length})`, '');
	lines.push(m.attendees.length ? m.attendees.map(inline).join(', ') : 'None recorded.', '');

	if (m.agendaTime.length) {
		lines.push('## Agenda, with time planned and spent', '');
		m.agendaTime.forEach((stop, i) => lines.push(`${i + 1}. ${inline(stop.stage)} (${stop.time})`));
		lines.push('');
	}

	lines.push('## Since the last session', '');
	if (!m.sinceLast.previous) lines.push("This was the room's first session.");
	else {
		lines.push(`Since ${inline(m.sinceLast.previous)}:`, '');
		if (m.sinceLast.changes.length) for (const change of m.sinceLast.changes) lines.push(`- ${inline(change)}`);
		else lines.push('Nothing moved on the ladder, no fix team changed status and no win was marked.');
	}
	lines.push('');

	lines.push(`## Decisions (${m.decisions.length})`, '');
	if (m.decisions.length) m.decisions.forEach((d, i) => lines.push(`${i + 1}. ${inline(d.text)} (${d.time})`));
	else lines.push('None recorded.');
	lines.push('');

	for (const [i, vote] of (m.votes ?? []).entries()) {
		lines.push(`## Vote ${i + 1}: ${inline(vote.on)} (${vote.time})`, '', `${vote.rules} ${votersSentence(vote.voters)}`, '');
		if (vote.results) {
			for (const r of vote.results) {
				lines.push(`${r.rank}. ${inline(r.label)}: ${votesLabel(r.votes)}${r.names ? ` (${inline(r.names)})` : ''}`);
			}
		} else lines.push('Not revealed: the session ended before the results were shown.');
		lines.push('');
	}
	const actions = m.actions ?? [];
	lines.push(`## Actions (${actions.length})`, '');
	if (actions.length) for (const action of actions) lines.push(actionLine(action));
	else lines.push('None agreed.');
	lines.push('');

	lines.push(`## Fix teams chartered (${m.chartered.length})`, '');
	if (m.chartered.length) for (const team of m.chartered) lines.push(...charteredTeam(team));
	else lines.push('None.', '');

	lines.push(`## Wins (${m.wins.length})`, '');
	if (m.wins.length) for (const win of m.wins) lines.push(winLine(win));
	else lines.push('None this session.');
	lines.push('');

	lines.push(`## Open fix teams (${m.open.length})`, '');
	if (m.open.length) for (const team of m.open) lines.push(openTeamLine(team));
	else lines.push('None: every team has won or been disbanded.');
	lines.push('');

	return lines.join('\n');
}

/** "4 people voted." */
export const votersSentence = (n: number) => (n === 1 ? '1 person voted.' : `${new Intl.NumberFormat().format(n)} people voted.`);

/** A member of the room with an account, as the server knows them: who the minutes can be e-mailed to. */
export interface MinutesMember {
	/** The account's id: the id their changes carry. */
	id: string;
	name: string;
	email: string | null;
}

/** The accounts a session recorded as attending: the people who checked in (a person's id is their account's). */
export function attendeeAccountIds(session: Session): string[] {
	return (session.checkIns ?? []).map((c) => c.personId);
}

/**
 * Who the minutes of `session` are e-mailed to: the attendees with an account in the room, found by the
 * accounts the session recorded or, for typed names, by the account's name (case and spaces aside); each
 * once, and only those with an e-mail address.
 */
export function minutesRecipients(session: Session, members: readonly MinutesMember[]): MinutesMember[] {
	const key = (name: string) => name.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('en');
	const ids = new Set(attendeeAccountIds(session));
	const names = new Set(session.attendees.map(key));
	const seen = new Set<string>();
	return members.filter((m) => {
		if (!m.email || seen.has(m.email.toLowerCase())) return false;
		if (!ids.has(m.id) && !names.has(key(m.name))) return false;
		seen.add(m.email.toLowerCase());
		return true;
	});
}
