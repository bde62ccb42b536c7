import type { PageLoad } from './$types';

export const load = (({ params }) => ({ roomId: params.id })) satisfies PageLoad;
