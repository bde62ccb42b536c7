import type { Handle } from '@sveltejs/kit';

/** Security headers on every page (the CSP itself comes from svelte.config.js, with script hashes). */
export const handle: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('x-content-type-options', 'nosniff');
	response.headers.set('referrer-policy', 'no-referrer');
	response.headers.set('x-frame-options', 'DENY');
	response.headers.set('cross-origin-opener-policy', 'same-origin');
	response.headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=(), screen-wake-lock=(self)');
	return response;
};
