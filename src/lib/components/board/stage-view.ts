/**
 * What the board shows for a stage, computed from the room state with the domain's metrics:
 * the stage's items in display order, complaint and KPI summaries, survey headlines and stage health.
 * Pure functions, so every screen (laptop board now, the wall later) reads the same numbers.
 */
import { compareIso, compareText, stageKpis } from '$lib/domain/basics';
import type { Artifact, ComplaintCategory, FixTeam, Kpi, RoomState, Survey, Touchpoint, Win } from '$lib/domain';
import {
	kpiStatus,
	stageHealth,
	surveyReading,
	trend,
	xmr,
	type KpiStatus,
	type StageHealthResult,
	type Trend
} from '$lib/domain/metrics';
import { previousPeriod } from '$lib/client/format';
import { complaintPeriods, complaintSeries, SERIES_MONTHS, type ComplaintPeriods } from '$lib/client/complaint-periods';

export { complaintPeriods, complaintSeries, type ComplaintPeriods };

export interface StageItems {
	touchpoints: Touchpoint[];
	artifacts: Artifact[];
	complaints: ComplaintSummary[];
	kpis: KpiSummary[];
	surveys: Survey[];
	teams: FixTeam[];
	wins: Win[];
}

export interface ComplaintSummary {
	category: ComplaintCategory;
	period: string;
	count: number;
	previousPeriod: string;
	previous: number;
	trend: Trend;
	/** The latest month is a signal on the XmR chart of the last 12 months (not a wiggle). */
	signal: 'high' | 'low' | null;
	/** The count in the month in progress, when the room has counts for it (shown as "so far", never compared). */
	soFar: { period: string; count: number } | null;
}

export interface KpiSummary {
	kpi: Kpi;
	latest: { date: string; value: number } | null;
	status: KpiStatus;
	trend: Trend;
	signal: 'high' | 'low' | null;
	/** The signal points the bad way for this KPI's direction. */
	adverseSignal: boolean;
}

/** A category on the last complete month (`periods.compared`) against the month before, and the month in progress. */
export function summarizeComplaint(category: ComplaintCategory, periods: ComplaintPeriods): ComplaintSummary {
	const period = periods.compared;
	const prevPeriod = previousPeriod(period);
	const count = category.counts[period] ?? 0;
	const previous = category.counts[prevPeriod] ?? 0;
	return {
		category,
		period,
		count,
		previousPeriod: prevPeriod,
		previous,
		trend: trend([previous, count]),
		signal: xmr(complaintSeries(category, period)).latestSignal,
		soFar: periods.inProgressHasCounts ? { period: periods.inProgress, count: category.counts[periods.inProgress] ?? 0 } : null
	};
}

export function summarizeKpi(kpi: Kpi): KpiSummary {
	const values = kpi.points.map((p) => p.value);
	const latest = kpi.points[kpi.points.length - 1] ?? null;
	const status = latest
		? kpiStatus({ value: latest.value, target: kpi.target, direction: kpi.direction, warning: kpi.warning })
		: 'none';
	const signal = xmr(values.slice(-SERIES_MONTHS * 2)).latestSignal;
	return {
		kpi,
		latest,
		status,
		trend: trend(values),
		signal,
		adverseSignal: signal !== null && signal === (kpi.direction === 'higher' ? 'low' : 'high')
	};
}

/** The headline a survey card leads with for one distribution, on its own scale; null when it cannot be computed. */
export function surveyHeadline(survey: Survey, counts: readonly number[]): number | null {
	return surveyReading(survey, counts)?.value ?? null;
}

/** Whether the latest month of a survey's headline is a signal on the low (bad) side. */
export function surveyAdverseSignal(survey: Survey): boolean {
	const periods = Object.keys(survey.responses).sort().slice(-SERIES_MONTHS);
	const series: number[] = [];
	for (const p of periods) {
		const value = surveyHeadline(survey, survey.responses[p] ?? []);
		if (value !== null) series.push(value);
	}
	return xmr(series).latestSignal === 'low';
}

const byName = <T extends { name: string }>(a: T, b: T) => compareText(a.name, b.name);

/** Everything under one stage column, in display order (moments of truth lead; most complaints first). */
export function stageItems(state: RoomState, stageId: string, complaintPeriod: ComplaintPeriods | null): StageItems {
	const ofStage = <T extends { stageId: string }>(record: Record<string, T>) =>
		Object.values(record).filter((x) => x.stageId === stageId);

	const touchpoints = ofStage(state.touchpoints).sort(
		(a, b) => Number(b.momentOfTruth) - Number(a.momentOfTruth) || byName(a, b)
	);
	const complaints = complaintPeriod
		? ofStage(state.complaints)
				.map((c) => summarizeComplaint(c, complaintPeriod))
				.sort((a, b) => b.count - a.count || byName(a.category, b.category))
		: [];
	return {
		touchpoints,
		artifacts: ofStage(state.artifacts).filter((a) => a.replacedBy === null),
		complaints,
		kpis: stageKpis(state.kpis, stageId).map(summarizeKpi),
		surveys: ofStage(state.surveys),
		teams: ofStage(state.teams).filter((t) => t.status !== 'disbanded'),
		wins: ofStage(state.wins).sort((a, b) => compareIso(b.at, a.at))
	};
}

/** Stage health from the domain rule: maturity (moments of truth weigh more), red KPIs, adverse signals. */
export function healthOf(items: StageItems): StageHealthResult {
	const redKpis = items.kpis.filter((k) => k.status === 'red').length;
	const signals =
		items.kpis.filter((k) => k.adverseSignal).length +
		items.complaints.filter((c) => c.signal === 'high').length +
		items.surveys.filter(surveyAdverseSignal).length;
	return stageHealth({ touchpoints: items.touchpoints, redKpis, signals });
}
