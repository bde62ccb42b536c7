import type { PageLoad } from './$types';

export const load = (({ params }) => ({ roomId: params.id, sessionId: params.sessionId })) satisfies PageLoad;
