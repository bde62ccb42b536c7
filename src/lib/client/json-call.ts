/**
 * One way to call the server's JSON API from the browser: every helper built on it answers
 * `{ ok: true, ... }` or `{ ok: false, status, message }` with a message a person can act on.
 */
import { request, type ApiResult } from './access';

/** Sends a same-origin request and answers its JSON body, or a failure in words (`request` of access.ts). */
export async function call<T>(path: string, init: RequestInit = {}): Promise<ApiResult<T>> {
	const answer = await request<T>(path, init);
	return answer.ok ? { ok: true, ...answer.body } : answer;
}

/** The request options of a `method`, with `body` as JSON when there is one. */
export const send = (method: string, body?: unknown): RequestInit => ({
	method,
	...(body === undefined ? {} : { body: JSON.stringify(body) })
});
