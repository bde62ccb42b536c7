/**
 * Webhooks out, from the Access page: the calls to server/http/webhooks-api.ts, and the one home of the
 * words that name events, presets and outcomes.
 */
import type {
	CreateEndpointBody,
	DeliveryView,
	EndpointView,
	UpdateEndpointBody,
	WebhookKind,
	WebhookPreset
} from '$lib/protocol/webhooks';
import { call, send } from './json-call';

const base = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}/webhooks`;
const one = (roomId: string, id: string) => `${base(roomId)}/${encodeURIComponent(id)}`;

export const fetchEndpoints = (roomId: string) => call<{ endpoints: EndpointView[]; kinds: WebhookKind[] }>(base(roomId));
export const createEndpoint = (roomId: string, body: CreateEndpointBody) =>
	call<{ endpoint: EndpointView; secret: string }>(base(roomId), send('POST', body));
export const updateEndpoint = (roomId: string, id: string, body: UpdateEndpointBody) =>
	call<{ endpoint: EndpointView }>(one(roomId, id), send('PATCH', body));
export const deleteEndpoint = (roomId: string, id: string) => call<{ deleted: true }>(one(roomId, id), send('DELETE'));
export const rotateSecret = (roomId: string, id: string) =>
	call<{ endpoint: EndpointView; secret: string }>(`${one(roomId, id)}/rotate`, send('POST'));
export const fetchDeliveries = (roomId: string, id: string) =>
	call<{ deliveries: DeliveryView[] }>(`${one(roomId, id)}/deliveries`);
export const sendAgain = (roomId: string, id: string, messageId: string) =>
	call<{ queued: true }>(`${one(roomId, id)}/resend`, send('POST', { messageId }));
export const sendTest = (roomId: string, id: string) => call<{ messageId: string }>(`${one(roomId, id)}/ping`, send('POST'));

/** What each event is called in the form and the log. */
export const KIND_LABEL: Record<WebhookKind | 'ping', string> = {
	'win.marked': 'A win is marked',
	'team.chartered': 'A fix team is chartered',
	'team.statusChanged': "A team's status changes",
	'team.posted': 'A team posts an update',
	'kpi.targetCrossed': 'A KPI crosses its target',
	'kpi.signal': 'A KPI shows a new signal',
	'complaint.signal': 'A complaint category shows a new signal',
	'session.started': 'A session starts',
	'session.ended': 'A session ends (with its minutes)',
	'touchpoint.assessed': "A touchpoint's maturity changes",
	'screen.offline': 'A screen is offline longer than its alert time',
	ping: 'Test message'
};

export const PRESET_LABEL: Record<WebhookPreset, string> = {
	raw: 'Raw JSON (your own system)',
	slack: 'Slack incoming webhook',
	teams: 'Microsoft Teams workflow'
};

export const OUTCOME_LABEL: Record<DeliveryView['outcome'], string> = {
	delivered: 'Delivered',
	failed: 'Failed',
	refused: 'Refused (private address)'
};
