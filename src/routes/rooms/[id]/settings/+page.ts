import type { PageLoad } from './$types';

// Rendered in the browser only (the root layout sets ssr = false): the page is a live socket view.
export const load = (({ params }) => ({ roomId: params.id })) satisfies PageLoad;
