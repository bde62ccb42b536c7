/**
 * The operations of the HTTP API, version 1: each with its method, path, scope and schemas. The router
 * (`v1.ts`) matches requests against this list and validates with its schemas; the OpenAPI document
 * (`openapi.ts`) is generated from the same list. One list, so the two cannot drift apart.
 */
import { z } from 'zod';
import {
	ApiRoom,
	ArtifactQuery,
	BatchResult,
	ComplaintItem,
	ComplaintsBody,
	Created,
	DistributionItem,
	DistributionsBody,
	KpiPointItem,
	KpiPointsBody,
	MAX_BATCH,
	NewKpi,
	NewSurvey,
	ResponseItem,
	ResponsesBody,
	type ApiScope
} from './schemas';

export interface Operation {
	id: string;
	method: 'GET' | 'POST';
	/** OpenAPI's template: `{roomId}`, `{surveyId}`. */
	path: string;
	scope: ApiScope;
	summary: string;
	description: string;
	/** A JSON body; `items` describes each element of a batch's array, checked one by one. */
	body?: z.ZodType;
	items?: z.ZodType;
	/** The body is a file's bytes (any type), described by the query. */
	file?: true;
	query?: z.ZodObject;
	status: 200 | 201;
	response: z.ZodType;
}

export const OPERATIONS = [
	{
		id: 'getRoom',
		method: 'GET',
		path: '/rooms/{roomId}',
		scope: 'read',
		summary: 'Read the room',
		description:
			'Stages, touchpoints, artifacts, KPIs with their points, surveys with their monthly distributions and headline, complaint categories with their monthly counts, fix teams, wins and the session, as a viewer sees them (no import records, no screens).',
		status: 200,
		response: ApiRoom
	},
	{
		id: 'createKpi',
		method: 'POST',
		path: '/rooms/{roomId}/kpis',
		scope: 'kpis:write',
		summary: 'Create a KPI',
		description:
			'Defines a KPI on a stage (and optionally one of its touchpoints). Refused with `conflict` when the id is taken.',
		body: NewKpi,
		status: 201,
		response: Created
	},
	{
		id: 'pushKpiPoints',
		method: 'POST',
		path: '/rooms/{roomId}/kpis/points',
		scope: 'kpis:write',
		summary: 'Push KPI points',
		description: `Up to ${MAX_BATCH} points, each keyed by KPI and date: a point sent again with the same value is a duplicate, with another value it replaces the old one. Never doubles. Each point is answered on its own.`,
		body: KpiPointsBody,
		items: KpiPointItem,
		status: 200,
		response: BatchResult
	},
	{
		id: 'createSurvey',
		method: 'POST',
		path: '/rooms/{roomId}/surveys',
		scope: 'surveys:write',
		summary: 'Create a survey',
		description: 'Defines a survey (NPS, CSAT, CES or custom) on a stage. Refused with `conflict` when the id is taken.',
		body: NewSurvey,
		status: 201,
		response: Created
	},
	{
		id: 'pushSurveyDistributions',
		method: 'POST',
		path: '/rooms/{roomId}/surveys/{surveyId}/distributions',
		scope: 'surveys:write',
		summary: 'Push monthly distributions',
		description:
			'Each month’s counts per score (optionally for one segment) replace what the room holds for that month; the same counts again are a duplicate.',
		body: DistributionsBody,
		items: DistributionItem,
		status: 200,
		response: BatchResult
	},
	{
		id: 'pushSurveyResponses',
		method: 'POST',
		path: '/rooms/{roomId}/surveys/{surveyId}/responses',
		scope: 'surveys:write',
		summary: 'Push survey responses',
		description: `Up to ${MAX_BATCH} single responses, through the same pipeline as an import: keyed by their id (sent again: a duplicate), counted in their month, comments masked for personal data.`,
		body: ResponsesBody,
		items: ResponseItem,
		status: 200,
		response: BatchResult
	},
	{
		id: 'pushComplaints',
		method: 'POST',
		path: '/rooms/{roomId}/complaints',
		scope: 'complaints:write',
		summary: 'Push complaints',
		description: `Up to ${MAX_BATCH} complaints, through the same pipeline as an import: counted per stage, category and month, keyed by their id (or content), the room's caps applied, the customer's words masked for personal data.`,
		body: ComplaintsBody,
		items: ComplaintItem,
		status: 200,
		response: BatchResult
	},
	{
		id: 'uploadArtifact',
		method: 'POST',
		path: '/rooms/{roomId}/artifacts',
		scope: 'artifacts:write',
		summary: 'Upload an artifact',
		description:
			'The body is the file itself (a picture, PDF, recording, video or document). Its type is read from its bytes, never from its name or Content-Type; programs are refused. The artifact is added to the stage with the title and caption given.',
		file: true,
		query: ArtifactQuery,
		status: 201,
		response: Created
	}
] as const satisfies readonly Operation[];

export type OperationId = (typeof OPERATIONS)[number]['id'];

/** The path parameters an operation's path names, in order. */
export function pathParameters(path: string): string[] {
	return [...path.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1]!);
}

const ID_SEGMENT = '([A-Za-z0-9_-]{1,64})';

/** The regular expression matching an operation's concrete paths (under `/api/v1`). */
export function pathPattern(path: string): RegExp {
	return new RegExp(`^/api/v1${path.replace(/\{[a-zA-Z]+\}/g, ID_SEGMENT)}$`);
}
