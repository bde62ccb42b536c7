import { redirect } from '@sveltejs/kit';
import { checkInPage } from '$lib/client/votes';
import type { PageLoad } from './$types';

/** The short link on the room's big screen: on to the room's check-in page. */
export const load = (({ params }) => redirect(307, checkInPage(params.id))) satisfies PageLoad;
