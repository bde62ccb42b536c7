/**
 * One way to call the server's JSON API from the browser: every helper built on it answers
 * `{ ok: true, ... }` or `{ ok: false, status, message }` with a message a person can act on.
 */
import type { ApiResult } from './access';

/** Sends a same-origin request and answers its JSON body, or a failure in words. */
export async function call<T>(path: string, init: RequestInit = {}): Promise<ApiResult<T>> {
	let res: Response;
	try {
		res = await fetch(path, {
			...init,
			credentials: 'same-origin',
			cache: 'no-store',
			headers: init.body ? { 'content-type': 'application/json' } : undefined
		});
	} catch {
		return { ok: false, status: 0, message: 'The server could not be reached. Check your connection and try again.' };
	}
	const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
	if (!res.ok) {
		const message =
			typeof body?.message === 'string' ? body.message : `The server answered ${res.status}. Try again in a moment.`;
		return { ok: false, status: res.status, message };
	}
	return { ok: true, ...(body as T) };
}

/** The request options of a `method`, with `body` as JSON when there is one. */
export const send = (method: string, body?: unknown): RequestInit => ({
	method,
	...(body === undefined ? {} : { body: JSON.stringify(body) })
});
