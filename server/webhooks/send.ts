/**
 * One HTTP POST to a webhook endpoint: to a vetted address only (address-guard.ts), no redirects
 * followed (a 3xx is a failure), a time limit, and only the start of the answer read.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { RefusedAddressError, vetHost } from './address-guard';

export interface SendOptions {
	allowPrivate: boolean;
	timeoutMs: number;
}

/** What came of one attempt: `refused` never left this server. */
export type SendResult =
	| { outcome: 'delivered'; status: number; excerpt: string }
	| { outcome: 'failed'; status: number | null; excerpt: string }
	| { outcome: 'refused'; status: null; excerpt: string };

/** Most characters of an answer kept in the delivery log. */
export const EXCERPT_CHARS = 500;

async function readExcerpt(res: IncomingMessage): Promise<string> {
	let text = '';
	for await (const chunk of res) {
		text += (chunk as Buffer).toString('utf8');
		if (text.length >= EXCERPT_CHARS) break;
	}
	res.destroy();
	return text.slice(0, EXCERPT_CHARS);
}

/** POSTs `body` with `headers` to `url`; never throws. */
export async function sendWebhook(
	url: string,
	body: string,
	headers: Record<string, string>,
	options: SendOptions
): Promise<SendResult> {
	const target = new URL(url);
	let vetted;
	try {
		vetted = await vetHost(target.hostname, options.allowPrivate);
	} catch (error) {
		if (error instanceof RefusedAddressError) return { outcome: 'refused', status: null, excerpt: error.message };
		throw error;
	}
	// Connect to the address just checked, whatever DNS would answer now.
	const pinned: LookupFunction = (_host, lookupOptions, callback) => {
		if ((lookupOptions as { all?: boolean }).all)
			(callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [vetted]);
		else callback(null, vetted.address, vetted.family);
	};
	const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
	return new Promise<SendResult>((resolve) => {
		const req = request(
			target,
			{
				method: 'POST',
				lookup: pinned,
				headers: {
					...headers,
					'content-type': 'application/json',
					'content-length': Buffer.byteLength(body),
					'user-agent': 'CustomerRoom-Webhooks/1'
				},
				timeout: options.timeoutMs,
				signal: AbortSignal.timeout(options.timeoutMs)
			},
			(res) => {
				const status = res.statusCode ?? 0;
				readExcerpt(res)
					.then((excerpt) =>
						resolve(
							status >= 200 && status < 300
								? { outcome: 'delivered', status, excerpt }
								: {
										outcome: 'failed',
										status,
										excerpt:
											status >= 300 && status < 400
												? `Redirect to ${res.headers.location ?? '?'} not followed. ${excerpt}`
												: excerpt
									}
						)
					)
					.catch(() => resolve({ outcome: 'failed', status, excerpt: 'The answer was cut short.' }));
			}
		);
		req.on('timeout', () => req.destroy(new Error(`No answer within ${options.timeoutMs / 1000} s.`)));
		req.on('error', (error) => {
			const message =
				error.name === 'AbortError' || error.name === 'TimeoutError'
					? `No answer within ${options.timeoutMs / 1000} s.`
					: error.message;
			resolve({ outcome: 'failed', status: null, excerpt: message.slice(0, EXCERPT_CHARS) });
		});
		req.end(body);
	});
}
