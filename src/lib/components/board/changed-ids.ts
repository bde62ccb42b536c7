/**
 * Which entities a batch of events touched, so the board can glow them briefly. Session, spotlight,
 * display and room events touch no board item.
 */
import { assertNever } from '$lib/domain/basics';
import type { DomainEvent, RecordedEvent } from '$lib/domain';

/** The ids of the stage, touchpoint, artifact, complaint, KPI, survey, team or win an event changed. */
export function touchedIds(event: DomainEvent): string[] {
	switch (event.type) {
		case 'stage.added':
			return [event.stage.id];
		case 'stage.updated':
		case 'stage.moved':
		case 'stage.removed':
			return [event.stageId];
		case 'touchpoint.added':
			return [event.touchpoint.id];
		case 'touchpoint.updated':
		case 'touchpoint.assessed':
		case 'touchpoint.removed':
			return [event.touchpointId];
		case 'artifact.added':
			return [event.artifact.id];
		case 'artifact.updated':
		case 'artifact.removed':
			return [event.artifactId];
		case 'complaint.defined':
			return [event.category.id];
		case 'complaint.updated':
		case 'complaint.counted':
		case 'complaint.quoted':
		case 'complaint.removed':
		case 'review.placed':
			return [event.categoryId];
		case 'kpi.defined':
			return [event.kpi.id];
		case 'kpi.updated':
		case 'kpi.recorded':
		case 'kpi.unrecorded':
		case 'kpi.moved':
		case 'kpi.removed':
			return [event.kpiId];
		case 'survey.defined':
			return [event.survey.id];
		case 'survey.updated':
		case 'survey.recorded':
		case 'survey.quoted':
		case 'survey.removed':
			return [event.surveyId];
		case 'team.chartered':
			return [event.team.id];
		case 'team.updated':
		case 'team.statusChanged':
		case 'team.posted':
			return [event.teamId];
		case 'win.marked':
			return event.win.teamId ? [event.win.id, event.win.teamId] : [event.win.id];
		case 'win.retracted':
			return [event.winId];
		case 'phrases.recorded':
			// The stage's head holds its new phrases: it glows.
			return [event.stageId];
		case 'import.fileDeleted':
			return [];
		case 'action.created':
			return event.action.teamId ? [event.action.teamId] : [];
		case 'room.created':
		case 'room.configured':
		case 'room.archived':
		case 'room.unarchived':
		case 'room.redacted':
		case 'department.added':
		case 'department.renamed':
		case 'department.merged':
		case 'department.removed':
		case 'session.started':
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
		case 'session.ended':
		case 'action.updated':
		case 'action.assigned':
		case 'action.completed':
		case 'action.reopened':
		case 'action.removed':
		case 'spotlight.set':
		case 'spotlight.cleared':
		case 'call.played':
		case 'call.paused':
		case 'call.stopped':
		case 'display.registered':
		case 'display.updated':
		case 'display.removed':
		case 'room.restored':
		case 'event.withheld':
		case 'rule.saved':
		case 'rule.removed':
			return [];
		case 'import.applied': {
			const { delta } = event;
			return [
				...new Set([
					...delta.complaintCounts.map((c) => c.categoryId),
					...delta.kpiPoints.map((k) => k.kpiId),
					...delta.surveyCounts.map((c) => c.surveyId)
				])
			];
		}
		default:
			return assertNever(event);
	}
}

/** Every id touched by a batch of recorded events. */
export function changedIds(events: readonly RecordedEvent[]): Set<string> {
	const ids = new Set<string>();
	for (const e of events) for (const id of touchedIds(e.event)) ids.add(id);
	return ids;
}
