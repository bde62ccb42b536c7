import type { PageLoad } from './$types';

/** The wall reads its options (mode, rotation, segment...) from the query; see docs/wall.md. */
export const load = (({ params, url }) => ({ roomId: params.id, search: url.search })) satisfies PageLoad;
