/**
 * The activity feed's items, from two sources:
 * - history, from the state itself: what carries its author and time (charters, status changes and their
 *   notes, team updates, maturity moves, wins, decisions, actions, sessions);
 * - live, from the events this page applies (which also knows what the state forgets, such as a focus
 *   turned or an attendee added).
 * Both give an item the same key for the same fact, so merging them never shows a thing twice.
 */
import { assertNever, own } from '$lib/domain/basics';
import type { RecordedEvent, RoomState, StatusChange, TeamUpdateKind } from '$lib/domain';
import { dateLabel } from '$lib/client/format';

export type ActivityKind =
	'charter' | 'status' | 'update' | 'maturity' | 'win' | 'session' | 'decision' | 'action' | 'quote' | 'data' | 'call';

export interface ActivityItem {
	/** The same fact has the same key from either source. */
	key: string;
	kind: ActivityKind;
	at: string;
	who: string;
	/** What happened, after the name: "posted a finding in Account opening". */
	what: string;
	/** The detail: the finding, the evidence, the note. */
	detail: string;
	/** The teams this is about, for a team's own feed. */
	teamIds: string[];
}

const UPDATE_WORD: Record<TeamUpdateKind, string> = {
	finding: 'a finding',
	recommendation: 'a recommendation',
	result: 'a result',
	blocker: 'a blocker',
	note: 'a note'
};

const teamName = (state: RoomState, id: string) => own(state.teams, id)?.name ?? 'a team';
const stageName = (state: RoomState, id: string | null) => (id ? (own(state.stages, id)?.name ?? 'a stage') : 'no stage');

/** The same words live and from history (which knows only the owner and date now). */
const actionMade = (a: { owner: { name: string }; due: string }) =>
	`made an action owned by ${a.owner.name}, due ${dateLabel(a.due)}`;
const actionText = (state: RoomState, id: string) => own(state.actions ?? {}, id)?.text ?? '';
const actionTeams = (state: RoomState, id: string) => {
	const teamId = own(state.actions ?? {}, id)?.teamId;
	return teamId ? [teamId] : [];
};

/** Teams linking a touchpoint: its maturity moves belong in their feeds. */
function teamsLinking(state: RoomState, touchpointId: string): string[] {
	return Object.values(state.teams)
		.filter((t) => t.links.touchpoints.includes(touchpointId))
		.map((t) => t.id);
}

/** A team's move along its workflow, with the note written with it (the same key from history or live). */
function statusItem(state: RoomState, teamId: string, change: StatusChange): ActivityItem {
	return {
		key: `status:${teamId}:${change.at}`,
		kind: 'status',
		at: change.at,
		who: change.by,
		what: `moved ${teamName(state, teamId)} from ${change.from} to ${change.to}`,
		detail: change.note,
		teamIds: [teamId]
	};
}

/** The feed's history as the state holds it, newest first. */
export function historyItems(state: RoomState): ActivityItem[] {
	const items: ActivityItem[] = [];
	for (const team of Object.values(state.teams)) {
		items.push({
			key: `team:${team.id}`,
			kind: 'charter',
			at: team.charteredAt,
			who: team.charteredBy,
			what: `chartered ${team.name}`,
			detail: team.problem,
			teamIds: [team.id]
		});
		for (const change of team.statusHistory) items.push(statusItem(state, team.id, change));
		for (const u of team.updates) {
			items.push({
				key: `update:${team.id}:${u.id}`,
				kind: 'update',
				at: u.at,
				who: u.author,
				what: `posted ${UPDATE_WORD[u.kind]} in ${team.name}`,
				detail: u.text,
				teamIds: [team.id]
			});
		}
	}
	for (const tp of Object.values(state.touchpoints)) {
		const teamIds = teamsLinking(state, tp.id);
		for (const c of tp.history) {
			items.push({
				key: `maturity:${tp.id}:${c.at}`,
				kind: 'maturity',
				at: c.at,
				who: c.by,
				what: `moved ${tp.name} from ${c.from} to ${c.to}`,
				detail: c.evidence,
				teamIds
			});
		}
	}
	for (const win of Object.values(state.wins)) {
		items.push({
			key: `win:${win.id}`,
			kind: 'win',
			at: win.at,
			who: win.by,
			what: `marked a win: ${win.headline}`,
			detail: win.before || win.after ? `${win.before || '—'} → ${win.after || '—'}` : '',
			teamIds: win.teamId ? [win.teamId] : []
		});
	}
	for (const session of [...(state.session ? [state.session] : []), ...state.pastSessions]) {
		const who = session.attendees[0] ?? '';
		items.push({
			key: `session:${session.id}:start`,
			kind: 'session',
			at: session.startedAt,
			who,
			what: `started ${session.title}`,
			detail: '',
			teamIds: []
		});
		if (session.endedAt) {
			items.push({
				key: `session:${session.id}:end`,
				kind: 'session',
				at: session.endedAt,
				who: '',
				what: `${session.title} ended`,
				detail: '',
				teamIds: []
			});
		}
		for (const d of session.decisions) {
			items.push({
				key: `decision:${d.id}`,
				kind: 'decision',
				at: d.at,
				who: '',
				what: 'Decision recorded',
				detail: d.text,
				teamIds: []
			});
		}
	}
	for (const action of Object.values(state.actions ?? {})) {
		const teamIds = action.teamId ? [action.teamId] : [];
		items.push({
			key: `action:${action.id}`,
			kind: 'action',
			at: action.createdAt,
			who: action.createdBy,
			what: actionMade(action),
			detail: action.text,
			teamIds
		});
		if (action.doneAt && action.doneBy) {
			items.push({
				key: `action:${action.id}:done`,
				kind: 'action',
				at: action.doneAt,
				who: action.doneBy,
				what: 'marked an action done',
				detail: action.text,
				teamIds
			});
		}
	}
	return items.sort((a, b) => b.at.localeCompare(a.at));
}

/** The feed item for an event just applied (`state` is the state after it), or null when it is not news. */
export function liveItem(recorded: RecordedEvent, state: RoomState): ActivityItem | null {
	const { event: e, actor, at } = recorded;
	const who = actor.name;
	const item = (key: string, kind: ActivityKind, what: string, detail = '', teamIds: string[] = []): ActivityItem => ({
		key,
		kind,
		at,
		who,
		what,
		detail,
		teamIds
	});
	switch (e.type) {
		case 'team.chartered':
			return {
				...item(`team:${e.team.id}`, 'charter', `chartered ${e.team.name}`, e.team.problem, [e.team.id]),
				at: e.team.charteredAt,
				who: e.team.charteredBy
			};
		case 'team.statusChanged':
			return statusItem(state, e.teamId, { from: e.from, to: e.to, note: e.note, by: e.by, at: e.at });
		case 'team.posted':
			return {
				...item(
					`update:${e.teamId}:${e.update.id}`,
					'update',
					`posted ${UPDATE_WORD[e.update.kind]} in ${teamName(state, e.teamId)}`,
					e.update.text,
					[e.teamId]
				),
				at: e.update.at,
				who: e.update.author
			};
		case 'team.updated':
			return item(`charter:${e.teamId}:${recorded.v}`, 'charter', `changed the charter of ${teamName(state, e.teamId)}`, '', [
				e.teamId
			]);
		case 'touchpoint.assessed': {
			const name = own(state.touchpoints, e.touchpointId)?.name ?? 'a touchpoint';
			return {
				...item(
					`maturity:${e.touchpointId}:${e.change.at}`,
					'maturity',
					`moved ${name} from ${e.change.from} to ${e.change.to}`,
					e.change.evidence,
					teamsLinking(state, e.touchpointId)
				),
				at: e.change.at,
				who: e.change.by
			};
		}
		case 'win.marked':
			return {
				...item(
					`win:${e.win.id}`,
					'win',
					`marked a win: ${e.win.headline}`,
					e.win.before || e.win.after ? `${e.win.before || '—'} → ${e.win.after || '—'}` : '',
					e.win.teamId ? [e.win.teamId] : []
				),
				at: e.win.at,
				who: e.win.by
			};
		case 'win.retracted':
			return item(`retract:${e.winId}:${recorded.v}`, 'win', 'retracted a win');
		case 'session.started':
			return { ...item(`session:${e.session.id}:start`, 'session', `started ${e.session.title}`), at: e.session.startedAt };
		case 'session.ended':
			return {
				...item(`session:${state.session?.id ?? recorded.v}:end`, 'session', `${state.session?.title ?? 'The session'} ended`),
				at: e.at,
				who: ''
			};
		case 'session.decided':
			return {
				...item(`decision:${e.decision.id}`, 'decision', 'Decision recorded', e.decision.text),
				at: e.decision.at,
				who: ''
			};
		// Under the decision's own key: the feed shows the decision as it now stands, once.
		case 'session.decisionRevised':
			return item(`decision:${e.decisionId}`, 'decision', 'revised a decision', e.text);
		case 'session.decisionRemoved':
			return item(`decision:${e.decisionId}`, 'decision', 'removed a decision');
		case 'action.created':
			return {
				...item(`action:${e.action.id}`, 'action', actionMade(e.action), e.action.text, e.action.teamId ? [e.action.teamId] : []),
				at: e.action.createdAt,
				who: e.action.createdBy
			};
		case 'action.updated':
			return item(
				`action:${e.actionId}:${recorded.v}`,
				'action',
				`changed an action, now due ${dateLabel(e.due)}`,
				e.text,
				e.teamId ? [e.teamId] : []
			);
		case 'action.assigned':
			return item(
				`action:${e.actionId}:${recorded.v}`,
				'action',
				`handed an action to ${e.owner.name}`,
				actionText(state, e.actionId),
				actionTeams(state, e.actionId)
			);
		case 'action.completed':
			return {
				...item(
					`action:${e.actionId}:done`,
					'action',
					'marked an action done',
					actionText(state, e.actionId),
					actionTeams(state, e.actionId)
				),
				at: e.at,
				who: e.by
			};
		case 'action.reopened':
			return item(
				`action:${e.actionId}:${recorded.v}`,
				'action',
				'opened an action again',
				actionText(state, e.actionId),
				actionTeams(state, e.actionId)
			);
		case 'action.removed':
			return item(`action:${e.actionId}:${recorded.v}`, 'action', 'removed an action');
		case 'session.focused':
			return e.stageId ? item(`focus:${recorded.v}`, 'session', `turned the room to ${stageName(state, e.stageId)}`) : null;
		case 'session.checkedIn':
			return item(`checkin:${e.checkIn.personId}:${recorded.v}`, 'session', 'checked in');
		case 'vote.opened':
			return item(`vote:${e.vote.id}:open`, 'session', `opened a vote on ${e.vote.items.length} items`);
		case 'vote.revealed': {
			const top = state.session?.votes.find((v) => v.id === e.voteId)?.items.find((i) => i.id === e.results[0]?.id);
			return item(`vote:${e.voteId}:reveal`, 'session', 'revealed the vote', top ? `Most votes: ${top.label}` : '');
		}
		case 'vote.cancelled':
			return item(`vote:${e.voteId}:cancel:${recorded.v}`, 'session', 'cancelled the open vote');
		case 'vote.cast':
			return null;
		case 'session.attended':
			return item(`attend:${recorded.v}`, 'session', `added ${e.name} to the attendees`);
		case 'complaint.quoted':
			return item(
				`quote:${e.verbatim.id}`,
				'quote',
				`added a customer's words to ${own(state.complaints, e.categoryId)?.name ?? 'a complaint'}`,
				e.verbatim.text
			);
		case 'survey.quoted':
			return item(`quote:${e.verbatim.id}`, 'quote', 'added a survey comment', e.verbatim.text);
		case 'kpi.recorded':
			return item(
				`kpi:${e.kpiId}:${recorded.v}`,
				'data',
				`recorded ${e.points.length === 1 ? 'a value' : `${e.points.length} values`} for ${own(state.kpis, e.kpiId)?.name ?? 'a KPI'}`
			);
		case 'kpi.unrecorded':
			return item(
				`kpi:${e.kpiId}:${recorded.v}`,
				'data',
				e.dates.length === 1
					? `removed the value of ${e.dates[0]} from ${own(state.kpis, e.kpiId)?.name ?? 'a KPI'}`
					: `removed ${e.dates.length} values from ${own(state.kpis, e.kpiId)?.name ?? 'a KPI'}`
			);
		case 'import.applied': {
			const { record } = e;
			const what = { complaints: 'complaints', kpis: 'KPI values', surveys: 'survey responses' }[record.kind];
			const skipped = record.duplicates ? `, ${record.duplicates} already counted` : '';
			return {
				...item(
					`import:${record.id}`,
					'data',
					`imported ${record.added} ${what} from ${record.fileName}`,
					`${record.rows} rows${skipped}`
				),
				at: record.at,
				who: record.by
			};
		}
		case 'department.added':
			return item(`department:${recorded.v}`, 'data', `added the department ${e.name}`);
		case 'department.renamed':
			return item(`department:${recorded.v}`, 'data', `renamed the department ${e.from} to ${e.to}`);
		case 'department.merged':
			return item(
				`department:${recorded.v}`,
				'data',
				`merged ${new Intl.ListFormat('en', { type: 'conjunction' }).format(e.from)} into the department ${e.into}`
			);
		case 'department.removed':
			return item(`department:${recorded.v}`, 'data', `removed the department ${e.name}`);
		case 'room.archived':
			return item(`archive:${recorded.v}`, 'data', 'archived the room');
		case 'room.unarchived':
			return item(`archive:${recorded.v}`, 'data', 'restored the room from the archive');
		case 'room.redacted':
			return item(`redact:${recorded.v}`, 'data', 'masked the personal data the room held');
		case 'import.fileDeleted': {
			const fileName = own(state.imports, e.importId)?.fileName ?? 'an import';
			return item(`import-file:${e.importId}`, 'data', `deleted the raw file of ${fileName}, as the room's settings ask`);
		}
		case 'call.played': {
			const title = own(state.artifacts, e.artifactId)?.title ?? 'a call';
			return e.positionSec < 1 ? item(`call:${recorded.v}`, 'call', `played ${title}`) : null;
		}
		case 'room.created':
		case 'room.configured':
		case 'stage.added':
		case 'stage.updated':
		case 'stage.moved':
		case 'stage.removed':
		case 'touchpoint.added':
		case 'touchpoint.updated':
		case 'touchpoint.removed':
		case 'artifact.added':
		case 'artifact.updated':
		case 'artifact.removed':
		case 'complaint.defined':
		case 'complaint.updated':
		case 'complaint.counted':
		case 'complaint.removed':
		case 'kpi.defined':
		case 'kpi.updated':
		case 'kpi.moved':
		case 'kpi.removed':
		case 'survey.defined':
		case 'survey.updated':
		case 'survey.recorded':
		case 'survey.removed':
		case 'session.timerSet':
		case 'call.paused':
		case 'call.stopped':
		case 'spotlight.set':
		case 'spotlight.cleared':
		case 'display.registered':
		case 'display.updated':
		case 'display.removed':
		case 'room.restored':
		case 'phrases.recorded':
		case 'event.withheld':
		case 'rule.saved':
		case 'rule.removed':
		case 'review.placed':
			return null;
		default:
			return assertNever(e);
	}
}

/** History and live items merged by key (live wins: it knows more), newest first. */
export function mergeActivity(history: readonly ActivityItem[], live: readonly ActivityItem[]): ActivityItem[] {
	const byKey = new Map<string, ActivityItem>();
	for (const item of history) byKey.set(item.key, item);
	for (const item of live) byKey.set(item.key, item);
	return [...byKey.values()].sort((a, b) => b.at.localeCompare(a.at));
}
