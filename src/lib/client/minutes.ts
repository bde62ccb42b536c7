/**
 * The minutes of a session, in Markdown, from the room state alone (no server round trip): attendees,
 * agenda, decisions, the teams chartered (members, sponsor, due date, baseline → target, linked
 * evidence), wins (before → after), and the fix teams still open. Pure: the clock and the time zone
 * come in as arguments, so the same state gives the same minutes.
 */
import { OPEN_TEAM_STATUSES, own } from '$lib/domain/basics';
import type { FixTeam, RoomState, Session, Win } from '$lib/domain';
import { TEAM_STATUS_WORD as STATUS_WORD } from './words';
import { dateLabel } from './format';

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

function linkedEvidence(state: RoomState, team: FixTeam): string[] {
	const names = (ids: readonly string[], record: Record<string, { name?: string; question?: string }>) =>
		ids.map((id) => {
			const item = own(record, id);
			return inline(item?.name ?? item?.question ?? id);
		});
	const lines: string[] = [];
	const groups: Array<[string, string[]]> = [
		['Touchpoints', names(team.links.touchpoints, state.touchpoints)],
		['Complaints', names(team.links.complaints, state.complaints)],
		['KPIs', names(team.links.kpis, state.kpis)],
		['Surveys', names(team.links.surveys, state.surveys)]
	];
	for (const [label, list] of groups) if (list.length) lines.push(`  - ${label}: ${list.join('; ')}`);
	return lines;
}

function charteredTeam(state: RoomState, team: FixTeam): string[] {
	const departments = new Set(team.members.map((m) => m.department.toLowerCase())).size;
	const members = team.members.map((m) => `${inline(m.name)} (${inline(m.department)})`).join(', ');
	const lines = [
		`### ${inline(team.name)}`,
		'',
		`- Stage: ${inline(stageName(state, team.stageId))}`,
		...(team.problem ? [`- Problem: ${inline(team.problem)}`] : []),
		`- Members: ${members || 'none yet'} (${departments} ${departments === 1 ? 'department' : 'departments'})`,
		`- Executive sponsor: ${team.sponsor ? inline(team.sponsor) : 'not named'}`,
		`- Due: ${team.dueDate ? dateLabel(team.dueDate) : 'no date set'}`,
		`- Baseline → target: ${inline(team.baseline || '—')} → ${inline(team.target || '—')}`,
		`- Status now: ${STATUS_WORD[team.status]}`
	];
	const evidence = linkedEvidence(state, team);
	if (evidence.length) lines.push('- Linked evidence:', ...evidence);
	lines.push('');
	return lines;
}

function winLine(state: RoomState, win: Win, timeZone: string | undefined): string {
	const team = win.teamId ? own(state.teams, win.teamId) : undefined;
	const change = win.before || win.after ? `: ${inline(win.before || '—')} → ${inline(win.after || '—')}` : '';
	const context = [team ? `team ${inline(team.name)}` : null, inline(stageName(state, win.stageId))].filter(Boolean).join(', ');
	return `- **${inline(win.headline)}**${change} (${context}; marked by ${inline(win.by)} at ${timeOfDay(win.at, timeZone)})`;
}

function openTeamLine(team: FixTeam, session: Session): string {
	const latest = team.updates[0];
	const parts = [
		STATUS_WORD[team.status],
		team.dueDate ? `due ${dateLabel(team.dueDate)}` : 'no due date',
		team.sponsor ? `sponsor ${inline(team.sponsor)}` : null,
		session.chartered.includes(team.id) ? 'new this session' : null
	].filter(Boolean);
	const news = latest
		? `\n  - Latest: ${latest.kind}, ${inline(latest.text)} (${inline(latest.author)}, ${dateLabel(latest.at)})`
		: '';
	return `- **${inline(team.name)}**: ${parts.join(', ')}${news}`;
}

/** The Markdown minutes of `session` (default: the current or latest session). */
export function minutesMarkdown(state: RoomState, options: MinutesOptions = {}, session = minutesSession(state)): string {
	const { timeZone } = options;
	const now = (options.now ?? new Date()).toISOString();
	if (!session) return `# Minutes\n\nNo session has been held in this room yet.\n`;

	const end = session.endedAt ?? now;
	const lines: string[] = [
		`# ${inline(session.title)}`,
		'',
		`${inline(state.meta?.name ?? 'Customer Room')}${state.meta?.organisation ? ` · ${inline(state.meta.organisation)}` : ''}`,
		'',
		`${dayOf(session.startedAt, timeZone)}, ${timeOfDay(session.startedAt, timeZone)}–${timeOfDay(end, timeZone)}${session.endedAt ? '' : ' (session still running)'}`,
		''
	];

	lines.push(`## Attendees (${session.attendees.length})`, '');
	lines.push(session.attendees.length ? session.attendees.map(inline).join(', ') : 'None recorded.', '');

	if (session.agenda.length) {
		lines.push('## Agenda', '');
		session.agenda.forEach((id, i) => lines.push(`${i + 1}. ${inline(stageName(state, id))}`));
		lines.push('');
	}

	lines.push(`## Decisions (${session.decisions.length})`, '');
	if (session.decisions.length) {
		session.decisions.forEach((d, i) => lines.push(`${i + 1}. ${inline(d.text)} (${timeOfDay(d.at, timeZone)})`));
	} else lines.push('None recorded.');
	lines.push('');

	const chartered = session.chartered.map((id) => own(state.teams, id)).filter((t): t is FixTeam => !!t);
	lines.push(`## Fix teams chartered (${chartered.length})`, '');
	if (chartered.length) for (const team of chartered) lines.push(...charteredTeam(state, team));
	else lines.push('None.', '');

	const wins = session.wins.map((id) => own(state.wins, id)).filter((w): w is Win => !!w);
	lines.push(`## Wins (${wins.length})`, '');
	if (wins.length) for (const win of wins) lines.push(winLine(state, win, timeZone));
	else lines.push('None this session.');
	lines.push('');

	const open = Object.values(state.teams)
		.filter((t) => OPEN_TEAM_STATUSES.includes(t.status))
		.sort((a, b) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') || a.name.localeCompare(b.name));
	lines.push(`## Open fix teams (${open.length})`, '');
	if (open.length) for (const team of open) lines.push(openTeamLine(team, session));
	else lines.push('None: every team has won or been disbanded.');
	lines.push('');

	return lines.join('\n');
}
