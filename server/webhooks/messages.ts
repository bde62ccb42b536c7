/**
 * Turns committed room events into webhook messages: the raw event (Standard Webhooks' `type`,
 * `timestamp`, `data`) and one short sentence for chat presets. Made once, on the instance that
 * committed, from the room's state after the batch (names of teams and touchpoints).
 */
import { assertNever, type Kpi, type RecordedEvent, type RoomState } from '../../src/lib/domain';
import { kpiStatus, xmr } from '../../src/lib/domain/metrics';
import { complaintSeries, SERIES_MONTHS } from '../../src/lib/client/complaint-periods';
import type { WebhookKind } from '../../src/lib/protocol/webhooks';
import { offlineTooLong, type ScreenHealth } from '../../src/lib/protocol/screens';

/** A message ready to be shaped for an endpoint; `id` is the `webhook-id`, the same on every attempt. */
export interface WebhookMessage {
	id: string;
	kind: WebhookKind | 'ping';
	roomId: string;
	/** The raw body: Standard Webhooks' envelope. */
	body: { type: string; timestamp: string; data: Record<string, unknown> };
	/** One sentence for people (Slack, Teams), without the link. */
	text: string;
}

interface Found {
	kind: WebhookKind;
	data: Record<string, unknown>;
	text: string;
	/** What the message is about, when one event makes several of a kind (an import's KPIs). */
	key?: string;
}

const excerpt = (text: string, max = 200) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Whether a KPI's newest point meets its target where the one before did not (or the reverse). */
function crossing(kpi: Kpi): { met: boolean; value: number; date: string } | null {
	if (kpi.target === null || kpi.points.length < 2) return null;
	const status = (value: number) =>
		kpiStatus({ value, target: kpi.target, direction: kpi.direction, warning: kpi.warning }) === 'green';
	const newest = kpi.points[kpi.points.length - 1]!;
	const before = kpi.points[kpi.points.length - 2]!;
	if (status(newest.value) === status(before.value)) return null;
	return { met: status(newest.value), value: newest.value, date: newest.date };
}

/**
 * Whether the newest of `values` is a new signal (XmR, as the wall reads it): a signal now that was not
 * there before the newest point. Answers its side, or null.
 */
function newSignal(values: readonly number[], window: number): 'high' | 'low' | null {
	const now = xmr(values.slice(-window)).latestSignal;
	return now && now !== xmr(values.slice(0, -1).slice(-window)).latestSignal ? now : null;
}

/** The KPI messages of a recording: its target crossed, a new signal, both or none. */
function kpiFindings(kpi: Kpi): Found[] {
	const out: Found[] = [];
	const crossed = crossing(kpi);
	if (crossed)
		out.push({
			kind: 'kpi.targetCrossed',
			data: { kpiId: kpi.id, kpiName: kpi.name, target: kpi.target, unit: kpi.unit, ...crossed },
			text: crossed.met
				? `${kpi.name} now meets its target: ${crossed.value}${kpi.unit} on ${crossed.date} (target ${kpi.target}${kpi.unit}).`
				: `${kpi.name} no longer meets its target: ${crossed.value}${kpi.unit} on ${crossed.date} (target ${kpi.target}${kpi.unit}).`
		});
	const signal = newSignal(
		kpi.points.map((p) => p.value),
		SERIES_MONTHS * 2
	);
	const newest = kpi.points.at(-1);
	if (signal && newest) {
		const adverse = (signal === 'low') === (kpi.direction === 'higher');
		out.push({
			kind: 'kpi.signal',
			data: { kpiId: kpi.id, kpiName: kpi.name, unit: kpi.unit, signal, adverse, value: newest.value, date: newest.date },
			text: `${kpi.name} shows a signal: ${newest.value}${kpi.unit} on ${newest.date} is unusually ${signal}, ${adverse ? 'worse' : 'better'} than its usual range.`
		});
	}
	return out;
}

/** A complaint category's message when its count for `period`, its newest month, is a new signal. */
function complaintFinding(state: RoomState, categoryId: string, period: string): Found | null {
	const category = state.complaints[categoryId];
	const newest = category && Object.keys(category.counts).sort().at(-1);
	if (!category || newest !== period) return null;
	const series = complaintSeries(category, period);
	const signal = newSignal(series, SERIES_MONTHS);
	if (!signal) return null;
	return {
		kind: 'complaint.signal',
		data: { categoryId: category.id, categoryName: category.name, period, count: series.at(-1), signal },
		text: `Complaints about "${category.name}" show a signal: ${series.at(-1)} in ${period} is unusually ${signal}.`
	};
}

/** The webhooks a recorded event makes (usually one or none). */
function findAll(recorded: RecordedEvent, state: RoomState): Found[] {
	const { event } = recorded;
	if (event.type === 'kpi.recorded') {
		const kpi = state.kpis[event.kpiId];
		// Only a point for the newest date says anything about now.
		return kpi && event.points.some((p) => p.date === kpi.points.at(-1)?.date) ? kpiFindings(kpi) : [];
	}
	if (event.type === 'complaint.counted') {
		const signal = complaintFinding(state, event.categoryId, event.period);
		return signal ? [signal] : [];
	}
	if (event.type === 'import.applied') {
		// An import says the same as the points and counts it holds would, one message per KPI and category.
		const out: Found[] = [];
		for (const { kpiId, points } of event.delta.kpiPoints) {
			const kpi = state.kpis[kpiId];
			if (kpi && points.some((p) => p.date === kpi.points.at(-1)?.date))
				out.push(...kpiFindings(kpi).map((f) => ({ ...f, key: kpiId })));
		}
		const counted = new Map(event.delta.complaintCounts.filter((c) => c.segment === null).map((c) => [c.categoryId, c.period]));
		for (const [categoryId] of counted) {
			const category = state.complaints[categoryId];
			const newest = category && Object.keys(category.counts).sort().at(-1);
			if (!newest || !event.delta.complaintCounts.some((c) => c.categoryId === categoryId && c.period === newest)) continue;
			const signal = complaintFinding(state, categoryId, newest);
			if (signal) out.push({ ...signal, key: categoryId });
		}
		return out;
	}
	const found = find(recorded, state);
	return found ? [found] : [];
}

/** The webhook a recorded event makes, if any (KPI points and complaint counts: `findAll`). */
function find(recorded: RecordedEvent, state: RoomState): Found | null {
	const { event, actor } = recorded;
	const by = actor.name;
	switch (event.type) {
		case 'win.marked':
			return {
				kind: 'win.marked',
				data: { win: event.win, by },
				text: `Win: ${event.win.headline}${event.win.before || event.win.after ? ` (${event.win.before} → ${event.win.after})` : ''}`
			};
		case 'team.chartered':
			return {
				kind: 'team.chartered',
				data: { team: { id: event.team.id, name: event.team.name, problem: event.team.problem }, by },
				text: `New fix team: ${event.team.name}. ${excerpt(event.team.problem)}`
			};
		case 'team.statusChanged': {
			const name = state.teams[event.teamId]?.name ?? 'A fix team';
			return {
				kind: 'team.statusChanged',
				data: { teamId: event.teamId, teamName: name, from: event.from, to: event.to, note: event.note, by: event.by },
				text: `${name} moved from ${event.from} to ${event.to}.`
			};
		}
		case 'team.posted': {
			const name = state.teams[event.teamId]?.name ?? 'A fix team';
			return {
				kind: 'team.posted',
				data: { teamId: event.teamId, teamName: name, update: event.update },
				text: `${name} posted a ${event.update.kind}: ${excerpt(event.update.text)}`
			};
		}
		case 'session.started':
			return {
				kind: 'session.started',
				data: { session: { id: event.session.id, title: event.session.title, startedAt: event.session.startedAt }, by },
				text: `Session started: ${event.session.title}.`
			};
		case 'session.ended': {
			// The session this event ended: the room's latest while no other has started since (past sessions
			// are kept newest first), found by its end so a late catch-up names the right one.
			const session = [state.session, ...state.pastSessions].find((x) => x?.endedAt === event.at) ?? null;
			const minutes = session && {
				id: session.id,
				title: session.title,
				startedAt: session.startedAt,
				endedAt: event.at,
				attendees: session.attendees,
				decisions: session.decisions.map((d) => d.text),
				teamsChartered: session.chartered.map((id) => state.teams[id]?.name ?? id),
				wins: session.wins.map((id) => state.wins[id]?.headline ?? id)
			};
			return {
				kind: 'session.ended',
				data: { session: minutes, by },
				text: minutes
					? `Session ended: ${minutes.title}. ${minutes.decisions.length} decisions, ${minutes.teamsChartered.length} teams chartered, ${minutes.wins.length} wins.`
					: 'Session ended.'
			};
		}
		case 'touchpoint.assessed': {
			const name = state.touchpoints[event.touchpointId]?.name ?? 'A touchpoint';
			return {
				kind: 'touchpoint.assessed',
				data: { touchpointId: event.touchpointId, touchpointName: name, change: event.change },
				text: `${name} moved from ${event.change.from} to ${event.change.to}.`
			};
		}
		case 'room.created':
		case 'room.configured':
		case 'room.archived':
		case 'room.unarchived':
		case 'room.redacted':
		case 'department.added':
		case 'department.renamed':
		case 'department.merged':
		case 'department.removed':
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
		case 'complaint.quoted':
		case 'complaint.removed':
		case 'kpi.recorded':
		case 'complaint.counted':
		case 'kpi.defined':
		case 'kpi.updated':
		case 'kpi.unrecorded':
		case 'kpi.moved':
		case 'kpi.removed':
		case 'survey.defined':
		case 'survey.updated':
		case 'survey.recorded':
		case 'survey.quoted':
		case 'survey.removed':
		case 'team.updated':
		case 'win.retracted':
		case 'session.focused':
		case 'session.timerSet':
		case 'session.attended':
		case 'session.checkedIn':
		case 'vote.opened':
		case 'vote.cast':
		case 'vote.revealed':
		case 'vote.cancelled':
		case 'session.decided':
		case 'session.decisionRevised':
		case 'session.decisionRemoved':
		case 'action.created':
		case 'action.updated':
		case 'action.assigned':
		case 'action.completed':
		case 'action.reopened':
		case 'action.removed':
		case 'call.played':
		case 'call.paused':
		case 'call.stopped':
		case 'spotlight.set':
		case 'spotlight.cleared':
		case 'import.applied':
		case 'import.fileDeleted':
		case 'phrases.recorded':
		case 'room.restored':
		case 'display.registered':
		case 'display.updated':
		case 'display.removed':
		case 'event.withheld':
		case 'rule.saved':
		case 'rule.removed':
		case 'review.placed':
			return null;
		default:
			return assertNever(event);
	}
}

/**
 * The webhook messages of one committed batch. A message id names the room's epoch, the event's version
 * and the kind, so whichever instance or attempt makes it, one event is one message of each kind.
 */
export function messagesOf(roomId: string, epoch: string, events: readonly RecordedEvent[], state: RoomState): WebhookMessage[] {
	const out: WebhookMessage[] = [];
	const roomName = state.meta?.name ?? roomId;
	for (const recorded of events) {
		for (const found of findAll(recorded, state))
			out.push({
				id: `msg_${roomId}_${epoch}_${recorded.v}_${found.kind}${found.key ? `_${found.key}` : ''}`,
				kind: found.kind,
				roomId,
				body: {
					type: found.kind,
					timestamp: recorded.at,
					data: { roomId, roomName, version: recorded.v, ...found.data }
				},
				text: found.text
			});
	}
	return out;
}

/**
 * The `screen.offline` messages of a room now: one per paired screen offline longer than its alert time
 * (`offlineTooLong`, the Access page's rule). The id names the outage (when the screen was last heard
 * from), so each outage is one message, whichever instance or check finds it.
 */
export function screenOfflineMessages(
	roomId: string,
	state: RoomState,
	health: Readonly<Record<string, ScreenHealth>>,
	now: number
): WebhookMessage[] {
	const out: WebhookMessage[] = [];
	const roomName = state.meta?.name ?? roomId;
	for (const display of Object.values(state.displays)) {
		const screen = Object.hasOwn(health, display.id) ? health[display.id]! : null;
		if (!screen || !offlineTooLong(display, screen, now)) continue;
		const lastSeen = new Date(screen.lastSeenAt).toISOString();
		const minutes = Math.floor((now - screen.lastSeenAt) / 60_000);
		out.push({
			id: `msg_${roomId}_screen.offline_${display.id}_${screen.lastSeenAt}`,
			kind: 'screen.offline',
			roomId,
			body: {
				type: 'screen.offline',
				timestamp: new Date(now).toISOString(),
				data: {
					roomId,
					roomName,
					displayId: display.id,
					displayName: display.name,
					lastSeenAt: lastSeen,
					minutesOffline: minutes
				}
			},
			text: `The screen "${display.name}" has been offline for ${minutes} minutes (last heard from ${lastSeen}). Check its power and network.`
		});
	}
	return out;
}

/** A test message, sent when a facilitator asks (`ping`). */
export function pingMessage(roomId: string, roomName: string, id: string, at: Date): WebhookMessage {
	return {
		id,
		kind: 'ping',
		roomId,
		body: { type: 'ping', timestamp: at.toISOString(), data: { roomId, roomName } },
		text: `Test message from the Customer Room "${roomName}": this endpoint is set up.`
	};
}
