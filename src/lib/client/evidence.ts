/**
 * The evidence a session looks at: per stage, "where we let customers down", ranked; and, for the teams
 * still open, what changed since the last session. Pure functions of the room state, using the domain's
 * metrics (DESIGN.md section 8), so the facilitator's ranking agrees with the board's badges.
 *
 * Ranking: every item gets points for each piece of evidence against it, and a reason in words:
 *
 * | evidence                                              | points                         |
 * | ----------------------------------------------------- | ------------------------------ |
 * | touchpoint broken: moment of truth / other            | 100 / 50                       |
 * | moment of truth not assessed yet                      | 15                             |
 * | gap: we rate ourselves above customers (>= 1 point)   | 10 per point of gap            |
 * | matters to customers (importance >= 8), performs <= 5 | 15                             |
 * | KPI red / amber                                       | 60 / 25                        |
 * | KPI adverse signal (XmR)                              | 40                             |
 * | KPI of a moment of truth that is red or amber         | 10                             |
 * | complaints: adverse signal (XmR, unusually high)      | 70                             |
 * | complaints rising on the month before                 | 10                             |
 * | complaint volume                                      | up to 30, by share of the stage's largest |
 * | survey headline low (NPS < 0, top-box < 40%,          | 40                             |
 * |   CES easy-share < 60%, custom mean below mid-scale)  |                                |
 * | survey adverse signal (XmR, unusually low)            | 50                             |
 * | survey thin sample (n < 30)                           | the survey's points halved     |
 *
 * Items with no evidence against them (0 points) are left out. Signals, not single dips: a KPI that is
 * merely lower than last month earns nothing.
 */
import { OPEN_TEAM_STATUSES, own } from '$lib/domain/basics';
import type {
	ComplaintCategory,
	FixTeam,
	Kpi,
	KpiPoint,
	MaturityChange,
	RoomState,
	StatusChange,
	Survey,
	TeamLinks,
	TeamUpdate,
	Touchpoint
} from '$lib/domain';
import { gap, kpiStatus, surveyReading, trend, xmr, type KpiStatus } from '$lib/domain/metrics';
import { formatSigned, monthLabel, previousPeriod, withUnit } from './format';
import { formatHeadline } from './survey-figures';
import { complaintPeriods, complaintSeries, SERIES_MONTHS } from './complaint-periods';

export type EvidenceKind = 'touchpoint' | 'complaint' | 'kpi' | 'survey';

/** One thing under a stage that lets customers down, with why. */
export interface Letdown {
	kind: EvidenceKind;
	id: string;
	name: string;
	score: number;
	/** The evidence, in words, strongest first. */
	reasons: string[];
	/** The figure that sums it up ("412 complaints in Oct 2026"), when there is one. */
	figure: string | null;
	/** Departments that affect it: suggestions for the fix team's members. */
	departments: string[];
	/** Open fix teams that already link it. */
	coveredBy: string[];
	momentOfTruth: boolean;
}

/** Which key of a team's links holds items of this kind. */
export const LINK_KEY: Record<EvidenceKind, keyof TeamLinks> = {
	touchpoint: 'touchpoints',
	complaint: 'complaints',
	kpi: 'kpis',
	survey: 'surveys'
};

/** The open teams linking each item, by link key and id. */
function coverage(state: RoomState): (key: keyof TeamLinks, id: string) => string[] {
	const open = Object.values(state.teams).filter((t) => OPEN_TEAM_STATUSES.includes(t.status));
	return (key, id) => open.filter((t) => t.links[key].includes(id)).map((t) => t.id);
}

function assessTouchpoint(tp: Touchpoint): { score: number; reasons: string[] } {
	let score = 0;
	const reasons: string[] = [];
	if (tp.maturity === 'broken') {
		score += tp.momentOfTruth ? 100 : 50;
		reasons.push(tp.momentOfTruth ? 'Moment of truth, broken' : 'Broken');
	} else if (tp.maturity === 'unassessed' && tp.momentOfTruth) {
		score += 15;
		reasons.push('Moment of truth, not assessed yet');
	}
	const blindSpot = gap(tp.internalScore, tp.performance);
	if (blindSpot !== null && blindSpot >= 1) {
		score += Math.round(10 * blindSpot);
		reasons.push(
			`We rate it ${tp.internalScore!.toFixed(1)}, customers ${tp.performance!.toFixed(1)} (gap ${formatSigned(blindSpot, 1)})`
		);
	}
	if (tp.importance !== null && tp.performance !== null && tp.importance >= 8 && tp.performance <= 5) {
		score += 15;
		reasons.push(`Matters to customers (${tp.importance.toFixed(1)}/10) but performs ${tp.performance.toFixed(1)}/10`);
	}
	return { score, reasons };
}

function kpiStatusOf(kpi: Kpi): { status: KpiStatus; latest: KpiPoint | null } {
	const latest = kpi.points[kpi.points.length - 1] ?? null;
	if (!latest) return { status: 'none', latest };
	return {
		status: kpiStatus({ value: latest.value, target: kpi.target, direction: kpi.direction, warning: kpi.warning }),
		latest
	};
}

function assessKpi(kpi: Kpi, momentOfTruth: boolean): { score: number; reasons: string[]; figure: string | null } {
	const { status, latest } = kpiStatusOf(kpi);
	let score = 0;
	const reasons: string[] = [];
	const target =
		kpi.target === null ? '' : ` against a target of ${kpi.direction === 'higher' ? '≥' : '≤'} ${withUnit(kpi.target, kpi.unit)}`;
	if (latest && status === 'red') {
		score += 60;
		reasons.push(`Red: ${withUnit(latest.value, kpi.unit)}${target}`);
	} else if (latest && status === 'amber') {
		score += 25;
		reasons.push(`Amber: ${withUnit(latest.value, kpi.unit)}${target}`);
	}
	const signal = xmr(kpi.points.slice(-SERIES_MONTHS * 2).map((p) => p.value)).latestSignal;
	if (signal !== null && signal === (kpi.direction === 'higher' ? 'low' : 'high')) {
		score += 40;
		reasons.push(`Signal: unusually ${signal} (XmR), not a wiggle`);
	}
	if (momentOfTruth && (status === 'red' || status === 'amber')) score += 10;
	return { score, reasons, figure: latest ? withUnit(latest.value, kpi.unit) : null };
}

function assessComplaint(
	category: ComplaintCategory,
	period: string | null,
	largestInStage: number
): { score: number; reasons: string[]; figure: string | null } {
	if (!period) return { score: 0, reasons: [], figure: null };
	const count = category.counts[period] ?? 0;
	const previous = category.counts[previousPeriod(period)] ?? 0;
	let score = 0;
	const reasons: string[] = [];
	if (xmr(complaintSeries(category, period)).latestSignal === 'high') {
		score += 70;
		reasons.push('Signal: unusually many complaints (XmR), not a wiggle');
	}
	if (trend([previous, count]) === 'up') {
		score += 10;
		reasons.push(`Rising: ${previous.toLocaleString('en')} → ${count.toLocaleString('en')} on the month before`);
	}
	if (count > 0 && largestInStage > 0) {
		score += Math.round((30 * count) / largestInStage);
		if (count === largestInStage) reasons.push('The most complaints in this stage');
	}
	return { score, reasons, figure: `${count.toLocaleString('en')} complaints in ${monthLabel(period)}` };
}

/** A survey's reading for one month, with the headline in words for a reason line; null when it cannot be computed. */
function surveyReadingInWords(
	survey: Survey,
	counts: readonly number[]
): { value: number; low: boolean; words: string; n: number; thin: boolean } | null {
	const reading = surveyReading(survey, counts);
	if (!reading || reading.value === null) return null;
	const headline = formatHeadline(reading);
	const words =
		reading.measure === 'nps'
			? `NPS ${headline}`
			: reading.measure === 'top-box'
				? `top-box ${headline}`
				: reading.measure === 'easy-share'
					? `${headline} found it easy (5-7 of 7)`
					: `mean ${headline} of ${reading.scale.max}`;
	return { value: reading.value, low: reading.low, words, n: reading.n, thin: reading.thin };
}

function assessSurvey(survey: Survey): { score: number; reasons: string[]; figure: string | null } {
	const periods = Object.keys(survey.responses).sort().slice(-SERIES_MONTHS);
	const readings = periods.map((p) => surveyReadingInWords(survey, survey.responses[p] ?? []));
	const latest = readings[readings.length - 1] ?? null;
	if (!latest) return { score: 0, reasons: [], figure: null };
	let score = 0;
	const reasons: string[] = [];
	if (latest.low) {
		score += 40;
		reasons.push(`Low: ${latest.words}`);
	}
	const series = readings.filter((r) => r !== null).map((r) => r.value);
	if (xmr(series).latestSignal === 'low') {
		score += 50;
		reasons.push('Signal: unusually low (XmR), not a wiggle');
	}
	if (score > 0 && latest.thin) {
		score = Math.round(score / 2);
		reasons.push(`Thin sample (n = ${latest.n})`);
	}
	return { score, reasons, figure: `${latest.words}, n = ${latest.n.toLocaleString('en')}` };
}

/**
 * Where a stage lets customers down, strongest evidence first (see the table in the module comment).
 * `nowMs` is the clock (the server's): complaints are judged on the last complete month by it.
 */
export function rankLetdowns(state: RoomState, stageId: string, nowMs: number): Letdown[] {
	const inStage = <T extends { stageId: string }>(record: Record<string, T>) =>
		Object.values(record).filter((x) => x.stageId === stageId);
	const covered = coverage(state);
	const isMomentOfTruth = (touchpointId: string | null) =>
		touchpointId !== null && (own(state.touchpoints, touchpointId)?.momentOfTruth ?? false);
	const out: Letdown[] = [];

	for (const tp of inStage(state.touchpoints)) {
		const { score, reasons } = assessTouchpoint(tp);
		if (score > 0) {
			out.push({
				kind: 'touchpoint',
				id: tp.id,
				name: tp.name,
				score,
				reasons,
				figure: null,
				departments: [...tp.departments],
				coveredBy: covered('touchpoints', tp.id),
				momentOfTruth: tp.momentOfTruth
			});
		}
	}
	for (const kpi of inStage(state.kpis)) {
		const mot = isMomentOfTruth(kpi.touchpointId);
		const { score, reasons, figure } = assessKpi(kpi, mot);
		if (score > 0) {
			out.push({
				kind: 'kpi',
				id: kpi.id,
				name: kpi.name,
				score,
				reasons,
				figure,
				departments: kpi.department ? [kpi.department] : [],
				coveredBy: covered('kpis', kpi.id),
				momentOfTruth: mot
			});
		}
	}
	const period = complaintPeriods(state, nowMs)?.compared ?? null;
	const complaints = inStage(state.complaints);
	const largest = period ? Math.max(0, ...complaints.map((c) => c.counts[period] ?? 0)) : 0;
	for (const category of complaints) {
		const { score, reasons, figure } = assessComplaint(category, period, largest);
		if (score > 0) {
			out.push({
				kind: 'complaint',
				id: category.id,
				name: category.name,
				score,
				reasons,
				figure,
				departments: [...category.departments],
				coveredBy: covered('complaints', category.id),
				momentOfTruth: isMomentOfTruth(category.touchpointId)
			});
		}
	}
	for (const survey of inStage(state.surveys)) {
		const { score, reasons, figure } = assessSurvey(survey);
		if (score > 0) {
			out.push({
				kind: 'survey',
				id: survey.id,
				name: survey.question,
				score,
				reasons,
				figure,
				departments: [],
				coveredBy: covered('surveys', survey.id),
				momentOfTruth: isMomentOfTruth(survey.touchpointId)
			});
		}
	}
	return out.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
}

/** Links for a team chartered from selected letdowns. */
export function linksOf(selected: ReadonlyArray<Pick<Letdown, 'kind' | 'id'>>): TeamLinks {
	const links: TeamLinks = { touchpoints: [], complaints: [], kpis: [], surveys: [] };
	for (const item of selected) {
		const list = links[LINK_KEY[item.kind]];
		if (!list.includes(item.id)) list.push(item.id);
	}
	return links;
}

// -------------------------------------------------------------------------------------------------
// What changed since the last session
// -------------------------------------------------------------------------------------------------

/** What moved for one open team since a moment. */
export interface TeamProgress {
	team: FixTeam;
	/** Moves along the team's workflow since, with the note written with each, newest first. */
	statuses: StatusChange[];
	/** Updates posted since, newest first. */
	updates: TeamUpdate[];
	/** Linked touchpoints moved on the maturity ladder since, newest first. */
	moves: Array<{ touchpoint: Touchpoint; change: MaturityChange }>;
	/** Linked KPIs: the value then (the last point on or before the moment) and now. */
	kpis: Array<{ kpi: Kpi; then: KpiPoint | null; now: KpiPoint; better: boolean | null }>;
}

/**
 * The moment "since the last session" starts: when the previous session started (the room saw
 * everything before it then). With no earlier session, null: the caller picks a window.
 */
export function lastSessionStart(state: RoomState): string | null {
	const current = state.session;
	if (current && current.endedAt) return current.startedAt;
	return state.pastSessions[0]?.startedAt ?? null;
}

/** For each team id, what changed since `since` (an ISO timestamp). Unknown ids are skipped. */
export function teamProgressSince(state: RoomState, teamIds: readonly string[], since: string): TeamProgress[] {
	const sinceDay = since.slice(0, 10);
	const out: TeamProgress[] = [];
	for (const teamId of teamIds) {
		const team = own(state.teams, teamId);
		if (!team) continue;
		const statuses = team.statusHistory.filter((c) => c.at >= since);
		const updates = team.updates.filter((u) => u.at >= since);
		const moves = team.links.touchpoints.flatMap((id) => {
			const touchpoint = own(state.touchpoints, id);
			return touchpoint ? touchpoint.history.filter((c) => c.at >= since).map((change) => ({ touchpoint, change })) : [];
		});
		moves.sort((a, b) => b.change.at.localeCompare(a.change.at));
		const kpis = team.links.kpis.flatMap((id) => {
			const kpi = own(state.kpis, id);
			const now = kpi?.points[kpi.points.length - 1];
			if (!kpi || !now) return [];
			const then = [...kpi.points].reverse().find((p) => p.date <= sinceDay) ?? null;
			const better = then === null || then.value === now.value ? null : now.value > then.value === (kpi.direction === 'higher');
			return [{ kpi, then, now, better }];
		});
		out.push({ team, statuses, updates, moves, kpis });
	}
	return out;
}
