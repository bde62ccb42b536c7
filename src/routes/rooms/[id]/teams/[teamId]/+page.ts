import type { PageLoad } from './$types';

export const load = (({ params }) => ({ roomId: params.id, teamId: params.teamId })) satisfies PageLoad;
