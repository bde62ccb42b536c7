/** A room's API keys, for its facilitators (server/http/api-keys-api.ts). */
import type { ApiResult } from './access';
import { call, send } from './json-call';

/** What a key may do (the server's `API_SCOPES`), each with the words the Access page shows. */
export const API_SCOPE_WORDS = {
	read: 'Read the room',
	'kpis:write': 'Push KPI values',
	'surveys:write': 'Push survey results',
	'complaints:write': 'Push complaints',
	'artifacts:write': 'Upload artifacts'
} as const;
export type ApiScopeName = keyof typeof API_SCOPE_WORDS;

export interface ApiKeyView {
	id: string;
	name: string;
	scopes: ApiScopeName[];
	createdAt: string;
	createdBy: string;
	expiresAt: string | null;
	lastUsedAt: string | null;
}

const base = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}/api-keys`;

export const fetchApiKeys = (roomId: string): Promise<ApiResult<{ keys: ApiKeyView[] }>> => call(base(roomId));

/** Makes a key; the answer carries the key itself, shown once. */
export const makeApiKey = (
	roomId: string,
	input: { name: string; scopes: ApiScopeName[]; days: number | null }
): Promise<ApiResult<ApiKeyView & { key: string }>> => call(base(roomId), send('POST', input));

export const revokeApiKey = (roomId: string, id: string): Promise<ApiResult<{ revoked: string }>> =>
	call(`${base(roomId)}/${encodeURIComponent(id)}`, send('DELETE'));
